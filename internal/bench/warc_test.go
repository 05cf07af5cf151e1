package bench

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/collect"
	"github.com/storyline/storyline/pipeline/nlp"
	"github.com/storyline/storyline/store"
)

var (
	warcRecords = flag.Int("warc-records", 10_000, "synthetic news records in BenchmarkWARC's file")
	warcFile    = flag.String("warc-file", "", "BenchmarkWARC's file: written there when missing, kept (default: a temporary file)")
)

// collectWARC collects one WARC file and counts articles and errors.
func collectWARC(t testing.TB, file string) (articles, failed int) {
	t.Helper()
	out := make(chan storyline.Collected)
	go func() {
		collect.New(collect.Options{}).Collect(context.Background(), []string{file}, out)
		close(out)
	}()
	for it := range out {
		switch {
		case it.Err != nil:
			failed++
			t.Logf("%s: %v", it.Input, it.Err)
		case it.Article != nil:
			articles++
		}
	}
	return articles, failed
}

// TestSyntheticWARC: every synthetic record is an article page.
func TestSyntheticWARC(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.warc.gz")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SyntheticWARC(f, 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if articles, failed := collectWARC(t, file); articles != 30 || failed != 0 {
		t.Errorf("%d articles, %d failed; want 30, 0", articles, failed)
	}
}

// cpuSeconds is the user and system time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// stage times f in wall and CPU seconds.
type stage struct {
	name       string
	wall, cpu  float64
	what       string
	perSecondN int
}

func timed(name string, n int, f func() error) (stage, error) {
	cpu, start := cpuSeconds(), time.Now()
	err := f()
	return stage{name: name, wall: time.Since(start).Seconds(), cpu: cpuSeconds() - cpu, perSecondN: n}, err
}

// BenchmarkWARC ingests a WARC file of -warc-records synthetic news
// records into a fresh bbolt store with extraction and stories, as
// `ingest FILE.warc.gz` does, and then, apart, each stage: reading and
// parsing the records, storing them, extracting, telling the stories.
// Run it once:
//
//	go test ./internal/bench -run XXX -bench BenchmarkWARC -benchtime 1x
func BenchmarkWARC(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	file := *warcFile
	if file == "" {
		file = filepath.Join(dir, "synthetic.warc.gz")
	}
	if _, err := os.Stat(file); err != nil {
		f, err := os.Create(file)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := SyntheticWARC(f, *warcRecords); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	info, _ := os.Stat(file)
	logf := func(format string, args ...any) { b.Logf(format, args...) }
	n := *warcRecords
	x, err := nlp.New()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var stages []stage
		add := func(s stage, err error) {
			if err != nil {
				b.Fatalf("%s: %v", s.name, err)
			}
			stages = append(stages, s)
		}
		// The whole run, as the ingest command makes it.
		full, err := store.Open(filepath.Join(dir, fmt.Sprintf("full-%d.db", len(stages))))
		if err != nil {
			b.Fatal(err)
		}
		add(timed("ingest+extract+stories", n, func() error {
			r, err := pipeline.Ingest(ctx, collect.New(collect.Options{}), full, func() (pipeline.Extractor, error) { return x, nil },
				[]string{file}, logf, nil)
			if err == nil && (r.Failed() > 0 || r.Sources[0].New != n) {
				err = fmt.Errorf("%d new, %d failed, want %d new", r.Sources[0].New, r.Failed(), n)
			}
			if err == nil {
				_, err = pipeline.Stories(ctx, full, x.Version(), false)
			}
			return err
		}))
		full.Close()

		// Each stage apart.
		add(timed("read+parse", n, func() error {
			if articles, failed := collectWARC(b, file); articles != n || failed > 0 {
				return fmt.Errorf("%d articles, %d failed", articles, failed)
			}
			return nil
		}))
		s, err := store.Open(filepath.Join(dir, fmt.Sprintf("stages-%d.db", len(stages))))
		if err != nil {
			b.Fatal(err)
		}
		add(timed("read+parse+store", n, func() error {
			_, err := pipeline.Ingest(ctx, collect.New(collect.Options{}), s, nil, []string{file}, logf, nil)
			return err
		}))
		add(timed("extract", n, func() error { _, err := pipeline.Extract(ctx, s, x, false, logf); return err }))
		add(timed("stories", n, func() error { _, err := pipeline.Stories(ctx, s, x.Version(), false); return err }))
		s.Close()

		b.Logf("%d records (%d articles), %.1f MB gzipped; %d cores", 4*n+1, n, float64(info.Size())/(1<<20), runtime.GOMAXPROCS(0))
		b.Logf("%-24s %8s %8s %10s", "stage", "wall s", "CPU s", "records/s")
		for _, st := range stages {
			b.Logf("%-24s %8.2f %8.2f %10.0f", st.name, st.wall, st.cpu, float64(st.perSecondN)/st.wall)
		}
		b.Logf("store alone: %.2f s wall (read+parse+store less read+parse)", stages[2].wall-stages[1].wall)
		b.ReportMetric(float64(n)/stages[0].wall, "records/s")
		b.ReportMetric(stages[0].cpu, "cpu-s")
	}
}
