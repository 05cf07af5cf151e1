package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/collect"
	"github.com/storyline/storyline/pipeline/nlp"
	"github.com/storyline/storyline/store"
)

// IngestOptions let tests tune the collector: point it at a test server,
// drop the politeness delay. A nil Collect means the defaults; flags given
// on the command line still override what it sets.
type IngestOptions struct {
	Collect *collect.Options
}

// Ingest runs `ingest [-db FILE] SOURCE...`.
func Ingest(ctx context.Context, args []string, stdout, stderr io.Writer, opts IngestOptions) (status int) {
	defer containPanic("ingest", stderr, &status)
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs)
	co := collect.Options{Delay: collect.DefaultDelay, Retries: collect.DefaultRetries}
	if opts.Collect != nil {
		co = *opts.Collect
	}
	fs.StringVar(&co.UserAgent, "user-agent", collect.DefaultUserAgent, "User-Agent `string` sent with every request: name a contact URL")
	intAtLeast(fs, &co.PerHost, "per-host", collect.DefaultPerHost, 1, "at most `n` parallel requests to one host")
	durationFlag(fs, &co.Delay, "delay", co.Delay, 0, false, "pause of this `duration` after each request to a host (plus up to half as much at random)")
	intAtLeast(fs, &co.Parallel, "parallel", collect.DefaultParallel, 1, "at most `n` requests in flight across all hosts")
	intAtLeast(fs, &co.Retries, "retries", co.Retries, 0, "`n` retries of a 429, 5xx or dropped connection, with exponential backoff (Retry-After honoured)")
	durationFlag(fs, &co.Timeout, "timeout", collect.DefaultTimeout, 0, true, "time limit (a `duration`) of one HTTP request")
	intAtLeast(fs, &co.MaxBodyBytes, "max-bytes", collect.DefaultMaxBodyBytes, 1, "largest response body accepted, in `bytes`")
	intAtLeast(fs, &co.Depth, "depth", 0, 0, "`levels` of same-site links to follow from article pages (0: none beyond feeds and sitemaps)")
	since := fs.String("since", "", "skip feed and sitemap entries dated before this `date` (YYYY-MM-DD)")
	extractToo := fs.Bool("extract", true, "extract the entities of what was collected (false: leave it to 'extract run')")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: ingest [flags] SOURCE...

Collects articles into the store and extracts their entities. A SOURCE is an
http(s) URL of an article page, a feed (RSS, Atom, JSON Feed) or a sitemap
(a sitemap index, a Google News sitemap): each entry is fetched. Or a local
.html, .txt, .jsonl or feed file, or a directory of them. Re-ingesting an
unchanged article writes nothing; a page the server says is unchanged (304)
is not even downloaded.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageStatus(err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	if *since != "" {
		t, err := time.Parse(time.DateOnly, *since)
		if err != nil {
			fmt.Fprintf(stderr, "ingest: -since %q: want YYYY-MM-DD\n", *since)
			return exitUsage
		}
		co.Since = t
	}
	s, err := store.Open(*db)
	if err != nil {
		return failure(stderr, "ingest")(err)
	}
	defer s.Close()
	// The model is loaded while pages are fetched: it takes a few hundred
	// milliseconds of CPU.
	var model func() (*nlp.Extractor, error)
	if *extractToo {
		model = loadModel()
		go model()
	}
	report, err := ingestInto(ctx, s, co, fs.Args(), model, stderr)
	return finishStatus(stderr, "ingest", "what was collected so far is stored", err, report.Failed())
}

// loadModel returns a function that loads the extraction model once, a
// panic while loading being its error.
func loadModel() func() (*nlp.Extractor, error) {
	return sync.OnceValues(func() (x *nlp.Extractor, err error) {
		// Called in a goroutine of its own too: a panic there would end
		// the process, so it becomes the run's error.
		defer func() {
			if r := recover(); r != nil {
				x, err = nil, fmt.Errorf("load model: %w", storyline.PanicError(r))
			}
		}()
		return nlp.New()
	})
}

// ingestInto collects sources into s and, when model is not nil,
// extracts what was collected and brings the stories up to date; it says
// what it did on stderr. Both ingest and serve run it.
func ingestInto(ctx context.Context, s *store.DB, co collect.Options, sources []string, model func() (*nlp.Extractor, error), stderr io.Writer) (*pipeline.IngestReport, error) {
	var extractor func() (pipeline.Extractor, error)
	if model != nil {
		extractor = func() (pipeline.Extractor, error) { return model() }
	}
	co.Known = func(ctx context.Context, url string) (collect.Validators, error) {
		id, etag, lastModified, err := s.Validators(ctx, url)
		return collect.Validators{ID: id, ETag: etag, LastModified: lastModified}, err
	}
	line := newStatusLine(stderr)
	report, err := pipeline.Ingest(ctx, collect.New(co), s, extractor, sources, line.log, line.progress)
	line.finish()
	for _, src := range report.Sources {
		line := fmt.Sprintf("ingest: %s: %d new, %d unchanged, %d updated, %d failed",
			src.Source, src.New, src.Unchanged, src.Updated, src.Failed)
		if src.Duplicates > 0 {
			line += fmt.Sprintf("; %d of the new are copies of stored reports", src.Duplicates)
		}
		fmt.Fprintln(stderr, line)
	}
	if model != nil {
		if x, merr := model(); merr == nil {
			xr := report.Extraction
			fmt.Fprintf(stderr, "extract: %d extracted%s, %d current, %d failed (%s)\n", xr.Extracted, unsupported(&xr), xr.Current, xr.Failed, x.Version())
			// Stories are brought up to date only after a whole ingest:
			// an interrupted or failed one leaves them for the next run.
			if err == nil {
				err = refreshStories(ctx, s, x.Version(), false, stderr)
			}
		}
	}
	return report, err
}
