// Package pipeline connects the stages: a collector yields articles, the
// near-duplicate search (pipeline/dedup) names the first copy of each new
// one, the store keeps them, an extractor turns each into entities, the
// store keeps those. It defines the small interfaces it needs of each
// stage, so the stages never import one another.
//
// Fetching and extraction run in bounded parallel workers and overlap: each
// article is handed to extraction as soon as it is stored, so an
// interrupted ingest has extracted what it stored. Each stage has one
// goroutine that writes its results to the store in batches, and an item is
// counted stored only once its write returned. Every channel between the
// stages is bounded: a slow stage holds up the one before it.
package pipeline

import (
	"context"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/pipeline/dedup"
)

// Collector reads sources into articles.
type Collector interface {
	// Collect sends one result per article or failed input on out and
	// returns when done; it does not close out.
	Collect(ctx context.Context, sources []string, out chan<- storyline.Collected)
}

// Store keeps articles and extractions, and is the index of the
// near-duplicate search. Its batch writes return once the batch is durable.
type Store interface {
	dedup.Index
	Outcomes(ctx context.Context, as []*storyline.Article) ([]storyline.Outcome, error)
	PutArticles(ctx context.Context, puts []storyline.ArticlePut) []storyline.Stored
	PutExtractions(ctx context.Context, xs []*storyline.Extraction) []error
	Extraction(ctx context.Context, id string) (*storyline.Extraction, error)
	IDs(ctx context.Context, after string, n int) ([]string, error)
}

// Extractor finds the entities of one article's text.
type Extractor interface {
	Language(text string) (code string, supported bool)
	Extract(ctx context.Context, text string, published time.Time) ([]storyline.Entity, error)
	Version() string
}

// maxBatch bounds the articles or extractions written in one transaction:
// one fsync for many writes, yet a bounded amount of memory waiting on it.
const maxBatch = 256

// idChunk is how many IDs a stored-article walk reads at a time.
const idChunk = 1024

// Logger receives one line per failed input. The stages call it from
// their own goroutines: it must be safe for concurrent use.
type Logger func(format string, args ...any)

// Progress is told after each collected input how many were done, how
// many of those failed, and how many are expected in all so far (it grows
// as feeds, sitemaps and directories are read).
type Progress func(done, failed, expected int)

// linger is how long a writer waits for more after the first item of a
// batch: long enough that what a fast source sends goes into one
// transaction (one fsync for many writes), short enough that a slow
// source's items are stored at once.
const linger = 20 * time.Millisecond

// gather returns first and what else arrives on ch within linger, up to a
// batch in all.
func gather[T any](first T, ch <-chan T) []T {
	items := []T{first}
	timer := time.NewTimer(linger)
	defer timer.Stop()
	for len(items) < maxBatch {
		select {
		case item, ok := <-ch:
			if !ok {
				return items
			}
			items = append(items, item)
		case <-timer.C:
			return items
		}
	}
	return items
}
