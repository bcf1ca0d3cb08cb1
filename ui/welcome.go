package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"rosterdesk/data"
	rsync "rosterdesk/sync"
)

const welcomeText = "Welcome to RosterDesk. Every change a sync makes is credited to an admin account, for auditing and " +
	"troubleshooting, and no sync runs until one is chosen. Choose an existing account, or add yours."

// welcomeDialog is shown at first launch, while no admin account is credited with changes.
type welcomeDialog struct {
	m      *mainUI
	admins []data.Admin
	pick   *widget.Select
	name   *widget.Entry
	email  *widget.Entry
	err    *widget.Label
	save   *widget.Button
	d      *dialog.CustomDialog
}

// askForAdmin shows the welcome dialog if no admin is credited with changes yet.
func (m *mainUI) askForAdmin() <-chan struct{} {
	type state struct {
		credited string
		admins   []data.Admin
	}
	return run(m.load, func(ctx context.Context) (state, error) {
		var s state
		var err error
		if s.credited, err = m.eng.Setting(ctx, rsync.KeyCreditedAdmin); err != nil {
			return s, err
		}
		s.admins, err = m.eng.Admins(ctx)
		return s, err
	}, func(s state, err error) {
		if err != nil || s.credited != "" || m.window() == nil {
			return
		}
		m.welcome = newWelcomeDialog(m, s.admins)
	})
}

func newWelcomeDialog(m *mainUI, admins []data.Admin) *welcomeDialog {
	w := &welcomeDialog{m: m, admins: admins}
	intro := widget.NewLabel(welcomeText)
	intro.Wrapping = fyne.TextWrapWord
	var opts []string
	for _, a := range admins {
		opts = append(opts, adminLabel(a))
	}
	w.pick = widget.NewSelect(opts, nil)
	w.pick.PlaceHolder = "Choose an existing admin account"
	w.name, w.email = widget.NewEntry(), widget.NewEntry()
	w.name.SetPlaceHolder("Full name")
	w.email.SetPlaceHolder("it@district.org")
	w.err = errLabel()
	w.save = widget.NewButton("Save", func() { w.submit() })
	w.save.Importance = widget.HighImportance
	later := widget.NewButton("Later", func() { w.d.Hide() })
	items := []fyne.CanvasObject{intro}
	if len(admins) > 0 {
		items = append(items, fieldLabel("Existing account"), w.pick, fieldLabel("…or add a new admin account"))
	} else {
		items = append(items, fieldLabel("Add an admin account"))
	}
	items = append(items, widget.NewForm(widget.NewFormItem("Name", w.name), widget.NewFormItem("Email", w.email)), w.err)
	w.d = dialog.NewCustomWithoutButtons("Admin account credited with changes", container.NewVBox(items...), m.window())
	w.d.SetButtons([]fyne.CanvasObject{later, w.save})
	w.d.Resize(fyne.NewSize(560, 380))
	w.d.Show()
	return w
}

// submit adds the account if one was typed, credits it, and closes.
func (w *welcomeDialog) submit() <-chan struct{} {
	email, name := strings.TrimSpace(w.email.Text), strings.TrimSpace(w.name.Text)
	if email == "" && name == "" {
		for _, a := range w.admins {
			if adminLabel(a) == w.pick.Selected {
				email = a.Email
			}
		}
		if email == "" {
			w.err.SetText("Choose an account, or enter a name and an email address.")
			w.err.Show()
			return nil
		}
		name = ""
	}
	w.save.Disable()
	return run(w.m.load, func(ctx context.Context) (struct{}, error) {
		if name != "" || w.email.Text != "" {
			if _, err := w.m.eng.AddAdmin(ctx, email, name); err != nil {
				return struct{}{}, err
			}
		}
		_, err := w.m.eng.SaveSettings(ctx, map[string]string{rsync.KeyCreditedAdmin: email})
		return struct{}{}, err
	}, func(_ struct{}, err error) {
		w.save.Enable()
		if err != nil {
			var se *rsync.SettingsError
			if errors.As(err, &se) {
				err = errors.New(se.Fields[rsync.KeyCreditedAdmin])
			}
			w.err.SetText(err.Error())
			w.err.Show()
			return
		}
		w.d.Hide()
		if s := w.m.screens[w.m.tabs.Selected()]; s != nil {
			s.refresh()
		}
	})
}
