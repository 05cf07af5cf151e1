package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/storyline/storyline/pipeline"
)

// statusLine shows a long ingest's progress on one line of a terminal —
// inputs done of those known, failed, rate, time left — redrawn a few times
// a second; when stderr is a file or a pipe, where a rewritten line would
// only be noise, it writes the same as a plain line every logEvery.
type statusLine struct {
	w        io.Writer
	terminal bool
	start    time.Time

	mu                     sync.Mutex
	shown                  bool
	last                   time.Time
	done, failed, expected int
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
func (s *statusLine) progress(done, failed, expected int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done, s.failed, s.expected = done, failed, expected
	if !s.terminal {
		if s.last.IsZero() {
			s.last = s.start
		}
		if time.Since(s.last) >= logEvery {
			s.last = time.Now()
			fmt.Fprintln(s.w, s.text(time.Since(s.start)))
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
	fmt.Fprint(s.w, s.text(time.Since(s.start)))
	s.shown = true
}

// text is the progress line after elapsed: with the total and the time
// left while the total is known, that is, while the inputs found so far
// outnumber those done. A JSON Lines file is counted as it is read, so
// while one is read its total is not known and none is shown.
func (s *statusLine) text(elapsed time.Duration) string {
	rate := float64(s.done) / max(elapsed.Seconds(), 0.001)
	if s.done == 0 || s.expected <= s.done {
		return fmt.Sprintf("ingest: %d done, %d failed, %.1f/s", s.done, s.failed, rate)
	}
	left := time.Duration(float64(s.expected-s.done) / rate * float64(time.Second))
	return fmt.Sprintf("ingest: %d of %d done, %d failed, %.1f/s, about %v left", s.done, s.expected, s.failed, rate, roundLeft(left))
}

// roundLeft rounds an estimate to what it is worth: seconds under a
// minute, then minutes.
func roundLeft(d time.Duration) time.Duration {
	if d < time.Minute {
		return max(d.Round(time.Second), time.Second)
	}
	return d.Round(time.Minute)
}

// finish removes the progress line before the summary.
func (s *statusLine) finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
}

// stoppedCounts sums up an interrupted ingest in one phrase: what it
// collected (stored new, updated or found unchanged), extracted and failed
// on, what it cut short, and what it never began.
func stoppedCounts(r *pipeline.IngestReport) string {
	var collected, cut, notStarted int
	for _, src := range r.Sources {
		collected += src.New + src.Updated + src.Unchanged
		cut += src.CutShort
		notStarted += src.NotStarted
	}
	return fmt.Sprintf("%d collected, %d extracted, %d failed, %d cut short, %d not started "+
		"(not started: sources, files of directories, feed and sitemap entries and links queued but never begun; "+
		"the unread lines of a JSON Lines file are not counted)", collected, r.Extraction.Extracted, r.Failed(), cut, notStarted)
}
