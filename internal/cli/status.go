package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// statusLine shows a long ingest's progress on one line of a terminal —
// pages done, failed, rate — and writes plain log lines when stderr is a
// file or a pipe, where a rewritten line would only be noise.
type statusLine struct {
	w        io.Writer
	terminal bool
	start    time.Time

	mu           sync.Mutex
	shown        bool
	last         time.Time
	done, failed int
}

func newStatusLine(w io.Writer) *statusLine {
	return &statusLine{w: w, terminal: isTerminal(w), start: time.Now()}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// log writes one line, above the progress line when there is one.
func (s *statusLine) log(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
	fmt.Fprintf(s.w, format+"\n", args...)
	s.draw()
}

// progress redraws the progress line at most a few times a second.
func (s *statusLine) progress(done, failed int) {
	if !s.terminal {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done, s.failed = done, failed
	if time.Since(s.last) < 200*time.Millisecond {
		return
	}
	s.last = time.Now()
	s.clear()
	s.draw()
}

func (s *statusLine) clear() {
	if s.shown {
		fmt.Fprint(s.w, "\r\x1b[K")
		s.shown = false
	}
}

func (s *statusLine) draw() {
	if !s.terminal || s.done == 0 {
		return
	}
	rate := float64(s.done) / max(time.Since(s.start).Seconds(), 0.001)
	fmt.Fprintf(s.w, "ingest: %d done, %d failed, %.1f/s", s.done, s.failed, rate)
	s.shown = true
}

// finish removes the progress line before the summary.
func (s *statusLine) finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
}
