package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	rsync "rosterdesk/sync"
)

func (p *preferencesScreen) adminSection() *prefSection {
	p.admin = widget.NewSelect(nil, nil)
	p.admin.PlaceHolder = "Choose an admin account"
	p.adminNote = widget.NewLabel("")
	p.adminNote.Wrapping = fyne.TextWrapWord
	p.adminNote.Hide()
	errs := map[string]*widget.Label{rsync.KeyCreditedAdmin: errLabel()}
	p.addAdmin = widget.NewButtonWithIcon("Add an admin account…", theme.ContentAddIcon(), func() { p.showAddAdmin() })
	s := p.section("Admin account", "Admin account credited with changes (required). It is recorded in the log as the person "+
		"responsible for every change a sync makes, for auditing and troubleshooting.", errs,
		fieldLabel("Credited admin"), container.NewBorder(nil, nil, nil, p.addAdmin, p.admin),
		errs[rsync.KeyCreditedAdmin], p.adminNote)
	p.admin.OnChanged = func(string) { s.edited() }
	s.fill = func(v rosterdesk.Settings) {
		p.admin.ClearSelected()
		for _, a := range p.admins {
			if strings.EqualFold(a.Email, v.Processes.CreditedAdmin) {
				p.admin.SetSelected(adminLabel(a))
			}
		}
	}
	s.apply = func(v *rosterdesk.Settings) map[string]string {
		v.Processes.CreditedAdmin = p.selectedAdmin()
		return nil
	}
	return s
}

func adminLabel(a rosterdesk.Admin) string { return a.Name + " <" + a.Email + ">" }

func (p *preferencesScreen) selectedAdmin() string {
	for _, a := range p.admins {
		if adminLabel(a) == p.admin.Selected {
			return a.Email
		}
	}
	return ""
}

func (p *preferencesScreen) setAdmins(admins []rosterdesk.Admin) {
	p.admins = admins
	opts := make([]string, len(admins))
	for i, a := range admins {
		opts[i] = adminLabel(a)
	}
	p.admin.Options = opts
	p.admin.Refresh()
}

// showAddAdmin asks for a new local admin account and selects it (Save credits it).
func (p *preferencesScreen) showAddAdmin() {
	name, email := newDialogEntry(), newDialogEntry()
	name.SetPlaceHolder("Full name")
	email.SetPlaceHolder("it@district.org")
	d := dialog.NewForm("Add an admin account", "Add", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Name", name), widget.NewFormItem("Email", email)},
		func(ok bool) {
			if ok {
				p.addAdminAccount(email.Text, name.Text)
			}
		}, p.win())
	submitOnEnter(d, &name.Entry, &email.Entry)
	d.Resize(fyne.NewSize(460, 220))
	d.Show()
}

// addAdminAccount adds the account with the engine and selects it.
func (p *preferencesScreen) addAdminAccount(email, name string) <-chan struct{} {
	return run(p.l, func(ctx context.Context) ([]rosterdesk.Admin, error) {
		a, err := p.eng.AddAdmin(ctx, email, name)
		if err != nil {
			return nil, err
		}
		list, err := p.eng.Admins(ctx)
		email = a.Email
		return list, err
	}, func(list []rosterdesk.Admin, err error) {
		if err != nil {
			p.sAdmin.setErr(rsync.KeyCreditedAdmin, "Could not add the account: "+err.Error())
			return
		}
		p.setAdmins(list)
		for _, a := range list {
			if a.Email == email {
				p.admin.SetSelected(adminLabel(a))
			}
		}
		p.sAdmin.setErr(rsync.KeyCreditedAdmin, "")
		p.adminNote.SetText("Account " + email + " added. Save to credit it with changes.")
		p.adminNote.Show()
	})
}
