package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/sync/errgroup"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/pipeline"
)

// Worker is what a worker process does with the work it takes.
type Worker struct {
	Store pipeline.Store
	// Collector returns a collector for the sources of one ingest's
	// choices.
	Collector func(since time.Time, depth int) pipeline.Collector
	// Extractor is asked for the extractor when the first article is to
	// be extracted (a model loads meanwhile).
	Extractor func() (pipeline.Extractor, error)
	// Stories, when set, brings the stories up to date; it is called after
	// extractions were stored, once they pause for storiesQuiet.
	Stories func(ctx context.Context, extractorVersion string) error
	// Log receives a line per failure; it must be safe for concurrent use.
	Log pipeline.Logger
	// Sources and Articles bound the messages taken at once of each kind.
	Sources, Articles int
}

// storeBatch is how many collected articles a worker stores in one
// transaction, and queues for extraction at once.
const storeBatch = 256

// storiesQuiet is how long extraction pauses before the stories are
// brought up to date, unless no work is left: often enough to keep them
// current, rarely enough that a backfill does not regroup after every
// batch. A variable, so that a test can make it long.
var storiesQuiet = 2 * time.Second

// drainedPoll is how often a pause asks whether any work is left.
const drainedPoll = 250 * time.Millisecond

// WorkReport counts what a worker did.
type WorkReport struct {
	Sources   int // sources done and acknowledged
	Extracted int // extractions made and stored
	Current   int // articles whose extraction was current already
	Retried   int // messages whose work failed, to be delivered again
	Dead      int // messages moved to the dead letters
}

// counts is a WorkReport that the worker's goroutines add to.
type counts struct {
	mu sync.Mutex
	r  WorkReport
}

func (c *counts) add(f func(r *WorkReport)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.r)
}

// Work takes work until ctx is cancelled, then returns what it did and
// nil: messages held unacknowledged are handed back to be delivered again
// at once. It returns an error only when the work cannot go on (the
// extractor fails to load). A server that goes away is waited for. A nil
// w.Collector takes no sources; a nil w.Extractor no articles.
func (q *Queue) Work(ctx context.Context, w Worker) (*WorkReport, error) {
	w.Sources = max(w.Sources, 1)
	w.Articles = max(w.Articles, 1)
	s := &shift{Queue: q, w: w}
	err := s.run(ctx)
	if ctx.Err() != nil {
		err = nil // stopped: what was held is handed back
	}
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	r := s.counts.r
	return &r, err
}

// shift is one Work call: the queue, what the worker does with what it
// takes, and what it did.
type shift struct {
	*Queue
	w      Worker
	counts counts
	// extractor loads the worker's extractor once, for the extractions
	// and for telling which stored articles need none; nil when the
	// worker does not extract.
	extractor func() (pipeline.Extractor, error)
}

func (s *shift) run(ctx context.Context) error {
	fetch, err := s.js.Consumer(ctx, WorkStream, fetchConsumer)
	if err != nil {
		return fmt.Errorf("queue: consumer %s: %w", fetchConsumer, err)
	}
	extract, err := s.js.Consumer(ctx, WorkStream, extractConsumer)
	if err != nil {
		return fmt.Errorf("queue: consumer %s: %w", extractConsumer, err)
	}
	stopWatch, err := s.watchAbandoned(ctx)
	if err != nil {
		return err
	}
	defer stopWatch()
	g, gctx := errgroup.WithContext(ctx)
	if s.w.Collector != nil {
		g.Go(func() error {
			return s.loop(gctx, fetch, s.w.Sources, func(msgs []jetstream.Msg) error {
				s.doSources(gctx, msgs)
				return nil
			})
		})
	}
	if s.w.Extractor != nil {
		s.extractor = sync.OnceValues(s.w.Extractor)
		s.extractLoops(gctx, g, extract)
	}
	return g.Wait()
}

// extractLoops starts the extraction and the stories in g.
func (s *shift) extractLoops(gctx context.Context, g *errgroup.Group, extract jetstream.Consumer) {
	due := make(chan string, 1) // the extractor version whose stories are due
	extractor := s.extractor
	g.Go(func() error {
		return s.loop(gctx, extract, s.w.Articles, func(msgs []jetstream.Msg) error {
			x, err := extractor()
			if err != nil {
				for _, m := range msgs {
					m.Nak()
				}
				return fmt.Errorf("queue: load the extractor: %w", err)
			}
			if s.doArticles(gctx, x, msgs) {
				select {
				case due <- x.Version():
				default:
				}
			}
			return nil
		})
	})
	if s.w.Stories != nil {
		g.Go(func() error {
			// A worker killed after its last extraction left the
			// stories behind: the next one to start brings them up to date.
			if x, err := extractor(); err == nil {
				select {
				case due <- x.Version():
				default: // due already
				}
			}
			drained := func(ctx context.Context) bool {
				b, err := s.Pending(ctx)
				return err == nil && b == Backlog{}
			}
			storiesLoop(gctx, s.w, due, drained)
			return nil
		})
	}
}

// loop takes up to n messages at a time from c and hands them to do, until
// ctx is cancelled or do fails.
func (q *Queue) loop(ctx context.Context, c jetstream.Consumer, n int, do func([]jetstream.Msg) error) error {
	quiet := time.Duration(0) // pause after a failed fetch: the server may be restarting
	for ctx.Err() == nil {
		msgs, err := take(ctx, c, n)
		if err != nil && ctx.Err() == nil {
			quiet = min(max(2*quiet, 100*time.Millisecond), 2*time.Second)
			select {
			case <-time.After(quiet):
			case <-ctx.Done():
			}
			continue
		}
		quiet = 0
		if len(msgs) == 0 {
			continue
		}
		if ctx.Err() != nil {
			handBack(msgs)
			return nil
		}
		if err := do(msgs); err != nil {
			return err
		}
	}
	return nil
}

// waitForWork bounds one wait for a message, so that a pull request the
// server lost in a restart is soon replaced.
const waitForWork = 5 * time.Second

// take waits for a message of c, then takes what else is ready, up to n
// in all: a backlog is worked on in batches, a trickle at once.
func take(ctx context.Context, c jetstream.Consumer, n int) ([]jetstream.Msg, error) {
	wctx, cancel := context.WithTimeout(ctx, waitForWork)
	defer cancel()
	first, err := c.Fetch(1, jetstream.FetchContext(wctx))
	if err != nil {
		return nil, err
	}
	var msgs []jetstream.Msg
	for m := range first.Messages() {
		msgs = append(msgs, m)
	}
	if len(msgs) == 0 || n == 1 {
		if err := first.Error(); err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) {
			return msgs, err
		}
		return msgs, nil
	}
	more, err := c.FetchNoWait(n - 1)
	if err != nil {
		return msgs, nil
	}
	for m := range more.Messages() {
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// handBack makes msgs deliverable again at once: a worker that stops does
// not make its work wait out the ack wait.
func handBack(msgs []jetstream.Msg) {
	for _, m := range msgs {
		m.Nak()
	}
}

// working tells the server, three times per ack wait, that msgs are still
// being worked on, until the returned function is called.
func (q *Queue) working(msgs []jetstream.Msg) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(q.cfg.AckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				for _, m := range msgs {
					m.InProgress()
				}
			case <-done:
				return
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// doSources collects the sources of msgs, stores their articles, queues
// each stored article for extraction and acknowledges each source whose
// articles are all stored and queued.
func (s *shift) doSources(ctx context.Context, msgs []jetstream.Msg) {
	stop := s.working(msgs)
	defer stop()
	type state struct {
		msg      jetstream.Msg
		src      Source
		articles []toExtract
		stored   int
		failures []error
		storeErr error
		queueErr error // publishing its articles' extraction work failed
		cutShort bool  // an input of it was never begun: the run stopped
	}
	// The sources of one ingest's choices are collected together.
	type choice struct {
		since time.Time
		depth int
	}
	groups := map[choice][]*state{}
	for _, m := range msgs {
		var src Source
		if err := json.Unmarshal(m.Data(), &src); err != nil || src.Source == "" {
			s.failed(ctx, m, "fetch", fmt.Errorf("%w: not a source: %q", errPermanent, m.Data()))
			continue
		}
		k := choice{src.Since, src.Depth}
		groups[k] = append(groups[k], &state{msg: m, src: src})
	}
	for k, group := range groups {
		bySource := map[string]*state{}
		var sources []string
		for _, st := range group {
			if bySource[st.src.Source] == nil {
				sources = append(sources, st.src.Source)
			} else {
				st.msg.Ack() // the same source twice in one batch: once is enough
				continue
			}
			bySource[st.src.Source] = st
		}
		owner := func(r storyline.Collected) []*state {
			if st := bySource[r.Source]; st != nil {
				return []*state{st}
			}
			return group // a source the collector renamed: it counts for all
		}
		// The collector reads on while a batch is stored and queued:
		// each article waits on one round trip to the store, and those
		// of the near-duplicate search are one per new article.
		results := make(chan storyline.Collected, storeBatch)
		go func() {
			defer close(results)
			s.w.Collector(k.since, k.depth).Collect(ctx, sources, results)
		}()
		writeCtx := context.WithoutCancel(ctx) // what was collected is stored
		// Each batch's extraction work is queued as soon as the batch is
		// stored, not once the whole source is: a WARC file or a feed
		// is one message, and workers extract its first articles while
		// this one still reads the rest.
		queueStored := func() {
			for _, st := range group {
				if len(st.articles) == 0 || st.queueErr != nil {
					continue
				}
				st.queueErr = s.queueArticles(ctx, st.articles)
				st.articles = st.articles[:0]
			}
		}
		var batch []storyline.Collected
		flush := func() {
			if len(batch) == 0 {
				queueStored()
				return
			}
			for i, stored := range pipeline.StoreCollected(writeCtx, s.w.Store, batch) {
				r := batch[i]
				for _, st := range owner(r) {
					if stored.Err != nil {
						st.storeErr = fmt.Errorf("%s: %w", r.Input, stored.Err)
						continue
					}
					st.stored++
					hash := r.Article.ContentHash()
					if stored.Outcome == storyline.Unchanged && s.extracted(writeCtx, r.Article.ID, hash) {
						continue
					}
					st.articles = append(st.articles, toExtract{ID: r.Article.ID, Hash: hash})
				}
			}
			batch = batch[:0]
			queueStored()
		}
		for r := range results {
			switch {
			case r.Err != nil:
				if ctx.Err() == nil {
					s.w.Log("ingest: %s: %v", r.Input, r.Err)
				}
				for _, st := range owner(r) {
					st.failures = append(st.failures, fmt.Errorf("%s: %w", r.Input, r.Err))
				}
			case r.NotModified:
				for _, st := range owner(r) {
					st.stored++
					if r.KnownID != "" {
						st.articles = append(st.articles, toExtract{ID: r.KnownID})
					}
				}
			case r.NotStarted:
				for _, st := range owner(r) {
					st.cutShort = true
				}
			case r.Skipped != "", r.Article == nil:
				// Skipped, or a count of what to expect, for progress.
			default:
				batch = append(batch, r)
				if len(batch) == storeBatch {
					flush()
				}
			}
		}
		flush() // queues what it stored, and what was found unchanged
		for _, st := range group {
			if bySource[st.src.Source] != st {
				continue
			}
			switch {
			case ctx.Err() != nil || st.cutShort:
				// Cut short: what was stored stays; the source is done
				// again by the next worker to take it.
				st.msg.Nak()
			case st.storeErr != nil:
				s.failed(ctx, st.msg, "fetch", st.storeErr)
			case st.stored == 0 && len(st.failures) > 0:
				s.failed(ctx, st.msg, "fetch", errors.Join(st.failures...))
			case st.queueErr != nil:
				s.w.Log("queue: %s: %v", st.src.Source, st.queueErr)
				st.msg.Nak()
			default:
				// Entries of a feed that failed were logged, as an ingest
				// in one process logs them; the rest is done.
				st.msg.Ack()
				s.counts.add(func(r *WorkReport) { r.Sources++ })
			}
		}
	}
}

// extracted reports whether the article id, stored before with this
// content hash, has its extraction by this worker's extractor. A source done
// again (its worker killed before the acknowledgement) then queues no
// extraction for what is done: JetStream's de-duplication would drop it,
// but only until a server restart, after which it remembers the IDs of the
// messages still in the stream and not those delivered and removed.
func (s *shift) extracted(ctx context.Context, id, hash string) bool {
	if s.extractor == nil {
		return false
	}
	ex, err := s.extractor()
	if err != nil {
		return false
	}
	x, err := s.w.Store.Extraction(ctx, id)
	return err == nil && x != nil && x.ArticleHash == hash && x.Version == ex.Version()
}

// doArticles extracts the articles of msgs and acknowledges each whose
// extraction is stored (or was current). It reports whether any
// extraction was written.
func (s *shift) doArticles(ctx context.Context, x pipeline.Extractor, msgs []jetstream.Msg) (wrote bool) {
	stop := s.working(msgs)
	defer stop()
	var ids []string
	var held []jetstream.Msg
	for _, m := range msgs {
		var a toExtract
		if err := json.Unmarshal(m.Data(), &a); err != nil || a.ID == "" {
			s.failed(ctx, m, "extract", fmt.Errorf("%w: not an article: %q", errPermanent, m.Data()))
			continue
		}
		ids = append(ids, a.ID)
		held = append(held, m)
	}
	if len(ids) == 0 {
		return false
	}
	report, errs := pipeline.ExtractArticles(ctx, s.w.Store, x, ids)
	s.counts.add(func(r *WorkReport) {
		r.Extracted += report.Extracted
		r.Current += report.Current
	})
	for i, m := range held {
		switch err := errs[i]; {
		case err == nil:
			m.Ack()
		case ctx.Err() != nil:
			m.Nak()
		default:
			s.failed(ctx, m, "extract", fmt.Errorf("%s: %w", ids[i], err))
		}
	}
	return report.Extracted > 0
}

// storiesLoop brings the stories up to date once extraction has paused
// for storiesQuiet after writing, or sooner once drained says no work is
// left (the end of a backfill), until ctx is cancelled.
func storiesLoop(ctx context.Context, w Worker, due <-chan string, drained func(context.Context) bool) {
	for {
		var version string
		select {
		case version = <-due:
		case <-ctx.Done():
			return
		}
		if !pause(ctx, due, &version, drained) {
			return
		}
		if err := w.Stories(ctx, version); err != nil && ctx.Err() == nil {
			w.Log("stories: %v", err)
		}
	}
}

// pause waits until extraction has written nothing for storiesQuiet, or
// drained says no work is left, taking the latest version due; it reports
// false when ctx is cancelled.
func pause(ctx context.Context, due <-chan string, version *string, drained func(context.Context) bool) bool {
	poll := time.NewTicker(drainedPoll)
	defer poll.Stop()
	quiet := time.NewTimer(storiesQuiet)
	defer quiet.Stop()
	for {
		select {
		case *version = <-due:
			quiet.Reset(storiesQuiet)
		case <-quiet.C:
			return true
		case <-poll.C:
			if drained(ctx) {
				return true
			}
		case <-ctx.Done():
			return false
		}
	}
}
