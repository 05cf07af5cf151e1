package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/storyline/storyline"
)

// attemptsHeader carries, on a response handed to colly, how many requests
// it took, so that the final error can say so.
const attemptsHeader = "X-Storyline-Attempts"

// transport sits under colly's HTTP client. It bounds the requests in
// flight to each host and across all hosts, pauses between the requests to
// a host, retries answers that say "later" (429 and 5xx) with exponential
// backoff and jitter, honouring Retry-After, and refuses bodies over the
// size limit — colly itself would cut them short without a word. Bodies
// arrive decompressed from net/http, so a gzip bomb is refused at the
// limit too.
//
// The per-host limit is here rather than in colly's LimitRules: colly reads
// its rules without a lock, so adding one for a host found in a feed while
// other requests are in flight is a data race.
type transport struct {
	base     http.RoundTripper
	slots    chan struct{} // one per request in flight
	perHost  int
	delay    time.Duration // a host's slot is held this long, plus up to half again, after each request
	retries  int
	backoff  time.Duration // first wait; it doubles with each retry
	maxWait  time.Duration // longest wait, whatever Retry-After asks
	maxBytes int64
	timeout  time.Duration // bounds each attempt, its body included

	mu    sync.Mutex
	hosts map[string]chan struct{} // one slot per request in flight to that host

	// robots is asked about every request, each hop of a redirect too,
	// before it takes a slot; nil asks nothing.
	robots *robots
	// pace, when set, is asked before each request takes its host's slot.
	pace func(ctx context.Context, host string) error
}

// errNotStarted is returned for a request that the run's end stopped
// before it was sent: it was waiting for robots.txt or for a slot.
var errNotStarted = errors.New("not started")

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	// A redirect's hop (req.Response set) belongs to a request under way.
	stoppedBefore := func(err error) error {
		if ctx.Err() != nil && req.Response == nil {
			return fmt.Errorf("%w: %w", errNotStarted, ctx.Err())
		}
		return err
	}
	if err := ctx.Err(); err != nil {
		return nil, stoppedBefore(err)
	}
	if t.robots != nil {
		if err := t.robots.check(ctx, req.URL); err != nil {
			return nil, stoppedBefore(err)
		}
	}
	if t.pace != nil {
		if err := t.pace(ctx, req.URL.Host); err != nil {
			return nil, err
		}
	}
	// The host's slot first: waiting for it while holding a global one
	// would let one slow host hold up the others.
	host := t.hostSlots(req.URL.Host)
	if err := acquire(ctx, host); err != nil {
		return nil, stoppedBefore(err)
	}
	if err := acquire(ctx, t.slots); err != nil {
		<-host
		return nil, stoppedBefore(err)
	}
	release := func() {
		<-t.slots
		pause := t.delay + rand.N(t.delay/2+1)
		time.AfterFunc(pause, func() { <-host })
	}
	// Both slots may be free when the run ends: a select picks at random,
	// so the end is checked once more before anything is sent.
	if err := ctx.Err(); err != nil {
		release()
		return nil, stoppedBefore(err)
	}
	resp, err := t.roundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, limit: t.maxBytes, left: t.maxBytes, release: release}
	return resp, nil
}

func (t *transport) hostSlots(host string) chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	slots, ok := t.hosts[host]
	if !ok {
		slots = make(chan struct{}, t.perHost)
		t.hosts[host] = slots
	}
	return slots
}

func acquire(ctx context.Context, slots chan struct{}) error {
	select {
	case slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *transport) roundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		// The time limit covers the body too: headers sent at once and a
		// body sent a byte at a time would hold a request for good.
		ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
		resp, err := t.base.RoundTrip(req.WithContext(ctx))
		retry := attempt <= t.retries && (err != nil && transient(err) || err == nil && retryable(resp.StatusCode))
		if !retry {
			if err != nil {
				cancel()
				return nil, err
			}
			if resp.ContentLength > t.maxBytes {
				resp.Body.Close()
				cancel()
				return nil, fmt.Errorf("%w: %d bytes, limit %d", storyline.ErrTooLarge, resp.ContentLength, t.maxBytes)
			}
			resp.Header.Set(attemptsHeader, strconv.Itoa(attempt))
			resp.Body = &timedBody{ReadCloser: resp.Body, ctx: ctx, cancel: cancel, timeout: t.timeout}
			return resp, nil
		}
		wait := t.backoff << (attempt - 1)
		wait += rand.N(wait/2 + 1) // jitter, so clients that failed together do not return together
		if resp != nil {
			if after, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
				wait = after
			}
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		cancel()
		if err := sleep(req.Context(), min(wait, t.maxWait)); err != nil {
			return nil, err
		}
	}
}

// retryable statuses say the server may answer later.
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500 && status != http.StatusNotImplemented
}

// transient errors are timeouts and dropped connections, worth another try.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) {
		return false
	}
	return isTimeout(err) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, time.Until(t)), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// cappedBody fails a read past the size limit and frees the request's slot
// when closed.
type cappedBody struct {
	io.ReadCloser
	limit   int64
	left    int64
	release func()
	closed  bool
}

func (b *cappedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, fmt.Errorf("%w: over %d bytes", storyline.ErrTooLarge, b.limit)
	}
	return n, err
}

func (b *cappedBody) Close() error {
	if !b.closed {
		b.closed = true
		b.release()
	}
	return b.ReadCloser.Close()
}

// timedBody is a response body read under its request's time limit; it
// says so when the limit ends it.
type timedBody struct {
	io.ReadCloser
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && errors.Is(b.ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("response not complete within the time limit of %s: %w", b.timeout, context.DeadlineExceeded)
	}
	return n, err
}

func (b *timedBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
