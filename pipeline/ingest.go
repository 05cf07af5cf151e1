package pipeline

import (
	"context"
	"errors"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/pipeline/dedup"
)

// SourceSummary counts what one command-line source gave.
type SourceSummary struct {
	Source                          string
	New, Unchanged, Updated, Failed int
	// Duplicates counts the new articles that are copies of a stored story.
	Duplicates int
	// Skipped counts the files of a directory that are not read (a PDF,
	// an image), SkippedRecords the records of WARC files that are not
	// pages; SkippedFiles names the first maxSkippedNames of them.
	Skipped, SkippedRecords int
	SkippedFiles            []string
	// When the run was stopped: CutShort counts the inputs under way that
	// it cut short, NotStarted those queued (a source, a file of a
	// directory, a feed or sitemap entry, a link to follow) that were never
	// begun. The lines of a JSON Lines file not yet read are neither: a
	// file is not counted line by line before it is read.
	CutShort, NotStarted int
}

// maxSkippedNames bounds the names of skipped files a summary keeps.
const maxSkippedNames = 1000

// IngestReport says what an ingest did, source by source.
type IngestReport struct {
	Sources    []*SourceSummary // in the order the sources were given
	Extraction ExtractReport
	// Results counts the results the collector gave (NotStarted ones too);
	// Expected the results it said to expect, one a source and more as
	// listings were read. They are equal once a run ends.
	Results, Expected int
}

// Failed counts the inputs that failed, in collecting, storing or extracting.
func (r *IngestReport) Failed() int {
	n := r.Extraction.Failed
	for _, s := range r.Sources {
		n += s.Failed
	}
	return n
}

// Ingest collects sources into the store and extracts the entities of every
// collected article whose extraction is missing or stale, each as soon as
// it is stored. It asks extractor for the extractor when the first article
// is stored, so that a model can load while pages are fetched; a nil
// extractor means no extraction. A failed input is logged and counted; the
// rest of the batch goes on. progress may be nil.
func Ingest(ctx context.Context, c Collector, s Store, extractor func() (Extractor, error), sources []string, log Logger, progress Progress) (*IngestReport, error) {
	report := &IngestReport{}
	bySource := map[string]*SourceSummary{}
	summary := func(src string) *SourceSummary {
		sum := bySource[src]
		if sum == nil { // a collector naming an unknown source still gets counted
			sum = &SourceSummary{Source: src}
			bySource[src] = sum
			report.Sources = append(report.Sources, sum)
		}
		return sum
	}
	for _, src := range sources {
		summary(src)
	}
	report.Expected = len(sources)

	results := make(chan storyline.Collected)
	go func() {
		defer close(results)
		c.Collect(ctx, sources, results)
	}()

	// Extraction runs beside collection, fed the IDs of what is stored
	// through a bounded channel: when it lags, storing waits, and so does
	// the collector. An interrupt stops the collecting; extraction finishes
	// what was stored (at most a channel and a batch more), so that an
	// interrupted ingest leaves nothing stored unextracted.
	var toExtract chan string
	extracted := make(chan error, 1)
	if extractor != nil {
		toExtract = make(chan string, maxBatch)
		go func() {
			xr, err := extract(context.WithoutCancel(ctx), s, extractor, toExtract, false, log)
			report.Extraction = xr
			extracted <- err
		}()
	} else {
		extracted <- nil
	}
	// An ID goes to extraction once, and again whenever its text changed:
	// an article updated later in the run is extracted from its last text.
	handedOn := map[string]bool{}
	handOn := func(id string, changed bool) {
		if toExtract == nil || handedOn[id] && !changed {
			return
		}
		handedOn[id] = true
		toExtract <- id // extraction reads until the channel is closed
	}

	// What was collected is stored even once ctx is cancelled: Ctrl-C
	// stops the fetching, not the writing of what was fetched.
	writeCtx := context.WithoutCancel(ctx)
	done, failed := 0, 0 // results of inputs begun, and of those the failed
	for first := range results {
		// The articles' one writer: gather what the collector sends within
		// a moment, up to a batch, and write it in one transaction; while
		// it is written the collector's senders wait, so nothing queues
		// without bound.
		var batch []storyline.Collected
		for _, r := range gather(first, results) {
			if r.Queued != 0 {
				report.Expected += r.Queued
				continue
			}
			report.Results++
			if r.NotStarted {
				summary(r.Source).NotStarted++
				continue
			}
			done++
			switch {
			case r.Err != nil && stopped(ctx, r.Err):
				// Cut short by the interrupt, not failed: the next run
				// fetches it.
				summary(r.Source).CutShort++
			case r.Err != nil:
				failed++
				summary(r.Source).Failed++
				log("ingest: %s: %v", r.Input, r.Err)
			case r.Skipped != "":
				sum := summary(r.Source)
				if r.SkippedRecords > 0 {
					sum.SkippedRecords += r.SkippedRecords
				} else {
					sum.Skipped++
				}
				if len(sum.SkippedFiles) < maxSkippedNames {
					sum.SkippedFiles = append(sum.SkippedFiles, r.Input+": "+r.Skipped)
				}
			case r.NotModified:
				// The server says the stored copy is current: nothing to
				// parse or write, but its extraction may still be stale.
				summary(r.Source).Unchanged++
				if r.KnownID != "" {
					handOn(r.KnownID, false)
				}
			default:
				batch = append(batch, r)
			}
			if progress != nil {
				progress(done, failed, report.Expected)
			}
		}
		for i, st := range storeArticles(writeCtx, s, batch) {
			r := batch[i]
			sum := summary(r.Source)
			if st.Err != nil {
				sum.Failed++
				log("ingest: %s: %v", r.Input, st.Err)
				continue
			}
			switch st.Outcome {
			case storyline.New:
				sum.New++
				if st.DuplicateOf != "" {
					sum.Duplicates++
				}
			case storyline.Updated:
				sum.Updated++
			default:
				sum.Unchanged++
			}
			handOn(r.Article.ID, st.Outcome != storyline.Unchanged)
		}
	}
	if toExtract != nil {
		close(toExtract)
	}
	// Reading report.Extraction is safe once the extraction goroutine has
	// sent its error.
	err := <-extracted
	if cerr := ctx.Err(); cerr != nil {
		if err != nil && !stopped(ctx, err) {
			log("extract: %v", err) // the interrupt is the run's end, not this error
		}
		return report, cerr
	}
	return report, err
}

// storeArticles writes one batch of collected articles, deciding and
// writing as one section of a shared store (see exclusive): a copy stored
// by another process a moment ago is found, and the first copy wins.
func storeArticles(ctx context.Context, s Store, batch []storyline.Collected) []storyline.Stored {
	var results []storyline.Stored
	err := exclusively(ctx, s, sectionDedup, func(ctx context.Context) error {
		results = decideAndStore(ctx, s, batch)
		return nil
	})
	if err != nil {
		results = make([]storyline.Stored, len(batch))
		for i := range results {
			results[i].Err = err
		}
	}
	return results
}

// decideAndStore writes one batch of collected articles: the store tells
// which are new or changed, the near-duplicate search names the first copy
// of each (an update may have become, or stopped being, a copy), and one
// transaction stores them all. The results are in the order of batch.
func decideAndStore(ctx context.Context, s Store, batch []storyline.Collected) []storyline.Stored {
	results := make([]storyline.Stored, len(batch))
	if len(batch) == 0 {
		return results
	}
	arts := make([]*storyline.Article, len(batch))
	for i, r := range batch {
		arts[i] = r.Article
	}
	outcomes, err := s.Outcomes(ctx, arts)
	if err != nil {
		for i := range results {
			results[i].Err = err
		}
		return results
	}
	finder := dedup.NewFinder(s)
	var puts []storyline.ArticlePut
	var at []int // index in batch of each put
	for i, a := range arts {
		p := storyline.ArticlePut{Article: a}
		if outcomes[i] != storyline.Unchanged {
			p.Bands = dedup.Bands(a.Text)
			first, err := finder.FirstCopy(ctx, a.ID, a.Text, p.Bands)
			if err != nil {
				results[i].Err = err
				continue
			}
			p.DuplicateOf = first
		}
		puts = append(puts, p)
		at = append(at, i)
	}
	for k, st := range s.PutArticles(ctx, puts) {
		results[at[k]] = st
	}
	return results
}

// stopped reports whether err is ctx's own ending: its cancellation, or
// the cause it was cancelled with (a signal).
func stopped(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, ctx.Err()) || errors.Is(err, context.Cause(ctx)))
}
