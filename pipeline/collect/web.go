package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/storyline/storyline"
)

// web fetches pages, feeds and sitemaps through one colly collector and one
// transport, so that the per-host limits and the robots.txt cache span every
// source of a run.
type web struct {
	ctx  context.Context
	cc   *colly.Collector
	out  chan<- storyline.Collected
	opts Options

	mu        sync.Mutex
	requested map[string]bool // URLs asked for in this run
	frontier  *frontier
	followed  int // links followed for -depth in this run
}

// Keys of the colly request context.
const (
	ctxSource  = "storyline.source"
	ctxURL     = "storyline.url"
	ctxListed  = "storyline.listed"
	ctxDepth   = "storyline.depth"
	ctxKnownID = "storyline.known"
	ctxRefused = "storyline.refused"
	ctxChain   = "storyline.chain"
	// ctxReported marks a request whose error the OnError callback sent.
	ctxReported = "storyline.reported"
)

// maxRedirects is how many redirects one request may follow, as browsers do.
const maxRedirects = 10

// newWeb returns the web side of a Collect call over sources: the hosts of
// those given by URL may have private addresses.
func (c *Collector) newWeb(ctx context.Context, out chan<- storyline.Collected, sources []string) *web {
	o := c.opts
	cc := colly.NewCollector(
		colly.UserAgent(o.UserAgent),
		// Not colly.Async: the frontier starts each fetch in a goroutine
		// of its own, so that a queued link costs no goroutine until its
		// turn comes.
		// One byte over the limit, so that the transport, not colly's
		// silent cut, decides that a body is too large.
		colly.MaxBodySize(o.MaxBodyBytes+1),
		colly.StdlibContext(ctx),
	)
	// storyline honours robots.txt in its transport (robots.go), not through
	// colly's check: colly fetched a host's file in the caller's goroutine,
	// again for every URL when it did not answer, ignored a 5xx, and never
	// checked the hops of a redirect.
	cc.IgnoreRobotsTxt = true
	// storyline keeps its own list of URLs asked for; colly's would take a
	// redirect back to a page seen before for a loop.
	cc.AllowURLRevisit = true
	base := o.Transport
	if base == nil {
		dial := newDialGuard(sources).DialContext
		if o.AllowPrivate {
			dial = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		}
		base = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dial,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: o.Timeout,
			MaxIdleConnsPerHost:   o.PerHost,
			IdleConnTimeout:       90 * time.Second,
		}
	}
	cc.WithTransport(&transport{base: base, slots: make(chan struct{}, o.Parallel), perHost: o.PerHost, delay: o.Delay,
		retries: o.Retries, backoff: o.RetryBackoff, maxWait: maxRetryWait, maxBytes: int64(o.MaxBodyBytes),
		timeout: o.Timeout, hosts: map[string]chan struct{}{}, robots: newRobots(base, o.UserAgent, o.Timeout), pace: o.Pace})
	// The client's timeout covers the retries' waits too; each request is
	// bounded by the transport's timeouts.
	cc.SetRequestTimeout(time.Duration(o.Retries+1)*o.Timeout + maxRetryWait)
	cc.SetRedirectHandler(stopRedirectLoops)
	w := &web{ctx: ctx, cc: cc, out: out, opts: o, requested: map[string]bool{}}
	// Twice the transport's slots, so that a slot freed finds the next
	// request waiting; one more than a host's share, for the same reason.
	w.frontier = newFrontier(2*o.Parallel, o.PerHost+1, w.fetch)
	cc.OnResponseHeaders(w.onHeaders)
	cc.OnResponse(w.onResponse)
	cc.OnError(w.onError)
	return w
}

// stopRedirectLoops fails a redirect back to a URL of the same chain, or a
// chain longer than browsers follow.
func stopRedirectLoops(req *http.Request, via []*http.Request) error {
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return fmt.Errorf("redirect loop: %s redirects back to itself", req.URL)
		}
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	return nil
}

// visit queues link, found through source, for fetching. listed is the date
// a feed or sitemap gave it, or zero; depth how many levels of links to
// follow from it; chain the feeds and sitemaps that led to it, outermost
// first.
func (w *web) visit(source, link string, listed time.Time, depth int, chain []string) {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		send(w.ctx, w.out, storyline.Collected{Source: source, Input: link, Err: notWebURL(link)})
		return
	}
	w.mu.Lock()
	seen := w.requested[link]
	w.requested[link] = true
	w.mu.Unlock()
	if seen {
		queued(w.out, source, -1) // listed twice in one run (a page and a feed item): one article
		return
	}
	w.frontier.add(target{source: source, url: link, host: u.Host, listed: listed, depth: depth, chain: chain})
}

// fetch fetches l and runs the callbacks on its response, which may queue
// more links.
func (w *web) fetch(l target) {
	if w.ctx.Err() != nil {
		notStarted(w.out, l.source, l.url)
		return
	}
	rc := colly.NewContext()
	rc.Put(ctxSource, l.source)
	rc.Put(ctxURL, l.url)
	rc.Put(ctxListed, l.listed)
	rc.Put(ctxDepth, l.depth)
	rc.Put(ctxChain, l.chain)
	hdr := http.Header{}
	if w.opts.Known != nil {
		v, err := w.opts.Known(w.ctx, l.url)
		switch {
		case err == nil:
			rc.Put(ctxKnownID, v.ID)
			if v.ETag != "" {
				hdr.Set("If-None-Match", v.ETag)
			}
			if v.LastModified != "" {
				hdr.Set("If-Modified-Since", v.LastModified)
			}
		case w.ctx.Err() != nil:
			notStarted(w.out, l.source, l.url)
			return
		case !errors.Is(err, storyline.ErrNotFound):
			// A store that cannot answer is a fault to report; fetching
			// anyway would hide it until the article fails to be stored.
			send(w.ctx, w.out, storyline.Collected{Source: l.source, Input: l.url, Err: fmt.Errorf("stored validators of %s: %w", l.url, err)})
			return
		}
	}
	hdr.Set("User-Agent", w.opts.UserAgent)
	// colly returns the errors its OnError callback saw too; only the
	// others (a refused request, an undecodable charset) are new here.
	if err := w.cc.Request(http.MethodGet, l.url, nil, rc, hdr); err != nil && rc.GetAny(ctxReported) == nil {
		send(w.ctx, w.out, storyline.Collected{Source: l.source, Input: l.url, Err: err})
	}
}

// notWebURL is the error of a listed link that is not fetched: a feed or
// a sitemap may name any scheme (javascript:, mailto:, file:), and only
// http and https are fetched (a local listing's file: links are read).
func notWebURL(link string) error {
	err := fmt.Errorf("%w: not an http(s) URL", storyline.ErrUnsupported)
	if u, perr := url.Parse(link); perr == nil && u.Scheme != "" {
		return fmt.Errorf("%w (a %s: URL; storyline fetches http and https)", err, u.Scheme)
	}
	return err
}

func (w *web) wait() { w.frontier.wait() }

// onHeaders refuses, before its body is read, a response that is neither a
// page nor a feed nor a sitemap.
func (w *web) onHeaders(r *colly.Response) {
	if r.StatusCode < 200 || r.StatusCode > 299 {
		return
	}
	mediaType, _, _ := mime.ParseMediaType(r.Headers.Get("Content-Type"))
	if !acceptedType(mediaType) {
		r.Ctx.Put(ctxRefused, mediaType)
		r.Request.Abort()
	}
}

// acceptedType lists the content types that can hold an article or a list
// of them; an empty or generic type is judged by the body instead.
func acceptedType(mediaType string) bool {
	switch {
	case mediaType == "", mediaType == "text/html", mediaType == "application/xhtml+xml", mediaType == "text/plain",
		mediaType == "application/octet-stream", strings.HasSuffix(mediaType, "xml"), strings.HasSuffix(mediaType, "json"),
		mediaType == "application/x-gzip", mediaType == "application/gzip":
		return true
	}
	return false
}

func (w *web) onError(r *colly.Response, err error) {
	source, input := r.Ctx.Get(ctxSource), r.Ctx.Get(ctxURL)
	r.Ctx.Put(ctxReported, true)
	if errors.Is(err, errNotStarted) && w.ctx.Err() != nil { // not the client's own time limit
		notStarted(w.out, source, input)
		return
	}
	if refused := r.Ctx.Get(ctxRefused); refused != "" || errors.Is(err, colly.ErrAbortedAfterHeaders) {
		err = fmt.Errorf("%w: content type %q is neither a page, a feed nor a sitemap", storyline.ErrUnsupported, refused)
	} else if r.StatusCode == http.StatusNotModified {
		send(w.ctx, w.out, storyline.Collected{Source: source, Input: input, NotModified: true, KnownID: r.Ctx.Get(ctxKnownID)})
		return
	} else if r.StatusCode != 0 {
		err = fmt.Errorf("HTTP %d %s", r.StatusCode, http.StatusText(r.StatusCode))
		if n, _ := strconv.Atoi(r.Headers.Get(attemptsHeader)); n > 1 {
			err = fmt.Errorf("%w, the last of %d attempts", err, n)
		}
	}
	send(w.ctx, w.out, storyline.Collected{Source: source, Input: input, Err: err})
}

func (w *web) onResponse(r *colly.Response) {
	source, requested := r.Ctx.Get(ctxSource), r.Ctx.Get(ctxURL)
	// colly runs callbacks in its own goroutines: a panic there would end
	// the process, so it becomes this page's error.
	defer func() {
		if p := recover(); p != nil {
			send(w.ctx, w.out, storyline.Collected{Source: source, Input: requested, Err: storyline.PanicError(p)})
		}
	}()
	listed, _ := r.Ctx.GetAny(ctxListed).(time.Time)
	p, err := ParseResponse(Response{Requested: requested, Final: r.Request.URL, Header: *r.Headers, Body: r.Body,
		Listed: listed, Fetched: w.opts.Now()})
	if err != nil {
		send(w.ctx, w.out, storyline.Collected{Source: source, Input: requested, Err: err})
		return
	}
	depth, _ := r.Ctx.GetAny(ctxDepth).(int)
	chain, _ := r.Ctx.GetAny(ctxChain).([]string)
	var nestErr error
	if len(p.Entries) > 0 {
		chain, nestErr = nest(chain, requested)
	}
	queued(w.out, source, w.results(p, chain, nestErr, requested, r.Request.URL.String())-1)
	if nestErr != nil {
		send(w.ctx, w.out, storyline.Collected{Source: source, Input: requested, Err: nestErr})
	} else {
		for _, e := range p.Entries {
			if err := cycle(chain, requested, r.Request.URL.String(), e.URL); err != nil {
				send(w.ctx, w.out, storyline.Collected{Source: source, Input: e.URL, Err: err})
			} else if w.wanted(e.Listed) {
				w.visit(source, e.URL, e.Listed, depth, chain)
			}
		}
	}
	if p.Article == nil {
		return
	}
	send(w.ctx, w.out, storyline.Collected{Source: source, Input: requested, Article: p.Article})
	if depth > 0 {
		links := sameSiteLinks(r.Body, r.Request.URL)
		take := w.follow(len(links))
		capped := 0
		if take < len(links) {
			capped = 1
		}
		queued(w.out, source, take+capped)
		if take < len(links) {
			send(w.ctx, w.out, storyline.Collected{Source: source, Input: requested,
				Err: fmt.Errorf("%w: the page links to %d pages of its site, %d followed (at most %d a page, %d a run)",
					ErrLinksCapped, len(links), take, maxLinksPerPage, maxFollowedLinks)})
		}
		for _, link := range links[:take] {
			w.visit(source, link, time.Time{}, depth-1, nil)
		}
	}
}

// follow reserves room for up to n links of one page in the run's
// frontier and says how many to follow.
func (w *web) follow(n int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	take := min(n, maxLinksPerPage, maxFollowedLinks-w.followed)
	w.followed += take
	return take
}

// wanted reports whether an entry listed with that date passes -since; an
// entry without a date is fetched, and its page's date decides nothing here.
func (w *web) wanted(listed time.Time) bool {
	return w.opts.Since.IsZero() || listed.IsZero() || !listed.Before(w.opts.Since)
}

// sameSiteLinks lists the links of a page to other pages of its host.
func sameSiteLinks(page []byte, base *url.URL) []string {
	var links []string
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return links
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			if atom.Lookup(name) != atom.A || !hasAttr {
				continue
			}
			for {
				key, val, more := z.TagAttr()
				if string(key) == "href" {
					if u, err := base.Parse(string(val)); err == nil && u.Host == base.Host && (u.Scheme == "http" || u.Scheme == "https") {
						u.Fragment = ""
						links = append(links, u.String())
					}
				}
				if !more {
					break
				}
			}
		}
	}
}
