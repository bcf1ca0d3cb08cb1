package ui

import (
	"context"
	"errors"
	"fmt"
	gosync "sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	rsync "rosterdesk/sync"
)

// jobView shows one long engine call: a title, a progress bar with the phase
// and the running counts, and Cancel. Cancelling cancels the call's context;
// the engine rolls back whatever it had started.
type jobView struct {
	title  *widget.Label
	phase  *widget.Label
	counts *widget.Label
	bar    *widget.ProgressBar
	spin   *widget.ProgressBarInfinite
	cancel *widget.Button
	box    *fyne.Container

	stop    context.CancelFunc
	running bool
	// stopped: Cancel was pressed for the job that just ended. The engine's
	// error then means the cancellation, whatever it says.
	stopped bool
	// onBusy is told when a job starts and ends, so screens can disable their buttons.
	onBusy func(bool)
}

func newJobView() *jobView {
	j := &jobView{
		title:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		phase:  widget.NewLabel(""),
		counts: widget.NewLabel(""),
		bar:    widget.NewProgressBar(),
		spin:   widget.NewProgressBarInfinite(),
	}
	j.phase.Truncation = fyne.TextTruncateEllipsis
	j.counts.Wrapping = fyne.TextWrapWord
	j.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if j.stop != nil {
			j.stop()
			j.stopped = true
			j.cancel.Disable()
			j.phase.SetText("Cancelling… everything this run started is rolled back.")
		}
	})
	j.bar.Hide()
	j.spin.Stop()
	bars := container.NewStack(j.bar, j.spin)
	j.box = container.NewVBox(j.title, container.NewBorder(nil, nil, nil, j.cancel, bars), j.phase, j.counts)
	j.box.Hide()
	return j
}

func (j *jobView) content() fyne.CanvasObject { return j.box }

// show puts a progress report on the widgets (UI goroutine).
func (j *jobView) show(p rsync.Progress) {
	text := p.Phase
	if p.Total > 0 {
		j.spin.Hide()
		j.spin.Stop()
		j.bar.Show()
		j.bar.Max = float64(p.Total)
		j.bar.SetValue(float64(p.Done))
		text += ": " + num(p.Done) + " of " + num(p.Total) + " rows"
	} else {
		j.bar.Hide()
		j.spin.Show()
		j.spin.Start()
		if p.Done > 0 {
			text += ": " + num(p.Done) + " rows"
		}
	}
	if !j.cancel.Disabled() {
		j.phase.SetText(text)
	}
	j.counts.SetText(runningCounts(p.Counts))
}

// progressSink hands engine progress to the UI goroutine without flooding it:
// while one update waits for the UI goroutine, later reports only replace it.
type progressSink struct {
	l       *loader
	mu      gosync.Mutex
	last    rsync.Progress
	pending bool
	show    func(rsync.Progress)
}

func (s *progressSink) report(p rsync.Progress) {
	s.mu.Lock()
	s.last = p
	if s.pending {
		s.mu.Unlock()
		return
	}
	s.pending = true
	s.mu.Unlock()
	s.l.ui(func() {
		s.mu.Lock()
		p := s.last
		s.pending = false
		s.mu.Unlock()
		s.show(p)
	})
}

// startJob runs work off the UI goroutine with a cancellable context and a
// progress callback, then calls done on the UI goroutine. The returned
// channel closes after done has run. A job already running is not replaced:
// startJob returns nil.
func startJob[T any](j *jobView, l *loader, title string,
	work func(ctx context.Context, progress func(rsync.Progress)) (T, error), done func(T, error)) <-chan struct{} {
	if j.running {
		return nil
	}
	ctx, stop := context.WithCancel(l.ctx)
	j.stop, j.running, j.stopped = stop, true, false
	j.title.SetText(title)
	j.phase.SetText("Starting…")
	j.counts.SetText("")
	j.cancel.Enable()
	j.show(rsync.Progress{Phase: "Starting"})
	j.phase.SetText("Starting…")
	j.box.Show()
	if j.onBusy != nil {
		j.onBusy(true)
	}
	sink := &progressSink{l: l, show: j.show}
	return run(l, func(context.Context) (T, error) {
		return work(ctx, sink.report)
	}, func(v T, err error) {
		stop()
		j.stop, j.running = nil, false
		j.spin.Stop()
		j.box.Hide()
		if j.onBusy != nil {
			j.onBusy(false)
		}
		if err != nil && (j.stopped || l.ctx.Err() != nil) && !cancelled(err) {
			err = fmt.Errorf("%w (%v)", context.Canceled, err)
		}
		done(v, err)
	})
}

// cancelled tells whether err is a cancellation (the admin pressed Cancel or closed the window).
func cancelled(err error) bool {
	return errors.Is(err, context.Canceled)
}
