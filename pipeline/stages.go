package pipeline

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/storyline/storyline"
)

// The stages one at a time, for a worker that takes its inputs from a work
// queue rather than from a collector's channel: it must know, input by
// input, when the result is durable before it acknowledges the input.

// StoreCollected stores one batch of collected articles as Ingest does:
// the store tells which are new or changed, the near-duplicate search names
// the first copy of each, one transaction stores them all. The results are
// in the order of batch; an article is stored once its result has no Err.
// Results that carry no article (errors, unchanged pages) must not be in
// batch.
func StoreCollected(ctx context.Context, s Store, batch []storyline.Collected) []storyline.Stored {
	return storeArticles(ctx, s, batch)
}

// ExtractArticles makes the extractions of the stored articles ids that
// are missing or stale, in up to GOMAXPROCS goroutines, and writes them in
// one batch. errs[i] is nil once the extraction of ids[i] is durable, was
// current already, or was overtaken by a newer text of the article (whose
// own extraction is due); otherwise it says why not.
func ExtractArticles(ctx context.Context, s Store, x Extractor, ids []string) (ExtractReport, []error) {
	var report ExtractReport
	errs := make([]error, len(ids))
	made := make([]*storyline.Extraction, len(ids))
	next := make(chan int)
	var workers sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ids)) {
		workers.Go(func() {
			for i := range next {
				made[i], errs[i] = extractOne(ctx, s, x, ids[i], false)
			}
		})
	}
	for i := range ids {
		next <- i
	}
	close(next)
	workers.Wait()

	var batch []*storyline.Extraction
	var at []int
	for i, ex := range made {
		switch {
		case errs[i] != nil:
			report.Failed++
		case ex == nil:
			report.Current++
		default:
			batch = append(batch, ex)
			at = append(at, i)
		}
	}
	if len(batch) == 0 {
		return report, errs
	}
	for k, err := range s.PutExtractions(context.WithoutCancel(ctx), batch) {
		i := at[k]
		switch {
		case errors.Is(err, storyline.ErrStale):
			// The article changed after it was read: the newer text is
			// extracted when its own turn comes.
			report.Current++
		case err != nil:
			errs[i] = err
			report.Failed++
		default:
			report.Extracted++
			if batch[k].Skipped != "" {
				report.Unsupported++
			}
		}
	}
	return report, errs
}
