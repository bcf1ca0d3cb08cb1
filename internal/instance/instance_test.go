package instance

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A second claim on a roster reaches the first, which shows its window; after
// Release the roster can be claimed again; a claim left by a dead app is taken over.
func TestOneAppPerRoster(t *testing.T) {
	db := filepath.Join(t.TempDir(), "roster.db")
	shown := make(chan struct{}, 4)
	first, err := Claim(db, func() { shown <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	// The same process's second claim is told apart by PID; use a raw ask, as another process would.
	other, err := ask(File(db))
	if err == nil {
		t.Fatalf("own claim not stale: %+v", other)
	}
	os.WriteFile(File(db)+".copy", nil, 0o600)

	// Another roster is free.
	second, err := Claim(filepath.Join(t.TempDir(), "other.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	second.Release()

	first.Release()
	if _, err := os.Stat(File(db)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("claim left behind: %v", err)
	}
	// A claim of a process that no longer runs is taken over.
	os.WriteFile(File(db), []byte(`{"pid":2147483000,"port":1,"token":"x"}`), 0o600)
	again, err := Claim(db, nil)
	if err != nil {
		t.Fatalf("stale claim not taken over: %v", err)
	}
	again.Release()
}
