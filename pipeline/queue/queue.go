package queue

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Names of the streams, subjects, consumers and bucket the program creates.
const (
	// WorkStream holds the work not yet done; as a work-queue stream it
	// drops each message once a worker acknowledges it.
	WorkStream = "STORYLINE_WORK"
	// DeadStream keeps the messages that failed on every delivery.
	DeadStream = "STORYLINE_DEAD"

	fetchPrefix    = "storyline.fetch."
	fetchWeb       = fetchPrefix + "web." // + the host as a subject token
	fetchFile      = fetchPrefix + "file"
	extractSubject = "storyline.extract"
	deadPrefix     = "storyline.dead."

	fetchConsumer   = "fetch"
	extractConsumer = "extract"

	// PaceBucket is the key-value bucket of the shared politeness limiter.
	PaceBucket = "storyline_pace"
)

// Headers of a dead letter.
const (
	ErrorHeader      = "Storyline-Error"
	SubjectHeader    = "Storyline-Subject"
	DeliveriesHeader = "Storyline-Deliveries"
)

// Config tunes the streams and consumers. The zero value of a field means
// its default. The consumers are updated to the config of the last program
// that opened the queue: give every worker the same.
type Config struct {
	// AckWait is how long a message may go without word from the worker
	// holding it before it is delivered again. A worker tells the server
	// it is still working three times per AckWait, so this is about how
	// long a killed worker's messages wait, not a bound on the work.
	AckWait time.Duration
	// MaxDeliver bounds the deliveries of one message; the last failed one
	// goes to the dead-letter stream.
	MaxDeliver int
	// Duplicates is JetStream's de-duplication window: a message published
	// again with the same Nats-Msg-Id within it is dropped.
	Duplicates time.Duration
}

// Defaults of Config.
const (
	DefaultAckWait    = 30 * time.Second
	DefaultMaxDeliver = 8
	DefaultDuplicates = 10 * time.Minute
)

func (c Config) withDefaults() Config {
	if c.AckWait <= 0 {
		c.AckWait = DefaultAckWait
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = DefaultMaxDeliver
	}
	if c.Duplicates <= 0 {
		c.Duplicates = DefaultDuplicates
	}
	return c
}

// Queue is a connection to the work queue.
type Queue struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	cfg Config
}

// opTimeout bounds one request to the server: a publish, a stream update.
const opTimeout = 10 * time.Second

// Open connects to the NATS server at serverURL (nats://host:4222) and
// creates the streams, the consumers and the limiter's bucket, or updates
// them to cfg; doing so again changes nothing. The connection reconnects
// for as long as it is open: a server restart costs a pause, not the run.
func Open(ctx context.Context, serverURL string, cfg Config) (*Queue, error) {
	cfg = cfg.withDefaults()
	nc, err := nats.Connect(serverURL, nats.Name("storyline"), nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond), nats.Timeout(opTimeout))
	if err != nil {
		return nil, fmt.Errorf("queue: connect %s: %w", Redact(serverURL), err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("queue: %w", err)
	}
	q := &Queue{nc: nc, js: js, cfg: cfg}
	if err := q.setUp(ctx); err != nil {
		nc.Close()
		return nil, fmt.Errorf("queue: %s: %w", Redact(serverURL), err)
	}
	return q, nil
}

// setUp creates or updates what the queue needs on the server.
func (q *Queue) setUp(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	_, err := q.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        WorkStream,
		Description: "storyline: sources to fetch, articles to extract",
		Subjects:    []string{fetchPrefix + ">", extractSubject},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Duplicates:  q.cfg.Duplicates,
	})
	if err != nil {
		return fmt.Errorf("stream %s: %w", WorkStream, err)
	}
	_, err = q.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        DeadStream,
		Description: "storyline: work that failed on every delivery, with its error",
		Subjects:    []string{deadPrefix + ">"},
		Storage:     jetstream.FileStorage,
		MaxAge:      30 * 24 * time.Hour,
		Duplicates:  q.cfg.Duplicates,
	})
	if err != nil {
		return fmt.Errorf("stream %s: %w", DeadStream, err)
	}
	for name, filter := range map[string]string{fetchConsumer: fetchPrefix + ">", extractConsumer: extractSubject} {
		_, err := q.js.CreateOrUpdateConsumer(ctx, WorkStream, jetstream.ConsumerConfig{
			Durable:       name,
			FilterSubject: filter,
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       q.cfg.AckWait,
			MaxDeliver:    q.cfg.MaxDeliver,
			// Bounds what all workers together hold: the rest waits in
			// the stream, where a new worker can take it.
			MaxAckPending: 4096,
		})
		if err != nil {
			return fmt.Errorf("consumer %s: %w", name, err)
		}
	}
	_, err = q.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      PaceBucket,
		Description: "storyline: per host, when the next request may start",
		// A host unvisited for a day needs no reservation to be kept.
		TTL:     24 * time.Hour,
		Storage: jetstream.FileStorage,
	})
	if err != nil {
		return fmt.Errorf("bucket %s: %w", PaceBucket, err)
	}
	return nil
}

// Close sends what is buffered (the last acknowledgements) and closes the
// connection. What a worker holds unacknowledged is delivered again.
func (q *Queue) Close() {
	q.nc.FlushTimeout(time.Second)
	q.nc.Close()
}

// Backlog is the work not yet done: messages waiting or held by a worker.
type Backlog struct {
	Sources, Articles uint64
}

// Pending returns the backlog of sources and of articles: all zero once
// all the work is done. It counts the messages the work stream still
// holds, by subject: the stream drops a message once it is acknowledged
// (or given up on), and counts it from the moment its publish is
// acknowledged, where a consumer's count of pending messages may lag.
func (q *Queue) Pending(ctx context.Context) (Backlog, error) {
	st, err := q.js.Stream(ctx, WorkStream)
	if err != nil {
		return Backlog{}, fmt.Errorf("queue: %w", err)
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(">"))
	if err != nil {
		return Backlog{}, fmt.Errorf("queue: %w", err)
	}
	var b Backlog
	for subject, n := range info.State.Subjects {
		if subject == extractSubject {
			b.Articles += n
		} else {
			b.Sources += n
		}
	}
	return b, nil
}

// Accepted returns how many messages the work stream has taken since it
// was made, duplicates dropped: with the work done, one per source and one
// per version of each article stored.
func (q *Queue) Accepted(ctx context.Context) (uint64, error) {
	st, err := q.js.Stream(ctx, WorkStream)
	if err != nil {
		return 0, fmt.Errorf("queue: %w", err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("queue: %w", err)
	}
	return info.State.LastSeq, nil
}

// DeadLetters returns how many messages the dead-letter stream holds.
func (q *Queue) DeadLetters(ctx context.Context) (uint64, error) {
	st, err := q.js.Stream(ctx, DeadStream)
	if err != nil {
		return 0, fmt.Errorf("queue: %w", err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("queue: %w", err)
	}
	return info.State.Msgs, nil
}

// fetchSubject is the subject of a source: one per web host, so that the
// stream shows the backlog of each site, and one for local files.
func fetchSubject(source string) string {
	u, err := url.Parse(source)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fetchFile
	}
	return fetchWeb + token(u.Host)
}

// token makes s one subject token or key: dots, wildcards, spaces and
// anything else outside [A-Za-z0-9-] become '_'.
func token(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, strings.ToLower(s))
}

// absolute makes a local source's path absolute, so that a worker started
// elsewhere reads the same file; a URL is kept.
func absolute(source string) (string, error) {
	if fetchSubject(source) != fetchFile || strings.Contains(source, "://") {
		return source, nil
	}
	return filepath.Abs(source)
}

// Redact returns serverURL without its password, for messages.
func Redact(serverURL string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "the NATS server"
	}
	return u.Redacted()
}

// errPermanent marks a failure that another delivery would not change (a
// message that cannot be read): it goes to the dead letters at once.
var errPermanent = errors.New("permanent")
