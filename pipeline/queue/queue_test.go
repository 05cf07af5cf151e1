package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/natstest"
	"github.com/storyline/storyline/internal/testsite"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/collect"
	"github.com/storyline/storyline/store"
)

// openQueue opens the queue of srv for the test.
func openQueue(t *testing.T, srv *natstest.Server, cfg Config) *Queue {
	t.Helper()
	q, err := Open(context.Background(), srv.URL(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(q.Close)
	return q
}

// wordCounter is an extractor for tests: fast, and it counts its calls,
// so that a test sees an article extracted twice.
type wordCounter struct {
	mu    sync.Mutex
	calls map[string]int
}

func (w *wordCounter) Language(string) (string, bool) { return "en", true }
func (w *wordCounter) Version() string                { return "test-1" }
func (w *wordCounter) Extract(_ context.Context, text string, _ time.Time) ([]storyline.Entity, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.calls == nil {
		w.calls = map[string]int{}
	}
	w.calls[text]++
	return []storyline.Entity{{Type: storyline.Country, Text: text[:6], Norm: "XX", Start: 0, End: 6}}, nil
}

// testStore opens a bbolt store in the test's directory and checks it at
// the end.
func testStore(t *testing.T) *store.DB {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "news.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Check(context.Background()); err != nil {
			t.Errorf("store check: %v", err)
		}
		s.Close()
	})
	return s
}

// worker returns a Worker over s that fetches through a loopback site.
func worker(s *store.DB, x pipeline.Extractor, log pipeline.Logger) Worker {
	return Worker{
		Store: s,
		Collector: func(since time.Time, depth int) pipeline.Collector {
			return collect.New(collect.Options{PerHost: 8, Since: since, Depth: depth})
		},
		Extractor: func() (pipeline.Extractor, error) { return x, nil },
		Log:       log,
		Sources:   8,
		Articles:  16,
	}
}

// drain waits until the work stream is empty.
func drain(t *testing.T, q *Queue, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		n, err := q.Pending(context.Background())
		if err == nil && n == (Backlog{}) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%+v still queued after %v (last error %v)", n, within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func siteURLs(srv *httptest.Server, n int) []Source {
	var out []Source
	for i := range n {
		out = append(out, Source{Source: fmt.Sprintf("%s/story/%d", srv.URL, i)})
	}
	return out
}

func newSite(t *testing.T, n int, delay time.Duration) *httptest.Server {
	site := testsite.Site{N: n, Delay: delay, Page: func(i int) testsite.Article { return testsite.Story(i, 0) }}
	srv := httptest.NewServer(site.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func TestOpenIsIdempotentAndPublishDeduplicates(t *testing.T) {
	srv := natstest.Start(t)
	q := openQueue(t, srv, Config{})
	again := openQueue(t, srv, Config{}) // a second program sets up the same
	site := newSite(t, 3, 0)
	ctx := context.Background()
	p, err := q.Publish(ctx, siteURLs(site, 3))
	if err != nil || p.Queued != 3 || p.Duplicates != 0 {
		t.Fatalf("Publish = %+v, %v, want 3 queued", p, err)
	}
	p, err = again.Publish(ctx, siteURLs(site, 3))
	if err != nil || p.Queued != 0 || p.Duplicates != 3 {
		t.Fatalf("Publish again = %+v, %v, want 3 duplicates", p, err)
	}
	if n, err := q.Pending(ctx); err != nil || n != (Backlog{Sources: 3}) {
		t.Fatalf("Pending = %+v, %v, want 3 sources", n, err)
	}
}

func TestWorkersStoreAndExtractEachArticleOnce(t *testing.T) {
	srv := natstest.Start(t)
	s := testStore(t)
	x := &wordCounter{}
	const n = 60
	site := newSite(t, n, 0)
	q := openQueue(t, srv, Config{})
	// A feed of the same site too: its entries are the same articles.
	if _, err := q.Publish(context.Background(), append(siteURLs(site, n), Source{Source: site.URL + "/sitemap.xml"})); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	reports := make([]*WorkReport, 3)
	for i := range reports {
		wq := openQueue(t, srv, Config{})
		wg.Go(func() {
			r, err := wq.Work(ctx, worker(s, x, t.Logf))
			if err != nil {
				t.Errorf("Work: %v", err)
			}
			reports[i] = r
		})
	}
	drain(t, q, 30*time.Second)
	cancel()
	wg.Wait()
	var sum WorkReport
	for _, r := range reports {
		sum.Sources += r.Sources
		sum.Extracted += r.Extracted
		sum.Dead += r.Dead
	}
	if sum.Sources != n+1 || sum.Extracted != n || sum.Dead != 0 {
		t.Errorf("workers did %+v, want %d sources, %d extracted, none dead", sum, n+1, n)
	}
	for text, calls := range x.calls {
		if calls != 1 {
			t.Errorf("extracted %d times: %.40q", calls, text)
		}
	}
	checkStore(t, s, n, x.Version())
}

// checkStore checks that s holds n articles, each with a current
// extraction of version.
func checkStore(t *testing.T, s *store.DB, n int, version string) {
	t.Helper()
	articles := 0
	err := s.ForEach(context.Background(), func(a *storyline.Article, x *storyline.Extraction) error {
		articles++
		if x.Stale(a, version) {
			t.Errorf("article %s: extraction missing or stale", a.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if articles != n {
		t.Errorf("%d articles stored, want %d", articles, n)
	}
}

func TestKilledWorkersMessagesAreDeliveredAgain(t *testing.T) {
	srv := natstest.Start(t)
	s := testStore(t)
	const n = 10
	site := newSite(t, n, 0)
	q := openQueue(t, srv, Config{AckWait: time.Second})
	ctx := context.Background()
	if _, err := q.Publish(ctx, siteURLs(site, n)); err != nil {
		t.Fatal(err)
	}
	// A worker that takes every message and dies without a word.
	dying := openQueue(t, srv, Config{AckWait: time.Second})
	c, err := dying.js.Consumer(ctx, WorkStream, fetchConsumer)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Fetch(n, jetstream.FetchMaxWait(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	taken := 0
	for range b.Messages() {
		taken++
	}
	dying.Close()
	if taken != n {
		t.Fatalf("the dying worker took %d messages, want %d", taken, n)
	}

	wctx, cancel := context.WithCancel(ctx)
	done := make(chan *WorkReport)
	go func() {
		r, _ := q.Work(wctx, worker(s, &wordCounter{}, t.Logf))
		done <- r
	}()
	drain(t, q, 20*time.Second)
	cancel()
	if r := <-done; r.Sources != n || r.Extracted != n {
		t.Errorf("the second worker did %+v, want all %d", r, n)
	}
	checkStore(t, s, n, "test-1")
}

func TestStopHandsBackWhatIsHeld(t *testing.T) {
	srv := natstest.Start(t)
	s := testStore(t)
	const n = 4
	site := newSite(t, n, time.Minute) // pages that never come in time
	q := openQueue(t, srv, Config{AckWait: time.Minute})
	ctx := context.Background()
	if _, err := q.Publish(ctx, siteURLs(site, n)); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := q.Work(wctx, worker(s, &wordCounter{}, t.Logf)); err != nil {
			t.Errorf("Work: %v", err)
		}
	}()
	time.Sleep(500 * time.Millisecond) // the worker holds the messages, fetching
	stopped := time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the worker did not stop within 5s of its cancel")
	}
	t.Logf("stopped in %v", time.Since(stopped))
	// Handed back: another consumer gets them at once, not after the
	// minute of ack wait.
	c, err := q.js.Consumer(ctx, WorkStream, fetchConsumer)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Fetch(n, jetstream.FetchMaxWait(3*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for m := range b.Messages() {
		got++
		m.Ack()
	}
	if got != n {
		t.Errorf("%d of %d messages delivered again after the stop", got, n)
	}
}

func TestPoisonMessagesGoToTheDeadLetters(t *testing.T) {
	srv := natstest.Start(t)
	s := testStore(t)
	missing := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(missing.Close)
	q := openQueue(t, srv, Config{MaxDeliver: 2})
	ctx := context.Background()
	if _, err := q.Publish(ctx, []Source{{Source: missing.URL + "/gone"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := q.publishRaw(ctx, fetchFile, "garbage", []byte("{not json"), nil); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan *WorkReport)
	go func() {
		r, _ := q.Work(wctx, worker(s, &wordCounter{}, t.Logf))
		done <- r
	}()
	drain(t, q, 20*time.Second)
	cancel()
	if r := <-done; r.Dead != 2 || r.Retried != 1 {
		t.Errorf("worker did %+v, want 2 dead letters after 1 retry", r)
	}
	dead, err := q.js.Stream(ctx, DeadStream)
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for seq := uint64(1); seq <= 2; seq++ {
		m, err := dead.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("dead letter %d: %v", seq, err)
		}
		errs = append(errs, m.Subject+": "+m.Header.Get(ErrorHeader)+" after "+m.Header.Get(DeliveriesHeader))
	}
	sort.Strings(errs)
	want := []string{
		"storyline.dead.fetch: permanent: not a source: \"{not json\" after 1",
		"storyline.dead.fetch: " + missing.URL + "/gone: ", // then the collector's 404 error
	}
	if len(errs) != 2 || errs[0][:len(want[1])] != want[1] || errs[1] != want[0] {
		t.Errorf("dead letters:\n%s\nwant\n%s…", jsonLines(errs), jsonLines(want))
	}
}

func jsonLines(v []string) string {
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}

func TestPacerSpacesSlotsAcrossWorkers(t *testing.T) {
	srv := natstest.Start(t)
	const interval = 40 * time.Millisecond
	var mu sync.Mutex
	var slots []time.Time
	var wg sync.WaitGroup
	for range 4 { // four workers, each with its own connection
		q := openQueue(t, srv, Config{})
		p, err := q.Pacer(context.Background(), interval)
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for range 5 {
				at, err := p.reserve(context.Background(), token("127.0.0.1:8080"))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				slots = append(slots, at)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	sort.Slice(slots, func(i, j int) bool { return slots[i].Before(slots[j]) })
	for i := 1; i < len(slots); i++ {
		if gap := slots[i].Sub(slots[i-1]); gap < interval {
			t.Errorf("slots %d and %d are %v apart, want at least %v", i-1, i, gap, interval)
		}
	}
	if len(slots) != 20 {
		t.Errorf("%d slots, want 20", len(slots))
	}
}

func TestWorkersShareTheHostsPace(t *testing.T) {
	srv := natstest.Start(t)
	s := testStore(t)
	const n, interval = 12, 60 * time.Millisecond
	var mu sync.Mutex
	var starts []time.Time
	site := testsite.Site{N: n, Page: func(i int) testsite.Article { return testsite.Story(i, 0) }}.Handler()
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/robots.txt" {
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
		}
		site.ServeHTTP(w, r)
	}))
	t.Cleanup(web.Close)
	q := openQueue(t, srv, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := q.Publish(ctx, siteURLs(web, n)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 2 { // two workers, each free to send 8 requests at once
		wq := openQueue(t, srv, Config{})
		pacer, err := wq.Pacer(ctx, interval)
		if err != nil {
			t.Fatal(err)
		}
		w := worker(s, &wordCounter{}, t.Logf)
		w.Collector = func(time.Time, int) pipeline.Collector {
			return collect.New(collect.Options{PerHost: 8, Pace: pacer.Wait})
		}
		wg.Go(func() { wq.Work(ctx, w) })
	}
	drain(t, q, 30*time.Second)
	cancel()
	wg.Wait()
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	if len(starts) != n {
		t.Fatalf("%d requests, want %d", len(starts), n)
	}
	// The slots are interval apart (TestPacerSpacesSlotsAcrossWorkers).
	// Arrivals are not quite: a request delayed on a busy machine arrives
	// close to the next one, so single gaps prove nothing. The span can
	// only grow with delays, and without the shared pace the sixteen
	// requests the workers may send at once would all arrive within a few
	// milliseconds.
	if span, want := starts[n-1].Sub(starts[0]), time.Duration(n-1)*interval*3/4; span < want {
		t.Errorf("%d requests within %v, want at least %v", n, span, want)
	}
}

func TestMessagesThatKillEveryWorkerGoToTheDeadLetters(t *testing.T) {
	srv := natstest.Start(t)
	s := testStore(t)
	cfg := Config{AckWait: 500 * time.Millisecond, MaxDeliver: 2}
	q := openQueue(t, srv, cfg)
	ctx := context.Background()
	if _, err := q.Publish(ctx, []Source{{Source: "/no/such/page.html"}}); err != nil {
		t.Fatal(err)
	}
	// A worker that only extracts, watching for abandoned messages.
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan *WorkReport)
	go func() {
		w := worker(s, &wordCounter{}, t.Logf)
		w.Collector = nil
		r, _ := q.Work(wctx, w)
		done <- r
	}()
	// Workers that take the source and die on it, twice.
	for range cfg.MaxDeliver {
		dying := openQueue(t, srv, cfg)
		c, err := dying.js.Consumer(ctx, WorkStream, fetchConsumer)
		if err != nil {
			t.Fatal(err)
		}
		m, err := c.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			t.Fatalf("the dying worker got no message: %v", err)
		}
		if meta, err := m.Metadata(); err == nil {
			t.Logf("taken, delivery %d", meta.NumDelivered)
		}
		dying.Close()
	}
	// JetStream finds a message past its deliveries when a worker asks
	// for the next one: a fetching worker asks, and gets nothing.
	c, err := q.js.Consumer(ctx, WorkStream, fetchConsumer)
	if err != nil {
		t.Fatal(err)
	}
	if m, err := c.Next(jetstream.FetchMaxWait(2 * time.Second)); err == nil {
		t.Fatalf("delivered a third time: %s", m.Data())
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := q.DeadLetters(ctx)
		if err == nil && n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d dead letters (%v) after the last delivery was abandoned, want 1", n, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if r := <-done; r.Dead != 1 {
		t.Errorf("the watching worker did %+v, want 1 dead letter", r)
	}
	dead, err := q.js.Stream(ctx, DeadStream)
	if err != nil {
		t.Fatal(err)
	}
	m, err := dead.GetMsg(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Header.Get(ErrorHeader); !strings.Contains(got, "delivered 2 times, never acknowledged") {
		t.Errorf("dead letter's error = %q", got)
	}
	work, err := q.js.Stream(ctx, WorkStream)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := work.Info(ctx); err != nil || info.State.Msgs != 0 {
		t.Errorf("the work stream still holds %d messages (%v), want none", info.State.Msgs, err)
	}
}

// TestSourcesDoneAgainAfterARestartQueueNoExtraction: a NATS restart
// forgets the IDs of the messages delivered and removed, so sources done
// again after it (a killed worker's, redelivered) are taken again; their
// stored, extracted articles must not be queued for extraction again.
func TestSourcesDoneAgainAfterARestartQueueNoExtraction(t *testing.T) {
	srv := natstest.Start(t)
	s := testStore(t)
	x := &wordCounter{}
	const n = 10
	site := newSite(t, n, 0)
	q := openQueue(t, srv, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *WorkReport, 1)
	go func() {
		r, _ := q.Work(ctx, worker(s, x, t.Logf))
		done <- r
	}()
	defer func() { cancel(); <-done }()

	if _, err := q.Publish(context.Background(), siteURLs(site, n)); err != nil {
		t.Fatal(err)
	}
	drain(t, q, 20*time.Second)
	srv.Restart(100 * time.Millisecond)
	// Publish retries while the server is down.
	if p, err := q.Publish(context.Background(), siteURLs(site, n)); err != nil || p.Queued != n {
		t.Fatalf("after the restart %+v (%v): want the %d sources taken again", p, err, n)
	}
	drain(t, q, 20*time.Second)
	if got, err := q.Accepted(context.Background()); err != nil || got != 3*n {
		t.Errorf("the work stream took %d messages (%v), want %d: each source twice, each article's extraction once", got, err, 3*n)
	}
	for text, calls := range x.calls {
		if calls != 1 {
			t.Errorf("extracted %d times: %.40q", calls, text)
		}
	}
	checkStore(t, s, n, x.Version())
}
