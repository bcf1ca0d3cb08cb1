package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/rs/zerolog"
	"gopkg.in/natefinch/lumberjack.v2"

	"rosterdesk/internal/appinfo"
)

// fileLogger writes structured lines to a rotating file (and to also, when set).
func fileLogger(path string, level zerolog.Level, also io.Writer) zerolog.Logger {
	os.MkdirAll(filepath.Dir(path), 0o755)
	var w io.Writer = &lumberjack.Logger{Filename: path, MaxSize: 10, MaxBackups: 5, MaxAge: 90}
	if also != nil {
		w = zerolog.MultiLevelWriter(w, also)
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}

// serve runs the automated sync without a window until it is stopped.
func (c *cli) serve(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	logFile := fs.String("log", filepath.Join(appinfo.LogDir(), "rosterdesk.log"), "rotating log file")
	if _, ok := c.parse(fs, args, 0); !ok {
		return exitUnusable
	}
	set, readErr := c.eng.Settings(c.ctx)
	level, err := zerolog.ParseLevel(set.Logs.Level)
	if err != nil || level == zerolog.NoLevel {
		level = zerolog.InfoLevel
	}
	log := fileLogger(*logFile, level, zerolog.ConsoleWriter{Out: c.errw, NoColor: true})
	if readErr != nil {
		log.Warn().Err(readErr).Msg("could not read the log level setting; logging at info")
	}
	c.eng.Log = log
	c.eng.Holder = "rosterdesk serve"
	s, err := c.eng.NewScheduler(nil)
	if err != nil {
		return c.fail(err)
	}
	if err := s.Start(c.ctx); err != nil {
		return c.fail(err)
	}
	tt := c.eng.Timetable(c.ctx)
	if next, ok := s.Next(); ok {
		fmt.Fprintf(c.out, "rosterdesk serve: next automated sync %s UTC (%s local); log %s\n",
			next.UTC().Format("Mon 2006-01-02 15:04"), next.Local().Format("Mon 15:04 MST"), *logFile)
	} else {
		fmt.Fprintf(c.out, "rosterdesk serve: no automated sync is scheduled (%s); waiting for the settings to change; log %s\n", tt.Off, *logFile)
	}
	log.Info().Str("db", c.eng.Path()).Str("log", *logFile).Msg("serve started")
	// Settings may change from the app or the CLI: look again every minute.
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	last := tt
	for {
		select {
		case <-stop:
		case <-c.ctx.Done():
		case <-tick.C:
			if now := c.eng.Timetable(c.ctx); fmt.Sprint(now) != fmt.Sprint(last) {
				last = now
				s.Reschedule(c.ctx)
			}
			continue
		}
		break
	}
	next, ok := s.Next()
	s.Stop()
	if ok {
		fmt.Fprintf(c.out, "rosterdesk serve: stopped; the next automated sync would have been %s UTC\n", next.UTC().Format("Mon 2006-01-02 15:04"))
	}
	log.Info().Msg("serve stopped")
	return exitOK
}
