package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rosterdesk"
	"rosterdesk/assets"
	rsync "rosterdesk/sync"
)

// The first run: an empty roster opens on the welcome screen, which asks for
// the admin account credited with changes, then offers "Connect your SIS" or
// "Explore with a sample district". A roster with data but no credited admin
// (made with the CLI, say) asks for the admin in a dialog instead.

// Labels the README promises.
const (
	connectText = "Connect your SIS"
	sampleText  = "Explore with a sample district"
)

const welcomeText = "Welcome to RosterDesk. Every change a sync makes is credited to an admin account, for auditing and " +
	"troubleshooting, and no sync runs until one is chosen. Choose an existing account, or add yours."

// adminForm chooses or adds the admin account credited with changes.
type adminForm struct {
	l      *loader
	eng    *rsync.Engine
	admins []rosterdesk.Admin
	pick   *widget.Select
	name   *widget.Entry
	email  *widget.Entry
	err    *widget.Label
	save   *widget.Button
	box    *fyne.Container
	// onSaved is told the account now credited.
	onSaved func(a rosterdesk.Admin)
}

func newAdminForm(l *loader, eng *rsync.Engine, admins []rosterdesk.Admin) *adminForm {
	f := &adminForm{l: l, eng: eng, admins: admins}
	var opts []string
	for _, a := range admins {
		opts = append(opts, adminLabel(a))
	}
	f.pick = widget.NewSelect(opts, nil)
	f.pick.PlaceHolder = "Choose an existing admin account"
	f.name, f.email = widget.NewEntry(), widget.NewEntry()
	f.name.SetPlaceHolder("Full name")
	f.email.SetPlaceHolder("it@district.org")
	f.email.OnSubmitted = func(string) { f.submit() }
	f.err = errLabel()
	f.save = widget.NewButtonWithIcon("Save", theme.ConfirmIcon(), func() { f.submit() })
	f.save.Importance = widget.HighImportance
	var items []fyne.CanvasObject
	if len(admins) > 0 {
		items = append(items, fieldLabel("Existing account"), f.pick, fieldLabel("…or add a new admin account"))
	}
	items = append(items, widget.NewForm(widget.NewFormItem("Name", f.name), widget.NewFormItem("Email", f.email)), f.err)
	f.box = container.NewVBox(items...)
	return f
}

// submit adds the account if one was typed and credits it with changes.
func (f *adminForm) submit() <-chan struct{} {
	email, name := strings.TrimSpace(f.email.Text), strings.TrimSpace(f.name.Text)
	var chosen rosterdesk.Admin
	if email == "" && name == "" {
		for _, a := range f.admins {
			if adminLabel(a) == f.pick.Selected {
				chosen = a
			}
		}
		if chosen.Email == "" {
			f.err.SetText("Choose an account, or enter a name and an email address.")
			f.err.Show()
			return nil
		}
	}
	f.save.Disable()
	f.err.Hide()
	return run(f.l, func(ctx context.Context) (rosterdesk.Admin, error) {
		a := chosen
		if a.Email == "" {
			var err error
			if a, err = f.eng.AddAdmin(ctx, email, name); err != nil {
				return a, err
			}
		}
		_, err := f.eng.UpdateSettings(ctx, func(v *rosterdesk.Settings) { v.Processes.CreditedAdmin = a.Email }, rsync.KeyCreditedAdmin)
		return a, err
	}, func(a rosterdesk.Admin, err error) {
		f.save.Enable()
		if err != nil {
			var se *rsync.SettingsError
			if errors.As(err, &se) {
				err = errors.New(se.Fields[rsync.KeyCreditedAdmin])
			}
			f.err.SetText(err.Error())
			f.err.Show()
			return
		}
		if f.onSaved != nil {
			f.onSaved(a)
		}
	})
}

// welcomeDialog asks for the admin account on a roster that has data but no
// admin credited with changes.
type welcomeDialog struct {
	*adminForm
	d *dialog.CustomDialog
}

func newWelcomeDialog(m *mainUI, admins []rosterdesk.Admin) *welcomeDialog {
	w := &welcomeDialog{adminForm: newAdminForm(m.load, m.eng, admins)}
	intro := widget.NewLabel(welcomeText)
	intro.Wrapping = fyne.TextWrapWord
	later := widget.NewButton("Later", func() { w.d.Hide() })
	w.d = dialog.NewCustomWithoutButtons("Admin account credited with changes", container.NewVBox(intro, w.box), m.window())
	w.d.SetButtons([]fyne.CanvasObject{later, w.save})
	w.onSaved = func(rosterdesk.Admin) {
		w.d.Hide()
		if s := m.screens[m.tabs.Selected()]; s != nil {
			s.refresh()
		}
	}
	w.d.Resize(fyne.NewSize(560, 380))
	w.d.Show()
	return w
}

// welcomeScreen is the first-run screen of an empty roster.
type welcomeScreen struct {
	m        *mainUI
	form     *adminForm
	formBox  *fyne.Container
	credited *widget.Label // the account changes are credited to
	change   *widget.Button
	connect  *widget.Button
	sample   *widget.Button
	needs    *widget.Label // step 2 waits for step 1
	job      *jobView
	result   *widget.Label
	root     fyne.CanvasObject
}

func newWelcomeScreen(m *mainUI, credited string, admins []rosterdesk.Admin) *welcomeScreen {
	w := &welcomeScreen{m: m, form: newAdminForm(m.load, m.eng, admins)}
	icon := canvas.NewImageFromResource(assets.Icon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(56, 56))
	title := container.NewBorder(nil, nil, icon, nil, widget.NewRichTextFromMarkdown("# Welcome to RosterDesk"))
	para := func(text string) *widget.Label {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	intro := para("RosterDesk keeps your district's roster (buildings, students, staff, courses, classes and enrollments) in step " +
		"with your student information system, through the OneRoster exports it produces. Two steps to start.")

	w.credited = para("")
	w.credited.Importance = widget.SuccessImportance
	w.change = widget.NewButton("Change…", func() { w.showForm(true) })
	w.formBox = container.NewVBox(w.form.box, container.NewHBox(w.form.save))
	w.form.onSaved = func(a rosterdesk.Admin) { w.creditedTo(a.Name, a.Email) }
	step1 := widget.NewCard("1. Create the admin account credited with changes",
		"Every change a sync makes is recorded under this account, and no sync runs until one is set.",
		container.NewVBox(w.formBox, container.NewBorder(nil, nil, nil, w.change, w.credited)))

	w.connect = widget.NewButtonWithIcon(connectText, theme.ViewRefreshIcon(), func() { w.connectSIS() })
	w.connect.Importance = widget.HighImportance
	w.sample = widget.NewButtonWithIcon(sampleText, theme.FolderOpenIcon(), func() { w.loadSample() })
	w.needs = para("Create the admin account first.")
	w.needs.Importance = widget.WarningImportance
	w.job = newJobView()
	w.job.onBusy = func(busy bool) {
		if busy {
			w.connect.Disable()
			w.sample.Disable()
			w.change.Disable()
		} else {
			w.connect.Enable()
			w.sample.Enable()
			w.change.Enable()
		}
	}
	w.result = para("")
	w.result.Hide()
	connectHelp := para("Point RosterDesk at the OneRoster export your SIS produces, on the OneRoster tab: align the buildings, " +
		"synchronize buildings first, then users.")
	sampleHelp := para("Load a small invented district (schools, students, teachers, their courses, classes and enrollments; every " +
		"name, e-mail and phone number is made up) through the same steps as a real first sync. Every screen then has data, " +
		"and both runs are in History.")
	step2 := widget.NewCard("2. Choose how to start", "", container.NewVBox(
		w.needs,
		container.NewGridWithColumns(2,
			container.NewBorder(container.NewHBox(w.connect), nil, nil, nil, connectHelp),
			container.NewBorder(container.NewHBox(w.sample), nil, nil, nil, sampleHelp)),
		w.job.content(), w.result))

	body := container.NewVBox(title, intro, step1, step2)
	w.root = container.NewVScroll(container.New(&columnLayout{width: 860}, container.NewPadded(body)))
	if credited != "" {
		name := credited
		for _, a := range admins {
			if a.Email == credited {
				name = a.Name
			}
		}
		w.creditedTo(name, credited)
	} else {
		w.showForm(true)
	}
	return w
}

func (w *welcomeScreen) content() fyne.CanvasObject { return w.root }

// showForm shows the admin form (step 1 to do) or the account credited (step 1 done).
func (w *welcomeScreen) showForm(on bool) {
	if on {
		w.formBox.Show()
		w.credited.Hide()
		w.change.Hide()
		w.connect.Disable()
		w.sample.Disable()
		w.needs.Show()
		return
	}
	w.formBox.Hide()
	w.credited.Show()
	w.change.Show()
	w.connect.Enable()
	w.sample.Enable()
	w.needs.Hide()
}

func (w *welcomeScreen) creditedTo(name, email string) {
	w.credited.SetText(fmt.Sprintf("✓ Changes are credited to %s (%s).", name, email))
	w.showForm(false)
}

// connectSIS leaves the welcome screen for the OneRoster tab.
func (w *welcomeScreen) connectSIS() {
	w.m.closeWelcome()
	w.m.selectTab(NavOneRoster)
}

// loadSample loads the sample district (eng.LoadSample) with its progress,
// then shows the Roster.
func (w *welcomeScreen) loadSample() <-chan struct{} {
	w.result.Hide()
	return startJob(w.job, w.m.load, "Loading the sample district", func(ctx context.Context, progress func(rsync.Progress)) (*rsync.Result, error) {
		return w.m.eng.LoadSample(ctx, progress)
	}, func(r *rsync.Result, err error) {
		switch {
		case cancelled(err):
			showNote(w.result, "Cancelled: the run under way was rolled back.", widget.WarningImportance)
		case err != nil:
			showNote(w.result, errorText("Loading the sample district", err), widget.DangerImportance)
		default:
			w.m.closeWelcome()
			w.m.selectTab(NavRoster)
			w.loaded(r)
		}
	})
}

// loaded says what the sample district holds and where its runs are.
func (w *welcomeScreen) loaded(r *rsync.Result) {
	if w.m.window() == nil {
		return
	}
	text := widget.NewLabel(fmt.Sprintf("The sample district is loaded through the same two runs as a first sync: buildings, then users and courses "+
		"(run %d). Both are in History.\n\n%s\n\nEvery name in it is made up. To start over with your own district, close RosterDesk and "+
		"rename its data folder (About shows where it is): the next start opens a new, empty roster.", r.ID, countsSummary(r.Counts, r.Scope)))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Sample district loaded", "OK", text, w.m.window())
	d.Resize(fyne.NewSize(620, 0))
	d.Show()
}

// firstRun opens an empty roster on the welcome screen, and asks for the
// admin credited with changes when a roster with data has none.
func (m *mainUI) firstRun() <-chan struct{} {
	type state struct {
		credited string
		admins   []rosterdesk.Admin
		empty    bool
	}
	return run(m.load, func(ctx context.Context) (state, error) {
		var s state
		var err error
		set, err := m.eng.Settings(ctx)
		if err != nil {
			return s, err
		}
		s.credited = set.Processes.CreditedAdmin
		if s.admins, err = m.eng.Admins(ctx); err != nil {
			return s, err
		}
		rc, err := m.eng.Roster(ctx)
		if err != nil {
			return s, err
		}
		s.empty = rc.Empty()
		return s, nil
	}, func(s state, err error) {
		switch {
		case err != nil || m.window() == nil:
		case s.empty:
			m.showWelcome(newWelcomeScreen(m, s.credited, s.admins))
		case s.credited == "":
			m.welcome = newWelcomeDialog(m, s.admins)
		}
	})
}

// showWelcome puts the welcome screen in place of the tabs.
func (m *mainUI) showWelcome(w *welcomeScreen) {
	m.first = w
	if m.win != nil {
		m.win.SetContent(w.content())
	}
}

// closeWelcome puts the tabs back.
func (m *mainUI) closeWelcome() {
	if m.first == nil {
		return
	}
	m.first = nil
	if m.win != nil {
		m.win.SetContent(m.nav)
	}
}

// columnLayout centres its content in a column at most width wide.
type columnLayout struct{ width float32 }

func (c *columnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, c.width)
	for _, o := range objs {
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

func (c *columnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}
