package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Source is one piece of fetching work: a source as ingest takes it, with
// the ingest's choices that belong to it rather than to the worker.
type Source struct {
	Source string    `json:"source"`
	Since  time.Time `json:"since,omitzero"`
	Depth  int       `json:"depth,omitempty"`
}

// id is the source's Nats-Msg-Id: the same source asked for twice within
// the duplicate window is fetched once.
func (s Source) id() string {
	return fmt.Sprintf("fetch %s since=%s depth=%d", s.Source, s.Since.Format(time.DateOnly), s.Depth)
}

// toExtract is one piece of extraction work: an article as stored.
type toExtract struct {
	ID   string `json:"id"`
	Hash string `json:"hash,omitempty"`
}

// id is the article's Nats-Msg-Id: its ID and the hash of the content it
// was stored with, so that storing it again unchanged (a source delivered
// twice) queues no second extraction, while a changed text queues one.
func (a toExtract) id() string { return "extract " + a.ID + "@" + a.Hash }

// Published counts what Publish did.
type Published struct {
	Queued     int // new work on the queue
	Duplicates int // already queued within the duplicate window: dropped
}

// Publish queues each source for a worker to fetch; a local path is made
// absolute first. It returns once JetStream has stored every message, or
// with the first error (what was queued before it stays queued).
func (q *Queue) Publish(ctx context.Context, sources []Source) (Published, error) {
	var p Published
	for _, s := range sources {
		abs, err := absolute(s.Source)
		if err != nil {
			return p, fmt.Errorf("queue: %s: %w", s.Source, err)
		}
		s.Source = abs
		dup, err := q.publish(ctx, fetchSubject(s.Source), s.id(), s, nil)
		if err != nil {
			return p, fmt.Errorf("queue: %s: %w", s.Source, err)
		}
		if dup {
			p.Duplicates++
		} else {
			p.Queued++
		}
	}
	return p, nil
}

// publishPatience is how long a publish is tried again while the server
// does not answer (a restart, a failover) before it counts as failed.
const publishPatience = 2 * time.Minute

// publish stores v as JSON on subject with the given Nats-Msg-Id and
// reports whether JetStream dropped it as a duplicate. A server that does
// not answer is asked again, with growing pauses, for publishPatience:
// the message ID makes a retry of a publish that did arrive harmless.
func (q *Queue) publish(ctx context.Context, subject, msgID string, v any, header nats.Header) (duplicate bool, err error) {
	data, err := json.Marshal(v)
	if err != nil {
		return false, err
	}
	return q.publishRaw(ctx, subject, msgID, data, header)
}

func (q *Queue) publishRaw(ctx context.Context, subject, msgID string, data []byte, header nats.Header) (duplicate bool, err error) {
	msg := &nats.Msg{Subject: subject, Data: data, Header: header}
	deadline := time.Now().Add(publishPatience)
	pause := 100 * time.Millisecond
	for {
		actx, cancel := context.WithTimeout(ctx, opTimeout)
		ack, err := q.js.PublishMsg(actx, msg, jetstream.WithMsgID(msgID))
		cancel()
		if err == nil {
			return ack.Duplicate, nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return false, fmt.Errorf("publish %s: %w", subject, err)
		}
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return false, fmt.Errorf("publish %s: %w", subject, ctx.Err())
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// queueArticles publishes the stored articles for extraction. It sends
// them all before it waits for any acknowledgement: a batch of a WARC file
// waits on one round trip to the server, not one per article. A message
// whose publish failed, or that goes unacknowledged for opTimeout (a
// server restart), is published again with publish's patience; its
// message ID makes it harmless if the first did arrive.
func (q *Queue) queueArticles(ctx context.Context, arts []toExtract) error {
	futures := make([]jetstream.PubAckFuture, len(arts))
	for i, a := range arts {
		data, err := json.Marshal(a)
		if err != nil {
			return err
		}
		msg := &nats.Msg{Subject: extractSubject, Data: data}
		if f, err := q.js.PublishMsgAsync(msg, jetstream.WithMsgID(a.id())); err == nil {
			futures[i] = f
		}
	}
	wctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	for i, f := range futures {
		if f != nil {
			select {
			case <-f.Ok():
				continue
			case <-f.Err():
			case <-wctx.Done():
			}
		}
		if _, err := q.publish(ctx, extractSubject, arts[i].id(), arts[i], nil); err != nil {
			return err
		}
	}
	return nil
}
