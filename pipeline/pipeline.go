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

// Store keeps articles and extractions. Its batch writes return once the
// batch is durable.
type Store interface {
	PutArticles(as []*storyline.Article) ([]storyline.Outcome, []error)
	Article(id string) (*storyline.Article, error)
	PutExtractions(xs []*storyline.Extraction) []error
	Extraction(id string) (*storyline.Extraction, error)
	IDs(after string, n int) ([]string, error)
}

// maxBatch bounds the articles or extractions written in one transaction:
// one fsync for many writes, yet a bounded amount of memory waiting on it.
const maxBatch = 256

// idChunk is how many IDs a stored-article walk reads at a time.
const idChunk = 1024

// Extractor finds the entities of one article's text.
type Extractor interface {
	Extract(text string, published time.Time) ([]storyline.Entity, error)
	Version() string
}

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
// every collected article whose extraction is missing or stale. It asks
// extractor for the extractor once collection is done, so that a model can
// load while pages are fetched; nil extractor means no extraction. A failed
// input is logged and counted; the rest of the batch goes on. progress may
// be nil.
func Ingest(ctx context.Context, c Collector, s Store, extractor func() (Extractor, error), sources []string, log Logger, progress Progress) (*IngestReport, error) {
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
	remember := func(id string) {
		if !seen[id] {
			seen[id] = true
			stored = append(stored, id)
		}
	}
	summary := func(src string) *SourceSummary {
		sum := bySource[src]
		if sum == nil { // a collector naming an unknown source still gets counted
			sum = &SourceSummary{Source: src}
			bySource[src] = sum
			report.Sources = append(report.Sources, sum)
		}
		return sum
	}
	var batch []storyline.Collected
	flush := func() {
		if len(batch) == 0 {
			return
		}
		arts := make([]*storyline.Article, len(batch))
		for i, r := range batch {
			arts[i] = r.Article
		}
		outcomes, errs := s.PutArticles(arts)
		for i, r := range batch {
			sum := summary(r.Source)
			if errs[i] != nil {
				sum.Failed++
				log("ingest: %s: %v", r.Input, errs[i])
				continue
			}
			switch outcomes[i] {
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
			remember(r.Article.ID)
		}
		batch = batch[:0]
	}
	done, failed := 0, 0
	for first := range results {
		// The one writer: take what the collector has ready, up to a batch,
		// and write it in one transaction; while it is written the
		// collector's senders wait, so nothing queues without bound.
		for _, r := range ready(first, results, maxBatch) {
			done++
			switch {
			case r.Err != nil:
				failed++
				summary(r.Source).Failed++
				log("ingest: %s: %v", r.Input, r.Err)
			case r.NotModified:
				// The server says the stored copy is current: nothing to
				// parse or write, but its extraction may still be stale.
				summary(r.Source).Unchanged++
				if r.KnownID != "" {
					remember(r.KnownID)
				}
			default:
				batch = append(batch, r)
			}
			if progress != nil {
				progress(done, failed)
			}
		}
		flush()
	}
	if err := ctx.Err(); err != nil {
		return report, err
	}
	if extractor == nil {
		return report, nil
	}
	x, err := extractor()
	if err != nil {
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
// stored articles when ids is nil, walked in chunks) that are missing or
// stale, or of all of them when force is set. It reads only the store:
// nothing is fetched. Articles are extracted in GOMAXPROCS workers and
// written in batches by this goroutine alone, so memory stays flat however
// large the store.
func Extract(ctx context.Context, s Store, x Extractor, ids []string, force bool, log Logger) (*ExtractReport, error) {
	report := &ExtractReport{}
	type result struct {
		x   *storyline.Extraction
		id  string
		err error
	}
	jobs := make(chan string, idChunk)
	results := make(chan result, maxBatch)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(jobs)
		next := func(yield func(string) bool) {
			if ids != nil {
				for _, id := range ids {
					if !yield(id) {
						return
					}
				}
				return
			}
			for after := ""; ; {
				chunk, err := s.IDs(after, idChunk)
				if err != nil {
					log("extract: list articles: %v", err)
					report.Failed++
					return
				}
				for _, id := range chunk {
					if !yield(id) {
						return
					}
				}
				if len(chunk) < idChunk {
					return
				}
				after = chunk[len(chunk)-1]
				// A walk over the whole store would keep every page it
				// read resident through the store's memory map.
				if r, ok := s.(interface{ ReleaseMapped() error }); ok {
					r.ReleaseMapped()
				}
			}
		}
		for id := range next {
			select {
			case jobs <- id:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	var workers errgroup.Group
	for range runtime.GOMAXPROCS(0) {
		workers.Go(func() error {
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
		workers.Wait()
		close(results)
	}()
	var batch []*storyline.Extraction
	flush := func() {
		if len(batch) == 0 {
			return
		}
		for i, err := range s.PutExtractions(batch) {
			if err != nil {
				report.Failed++
				log("extract: %s: %v", batch[i].ArticleID, err)
				continue
			}
			report.Extracted++
		}
		batch = batch[:0]
	}
	// This goroutine is the only writer: it writes what the workers have
	// ready, up to a batch, in one transaction.
	for first := range results {
		for _, r := range ready(first, results, maxBatch) {
			switch {
			case r.err != nil:
				report.Failed++
				log("extract: %s: %v", r.id, r.err)
			case r.x == nil:
				report.Current++
			default:
				batch = append(batch, r.x)
			}
		}
		flush()
	}
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return report, err
	}
	return report, ctx.Err()
}

// ready returns first and whatever else ch holds ready, up to max in all,
// without waiting for more.
func ready[T any](first T, ch <-chan T, max int) []T {
	items := []T{first}
	for len(items) < max {
		select {
		case item, ok := <-ch:
			if !ok {
				return items
			}
			items = append(items, item)
		default:
			return items
		}
	}
	return items
}

// extractOne makes the extraction of one article, or returns nil when the
// stored one is current and force is not set. A panic in the extractor, or
// in any library under it, becomes this article's error.
func extractOne(s Store, x Extractor, id string, force bool) (ex *storyline.Extraction, err error) {
	defer func() {
		if r := recover(); r != nil {
			ex, err = nil, storyline.PanicError(r)
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
