package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// statusLine shows a long ingest's progress on one line of a terminal —
// pages done, failed, rate — redrawn a few times a second; when stderr is a
// file or a pipe, where a rewritten line would only be noise, it writes the
// same as a plain line every logEvery.
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

// logEvery is how often a log (stderr not a terminal) gets a progress line.
const logEvery = 10 * time.Second

// progress redraws the progress line at most a few times a second, or in a
// log writes one every logEvery.
func (s *statusLine) progress(done, failed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done, s.failed = done, failed
	if !s.terminal {
		if s.last.IsZero() {
			s.last = s.start
		}
		if time.Since(s.last) >= logEvery {
			s.last = time.Now()
			fmt.Fprintf(s.w, "ingest: %d done, %d failed, %.1f/s\n", s.done, s.failed, s.rate())
		}
		return
	}
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
	fmt.Fprintf(s.w, "ingest: %d done, %d failed, %.1f/s", s.done, s.failed, s.rate())
	s.shown = true
}

func (s *statusLine) rate() float64 {
	return float64(s.done) / max(time.Since(s.start).Seconds(), 0.001)
}

// finish removes the progress line before the summary.
func (s *statusLine) finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
}
