package collect

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/storyline/storyline"
)

// urlPath is the path of a URL, or "" when s is none.
func urlPath(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Path
}

// streamWARCURL reads a WARC file from an http(s) URL as it downloads:
// records are read from the body as it arrives, never the whole file held
// (so not through colly, which keeps a whole body in memory; a CC-NEWS
// file is about 1 GB).
// The URL's own host may be private (the user named it); a redirect
// elsewhere meets the same guard as a crawl. Whether the file is gzipped
// is read from its bytes, so the body is taken as the server sends it,
// without asking for a content coding.
func (r *run) streamWARCURL(src string) {
	name := stripUserinfo(src)
	fail := func(err error) { send(r.ctx, r.out, storyline.Collected{Source: src, Input: name, Err: err}) }
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		fail(err)
		return
	}
	req.Header.Set("User-Agent", r.opts.UserAgent)
	resp, err := r.warcClient(src).Do(req)
	if err != nil {
		if r.ctx.Err() == nil {
			fail(err)
		}
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		fail(fmt.Errorf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode)))
		return
	}
	g := &stallGuard{body: resp.Body, timeout: r.opts.Timeout}
	g.stall = time.AfterFunc(r.opts.Timeout, func() { g.stalled.Store(true); cancel() })
	defer g.stall.Stop()
	r.readWARC(src, name, g)
}

// warcClient is the HTTP client of a WARC download: the dial guard of a
// crawl, trusting the host of src, and redirects stopped as in a crawl.
// Options.Timeout bounds the wait for the headers and every stall of the
// body, not the whole download, which may take minutes.
func (r *run) warcClient(src string) *http.Client {
	base := r.opts.Transport
	if base == nil {
		dial := newDialGuard([]string{src}).DialContext
		if r.opts.AllowPrivate {
			dial = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		}
		base = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dial,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: r.opts.Timeout,
			DisableCompression:    true,
		}
	}
	return &http.Client{Transport: base, CheckRedirect: stopRedirectLoops}
}

// stallGuard cancels a download (through its timer) when no byte of the
// body arrived for timeout.
type stallGuard struct {
	body    io.Reader
	timeout time.Duration
	stall   *time.Timer
	stalled atomic.Bool
}

func (g *stallGuard) Read(p []byte) (int, error) {
	n, err := g.body.Read(p)
	if n > 0 {
		g.stall.Reset(g.timeout)
	}
	switch {
	case err != nil && g.stalled.Load():
		err = fmt.Errorf("download stalled: no byte for %s", g.timeout)
	case err != nil && err != io.EOF:
		err = fmt.Errorf("download: %w", err)
	}
	return n, err
}
