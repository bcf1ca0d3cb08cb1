package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"rosterdesk"
	rsync "rosterdesk/sync"
	"rosterdesk/sync/gen"
	"rosterdesk/sync/rest"
	"rosterdesk/sync/rest/resttest"
)

// Choosing "REST provider" shows the provider form instead of the bundle
// pickers (and back); once it is saved, the initial syncs and Sync now pull
// from the provider, with the same progress and results as a bundle.
func TestOneRosterProviderConnection(t *testing.T) {
	keyring.MockInit()
	t.Setenv(rsync.EnvClientSecret, "")
	dir := filepath.Join(t.TempDir(), "district")
	if err := gen.Generate(gen.Config{Seed: 3, Schools: 2, Students: 30, Teachers: 3, Version: "1.2"}).Write(dir, gen.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	srv := resttest.New(resttest.Generic12())
	defer srv.Close()
	if err := srv.Load(dir); err != nil {
		t.Fatal(err)
	}
	eng := adminEngine(t)
	m, s := openOneRoster(t, eng)
	f := s.provider

	// A bundle by default: its pickers, no provider form.
	if s.kind.Selected != kindCSV || !s.csvBox.Visible() || f.Content().Visible() || !s.tableBox.Visible() {
		t.Fatalf("default view: kind %q, csv %v, form %v", s.kind.Selected, s.csvBox.Visible(), f.Content().Visible())
	}
	s.kind.SetSelected(kindREST)
	idle(t, m)
	if setting(t, eng, rsync.KeySyncSource) != "provider" {
		t.Fatalf("sync.source = %q", setting(t, eng, rsync.KeySyncSource))
	}
	if s.csvBox.Visible() || !f.Content().Visible() || s.tableBox.Visible() || s.source.Text != noProviderText || s.alignSummary.Text != providerAlignText {
		t.Fatalf("provider view: csv %v, form %v, source %q, alignment %q", s.csvBox.Visible(), f.Content().Visible(), s.source.Text, s.alignSummary.Text)
	}
	if !s.syncBuildings.Disabled() {
		t.Fatal("a building sync is offered without a provider")
	}

	// Set up the provider in the form and save it.
	typ, _ := rest.TypeNamed("oneroster12")
	f.Type.SetSelected(typ.Label)
	f.BaseURL.SetText(srv.BaseURL())
	f.ClientID.SetText(resttest.ClientID)
	f.Secret.SetText(resttest.ClientSecret)
	f.TokenURL.SetText(srv.TokenURL())
	test.Tap(f.SaveBtn)
	idle(t, m)
	p, _ := eng.Provider(context.Background())
	if !strings.Contains(f.Status.Text, "Saved.") || !strings.HasPrefix(s.source.Text, "Source: "+p.Name()) || s.syncBuildings.Disabled() {
		t.Fatalf("after Save: status %q, source %q, buildings enabled %v", f.Status.Text, s.source.Text, !s.syncBuildings.Disabled())
	}

	// The building sync, then users, pull from the provider.
	wait(t, s.runSync(rosterdesk.ScopeBuildings))
	idle(t, m)
	if !strings.HasPrefix(s.buildingsResult.Text, "Done: Buildings synchronized") || !strings.Contains(s.buildingsResult.Text, "Buildings: 2 added") {
		t.Fatalf("buildings: %q", s.buildingsResult.Text)
	}
	wait(t, s.runSync(""))
	idle(t, m)
	runs, _ := eng.History(context.Background(), 2, 0)
	if len(runs) != 2 || runs[0].Source != p.Name() || runs[1].Source != p.Name() || runs[0].Status != rosterdesk.StatusApplied || runs[0].Counts.Users.Added == 0 {
		t.Fatalf("runs %+v", runs)
	}
	if !strings.Contains(s.usersResult.Text, "(run "+strconvI(runs[0].ID)+")") || s.syncNow.Disabled() {
		t.Fatalf("users: %q, Sync now enabled %v", s.usersResult.Text, !s.syncNow.Disabled())
	}
	calls := srv.Calls()
	test.Tap(s.syncNow)
	if !s.job.box.Visible() {
		t.Error("no progress while Sync now pulls")
	}
	idle(t, m)
	if srv.Calls() == calls || !strings.HasPrefix(s.usersResult.Text, "Done:") {
		t.Fatalf("Sync now did not pull (%d calls): %q", srv.Calls()-calls, s.usersResult.Text)
	}

	// Back to a bundle: its view again, and the setting follows.
	s.kind.SetSelected(kindCSV)
	idle(t, m)
	if setting(t, eng, rsync.KeySyncSource) != "folder" || !s.csvBox.Visible() || f.Content().Visible() || s.source.Text != noSourceText {
		t.Fatalf("back to a bundle: %q, csv %v, form %v, %q", setting(t, eng, rsync.KeySyncSource), s.csvBox.Visible(), f.Content().Visible(), s.source.Text)
	}
}
