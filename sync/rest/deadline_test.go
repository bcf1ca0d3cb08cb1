package rest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Failure 7: a server that trickles its answer (slow-loris) or never answers
// fails within the dead-server budget, not after every retry's full timeout.
func TestSlowLorisAndDeadServerFailWithinTheBudget(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		w.Write([]byte(`{"users":[`))
		for {
			select {
			case <-stop:
				return
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
				w.Write([]byte(" ")) // a byte now and then keeps a read timeout from firing
				w.(http.Flusher).Flush()
			}
		}
	}))
	defer slow.Close()
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	defer silent.Close()
	for name, base := range map[string]string{"slow-loris": slow.URL, "no answer": silent.URL} {
		cfg := Config{BaseURL: base + "/ims/oneroster/v1p1", Version: "1.1", Auth: AuthBearer, ClientSecret: "token-123456",
			Timeout: 300 * time.Millisecond, DeadServer: time.Second, Backoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = c.get(context.Background(), "users", base+"/ims/oneroster/v1p1/users")
		took := time.Since(start)
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindTimeout {
			t.Fatalf("%s: %v", name, err)
		}
		if took > cfg.DeadServer+200*time.Millisecond {
			t.Errorf("%s: failed after %s, past the %s budget (%d tries)", name, took, cfg.DeadServer, e.Attempts)
		}
	}
	// The defaults: a dead server fails within two minutes.
	d := Config{}.withDefaults()
	if d.DeadServer > 2*time.Minute || d.Timeout >= d.DeadServer {
		t.Fatalf("defaults %s per call, %s in all", d.Timeout, d.DeadServer)
	}
}
