package ui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
	"rosterdesk/sync/rest"
)

// Labels of the authentication choices.
var authLabels = map[rest.Auth]string{
	rest.AuthOAuth1: "OAuth 1.0a signatures",
	rest.AuthOAuth2: "OAuth 2 client credentials",
	rest.AuthBearer: "Bearer token (ClassLink proxy)",
}

// ProviderForm is the OneRoster REST provider connection: provider type,
// base URL, client id and secret, token URL, scopes, app name, with Save
// and "Test connection". Engine calls run off the UI goroutine. The secret
// is typed into a password entry, handed to the engine (which keeps it in
// the OS keychain) and never shown again.
type ProviderForm struct {
	ctx context.Context
	eng *rsync.Engine
	do  func(func()) // runs a function on the UI goroutine

	Type      *widget.Select
	BaseURL   *widget.Entry
	ClientID  *widget.Entry
	Secret    *widget.Entry
	Auth      *widget.Select
	Signature *widget.Select
	TokenURL  *widget.Entry
	Scopes    *widget.Entry
	AppName   *widget.Entry
	SaveBtn   *widget.Button
	TestBtn   *widget.Button
	Status    *widget.Label // where the secret is; what Save did
	Report    *widget.Label // the connection test, in plain words
	// OnSaved, when set, is told after the settings were saved (UI goroutine).
	OnSaved func(rsync.ProviderSettings)

	form    *widget.Form
	items   map[string]*widget.FormItem
	order   []string // every item's key, in form order
	content fyne.CanvasObject
	stored  rsync.ProviderSettings
	busy    int
	// inflight, when set, counts engine calls not yet shown (a window's loader).
	inflight *atomic.Int64
}

func newProviderForm(ctx context.Context, eng *rsync.Engine, do func(func())) *ProviderForm {
	return newProviderFormCounted(ctx, eng, do, nil)
}

// newProviderFormCounted builds the form for a window whose loader counts its engine calls.
func newProviderFormCounted(ctx context.Context, eng *rsync.Engine, do func(func()), inflight *atomic.Int64) *ProviderForm {
	f := &ProviderForm{ctx: ctx, eng: eng, do: do, items: map[string]*widget.FormItem{}, inflight: inflight}
	labels := make([]string, len(rest.ProviderTypes))
	for i, t := range rest.ProviderTypes {
		labels[i] = t.Label
	}
	f.Type = widget.NewSelect(labels, func(string) { f.typeChanged() })
	f.Type.PlaceHolder = "Choose the provider"
	f.BaseURL = widget.NewEntry()
	f.ClientID = widget.NewEntry()
	f.Secret = widget.NewPasswordEntry()
	f.Secret.SetPlaceHolder("client secret")
	f.Auth = widget.NewSelect(nil, func(string) { f.authChanged() })
	f.Signature = widget.NewSelect([]string{rest.HMACSHA256, rest.HMACSHA1}, nil)
	f.Signature.SetSelected(rest.HMACSHA256)
	f.TokenURL = widget.NewEntry()
	f.TokenURL.SetPlaceHolder("blank: the provider's usual token URL")
	f.Scopes = widget.NewEntry()
	f.Scopes.SetPlaceHolder("blank: the provider's usual scopes")
	f.AppName = widget.NewEntry()
	f.AppName.SetPlaceHolder("the appName Infinite Campus issued")
	f.Status = widget.NewLabel("")
	f.Status.Wrapping = fyne.TextWrapWord
	f.Report = widget.NewLabel("")
	f.Report.Wrapping = fyne.TextWrapWord
	f.SaveBtn = widget.NewButton("Save", func() { f.save() })
	f.TestBtn = widget.NewButton("Test connection", func() { f.test() })

	add := func(key, label string, w fyne.CanvasObject, hint string) *widget.FormItem {
		it := widget.NewFormItem(label, w)
		it.HintText = hint
		f.items[key] = it
		f.order = append(f.order, key)
		return it
	}
	f.form = widget.NewForm(
		add("type", "Provider", f.Type, ""),
		add("base", "Base URL", f.BaseURL, "the full OneRoster address, ending in /ims/oneroster/…"),
		add("auth", "Sign-in", f.Auth, ""),
		add("id", "Client id", f.ClientID, ""),
		add("secret", "Client secret", f.Secret, "kept in the OS keychain where this computer has one; never in the roster file"),
		add("sig", "Signature", f.Signature, "OAuth 1 signature method"),
		add("token", "Token URL", f.TokenURL, ""),
		add("scopes", "Scopes", f.Scopes, "separated by spaces"),
		add("app", "App name", f.AppName, "Infinite Campus appName"),
	)
	f.content = container.NewVBox(
		widget.NewLabelWithStyle("OneRoster REST provider", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		f.form,
		container.NewHBox(f.SaveBtn, f.TestBtn),
		f.Status,
		f.Report,
	)
	f.BaseURL.OnChanged = func(string) { f.tokenHint() }
	f.AppName.OnChanged = func(string) { f.tokenHint() }
	f.typeChanged()
	f.load()
	return f
}

// Content is the form, for the OneRoster tab.
func (f *ProviderForm) Content() fyne.CanvasObject { return f.content }

// background runs work off the UI goroutine and show on it afterwards.
func (f *ProviderForm) background(work func() func()) {
	f.busy++
	if f.inflight != nil {
		f.inflight.Add(1)
	}
	f.SaveBtn.Disable()
	f.TestBtn.Disable()
	go func() {
		show := work()
		f.do(func() {
			if f.inflight != nil {
				defer f.inflight.Add(-1)
			}
			f.busy--
			if f.busy == 0 {
				f.SaveBtn.Enable()
				f.TestBtn.Enable()
			}
			show()
		})
	}()
}

// load fills the form with the stored settings.
func (f *ProviderForm) load() {
	f.background(func() func() {
		p, err := f.eng.Provider(f.ctx)
		st := f.eng.SecretStatus(f.ctx)
		return func() {
			if err != nil {
				f.Status.SetText("Could not read the provider settings: " + err.Error())
				return
			}
			f.stored = p
			if t, ok := rest.TypeNamed(p.Type); ok {
				f.Type.SetSelected(t.Label)
			}
			f.BaseURL.SetText(p.BaseURL)
			f.ClientID.SetText(p.ClientID)
			f.TokenURL.SetText(p.TokenURL)
			f.Scopes.SetText(p.Scopes)
			f.AppName.SetText(p.AppName)
			if p.Signature != "" {
				f.Signature.SetSelected(p.Signature)
			}
			if p.Auth != "" {
				f.Auth.SetSelected(authLabels[rest.Auth(p.Auth)])
			}
			f.showSecretStatus(st)
		}
	})
}

func (f *ProviderForm) showSecretStatus(st rsync.SecretStatus) {
	if st.Note != "" {
		st.Note = strings.ToUpper(st.Note[:1]) + st.Note[1:]
	}
	switch st.Where {
	case "keychain":
		f.Secret.SetPlaceHolder("stored in the OS keychain (type to replace it)")
		f.Status.SetText("The client secret is stored in the OS keychain.")
	case "session":
		f.Secret.SetPlaceHolder("given for this session only")
		f.Status.SetText(st.Note)
	case "environment":
		f.Secret.SetPlaceHolder("taken from " + rsync.EnvClientSecret)
		f.Status.SetText(st.Note)
	default:
		f.Secret.SetPlaceHolder("client secret")
		if st.NoKeychain {
			f.Status.SetText(st.Note)
		} else {
			f.Status.SetText("")
		}
	}
}

func (f *ProviderForm) selectedType() (rest.ProviderType, bool) {
	for _, t := range rest.ProviderTypes {
		if t.Label == f.Type.Selected {
			return t, true
		}
	}
	return rest.ProviderType{}, false
}

func (f *ProviderForm) selectedAuth() rest.Auth {
	for a, l := range authLabels {
		if l == f.Auth.Selected {
			return a
		}
	}
	return ""
}

// typeChanged offers the type's sign-in methods and shows the fields it uses.
func (f *ProviderForm) typeChanged() {
	t, ok := f.selectedType()
	if !ok {
		f.Auth.SetOptions(nil)
		f.Auth.ClearSelected()
		f.authChanged()
		return
	}
	opts := make([]string, len(t.Auths))
	for i, a := range t.Auths {
		opts[i] = authLabels[a]
	}
	f.Auth.SetOptions(opts)
	if !t.Allows(f.selectedAuth()) {
		f.Auth.SetSelected(authLabels[t.DefaultAuth(f.BaseURL.Text, f.TokenURL.Text)])
	}
	f.BaseURL.SetPlaceHolder(t.Example)
	f.authChanged()
}

// authChanged shows the fields the sign-in method uses.
func (f *ProviderForm) authChanged() {
	t, _ := f.selectedType()
	a := f.selectedAuth()
	shown := map[string]bool{"type": true, "base": true, "auth": true, "secret": true,
		"id": a != rest.AuthBearer, "sig": a == rest.AuthOAuth1, "token": a == rest.AuthOAuth2, "scopes": a == rest.AuthOAuth2, "app": t.AppName}
	var items []*widget.FormItem
	for _, key := range f.order {
		it := f.items[key]
		if shown[key] {
			it.Widget.Show()
			items = append(items, it)
		} else {
			it.Widget.Hide() // and off the form, label and hint too
		}
	}
	secret := f.items["secret"]
	if a == rest.AuthBearer {
		secret.Text = "Bearer token"
	} else {
		secret.Text = "Client secret"
	}
	f.form.Items = items
	f.tokenHint()
	f.form.Refresh()
	if f.content != nil {
		f.content.Refresh() // the form's height changed: lay the column out again
	}
}

// tokenHint shows the token URL that a blank field stands for.
func (f *ProviderForm) tokenHint() {
	t, ok := f.selectedType()
	if !ok {
		return
	}
	if u := t.DefaultTokenURL(f.BaseURL.Text, f.AppName.Text); u != "" {
		f.TokenURL.SetPlaceHolder("blank: " + u)
	} else {
		f.TokenURL.SetPlaceHolder("the provider's token URL")
	}
}

// Settings are the form's values (the secret excluded).
func (f *ProviderForm) Settings() rsync.ProviderSettings {
	t, _ := f.selectedType()
	p := rsync.ProviderSettings{Type: t.Name, BaseURL: strings.TrimSpace(f.BaseURL.Text), Auth: string(f.selectedAuth()),
		PageSize: f.stored.PageSize, FullEveryDays: f.stored.FullEveryDays}
	if p.Auth != string(rest.AuthBearer) {
		p.ClientID = strings.TrimSpace(f.ClientID.Text)
	}
	switch rest.Auth(p.Auth) {
	case rest.AuthOAuth1:
		p.Signature = f.Signature.Selected
	case rest.AuthOAuth2:
		p.TokenURL, p.Scopes = strings.TrimSpace(f.TokenURL.Text), strings.TrimSpace(f.Scopes.Text)
	}
	if t.AppName {
		p.AppName = strings.TrimSpace(f.AppName.Text)
	}
	if p.PageSize == 0 {
		p.PageSize = 1000
	}
	if p.FullEveryDays == 0 && f.stored.Type == "" {
		p.FullEveryDays = 7
	}
	return p
}

// save stores the settings, and the secret when one was typed.
func (f *ProviderForm) save() {
	p := f.Settings()
	if p.Type == "" {
		f.Status.SetText("Choose the provider first.")
		return
	}
	secret := f.Secret.Text
	f.Status.SetText("Saving…")
	f.background(func() func() {
		st, err := f.eng.SaveProvider(f.ctx, p, secret)
		return func() {
			if err != nil {
				f.Status.SetText("Not saved: " + plainSettingsError(err))
				return
			}
			f.stored = p
			f.Secret.SetText("") // never left in the window
			f.showSecretStatus(st)
			msg := "Saved."
			switch st.Where {
			case "keychain":
				msg += " The client secret is stored in the OS keychain."
			case "none":
				msg += " No client secret yet: type it and save again."
			default:
				msg += " " + st.Note
			}
			f.Status.SetText(msg)
			if f.OnSaved != nil {
				f.OnSaved(p)
			}
		}
	})
}

// test runs the connection test with the form's values (saved or not).
func (f *ProviderForm) test() {
	p := f.Settings()
	if p.Type == "" {
		f.Report.SetText("Choose the provider first.")
		return
	}
	secret := f.Secret.Text
	f.Report.SetText("Testing the connection…")
	f.background(func() func() {
		r, err := f.eng.TestProvider(f.ctx, p, secret)
		return func() {
			if err != nil {
				f.Report.SetText("Cannot test yet: " + plainSettingsError(err))
				return
			}
			f.Report.SetText(r.Text())
		}
	})
}

// plainSettingsError words a settings error without setting keys.
func plainSettingsError(err error) string {
	var se *rsync.SettingsError
	if errors.As(err, &se) {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(se.Fields)) {
			parts = append(parts, fmt.Sprintf("%s: %s", rsync.ConnectionFieldName(k), se.Fields[k]))
		}
		return strings.Join(parts, "; ")
	}
	return err.Error()
}
