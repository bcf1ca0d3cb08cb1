package sync_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/zalando/go-keyring"

	"rosterdesk"
	rsync "rosterdesk/sync"
	"rosterdesk/sync/report"
)

// echoServer answers every call with an error whose body repeats the request:
// its headers and its form, as some servers do. tokenOK lets the token call succeed.
func echoServer(t *testing.T, tokenOK bool) *httptest.Server {
	echo := func(r *http.Request) string {
		var keys []string
		for k := range r.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "%s: %s; ", k, strings.Join(r.Header[k], ","))
		}
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(&b, "body: %s; url: %s", body, r.URL.String())
		return b.String()
	}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/token") {
			if tokenOK {
				json.NewEncoder(w).Encode(map[string]any{"access_token": echoToken, "token_type": "bearer", "expires_in": 3600})
				return
			}
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]any{"error": "invalid_client", "error_description": "refused: " + echo(r)})
			return
		}
		w.WriteHeader(http.StatusForbidden)
		json.NewEncoder(w).Encode(map[string]any{"imsx_codeMajor": "failure", "imsx_severity": "error", "imsx_description": "no access for " + echo(r)})
	}))
	t.Cleanup(s.Close)
	return s
}

const (
	echoID     = "rosterdesk-client"
	echoSecret = "s3cr3t+/=&Pa ss"
	echoToken  = "tok-9f8e7d6c5b4a3210FEDCBA"
)

// Failure 4: a server that echoes the request never gets a credential into a
// run's message, its log, History, an export, the roster file or `provider test`.
func TestSecretsNeverStoredEvenWhenEchoed(t *testing.T) {
	forms := []string{echoSecret, url.QueryEscape(echoSecret), url.PathEscape(echoSecret),
		base64.StdEncoding.EncodeToString([]byte(echoID + ":" + echoSecret)),
		base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(echoID) + ":" + url.QueryEscape(echoSecret))),
		echoToken}
	for _, tokenOK := range []bool{false, true} {
		t.Run(fmt.Sprintf("token_ok=%v", tokenOK), func(t *testing.T) {
			ctx := context.Background()
			keyring.MockInit()
			t.Setenv(rsync.EnvClientSecret, "")
			srv := echoServer(t, tokenOK)
			dbPath := filepath.Join(t.TempDir(), "roster.db")
			e, err := rsync.OpenWith(dbPath, zerolog.Nop(), rsync.OpenOptions{Create: true})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			e.AddAdmin(ctx, "it@example.org", "IT Admin")
			e.SetSetting(ctx, rsync.KeyCreditedAdmin, "it@example.org")
			p := rsync.ProviderSettings{Type: "oneroster12", BaseURL: srv.URL + "/ims/oneroster/rostering/v1p2", TokenURL: srv.URL + "/token",
				ClientID: echoID, PageSize: 50, FullEveryDays: 7}
			if _, err := e.SaveProvider(ctx, p, echoSecret); err != nil {
				t.Fatal(err)
			}
			var seen []string
			check := func(where, text string) {
				t.Helper()
				seen = append(seen, where)
				for _, f := range forms {
					if strings.Contains(text, f) {
						t.Errorf("%s holds a credential %q:\n%s", where, f, text)
					}
				}
			}
			res, err := e.SyncProvider(ctx, rsync.Options{Scope: rosterdesk.ScopeBuildings})
			if err == nil || res == nil || res.ID == 0 {
				t.Fatalf("want a failed, recorded run: %v %+v", err, res)
			}
			if !strings.Contains(err.Error(), "[secret]") {
				t.Errorf("the echo did not reach the message, so the test proves nothing: %v", err)
			}
			check("the error", err.Error())
			hist, _ := e.History(ctx, 0, 0)
			b, _ := json.Marshal(hist)
			check("history --json", string(b))
			var log bytes.Buffer
			e.RunLog(ctx, res.ID, func(en rosterdesk.LogEntry) error { b, _ := json.Marshal(en); log.Write(b); return nil })
			check("log --json", log.String())
			var csvOut, xlsxOut bytes.Buffer
			if err := report.WriteCSV(ctx, e, res.ID, &csvOut); err != nil {
				t.Fatal(err)
			}
			check("log --csv", csvOut.String())
			if err := report.WriteXLSX(ctx, e, res.ID, &xlsxOut); err != nil {
				t.Fatal(err)
			}
			zr, _ := zip.NewReader(bytes.NewReader(xlsxOut.Bytes()), int64(xlsxOut.Len()))
			for _, f := range zr.File {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				check("log --xlsx "+f.Name, string(b))
			}
			rep, err := e.TestConnection(ctx)
			if err != nil {
				t.Fatal(err)
			}
			rb, _ := json.Marshal(rep)
			check("provider test", rep.Text()+string(rb))
			e.Close()
			for _, suffix := range []string{"", "-wal"} {
				raw, _ := os.ReadFile(dbPath + suffix)
				check("the roster file"+suffix, string(raw))
			}
		})
	}
}
