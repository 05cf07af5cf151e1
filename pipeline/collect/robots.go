package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// ErrRobots is returned for a URL that the robots.txt of its host
// disallows, or whose host's robots.txt cannot be reached.
var ErrRobots = errors.New("disallowed by robots.txt")

// maxRobotsBytes is how much of a robots.txt is read: RFC 9309 asks
// crawlers to parse at least 500 KiB, and a 12 MB one is not read whole
// for each of a host's pages.
const maxRobotsBytes = 512 << 10

// robots answers whether a URL may be fetched, from each host's robots.txt
// fetched once per run, whatever the answer: RFC 9309's rules for a file
// that is missing (4xx: everything allowed) or unreachable (5xx, a timeout,
// a refused connection: nothing allowed, for the rest of the run). A host's
// file is fetched by the first request to that host; the others for that
// host wait for it, those for other hosts do not.
type robots struct {
	base    http.RoundTripper
	agent   string
	timeout time.Duration

	mu    sync.Mutex
	hosts map[string]*robotsFile
}

type robotsFile struct {
	ready chan struct{} // closed once data or err is set
	data  *robotstxt.RobotsData
	err   error // the host's robots.txt could not be reached
}

func newRobots(base http.RoundTripper, agent string, timeout time.Duration) *robots {
	return &robots{base: base, agent: agent, timeout: timeout, hosts: map[string]*robotsFile{}}
}

// check returns nil when u may be fetched, or an error wrapping ErrRobots.
func (r *robots) check(ctx context.Context, u *url.URL) error {
	if u.Path == "/robots.txt" {
		return nil
	}
	key := u.Scheme + "://" + u.Host
	r.mu.Lock()
	f, known := r.hosts[key]
	if !known {
		f = &robotsFile{ready: make(chan struct{})}
		r.hosts[key] = f
	}
	r.mu.Unlock()
	if !known {
		go func() {
			f.data, f.err = r.fetch(key)
			close(f.ready)
		}()
	}
	select {
	case <-f.ready:
	case <-ctx.Done():
		return ctx.Err()
	}
	switch {
	case errors.Is(f.err, ErrPrivateAddress):
		return f.err // the page would be refused too, and for that reason
	case f.err != nil:
		return fmt.Errorf("%w: %s/robots.txt could not be read (%v), so nothing of the host is fetched", ErrRobots, key, f.err)
	case !f.data.TestAgent(u.EscapedPath(), r.agent):
		return fmt.Errorf("%w: %s", ErrRobots, u.Redacted())
	}
	return nil
}

// fetch reads one host's robots.txt, within the time limit of a request.
// It runs apart from the request that needed it, so that a cancelled
// request neither waits for it nor records the host as unreachable.
func (r *robots) fetch(origin string) (*robotstxt.RobotsData, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, origin+"/robots.txt", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", r.agent)
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsBytes))
	if err != nil {
		return nil, err
	}
	// 2xx is parsed, 4xx allows everything; a 3xx that the transport did
	// not follow is read as RFC 9309 reads an unavailable file.
	status := resp.StatusCode
	if status >= 300 && status < 400 {
		status = http.StatusNotFound
	}
	return robotstxt.FromStatusAndBytes(status, body)
}
