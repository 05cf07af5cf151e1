package bench

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/storyline/storyline/internal/testsite"
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
				g.Go(func() error { _, err := x.Extract(ctx, d.text, d.published); return err })
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
