// Package pipeline connects the stages: a collector yields articles, the
// store keeps them, an extractor turns each into entities, the store keeps
// those. It defines the small interfaces it needs of each stage, so the
// stages never import one another.
//
// Fetching and extraction run in bounded parallel workers; one goroutine
// owns the writes to the store, and an article is counted stored only once
// its write returned.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/storyline/storyline"
)

// Collector reads sources into articles.
type Collector interface {
	// Collect sends one result per article or failed input on out and
	// returns when done; it does not close out.
	Collect(ctx context.Context, sources []string, out chan<- storyline.Collected)
}

// Store keeps articles and extractions.
type Store interface {
	PutArticle(a *storyline.Article) (storyline.Outcome, error)
	Article(id string) (*storyline.Article, error)
	PutExtraction(x *storyline.Extraction) error
	Extraction(id string) (*storyline.Extraction, error)
	IDs() ([]string, error)
}

// Extractor finds the entities of one article's text.
type Extractor interface {
	Extract(text string, published time.Time) ([]storyline.Entity, error)
	Version() string
}

// ErrPanic is wrapped by the error of an input whose processing panicked;
// the panic is contained to that input.
var ErrPanic = errors.New("internal error (recovered panic)")

// Logger receives one line per failed input.
type Logger func(format string, args ...any)

// SourceSummary counts what one command-line source gave.
type SourceSummary struct {
	Source                          string
	New, Unchanged, Updated, Failed int
	// Duplicates counts the new articles that are copies of a stored story.
	Duplicates int
}

// IngestReport says what an ingest did, source by source.
type IngestReport struct {
	Sources    []*SourceSummary // in the order the sources were given
	Extraction ExtractReport
}

// Failed counts the inputs that failed, in collecting, storing or extracting.
func (r *IngestReport) Failed() int {
	n := r.Extraction.Failed
	for _, s := range r.Sources {
		n += s.Failed
	}
	return n
}

// Progress is told after each collected input how many were done and how
// many of those failed.
type Progress func(done, failed int)

// Ingest collects sources into the store, then extracts the entities of
// every collected article whose extraction is missing or stale. A failed
// input is logged and counted; the rest of the batch goes on. progress may
// be nil.
func Ingest(ctx context.Context, c Collector, s Store, x Extractor, sources []string, log Logger, progress Progress) (*IngestReport, error) {
	report := &IngestReport{}
	bySource := map[string]*SourceSummary{}
	for _, src := range sources {
		if bySource[src] == nil {
			bySource[src] = &SourceSummary{Source: src}
			report.Sources = append(report.Sources, bySource[src])
		}
	}
	results := make(chan storyline.Collected)
	go func() {
		defer close(results)
		c.Collect(ctx, sources, results)
	}()
	var stored []string
	seen := map[string]bool{}
	done, failed := 0, 0
	for r := range results {
		done++
		if r.Err != nil {
			failed++
		}
		if progress != nil {
			progress(done, failed)
		}
		sum := bySource[r.Source]
		if sum == nil { // a collector naming an unknown source still gets counted
			sum = &SourceSummary{Source: r.Source}
			bySource[r.Source] = sum
			report.Sources = append(report.Sources, sum)
		}
		if r.Err != nil {
			sum.Failed++
			log("ingest: %s: %v", r.Input, r.Err)
			continue
		}
		if r.NotModified {
			// The server says the stored copy is current: nothing to parse
			// or write, but its extraction may still be stale.
			sum.Unchanged++
			if r.KnownID != "" && !seen[r.KnownID] {
				seen[r.KnownID] = true
				stored = append(stored, r.KnownID)
			}
			continue
		}
		outcome, err := s.PutArticle(r.Article)
		if err != nil {
			sum.Failed++
			log("ingest: %s: %v", r.Input, err)
			continue
		}
		switch outcome {
		case storyline.New:
			sum.New++
			if r.Article.DuplicateOf != "" {
				sum.Duplicates++
			}
		case storyline.Updated:
			sum.Updated++
		default:
			sum.Unchanged++
		}
		if !seen[r.Article.ID] {
			seen[r.Article.ID] = true
			stored = append(stored, r.Article.ID)
		}
	}
	if err := ctx.Err(); err != nil {
		return report, err
	}
	xr, err := Extract(ctx, s, x, stored, false, log)
	report.Extraction = *xr
	return report, err
}

// ExtractReport counts what an extraction run did.
type ExtractReport struct {
	Extracted int // extractions made and stored
	Current   int // already made by this extractor version from this text
	Failed    int
}

// Extract makes the extractions of the articles with the given IDs (all
// stored articles when ids is nil) that are missing or stale, or of all of
// them when force is set. It reads only the store: nothing is fetched.
func Extract(ctx context.Context, s Store, x Extractor, ids []string, force bool, log Logger) (*ExtractReport, error) {
	report := &ExtractReport{}
	if ids == nil {
		var err error
		if ids, err = s.IDs(); err != nil {
			return report, fmt.Errorf("list articles: %w", err)
		}
	}
	type result struct {
		x   *storyline.Extraction
		id  string
		err error
	}
	jobs := make(chan string)
	results := make(chan result)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(jobs)
		for _, id := range ids {
			select {
			case jobs <- id:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	workers := runtime.GOMAXPROCS(0)
	var wg errgroup.Group
	for range workers {
		wg.Go(func() error {
			for id := range jobs {
				ex, err := extractOne(s, x, id, force)
				select {
				case results <- result{ex, id, err}:
				case <-gctx.Done():
					return nil
				}
			}
			return nil
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	// This goroutine is the only writer.
	for r := range results {
		switch {
		case r.err != nil:
			report.Failed++
			log("extract: %s: %v", r.id, r.err)
		case r.x == nil:
			report.Current++
		default:
			if err := s.PutExtraction(r.x); err != nil {
				report.Failed++
				log("extract: %s: %v", r.id, err)
				continue
			}
			report.Extracted++
		}
	}
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return report, err
	}
	return report, ctx.Err()
}

// extractOne makes the extraction of one article, or returns nil when the
// stored one is current and force is not set. A panic in the extractor, or
// in any library under it, becomes this article's error.
func extractOne(s Store, x Extractor, id string, force bool) (ex *storyline.Extraction, err error) {
	defer func() {
		if r := recover(); r != nil {
			ex, err = nil, fmt.Errorf("%w: %v", ErrPanic, r)
		}
	}()
	a, err := s.Article(id)
	if err != nil {
		return nil, err
	}
	if !force {
		old, err := s.Extraction(id)
		if err != nil && !errors.Is(err, storyline.ErrNotFound) {
			return nil, err
		}
		if err == nil && !old.Stale(a, x.Version()) {
			return nil, nil
		}
	}
	ents, err := x.Extract(a.Text, a.Published)
	if err != nil {
		return nil, err
	}
	if ents == nil {
		ents = []storyline.Entity{}
	}
	return &storyline.Extraction{ArticleID: id, Version: x.Version(), ArticleHash: a.Hash, Entities: ents}, nil
}
