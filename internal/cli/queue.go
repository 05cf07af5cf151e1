package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/collect"
	"github.com/storyline/storyline/pipeline/queue"
)

// queueFlags are ingest's flags for the work queue: with -queue, ingest
// publishes its sources instead of collecting them; with -worker too, it
// takes work from the queue until stopped.
//
// The worker is `ingest -worker` rather than a command of its own: it
// fetches, so every collector flag of ingest (-user-agent, -delay,
// -per-host, -timeout, …) is a worker's flag, with the same meaning.
type queueFlags struct {
	url        string
	worker     bool
	cfg        queue.Config
	maxDeliver int
}

// addQueueFlags defines the queue's flags on fs.
func addQueueFlags(fs *flag.FlagSet) *queueFlags {
	qf := &queueFlags{}
	fs.StringVar(&qf.url, "queue", "", "publish the sources to the NATS JetStream work queue at this `URL` (nats://host:4222) instead of collecting them")
	fs.BoolVar(&qf.worker, "worker", false, "with -queue: take work from the queue (fetch, store, extract, stories) until stopped; no SOURCE")
	durationFlag(fs, &qf.cfg.AckWait, "ack-wait", queue.DefaultAckWait, 0, true,
		"with -queue: a message held for this `duration` without word from its worker (one killed) is delivered again")
	intAtLeast(fs, &qf.maxDeliver, "max-deliver", queue.DefaultMaxDeliver, 1,
		"with -queue: `n` deliveries of a message whose work fails, then it goes to the dead letters")
	return qf
}

// on reports whether ingest works through the queue.
func (qf *queueFlags) on() bool { return qf.url != "" || qf.worker }

// runQueued is ingest with -queue: it publishes sources, or, with
// -worker, works.
func runQueued(ctx context.Context, qf *queueFlags, db string, co collect.Options, sources []string, extractToo bool, stderr io.Writer) int {
	if qf.url == "" {
		fmt.Fprintln(stderr, "ingest: -worker needs -queue URL")
		return exitUsage
	}
	if qf.worker && len(sources) > 0 {
		fmt.Fprintln(stderr, "ingest: a worker takes its sources from the queue: give -worker no SOURCE")
		return exitUsage
	}
	qf.cfg.MaxDeliver = qf.maxDeliver
	q, err := queue.Open(ctx, qf.url, qf.cfg)
	if err != nil {
		return failure(stderr, "ingest")(err)
	}
	defer q.Close()
	if !qf.worker {
		return publishSources(ctx, q, co, sources, qf.url, stderr)
	}
	return work(ctx, q, qf.url, db, co, extractToo, stderr)
}

// publishSources queues sources for the workers.
func publishSources(ctx context.Context, q *queue.Queue, co collect.Options, sources []string, where string, stderr io.Writer) int {
	work := make([]queue.Source, len(sources))
	for i, src := range sources {
		work[i] = queue.Source{Source: src, Since: co.Since, Depth: co.Depth}
	}
	p, err := q.Publish(ctx, work)
	fmt.Fprintf(stderr, "ingest: %d sources queued, %d already queued (%s)\n", p.Queued, p.Duplicates, queue.Redact(where))
	return finishStatus(stderr, "ingest", "what was queued stays queued", err, 0)
}

// work runs a worker on the store db until ctx is cancelled.
func work(ctx context.Context, q *queue.Queue, where, db string, co collect.Options, extractToo bool, stderr io.Writer) int {
	s, err := openStore(ctx, db, forWriting)
	if err != nil {
		return failure(stderr, "ingest")(err)
	}
	defer s.Close()
	pacer, err := q.Pacer(ctx, co.Delay/time.Duration(co.PerHost))
	if err != nil {
		return failure(stderr, "ingest")(err)
	}
	co.Pace = pacer.Wait
	co.Known = func(ctx context.Context, url string) (collect.Validators, error) {
		id, etag, lastModified, err := s.Validators(ctx, url)
		return collect.Validators{ID: id, ETag: etag, LastModified: lastModified}, err
	}
	log := lineLogger(stderr)
	w := queue.Worker{
		Store: s,
		Collector: func(since time.Time, depth int) pipeline.Collector {
			c := co
			c.Since, c.Depth = since, depth
			return collect.New(c)
		},
		Log:      log,
		Sources:  co.Parallel,
		Articles: 64,
	}
	if extractToo {
		model := loadModel()
		go model()
		w.Extractor = func() (pipeline.Extractor, error) { return model() }
		w.Stories = func(ctx context.Context, version string) error {
			if err := refreshStories(ctx, s, version, false, stderr); err != nil {
				return err
			}
			log("worker: stories up to date")
			return nil
		}
	}
	log("worker: taking work from %s", queue.Redact(where))
	r, err := q.Work(ctx, w)
	log("worker: %d sources done, %d extracted, %d current, %d to try again, %d dead letters", r.Sources, r.Extracted, r.Current, r.Retried, r.Dead)
	if err != nil {
		return failure(stderr, "ingest")(err)
	}
	// A worker has no end of its own: stopped by a signal, it has done
	// its job.
	return exitOK
}
