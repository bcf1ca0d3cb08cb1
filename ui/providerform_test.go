package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	rsync "rosterdesk/sync"
	"rosterdesk/sync/gen"
	"rosterdesk/sync/rest/resttest"
)

// queued runs the form's UI updates on the test goroutine, in order.
type queued chan func()

func (q queued) do(f func()) { q <- f }

// next runs the next UI update, waiting for it.
func (q queued) next(t *testing.T) {
	t.Helper()
	select {
	case f := <-q:
		f()
	case <-time.After(15 * time.Second):
		t.Fatal("the form's engine call did not finish")
	}
}

func TestProviderForm(t *testing.T) {
	keyring.MockInit()
	t.Setenv(rsync.EnvClientSecret, "")
	test.NewTempApp(t)
	dir := filepath.Join(t.TempDir(), "district")
	if err := gen.Generate(gen.Config{Seed: 2, Schools: 2, Students: 30, Teachers: 3, Version: "1.2"}).Write(dir, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	s := resttest.New(resttest.InfiniteCampus())
	defer s.Close()
	if err := s.Load(dir); err != nil {
		t.Fatal(err)
	}
	eng := openEngine(t)
	q := make(queued, 4)
	f := newProviderForm(context.Background(), eng, q.do)
	q.next(t) // loaded: nothing stored yet
	w := test.NewTempWindow(t, f.Content())
	_ = w

	// Infinite Campus: OAuth 2, with token URL, scopes and app name; no OAuth 1 signature.
	f.Type.SetSelected("Infinite Campus (OneRoster 1.2)")
	if f.Auth.Selected != "OAuth 2 client credentials" || !f.AppName.Visible() || !f.TokenURL.Visible() || f.Signature.Visible() {
		t.Fatalf("IC fields: auth %q app %v token %v sig %v", f.Auth.Selected, f.AppName.Visible(), f.TokenURL.Visible(), f.Signature.Visible())
	}
	test.Type(f.BaseURL, s.BaseURL())
	test.Type(f.ClientID, resttest.ClientID)
	test.Type(f.Secret, resttest.ClientSecret)
	test.Type(f.TokenURL, s.URL+"/campus/oauth2/token")

	// Without the app name the test says what is missing.
	test.Tap(f.TestBtn)
	q.next(t)
	if !strings.Contains(f.Report.Text, "appName") {
		t.Fatalf("report %q", f.Report.Text)
	}
	test.Type(f.AppName, "rosterdesk")
	test.Tap(f.TestBtn)
	if f.TestBtn.Disabled() == false {
		t.Fatal("the button should be disabled while the test runs")
	}
	q.next(t)
	if !strings.Contains(f.Report.Text, "The connection works.") || !strings.Contains(f.Report.Text, "Access token") {
		t.Fatalf("report %q", f.Report.Text)
	}

	test.Tap(f.SaveBtn)
	q.next(t)
	if !strings.Contains(f.Status.Text, "stored in the OS keychain") || f.Secret.Text != "" {
		t.Fatalf("status %q, secret left %q", f.Status.Text, f.Secret.Text)
	}
	if r, err := eng.TestConnection(context.Background()); err != nil || !r.OK {
		t.Fatalf("saved settings do not work: %v %+v", err, r)
	}

	// A wrong secret: the report says the token server refused it.
	test.Type(f.Secret, "nope")
	test.Tap(f.TestBtn)
	q.next(t)
	if !strings.Contains(f.Report.Text, "refused the client id or secret") {
		t.Fatalf("report %q", f.Report.Text)
	}

	// A new form shows what was saved, never the secret.
	g := newProviderForm(context.Background(), eng, q.do)
	q.next(t)
	if g.Type.Selected != "Infinite Campus (OneRoster 1.2)" || g.BaseURL.Text != s.BaseURL() || g.AppName.Text != "rosterdesk" ||
		g.Secret.Text != "" || !strings.Contains(g.Secret.PlaceHolder, "keychain") {
		t.Fatalf("reloaded: %q %q %q %q", g.Type.Selected, g.BaseURL.Text, g.AppName.Text, g.Secret.PlaceHolder)
	}

	// ClassLink: OAuth 1 with a signature method, no token URL or scopes.
	g.Type.SetSelected("ClassLink (OneRoster 1.1)")
	if g.Auth.Selected != "OAuth 1.0a signatures" || !g.Signature.Visible() || g.TokenURL.Visible() || g.Scopes.Visible() || g.AppName.Visible() {
		t.Fatal("ClassLink fields")
	}
	g.Auth.SetSelected("Bearer token (ClassLink proxy)")
	if g.ClientID.Visible() || g.items["secret"].Text != "Bearer token" {
		t.Fatal("bearer fields")
	}
}
