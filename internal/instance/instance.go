// Package instance keeps one RosterDesk window per roster. The first app on
// a roster listens on a loopback port and writes where (with a random token)
// beside the roster; a second launch finds it there and asks it to bring its
// window forward instead of opening another. The roster's run lock is a
// separate thing: `rosterdesk serve` and the app still share the roster.
package instance

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Other is the RosterDesk already open on the roster.
type Other struct {
	PID int
	// Shown: it brought its window forward. False when it could not be
	// reached (it is starting, or hung): the caller says it is open, with its PID.
	Shown bool
}

func (o *Other) Error() string {
	return fmt.Sprintf("RosterDesk is already open on this roster (process %d)", o.PID)
}

// Instance is this app's claim on a roster.
type Instance struct {
	path  string
	token string
	ln    net.Listener
	done  chan struct{}
}

// record is the file beside the roster.
type record struct {
	PID   int    `json:"pid"`
	Port  int    `json:"port"`
	Token string `json:"token"`
}

// File is where the claim on the roster at db is written.
func File(db string) string { return db + ".app" }

// Claim makes this process the roster's app, or finds the one that is: then
// it asks it to show its window and returns an *Other as the error. show is
// called (on the listener's goroutine) each time a later launch asks.
func Claim(db string, show func()) (*Instance, error) {
	if abs, err := filepath.Abs(db); err == nil {
		db = abs
	}
	path := File(db)
	for attempt := 0; ; attempt++ {
		in, err := create(path, show)
		if err == nil || !errors.Is(err, os.ErrExist) {
			return in, err
		}
		other, err := ask(path)
		if err == nil {
			return nil, other
		}
		if attempt >= 2 {
			return nil, err
		}
		// Stale: the app that wrote it is gone.
		os.Remove(path)
	}
}

// errStale: the claim file names an app that is no longer running.
var errStale = errors.New("stale claim")

// ask reads the claim and asks its app to show its window.
func ask(path string) (*Other, error) {
	var rec record
	for i := 0; ; i++ { // the file may be being written
		b, err := os.ReadFile(path)
		if err == nil && json.Unmarshal(b, &rec) == nil && rec.PID > 0 {
			break
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil, errStale
		}
		if i >= 20 {
			return nil, errStale // unreadable and not being written: take it over
		}
		time.Sleep(50 * time.Millisecond)
	}
	if rec.PID == os.Getpid() || !processAlive(rec.PID) {
		return nil, errStale
	}
	other := &Other{PID: rec.PID}
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", rec.Port), 2*time.Second)
	if err != nil {
		return other, nil // alive but not answering: say it is open
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(3 * time.Second))
	fmt.Fprintf(conn, "%s show\n", rec.Token)
	reply, _ := bufio.NewReader(conn).ReadString('\n')
	other.Shown = strings.TrimSpace(reply) == "shown"
	return other, nil
}

func create(path string, show func()) (*Instance, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		ln.Close()
		return nil, err
	}
	tok := make([]byte, 16)
	rand.Read(tok)
	in := &Instance{path: path, token: hex.EncodeToString(tok), ln: ln, done: make(chan struct{})}
	err = json.NewEncoder(f).Encode(record{PID: os.Getpid(), Port: ln.Addr().(*net.TCPAddr).Port, Token: in.token})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		ln.Close()
		os.Remove(path)
		return nil, err
	}
	go in.serve(show)
	return in, nil
}

func (in *Instance) serve(show func()) {
	for {
		conn, err := in.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(3 * time.Second))
			line, _ := bufio.NewReader(conn).ReadString('\n')
			if strings.TrimSpace(line) != in.token+" show" {
				return // not a RosterDesk of this roster
			}
			if show != nil {
				show()
			}
			fmt.Fprintln(conn, "shown")
		}()
	}
}

// Release gives the roster up: the claim file is removed if it is still ours.
func (in *Instance) Release() {
	if in == nil {
		return
	}
	in.ln.Close()
	var rec record
	if b, err := os.ReadFile(in.path); err == nil && json.Unmarshal(b, &rec) == nil && rec.Token == in.token {
		os.Remove(in.path)
	}
}
