// Package collect turns sources into articles: web pages and the feeds and
// sitemaps that list them (fetched with colly), local HTML and text files,
// directories of them, JSON Lines corpora, and WARC archives (read through
// nlnwa/gowarc, local or downloaded with net/http as they are read: colly
// holds a whole body in memory).
//
// It is the only package that imports github.com/gocolly/colly/v2 and
// github.com/markusmobius/go-trafilatura.
package collect

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// Options tune the collector; the zero value of a field means its default.
type Options struct {
	// UserAgent names storyline and a contact URL to the servers it
	// fetches from.
	UserAgent string
	// PerHost bounds the parallel requests to one host; Delay is the pause
	// after each request to a host before its slot is free again.
	PerHost int
	Delay   time.Duration
	// Parallel bounds the requests in flight across all hosts.
	Parallel int
	// Retries is how many times a 429, a 5xx or a dropped connection is
	// tried again; RetryBackoff the first wait, doubled each time.
	Retries      int
	RetryBackoff time.Duration
	// Timeout bounds each attempt at an HTTP request, from dialling to the
	// last byte of its body.
	Timeout time.Duration
	// MaxBodyBytes caps one response body.
	MaxBodyBytes int
	// Since skips feed and sitemap entries dated before it (zero: none),
	// and WARC records whose WARC-Date is before it; Until skips WARC
	// records dated at or after it (zero: none).
	Since, Until time.Time
	// Hosts, when not empty, keeps only the WARC records of these hosts
	// (lower case) and their subdomains.
	Hosts []string
	// Depth is how many levels of same-site links to follow from an
	// article page; 0 follows none beyond feeds and sitemaps.
	Depth int
	// Known returns the stored article and HTTP validators of a URL, so that
	// an unchanged page is asked for conditionally. An error wrapping
	// storyline.ErrNotFound means none is stored: the page is fetched
	// unconditionally; any other error fails that URL. Nil: always fetch.
	Known func(ctx context.Context, url string) (Validators, error)
	// Transport, when set, replaces the base HTTP transport (tests); no
	// address is refused then.
	Transport http.RoundTripper
	// Now returns the fetch time; tests fix it.
	Now func() time.Time
	// AllowPrivate lets the collector connect to loopback, private,
	// link-local and unspecified addresses. Without it only the hosts of
	// the URLs given to Collect may have such addresses: a feed, a link or
	// a redirect cannot lead the crawler into the network it runs in.
	AllowPrivate bool
	// Pace, when set, is called before each request to a host (after its
	// robots.txt check) and returns when the request may start: a limiter
	// that workers on several machines share, so that the politeness delay
	// holds across them. An error fails the request.
	Pace func(ctx context.Context, host string) error
}

// Validators are what the store keeps of a fetched page to ask for it again
// conditionally: the ID of the article it led to and its HTTP validators,
// either of which may be empty.
type Validators struct {
	ID, ETag, LastModified string
}

// Defaults of Options, also the defaults of ingest's flags.
const (
	DefaultUserAgent    = "storyline/0.1 (+https://github.com/storyline/storyline; news entity extraction)"
	DefaultPerHost      = 2
	DefaultDelay        = time.Second
	DefaultParallel     = 16
	DefaultRetries      = 3
	DefaultRetryBackoff = time.Second
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBodyBytes = 10 << 20
)

// maxRetryWait bounds the wait a Retry-After header can ask for.
const maxRetryWait = 2 * time.Minute

func (o Options) withDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.PerHost <= 0 {
		o.PerHost = DefaultPerHost
	}
	if o.Delay < 0 {
		o.Delay = 0
	}
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallel
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = DefaultRetryBackoff
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Collector reads sources. It is safe to use for one Collect call at a time.
type Collector struct {
	opts Options
}

// New returns a collector with the given options. Zero Delay and Retries
// mean none: callers that want the defaults set them.
func New(opts Options) *Collector {
	return &Collector{opts: opts.withDefaults()}
}

// Collect reads every source and sends one result per article found, per
// unchanged page and per input that failed on out. A source is an http(s)
// URL of an article page, a feed or a sitemap, a local .html, .txt, .jsonl
// or feed (.xml) file, a WARC file (.warc, .warc.gz; local or an http(s)
// URL), or a directory of such files. Collect returns when
// every source is done or ctx is cancelled; it does not close out.
//
// Once ctx is cancelled, Collect begins nothing more, but it still sends
// what was under way and, for each input it had queued and not begun (a
// source, a file of a directory, a feed or sitemap entry), a NotStarted
// result, so that a stopped run can say exactly what it left: the caller
// reads out until Collect returns. Notes with Queued set tell how many
// results to expect as listings are read.
func (c *Collector) Collect(ctx context.Context, sources []string, out chan<- storyline.Collected) {
	r := &run{ctx: ctx, out: out, opts: c.opts, web: c.newWeb(ctx, out, sources), files: map[string]bool{}}
	for _, src := range sources {
		if ctx.Err() != nil {
			notStarted(out, src, src)
			continue
		}
		r.open(src)
	}
	r.web.wait()
}

// run is the state of one Collect call.
type run struct {
	ctx  context.Context
	out  chan<- storyline.Collected
	opts Options
	web  *web
	// files holds the absolute paths of the local files read so far, so
	// that feeds listing themselves or each other end. Only Collect's own
	// goroutine reads local files: web feeds never list them.
	files map[string]bool
}

// open reads one source: a web URL, a directory or a file.
func (r *run) open(src string) {
	if isWebURL(src) && isWARCName(urlPath(src)) {
		r.streamWARCURL(src)
		return
	}
	if isWebURL(src) {
		r.web.visit(src, src, time.Time{}, r.opts.Depth, nil)
		return
	}
	info, err := os.Stat(src)
	switch {
	case err != nil && errors.Is(err, fs.ErrNotExist):
		send(r.ctx, r.out, storyline.Collected{Source: src, Input: src, Err: notASource(src, err)})
	case err != nil:
		send(r.ctx, r.out, storyline.Collected{Source: src, Input: src, Err: err})
	case info.IsDir():
		r.openDir(src)
	default:
		r.openFile(src, src, nil)
	}
}

// notASource says why src, which names no file, is no source either, with
// a hint where one helps ("www.example.com" wants its scheme); a name that
// looks like a file's keeps statErr.
func notASource(src string, statErr error) error {
	err := fmt.Errorf("%w: not an http(s) URL or a file", storyline.ErrUnsupported)
	if u, perr := url.Parse(src); perr == nil && u.Scheme != "" && u.Opaque == "" && u.Host != "" {
		return fmt.Errorf("%w (a %s: URL; storyline fetches http and https)", err, u.Scheme)
	}
	if host, _, _ := strings.Cut(src, "/"); strings.Contains(host, ".") && !strings.ContainsAny(host, `\ `) &&
		!strings.HasPrefix(src, ".") && !knownFile(src) {
		return fmt.Errorf("%w (did you mean https://%s?)", err, src)
	}
	return statErr
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// send delivers it, without credentials in its URLs, and reports whether
// the run goes on. It delivers even once ctx is cancelled: an article
// fetched, or a request cut short, is the caller's to store or count, and
// the caller reads until Collect returns.
func send(ctx context.Context, out chan<- storyline.Collected, it storyline.Collected) bool {
	out <- withoutCredentials(it)
	return ctx.Err() == nil
}

// notStarted tells that input, queued from source, was never begun.
func notStarted(out chan<- storyline.Collected, source, input string) {
	out <- withoutCredentials(storyline.Collected{Source: source, Input: input, NotStarted: true})
}

// queued tells that source will give n more results than one per input
// known so far (n < 0: fewer); a note of 0 is not sent.
func queued(out chan<- storyline.Collected, source string, n int) {
	if n != 0 {
		out <- withoutCredentials(storyline.Collected{Source: source, Queued: n})
	}
}

// firstLine is the first non-empty line of text, as a plain text file's title.
func firstLine(text string) string {
	for line := range strings.Lines(text) {
		if s := collapse(line); s != "" {
			if len(s) > 300 {
				return ""
			}
			return s
		}
	}
	return ""
}
