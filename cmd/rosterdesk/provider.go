package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	rsync "rosterdesk/sync"
	"rosterdesk/sync/rest"
)

const providerUsage = `usage:
  rosterdesk provider set --type classlink|infinitecampus|powerschool|aeries|oneroster11|oneroster12
                          --base-url URL [--token-url URL] [--client-id ID] [--auth oauth1|oauth2|bearer]
                          [--scopes "..."] [--app-name NAME] [--signature HMAC-SHA256|HMAC-SHA1]
                          [--page-size N] [--full-every-days N]
      The client secret (or bearer token) is read from standard input or from
      ROSTERDESK_CLIENT_SECRET and kept in the OS keychain, never in the roster file.
  rosterdesk provider test [--json]       a token, one page of orgs, one page of users
  rosterdesk provider show [--json]       the settings, and where the secret is kept
  rosterdesk provider forget-secret       remove the secret from the keychain
  rosterdesk sync provider [--scope ...] [--dry-run] [--json]
`

// stdin is where a piped secret is read from; stdinPiped tells whether
// something is piped in (a terminal or /dev/null is not).
var (
	stdin      io.Reader = os.Stdin
	stdinPiped           = func() bool {
		st, err := os.Stdin.Stat()
		return err == nil && st.Mode()&os.ModeCharDevice == 0
	}
)

// pipedSecret reads the first line of a piped standard input ("" if none).
func pipedSecret() string {
	if !stdinPiped() {
		return ""
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	return strings.TrimRight(line, "\r\n")
}

// syncFrom runs a sync of src (the engine's rule: rsync.PathSource,
// ManualSource); a provider pull may take its client secret from stdin.
func (c *cli) syncFrom(src rsync.SyncSource, opt rsync.Options) (*rsync.Result, error) {
	ctx := c.ctx
	if src.Kind == rsync.SourceProvider && os.Getenv(rsync.EnvClientSecret) == "" {
		if st := c.eng.SecretStatus(ctx); st.Where == "none" {
			if s := pipedSecret(); s != "" {
				ctx = rsync.WithClientSecret(ctx, s)
			}
		}
	}
	return c.eng.SyncFrom(ctx, src, opt)
}

func (c *cli) provider(args []string) int {
	if len(args) == 0 {
		args = []string{"show"}
	}
	switch args[0] {
	case "set":
		return c.providerSet(args[1:])
	case "test":
		return c.providerTest(args[1:])
	case "show":
		return c.providerShow(args[1:])
	case "forget-secret":
		if err := c.eng.ForgetClientSecret(c.ctx); err != nil {
			return c.fail(err)
		}
		fmt.Fprintln(c.out, "client secret removed from the keychain")
		return exitOK
	}
	fmt.Fprint(c.errw, providerUsage)
	return exitUnusable
}

func (c *cli) providerSet(args []string) int {
	fs := flag.NewFlagSet("provider set", flag.ContinueOnError)
	fs.SetOutput(c.errw)
	fs.Usage = func() { fmt.Fprint(c.errw, providerUsage) }
	typ := fs.String("type", "", "provider: "+strings.Join(rest.TypeNames(), ", "))
	base := fs.String("base-url", "", "the OneRoster base URL")
	token := fs.String("token-url", "", "OAuth 2 token URL")
	id := fs.String("client-id", "", "OAuth client id (consumer key)")
	auth := fs.String("auth", "", "oauth1, oauth2 or bearer")
	scopes := fs.String("scopes", "", "OAuth 2 scopes, separated by spaces")
	app := fs.String("app-name", "", "application name (Infinite Campus appName)")
	sig := fs.String("signature", "", "OAuth 1 signature method: HMAC-SHA256 or HMAC-SHA1")
	pageSize := fs.Int("page-size", 0, "records per page")
	every := fs.Int("full-every-days", -1, "a full pull every N days, delta pulls between (0: always full)")
	if _, ok := c.parse(fs, args, 0); !ok {
		return exitUnusable
	}
	p, err := c.eng.Provider(c.ctx)
	if err != nil {
		return c.fail(err)
	}
	if *typ != "" && !strings.EqualFold(*typ, p.Type) {
		// Another provider: nothing of the old one's auth carries over.
		p = rsync.ProviderSettings{PageSize: p.PageSize, FullEveryDays: p.FullEveryDays}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "type":
			p.Type = *typ
		case "base-url":
			p.BaseURL = *base
		case "token-url":
			p.TokenURL = *token
		case "client-id":
			p.ClientID = *id
		case "auth":
			p.Auth = *auth
		case "scopes":
			p.Scopes = *scopes
		case "app-name":
			p.AppName = *app
		case "signature":
			p.Signature = *sig
		case "page-size":
			p.PageSize = *pageSize
		case "full-every-days":
			p.FullEveryDays = *every
		}
	})
	if p.Type == "" || p.BaseURL == "" {
		fmt.Fprint(c.errw, "rosterdesk provider set: --type and --base-url are required\n\n"+providerUsage)
		return exitUnusable
	}
	secret := os.Getenv(rsync.EnvClientSecret)
	if secret == "" {
		secret = pipedSecret()
	}
	st, err := c.eng.SaveProvider(c.ctx, p, secret)
	if err != nil {
		fmt.Fprintln(c.errw, "rosterdesk provider set:", err)
		return exitFor(err)
	}
	saved, _ := c.eng.Provider(c.ctx)
	fmt.Fprintf(c.out, "provider saved: %s\n", saved.Name())
	switch st.Where {
	case "keychain":
		fmt.Fprintln(c.out, "client secret: stored in the OS keychain")
	case "session":
		fmt.Fprintln(c.out, "client secret: NOT stored —", st.Note)
	case "environment":
		fmt.Fprintln(c.out, "client secret: taken from", rsync.EnvClientSecret, "at each run")
	default:
		fmt.Fprintf(c.out, "client secret: none yet — pipe it in (printf %%s \"$SECRET\" | rosterdesk provider set ...) or set %s\n", rsync.EnvClientSecret)
		if st.NoKeychain {
			fmt.Fprintln(c.out, " ", st.Note)
		}
	}
	fmt.Fprintln(c.out, "check it with: rosterdesk provider test")
	return exitOK
}

func (c *cli) providerTest(args []string) int {
	fs := flag.NewFlagSet("provider test", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if _, ok := c.parse(fs, args, 0); !ok {
		return exitUnusable
	}
	ctx := c.ctx
	if os.Getenv(rsync.EnvClientSecret) == "" && c.eng.SecretStatus(ctx).Where == "none" {
		if s := pipedSecret(); s != "" {
			ctx = rsync.WithClientSecret(ctx, s)
		}
	}
	r, err := c.eng.TestConnection(ctx)
	if err != nil {
		fmt.Fprintln(c.errw, "rosterdesk provider test:", err)
		if rsync.IsRefused(err) {
			return exitRefused
		}
		return exitUnusable
	}
	if *asJSON {
		c.printJSON(r)
	} else {
		fmt.Fprint(c.out, r.Text())
	}
	if !r.OK {
		return exitUnusable
	}
	return exitOK
}

func (c *cli) providerShow(args []string) int {
	fs := flag.NewFlagSet("provider show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print as JSON")
	if _, ok := c.parse(fs, args, 0); !ok {
		return exitUnusable
	}
	p, err := c.eng.Provider(c.ctx)
	if err != nil {
		return c.fail(err)
	}
	st := c.eng.SecretStatus(c.ctx)
	if *asJSON {
		c.printJSON(map[string]any{"provider": p, "configured": p.Configured(), "secret": st})
		return exitOK
	}
	if !p.Configured() {
		fmt.Fprintln(c.out, "no REST provider is set up")
		fmt.Fprint(c.out, providerUsage)
		return exitOK
	}
	fmt.Fprintf(c.out, "%s\n", p.Name())
	for _, kv := range [][2]string{{"type", p.Type}, {"base URL", p.BaseURL}, {"token URL", p.TokenURL}, {"client id", p.ClientID},
		{"auth", p.Auth}, {"scopes", p.Scopes}, {"app name", p.AppName}, {"OAuth 1 signature", p.Signature},
		{"page size", strconv.Itoa(p.PageSize)}, {"full pull every", strconv.Itoa(p.FullEveryDays) + " days"}} {
		if kv[1] != "" {
			fmt.Fprintf(c.out, "  %-18s %s\n", kv[0], kv[1])
		}
	}
	fmt.Fprintf(c.out, "  %-18s %s\n", "client secret", st.Where+" — "+st.Note)
	for _, last := range []struct {
		name string
		at   time.Time
	}{{"last_full_pull", p.LastFullPull}, {"last_pull", p.LastPull}} {
		if !last.at.IsZero() {
			fmt.Fprintf(c.out, "  %-18s %s\n", last.name, last.at.UTC().Format(time.RFC3339))
		}
	}
	return exitOK
}
