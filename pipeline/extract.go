package pipeline

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/storyline/storyline"
)

// ExtractReport counts what an extraction run did.
type ExtractReport struct {
	Extracted int // extractions made and stored
	// Unsupported counts the extractions of Extracted that hold no entities
	// because the article's language is not one the extractor knows.
	Unsupported int
	Current     int // already made by this extractor version from this text
	Failed      int
}

// Extract makes the extractions of every stored article that are missing
// or stale, or of all of them when force is set. It reads only the store:
// nothing is fetched. The store is walked in chunks, each a short read, so
// memory stays flat however large the store.
func Extract(ctx context.Context, s Store, x Extractor, force bool, log Logger) (*ExtractReport, error) {
	ids := make(chan string, idChunk)
	walked := make(chan error, 1)
	go func() {
		defer close(ids)
		walked <- walk(ctx, s, ids, log)
	}()
	report, err := extract(ctx, s, func() (Extractor, error) { return x, nil }, ids, force, log)
	if werr := <-walked; werr != nil && !errors.Is(werr, context.Canceled) {
		report.Failed++
		log("extract: list articles: %v", werr)
		if err == nil {
			err = werr
		}
	}
	return &report, err
}

// walk sends the ID of every stored article on ids, in chunks.
func walk(ctx context.Context, s Store, ids chan<- string, log Logger) error {
	for after := ""; ; {
		chunk, err := s.IDs(ctx, after, idChunk)
		if err != nil {
			return err
		}
		for _, id := range chunk {
			select {
			case ids <- id:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if len(chunk) < idChunk {
			return nil
		}
		after = chunk[len(chunk)-1]
		// A walk over the whole store would keep every page it read
		// resident through the store's memory map.
		if r, ok := s.(interface{ ReleaseMapped() error }); ok {
			if err := r.ReleaseMapped(); err != nil {
				// It costs memory, not extractions: the walk goes on.
				log("extract: release the store's mapped pages: %v", err)
			}
		}
	}
}

// extract makes the extractions of the articles whose IDs arrive on ids
// until it is closed: in GOMAXPROCS workers, written in batches by this
// goroutine alone, which alone counts them. It asks load for the extractor
// when the first ID arrives; if that fails it still reads ids to the end, so
// that the stage feeding it never waits on it, and returns the error.
func extract(ctx context.Context, s Store, load func() (Extractor, error), ids <-chan string, force bool, log Logger) (ExtractReport, error) {
	var report ExtractReport
	var first string
	select {
	case id, ok := <-ids:
		if !ok {
			return report, nil
		}
		first = id
	case <-ctx.Done():
		return report, ctx.Err()
	}
	x, err := loadSafely(load)
	if err != nil {
		for range ids {
		}
		return report, err
	}

	type result struct {
		x   *storyline.Extraction
		id  string
		err error
	}
	results := make(chan result, maxBatch)
	work := func(id string) {
		if ctx.Err() != nil {
			return // stopped: take no new work, but read ids to their end
		}
		// The writer reads every result until the workers are done, so
		// what was extracted is always delivered and stored.
		ex, err := extractOne(ctx, s, x, id, force)
		results <- result{ex, id, err}
	}
	var workers sync.WaitGroup
	workers.Go(func() {
		work(first)
		for id := range ids {
			work(id)
		}
	})
	for range runtime.GOMAXPROCS(0) - 1 {
		workers.Go(func() {
			for id := range ids {
				work(id)
			}
		})
	}
	go func() {
		workers.Wait()
		close(results)
	}()
	// What was extracted is stored even once ctx is cancelled.
	writeCtx := context.WithoutCancel(ctx)
	var batch []*storyline.Extraction
	for r := range results {
		// This goroutine is the only writer: it writes what the workers
		// have ready, up to a batch, in one transaction.
		for _, r := range gather(r, results) {
			switch {
			case r.err != nil && stopped(ctx, r.err):
				// Stopped, not failed: made again by the next run.
			case r.err != nil:
				report.Failed++
				log("extract: %s: %v", r.id, r.err)
			case r.x == nil:
				report.Current++
			default:
				batch = append(batch, r.x)
			}
		}
		if len(batch) == 0 {
			continue
		}
		for i, err := range s.PutExtractions(writeCtx, batch) {
			if errors.Is(err, storyline.ErrStale) {
				continue // the article changed meanwhile: its new text is extracted too
			}
			if err != nil {
				report.Failed++
				log("extract: %s: %v", batch[i].ArticleID, err)
				continue
			}
			report.Extracted++
			if batch[i].Skipped != "" {
				report.Unsupported++
			}
		}
		batch = batch[:0]
	}
	return report, ctx.Err()
}

// loadSafely calls load, turning a panic in it into an error.
func loadSafely(load func() (Extractor, error)) (x Extractor, err error) {
	defer func() {
		if r := recover(); r != nil {
			x, err = nil, storyline.PanicError(r)
		}
	}()
	return load()
}

// extractOne makes the extraction of one article, or returns nil when the
// stored one is current and force is not set. A panic in the extractor, or
// in any library under it, becomes this article's error.
func extractOne(ctx context.Context, s Store, x Extractor, id string, force bool) (ex *storyline.Extraction, err error) {
	defer func() {
		if r := recover(); r != nil {
			ex, err = nil, storyline.PanicError(r)
		}
	}()
	a, err := s.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	if !force {
		old, err := s.Extraction(ctx, id)
		if err != nil && !errors.Is(err, storyline.ErrNotFound) {
			return nil, err
		}
		if err == nil && !old.Stale(a, x.Version()) {
			return nil, nil
		}
	}
	ex = &storyline.Extraction{ArticleID: id, Version: x.Version(), ArticleHash: a.Hash, Entities: []storyline.Entity{}}
	code, supported := x.Language(a.Text)
	ex.Lang = code
	if !supported {
		ex.Skipped = fmt.Sprintf("language %s is not supported", code)
		return ex, nil
	}
	ents, err := x.Extract(ctx, a.Text, a.Published)
	if err != nil {
		return nil, err
	}
	if ents != nil {
		ex.Entities = ents
	}
	return ex, nil
}
