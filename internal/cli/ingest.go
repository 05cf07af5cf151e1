package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/collect"
	"github.com/storyline/storyline/pipeline/nlp"
)

// IngestOptions let tests tune the collector: point it at a test server,
// drop the politeness delay. A nil Collect means the defaults; flags given
// on the command line still override what it sets.
type IngestOptions struct {
	Collect *collect.Options
	// Stdin is what "-urls -" reads; nil reads nothing.
	Stdin io.Reader
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
	fs.BoolVar(&co.AllowPrivate, "allow-private", co.AllowPrivate, "connect to loopback, private and link-local addresses that no SOURCE names (refused by default)")
	since := fs.String("since", "", "skip feed and sitemap entries, and WARC records (by WARC-Date), dated before this `date` (YYYY-MM-DD)")
	until := fs.String("until", "", "skip WARC records dated after this `date` (YYYY-MM-DD, the day itself kept)")
	hosts := fs.String("host", "", "read only the WARC records of these `hosts` (comma-separated) and their subdomains")
	urlsFile := fs.String("urls", "", "also ingest the sources listed in this `file`, one a line (- for standard input; blank lines and # comments passed over)")
	verbose := fs.Bool("v", false, fmt.Sprintf("a summary line for each source (without -v, one in all when there are more than %d)", perSourceLines))
	extractToo := fs.Bool("extract", true, "extract the entities of what was collected (false: leave it to 'extract run')")
	qf := addQueueFlags(fs)
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run (a worker's too, until it is stopped) to this `file`, for go tool pprof")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: ingest [flags] SOURCE...

Collects articles into the store and extracts their entities. A SOURCE is an
http(s) URL of an article page, a feed (RSS, Atom, JSON Feed) or a sitemap
(a sitemap index, a Google News sitemap): each entry is fetched. Or a local
.html, .txt, .jsonl or feed file, or a directory of them. A WARC file
(.warc, .warc.gz: local, or an http(s) URL read as it downloads) gives an
article for each HTML response it keeps. Re-ingesting an
unchanged article writes nothing; a page the server says is unchanged (304)
is not even downloaded.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageStatus(err)
	}
	sources := fs.Args()
	if *urlsFile != "" {
		more, err := readURLs(*urlsFile, opts.Stdin)
		if err != nil {
			fmt.Fprintf(stderr, "ingest: -urls %s: %v\n", *urlsFile, err)
			return exitUsage
		}
		sources = append(sources, more...)
	}
	if len(sources) == 0 && !qf.worker {
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
	if *until != "" {
		t, err := time.Parse(time.DateOnly, *until)
		if err != nil {
			fmt.Fprintf(stderr, "ingest: -until %q: want YYYY-MM-DD\n", *until)
			return exitUsage
		}
		co.Until = t.AddDate(0, 0, 1)
	}
	co.Hosts = warcHosts(*hosts)
	if *cpuProfile != "" {
		stop, err := profileCPU(*cpuProfile)
		if err != nil {
			return failure(stderr, "ingest")(err)
		}
		defer stop()
	}
	if qf.on() {
		return runQueued(ctx, qf, *db, co, sources, *extractToo, stderr)
	}
	s, err := openStore(ctx, *db, forWriting)
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
	report, err := ingestInto(ctx, s, co, sources, model, *verbose, stderr)
	stopped := stoppedCounts(report) + "; what was collected so far is stored and extracted; the stories wait for the next 'ingest' or 'extract run'"
	if model == nil {
		stopped = stoppedCounts(report) + "; what was collected so far is stored; 'extract run' extracts it"
	}
	return finishStatus(stderr, "ingest", stopped, err, report.Failed())
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
// what it did on stderr, a line for each source when verbose. Both ingest
// and serve run it.
func ingestInto(ctx context.Context, s Store, co collect.Options, sources []string, model func() (*nlp.Extractor, error),
	verbose bool, stderr io.Writer) (*pipeline.IngestReport, error) {
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
	summarize(stderr, report.Sources, verbose)
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

// readURLs reads the sources listed in path (or in stdin for "-"): one a
// line, blank lines and lines starting with # passed over.
func readURLs(path string, stdin io.Reader) ([]string, error) {
	var r io.Reader
	if path == "-" {
		if stdin == nil {
			return nil, errors.New("no standard input")
		}
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out, sc.Err()
}

// perSourceLines is how many sources get a summary line each without -v:
// 181 lines for 181 URLs of one site are noise.
const perSourceLines = 5

// summarize writes what each source gave, or, for more than perSourceLines
// sources without verbose, the totals.
func summarize(w io.Writer, sources []*pipeline.SourceSummary, verbose bool) {
	counts := func(name string, n pipeline.SourceSummary) string {
		line := fmt.Sprintf("ingest: %s: %d new, %d unchanged, %d updated, %d failed", name, n.New, n.Unchanged, n.Updated, n.Failed)
		if n.Skipped > 0 {
			line += fmt.Sprintf(", %d files skipped", n.Skipped)
		}
		if n.SkippedRecords > 0 {
			line += fmt.Sprintf(", %d WARC records skipped", n.SkippedRecords)
		}
		if (n.Skipped > 0 || n.SkippedRecords > 0) && !verbose {
			line += " (-v names them)"
		}
		if n.CutShort > 0 || n.NotStarted > 0 {
			line += fmt.Sprintf(", %d cut short, %d not started", n.CutShort, n.NotStarted)
		}
		if n.Duplicates > 0 {
			line += fmt.Sprintf("; %d of the new are copies of stored reports", n.Duplicates)
		}
		return line
	}
	if verbose {
		for _, src := range sources {
			for _, f := range src.SkippedFiles {
				fmt.Fprintf(w, "ingest: %s: skipped\n", f)
			}
		}
	}
	if verbose || len(sources) <= perSourceLines {
		for _, src := range sources {
			fmt.Fprintln(w, counts(src.Source, *src))
		}
		return
	}
	var all pipeline.SourceSummary
	for _, src := range sources {
		all.New += src.New
		all.Unchanged += src.Unchanged
		all.Updated += src.Updated
		all.Failed += src.Failed
		all.Duplicates += src.Duplicates
		all.Skipped += src.Skipped
		all.SkippedRecords += src.SkippedRecords
		all.CutShort += src.CutShort
		all.NotStarted += src.NotStarted
	}
	fmt.Fprintln(w, counts(fmt.Sprintf("%d sources", len(sources)), all)+" (-v for each source)")
}

// warcHosts splits -host's list into lower-case host names.
func warcHosts(list string) []string {
	var hosts []string
	for h := range strings.SplitSeq(list, ",") {
		if h = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), ".")); h != "" {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

// profileCPU starts profiling the process's CPU into path; the returned
// function stops and writes it. A worker runs until a signal, so a profile
// of where a queued run spends its time is taken this way rather than by a
// test.
func profileCPU(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile %s: %w", path, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
