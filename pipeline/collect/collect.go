// Package collect turns sources into articles: web pages and the feeds that
// list them (fetched with colly, the only HTTP client of storyline), local
// HTML and text files, directories of them, and JSON Lines corpora.
//
// It is the only package that imports github.com/gocolly/colly/v2 and
// github.com/markusmobius/go-trafilatura.
package collect

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// Options tune the collector; the zero value is usable.
type Options struct {
	// UserAgent names storyline to the servers it fetches from.
	UserAgent string
	// PerHost bounds the parallel requests to one host.
	PerHost int
	// Timeout bounds one HTTP request.
	Timeout time.Duration
	// MaxBodyBytes caps one response body.
	MaxBodyBytes int
	// Transport, when set, replaces the HTTP transport (tests).
	Transport http.RoundTripper
	// Now returns the fetch time; tests fix it.
	Now func() time.Time
}

// DefaultUserAgent says who is fetching and where to read about it.
const DefaultUserAgent = "storyline/0.1 (+https://github.com/storyline/storyline; news entity extraction)"

func (o Options) withDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.PerHost <= 0 {
		o.PerHost = 2
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 10 << 20
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

// New returns a collector with the given options.
func New(opts Options) *Collector {
	return &Collector{opts: opts.withDefaults()}
}

// Collect reads every source and sends one result per article found or per
// input that failed on out. A source is an http(s) URL of an article page or
// of a feed, a local .html, .txt, .jsonl or feed (.xml) file, or a directory
// of such files. Collect returns when every source is done or ctx is
// cancelled; it does not close out.
func (c *Collector) Collect(ctx context.Context, sources []string, out chan<- storyline.Collected) {
	w := c.newWeb(ctx, out)
	for _, src := range sources {
		if ctx.Err() != nil {
			break
		}
		if isWebURL(src) {
			w.visit(src, src, time.Time{})
			continue
		}
		c.collectLocal(ctx, src, out, w)
	}
	w.wait()
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// send delivers it unless ctx is cancelled first.
func send(ctx context.Context, out chan<- storyline.Collected, it storyline.Collected) bool {
	select {
	case out <- it:
		return true
	case <-ctx.Done():
		return false
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
