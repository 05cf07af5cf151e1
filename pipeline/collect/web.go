package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/storyline/storyline"
)

// web fetches pages and feeds through one colly collector, so that its
// per-host limits and robots.txt cache span every source of a run.
type web struct {
	ctx context.Context
	cc  *colly.Collector
	out chan<- storyline.Collected
	now func() time.Time
}

// Keys of the colly request context.
const (
	ctxSource    = "storyline.source"
	ctxURL       = "storyline.url"
	ctxPublished = "storyline.published"
)

func (c *Collector) newWeb(ctx context.Context, out chan<- storyline.Collected) *web {
	cc := colly.NewCollector(
		colly.UserAgent(c.opts.UserAgent),
		colly.Async(true),
		colly.MaxBodySize(c.opts.MaxBodyBytes),
		colly.StdlibContext(ctx),
	)
	// colly v2 ignores robots.txt unless told otherwise; storyline honours it.
	cc.IgnoreRobotsTxt = false
	cc.SetRequestTimeout(c.opts.Timeout)
	// The limit rule cannot fail for a glob this simple.
	_ = cc.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: c.opts.PerHost})
	if c.opts.Transport != nil {
		cc.WithTransport(c.opts.Transport)
	}
	w := &web{ctx: ctx, cc: cc, out: out, now: c.opts.Now}
	cc.OnResponse(w.onResponse)
	cc.OnError(w.onError)
	return w
}

// visit queues link, found through source, for fetching. published is the
// date a feed gave for it, or zero.
func (w *web) visit(source, link string, published time.Time) {
	rc := colly.NewContext()
	rc.Put(ctxSource, source)
	rc.Put(ctxURL, link)
	rc.Put(ctxPublished, published)
	err := w.cc.Request(http.MethodGet, link, nil, rc, nil)
	var visited *colly.AlreadyVisitedError
	switch {
	case err == nil, errors.As(err, &visited):
		// Reached twice in one run (listed and in a feed): one article.
	default:
		send(w.ctx, w.out, storyline.Collected{Source: source, Input: link, Err: err})
	}
}

func (w *web) wait() { w.cc.Wait() }

func (w *web) onError(r *colly.Response, err error) {
	input := r.Ctx.Get(ctxURL)
	if r.StatusCode != 0 {
		err = fmt.Errorf("HTTP %d %s", r.StatusCode, http.StatusText(r.StatusCode))
	}
	send(w.ctx, w.out, storyline.Collected{Source: r.Ctx.Get(ctxSource), Input: input, Err: err})
}

func (w *web) onResponse(r *colly.Response) {
	source, requested := r.Ctx.Get(ctxSource), r.Ctx.Get(ctxURL)
	final := r.Request.URL
	fail := func(err error) { send(w.ctx, w.out, storyline.Collected{Source: source, Input: requested, Err: err}) }
	mediaType, _, _ := mime.ParseMediaType(r.Headers.Get("Content-Type"))
	switch {
	case isFeed(r.Body):
		entries, err := parseFeed(r.Body, final)
		if err != nil {
			fail(err)
			return
		}
		for _, e := range entries {
			w.visit(source, e.link, e.published)
		}
	case mediaType == "text/html" || mediaType == "application/xhtml+xml" ||
		(mediaType == "" || mediaType == "text/plain") && looksLikeHTML(r.Body):
		a, err := ParseHTML(bytes.NewReader(r.Body), final)
		if err != nil {
			fail(err)
			return
		}
		a.ID, a.URL, a.CanonicalURL = final.String(), requested, final.String()
		if fromFeed, ok := r.Ctx.GetAny(ctxPublished).(time.Time); ok && a.Published.IsZero() && !fromFeed.IsZero() {
			a.Published, a.PublishedFrom = fromFeed, "feed"
		}
		a.Fetched = w.now().UTC()
		send(w.ctx, w.out, storyline.Collected{Source: source, Input: requested, Article: a})
	default:
		fail(fmt.Errorf("%w: content type %q is neither a page nor a feed", storyline.ErrUnsupported, mediaType))
	}
}
