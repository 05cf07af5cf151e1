package queue

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Pacer is the politeness limiter all workers share: for each host, the
// bucket PaceBucket holds the time the next request may start. A request
// reserves that time and moves it on by Interval with a compare-and-set on
// the key's revision, so two workers never take the same slot; it then
// waits for its slot. However many workers there are, requests to one host
// start at least Interval apart.
//
// A key-value bucket rather than a subject (or a consumer) per host: the
// hosts are found while crawling (a feed names them), and a reservation
// costs two round trips to the server and no stream or consumer per host.
// The times are the workers' clocks: keep them synchronised (NTP).
type Pacer struct {
	kv       jetstream.KeyValue
	interval time.Duration
}

// Pacer returns the shared limiter that starts requests to one host at
// least interval apart; a zero interval paces nothing.
func (q *Queue) Pacer(ctx context.Context, interval time.Duration) (*Pacer, error) {
	kv, err := q.js.KeyValue(ctx, PaceBucket)
	if err != nil {
		return nil, fmt.Errorf("queue: bucket %s: %w", PaceBucket, err)
	}
	return &Pacer{kv: kv, interval: interval}, nil
}

// Wait reserves the next slot for a request to host and returns when it
// has come, or with ctx's error.
func (p *Pacer) Wait(ctx context.Context, host string) error {
	if p.interval <= 0 {
		return nil
	}
	at, err := p.reserve(ctx, token(host))
	if err != nil {
		return fmt.Errorf("queue: pace %s: %w", host, err)
	}
	wait := time.Until(at)
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reserve takes the next free slot of key and returns its time.
func (p *Pacer) reserve(ctx context.Context, key string) (time.Time, error) {
	for {
		now := time.Now()
		at := now
		var rev uint64
		e, err := p.kv.Get(ctx, key)
		switch {
		case err == nil:
			rev = e.Revision()
			if v := e.Value(); len(v) == 8 {
				if next := time.Unix(0, int64(binary.BigEndian.Uint64(v))); next.After(now) {
					at = next
				}
			}
		case errors.Is(err, jetstream.ErrKeyNotFound):
		default:
			return time.Time{}, err
		}
		next := binary.BigEndian.AppendUint64(nil, uint64(at.Add(p.interval).UnixNano()))
		if rev == 0 {
			_, err = p.kv.Create(ctx, key, next)
		} else {
			_, err = p.kv.Update(ctx, key, next, rev)
		}
		switch {
		case err == nil:
			return at, nil
		case errors.Is(err, jetstream.ErrKeyExists), errors.Is(err, jetstream.ErrKeyRevisionMismatch):
			// Another worker took this slot: take the one after it.
			if ctx.Err() != nil {
				return time.Time{}, ctx.Err()
			}
		default:
			return time.Time{}, err
		}
	}
}
