package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/testsite"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/nlp"
	"github.com/storyline/storyline/store"
)

// rowRunner prepares row name: what to time, the store it fills (if any)
// and what to clean up after.
func rowRunner(ctx context.Context, opts Options, name string, ds *[]doc) (run func([]doc) error, storeFile string, cleanup func(), err error) {
	cleanup = func() {}
	switch name {
	case "prose-documented", "prose-cached", "prose-tokenize":
		b, err := NewBaseline()
		if err != nil {
			return nil, "", cleanup, err
		}
		step := map[string]func(string) (int, error){"prose-documented": b.Documented, "prose-cached": b.CachedModel, "prose-tokenize": b.TokenizeOnly}[name]
		if name == "prose-documented" {
			*ds = (*ds)[:min(opts.NSlow, len(*ds))]
		}
		return func(ds []doc) error {
			for _, d := range ds {
				if _, err := step(d.text); err != nil {
					return err
				}
			}
			return nil
		}, "", cleanup, nil
	case "storyline-extract":
		x, err := nlp.New()
		if err != nil {
			return nil, "", cleanup, err
		}
		return func(ds []doc) error {
			var g errgroup.Group
			g.SetLimit(runtime.GOMAXPROCS(0))
			for _, d := range ds {
				g.Go(func() error { _, err := x.Extract(d.text, d.published); return err })
			}
			return g.Wait()
		}, "", cleanup, nil
	case "ingest", "ingest-no-extract":
		dir, err := os.MkdirTemp("", "storyline-bench-")
		if err != nil {
			return nil, "", cleanup, err
		}
		storeFile = filepath.Join(dir, "news.db")
		srv := httptest.NewServer(site(*ds).Handler())
		cleanup = func() { srv.Close(); os.RemoveAll(dir) }
		args := []string{"-db", storeFile, "-delay", "0", "-per-host", "16", "-parallel", "32", srv.URL + "/sitemap.xml"}
		if name == "ingest-no-extract" {
			args = append([]string{"-extract=false"}, args...)
		}
		return func([]doc) error { return opts.Ingest(ctx, args) }, storeFile, cleanup, nil
	}
	return nil, "", cleanup, fmt.Errorf("unknown row %q", name)
}

// site serves ds as article pages listed in a sitemap: the title is a
// document's first line, each other line a paragraph, and a last one tells
// the repeats of a fixture apart.
func site(ds []doc) testsite.Site {
	return testsite.Site{N: len(ds), Page: func(i int) testsite.Article {
		lines := strings.Split(strings.TrimSpace(ds[i].text), "\n")
		a := testsite.Article{Title: lines[0], Published: ds[i].published}
		for _, l := range lines[1:] {
			if strings.TrimSpace(l) != "" {
				a.Paragraphs = append(a.Paragraphs, l)
			}
		}
		a.Paragraphs = append(a.Paragraphs, fmt.Sprintf("Bench copy %d.", i))
		return a
	}}
}

// measureStore adds the store's file size and its buckets' use to r.
func measureStore(ctx context.Context, file string, r *row) error {
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	r.StoreBytes = info.Size()
	s, err := store.OpenReadOnly(file)
	if err != nil {
		return err
	}
	defer s.Close()
	usage, err := s.Usage(ctx)
	if err != nil {
		return err
	}
	r.Buckets = map[string]int{}
	for _, u := range usage {
		r.StoreInUse += int64(u.Bytes)
		r.Buckets[u.Name] = u.Bytes
	}
	return nil
}

func scale(ctx context.Context, opts Options, sizes []int, keep bool, stdout io.Writer) error {
	fmt.Fprintf(stdout, "%-9s %9s %12s %10s %12s %12s\n", "articles", "seconds", "articles/s", "peak RSS", "store", "store/text")
	var rss []int64
	for _, n := range sizes {
		dir, err := os.MkdirTemp("", "storyline-scale-")
		if err != nil {
			return err
		}
		db := filepath.Join(dir, "news.db")
		// The store is built in a child of its own: Linux counts the peak
		// RSS a process had before exec into its child's, so the process
		// that forks the measured one must stay small.
		build := exec.CommandContext(ctx, opts.Self, "bench", "-n", strconv.Itoa(n))
		build.Env = append(os.Environ(), RoleEnv+"=build-store:"+db)
		out, err := build.Output()
		if err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("build a store of %d articles: %w", n, err)
		}
		textBytes, _ := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
		var errb bytes.Buffer
		cmd := exec.CommandContext(ctx, opts.Self, "run", "-all", "-db", db)
		cmd.Stderr = &errb
		start := time.Now()
		err = cmd.Run()
		secs := time.Since(start).Seconds()
		if err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("extract run -all on %d articles: %w\n%s", n, err, errb.String())
		}
		var peak int64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = ru.Maxrss
		}
		rss = append(rss, peak)
		info, err := os.Stat(db)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%-9d %9.1f %12.0f %8.0fMB %10.1fMB %11.2f×\n", n, secs, float64(n)/secs, float64(peak)/1024,
			float64(info.Size())/(1<<20), float64(info.Size())/float64(textBytes))
		var r row
		if err := measureStore(ctx, db, &r); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "          in use %.1fMB, %.2f× the text:", float64(r.StoreInUse)/(1<<20), float64(r.StoreInUse)/float64(textBytes))
		for _, name := range []string{"meta", "articles", "extractions", "urls", "fingerprints", "handles"} {
			fmt.Fprintf(stdout, " %s %.1fMB", name, float64(r.Buckets[name])/(1<<20))
		}
		fmt.Fprintf(stdout, "; text %.1fMB; the rest of the file is free pages\n", float64(textBytes)/(1<<20))
		if keep {
			fmt.Fprintf(stdout, "          kept: %s\n", db)
		} else {
			os.RemoveAll(dir)
		}
	}
	if len(rss) > 1 {
		fmt.Fprintf(stdout, "peak RSS of the largest over the smallest: %.2f×\n", float64(rss[len(rss)-1])/float64(rss[0]))
	}
	return nil
}

// synthetic yields n distinct news-like articles, as a collector would.
type synthetic struct {
	n     int
	bytes *int64 // text written
}

func (s synthetic) Collect(ctx context.Context, sources []string, out chan<- storyline.Collected) {
	people := []string{"Sergei Lavrov", "Mevlut Cavusoglu", "Faisal Mekdad", "Hossein Amirabdollahian", "Hulusi Akar", "Vladimir Putin"}
	places := []string{"Syria", "Turkey", "Iran", "Russia", "Saudi Arabia", "Egypt", "Syrian", "Turkish", "Iranian"}
	dates := []string{"on Tuesday", "last week", "earlier this month", "on April 25", "in early May", "next week"}
	words := strings.Fields("talks ties ministers meeting officials security reconciliation agreement relations border troops refugees economy trade energy summit envoy delegation")
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	for i := range s.n {
		var b strings.Builder
		fmt.Fprintf(&b, "Report %d on %s and %s\n\n", i, pick(places), pick(places))
		for range 3 {
			fmt.Fprintf(&b, "%s met officials from %s %s to discuss", pick(people), pick(places), pick(dates))
			for range 12 {
				b.WriteString(" " + pick(words))
			}
			fmt.Fprintf(&b, " (item %d-%d).\n", i, rng.IntN(1_000_000))
		}
		a := &storyline.Article{ID: fmt.Sprintf("synthetic-%07d", i), Text: b.String(),
			Published: time.Date(2023, 4, 1+i%28, 0, 0, 0, 0, time.UTC)}
		*s.bytes += int64(len(a.Text))
		select {
		case out <- storyline.Collected{Source: sources[0], Input: a.ID, Article: a}:
		case <-ctx.Done():
			return
		}
	}
}

// syntheticStore stores n synthetic articles in a new store at path, as
// ingest would without extraction, and returns the bytes of text written.
func syntheticStore(ctx context.Context, path string, n int) (int64, error) {
	s, err := store.Open(path)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	var total int64
	report, err := pipeline.Ingest(ctx, synthetic{n: n, bytes: &total}, s, nil, []string{"synthetic"},
		func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }, nil)
	if err != nil {
		return 0, err
	}
	if failed := report.Failed(); failed > 0 {
		return 0, fmt.Errorf("%d synthetic articles failed", failed)
	}
	return total, nil
}
