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

// web fetches pages, feeds and sitemaps through one colly collector, so that
// its per-host limits and robots.txt cache span every source of a run.
type web struct {
	ctx  context.Context
	cc   *colly.Collector
	out  chan<- storyline.Collected
	opts Options

	mu        sync.Mutex
	requested map[string]bool // URLs asked for in this run
	hosts     map[string]bool // hosts with a colly limit rule
}

// Keys of the colly request context.
const (
	ctxSource    = "storyline.source"
	ctxURL       = "storyline.url"
	ctxPublished = "storyline.published"
	ctxDepth     = "storyline.depth"
	ctxKnownID   = "storyline.known"
	ctxRefused   = "storyline.refused"
)

// maxRedirects is how many redirects one request may follow, as browsers do.
const maxRedirects = 10

func (c *Collector) newWeb(ctx context.Context, out chan<- storyline.Collected) *web {
	o := c.opts
	cc := colly.NewCollector(
		colly.UserAgent(o.UserAgent),
		colly.Async(true),
		// One byte over the limit, so that the transport, not colly's
		// silent cut, decides that a body is too large.
		colly.MaxBodySize(o.MaxBodyBytes+1),
		colly.StdlibContext(ctx),
	)
	// colly v2 ignores robots.txt unless told otherwise; storyline honours it.
	cc.IgnoreRobotsTxt = false
	// storyline keeps its own list of URLs asked for; colly's would take a
	// redirect back to a page seen before for a loop.
	cc.AllowURLRevisit = true
	base := o.Transport
	if base == nil {
		base = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: o.Timeout,
			MaxIdleConnsPerHost:   o.PerHost,
			IdleConnTimeout:       90 * time.Second,
		}
	}
	cc.WithTransport(&transport{base: base, slots: make(chan struct{}, o.Parallel), retries: o.Retries,
		backoff: o.RetryBackoff, maxWait: maxRetryWait, maxBytes: int64(o.MaxBodyBytes)})
	// The client's timeout covers the retries' waits too; each request is
	// bounded by the transport's timeouts.
	cc.SetRequestTimeout(time.Duration(o.Retries+1)*o.Timeout + maxRetryWait)
	cc.SetRedirectHandler(stopRedirectLoops)
	w := &web{ctx: ctx, cc: cc, out: out, opts: o, requested: map[string]bool{}, hosts: map[string]bool{}}
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

// visit queues link, found through source, for fetching. published is the
// date a feed gave for it, or zero; depth how many levels of links to follow
// from it.
func (w *web) visit(source, link string, published time.Time, depth int) {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		send(w.ctx, w.out, storyline.Collected{Source: source, Input: link, Err: fmt.Errorf("not an http(s) URL")})
		return
	}
	w.mu.Lock()
	seen := w.requested[link]
	w.requested[link] = true
	newHost := !w.hosts[u.Host]
	w.hosts[u.Host] = true
	w.mu.Unlock()
	if seen {
		return // listed twice in one run (a page and a feed item): one article
	}
	if newHost {
		// One limit rule per host: colly applies one rule's parallelism to
		// all the hosts it matches.
		_ = w.cc.Limit(&colly.LimitRule{DomainGlob: u.Host, Parallelism: w.opts.PerHost,
			Delay: w.opts.Delay, RandomDelay: w.opts.Delay / 2})
	}
	rc := colly.NewContext()
	rc.Put(ctxSource, source)
	rc.Put(ctxURL, link)
	rc.Put(ctxPublished, published)
	rc.Put(ctxDepth, depth)
	hdr := http.Header{}
	if w.opts.Known != nil {
		if id, etag, lastModified, ok := w.opts.Known(link); ok {
			rc.Put(ctxKnownID, id)
			if etag != "" {
				hdr.Set("If-None-Match", etag)
			}
			if lastModified != "" {
				hdr.Set("If-Modified-Since", lastModified)
			}
		}
	}
	hdr.Set("User-Agent", w.opts.UserAgent)
	if err := w.cc.Request(http.MethodGet, link, nil, rc, hdr); err != nil {
		send(w.ctx, w.out, storyline.Collected{Source: source, Input: link, Err: err})
	}
}

func (w *web) wait() { w.cc.Wait() }

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
	depth, _ := r.Ctx.GetAny(ctxDepth).(int)
	final := r.Request.URL
	fail := func(err error) { send(w.ctx, w.out, storyline.Collected{Source: source, Input: requested, Err: err}) }
	mediaType, _, _ := mime.ParseMediaType(r.Headers.Get("Content-Type"))
	switch {
	case isSitemap(r.Body) || isFeed(r.Body):
		parse := parseFeed
		if isSitemap(r.Body) {
			parse = parseSitemap
		}
		entries, err := parse(r.Body, final)
		if err != nil {
			fail(err)
			return
		}
		for _, e := range entries {
			if w.wanted(e.published) {
				w.visit(source, e.link, e.published, depth)
			}
		}
	case mediaType == "text/html" || mediaType == "application/xhtml+xml" || looksLikeHTML(r.Body):
		a, err := ParseHTML(bytes.NewReader(r.Body), final)
		if err != nil {
			fail(err)
			return
		}
		a.URL = requested
		a.CanonicalURL = canonicalURL(final, a.CanonicalURL)
		a.ID = a.CanonicalURL
		a.ETag, a.LastModified = r.Headers.Get("ETag"), r.Headers.Get("Last-Modified")
		// The page's own date (meta tags, JSON-LD, <time>, the URL's date
		// path) comes first, the feed's second, the fetch time never.
		if fromFeed, ok := r.Ctx.GetAny(ctxPublished).(time.Time); ok && a.Published.IsZero() && !fromFeed.IsZero() {
			a.Published, a.PublishedFrom = fromFeed, "feed"
		}
		a.Fetched = w.opts.Now().UTC()
		send(w.ctx, w.out, storyline.Collected{Source: source, Input: requested, Article: a})
		if depth > 0 {
			for _, link := range sameSiteLinks(r.Body, final) {
				w.visit(source, link, time.Time{}, depth-1)
			}
		}
	default:
		fail(fmt.Errorf("%w: content type %q is neither a page, a feed nor a sitemap", storyline.ErrUnsupported, mediaType))
	}
}

// wanted reports whether an entry dated published passes -since; an entry
// without a date is fetched, and its page's date decides nothing here.
func (w *web) wanted(published time.Time) bool {
	return w.opts.Since.IsZero() || published.IsZero() || !published.Before(w.opts.Since)
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
