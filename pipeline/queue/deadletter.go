package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// failed settles a message whose work failed: delivered again after a
// pause that grows with each delivery, or, on its last delivery or for a
// permanent error, sent to the dead letters with its error and terminated.
func (s *shift) failed(ctx context.Context, m jetstream.Msg, kind string, err error) {
	n := uint64(1)
	if meta, merr := m.Metadata(); merr == nil {
		n = meta.NumDelivered
	}
	if !errors.Is(err, errPermanent) && n < uint64(s.cfg.MaxDeliver) {
		s.w.Log("queue: %s: delivery %d of %d failed, trying again: %v", kind, n, s.cfg.MaxDeliver, err)
		s.counts.add(func(r *WorkReport) { r.Retried++ })
		m.NakWithDelay(min(time.Second<<(n-1), time.Minute))
		return
	}
	h := nats.Header{}
	h.Set(ErrorHeader, err.Error())
	h.Set(SubjectHeader, m.Subject())
	h.Set(DeliveriesHeader, strconv.FormatUint(n, 10))
	id := kind + " " + string(m.Data())
	if meta, merr := m.Metadata(); merr == nil {
		id = "dead " + strconv.FormatUint(meta.Sequence.Stream, 10)
	}
	if _, perr := s.publishRaw(context.WithoutCancel(ctx), deadPrefix+kind, id, m.Data(), h); perr != nil {
		s.w.Log("queue: %s: %v; keeping it for another delivery: %v", kind, err, perr)
		m.Nak()
		return
	}
	s.counts.add(func(r *WorkReport) { r.Dead++ })
	s.w.Log("queue: %s: given up after %d deliveries, moved to %s: %v", kind, n, DeadStream, err)
	m.TermWithReason(err.Error())
}

// maxDeliveriesAdvisory is the subject on which JetStream says that a
// message of the work stream reached its last delivery unacknowledged.
const maxDeliveriesAdvisory = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + WorkStream + ".*"

// watchAbandoned moves to the dead letters each message that reached its
// last delivery without an acknowledgement: a worker stopped on it every
// time (killed, out of memory, a crash no recover catches). JetStream would
// keep it in the work stream, never delivered again and counted nowhere.
// Every worker watches; the dead letter's Nats-Msg-Id makes the move
// happen once.
func (s *shift) watchAbandoned(ctx context.Context) (stop func(), err error) {
	sub, err := s.nc.Subscribe(maxDeliveriesAdvisory, func(m *nats.Msg) {
		var adv struct {
			Consumer   string `json:"consumer"`
			StreamSeq  uint64 `json:"stream_seq"`
			Deliveries uint64 `json:"deliveries"`
		}
		if json.Unmarshal(m.Data, &adv) != nil || adv.StreamSeq == 0 {
			return
		}
		s.bury(context.WithoutCancel(ctx), adv.Consumer, adv.StreamSeq, adv.Deliveries)
	})
	if err != nil {
		return nil, fmt.Errorf("queue: watch %s: %w", maxDeliveriesAdvisory, err)
	}
	return func() { sub.Unsubscribe() }, nil
}

// bury moves message seq of the work stream, abandoned by its workers, to
// the dead letters.
func (s *shift) bury(ctx context.Context, consumer string, seq, deliveries uint64) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	st, err := s.js.Stream(ctx, WorkStream)
	if err != nil {
		s.w.Log("queue: abandoned message %d: %v", seq, err)
		return
	}
	m, err := st.GetMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return // another worker moved it
	}
	if err != nil {
		s.w.Log("queue: abandoned message %d: %v", seq, err)
		return
	}
	reason := fmt.Sprintf("delivered %d times, never acknowledged: the worker holding it stopped each time (killed, out of memory, crashed)", deliveries)
	h := nats.Header{}
	h.Set(ErrorHeader, reason)
	h.Set(SubjectHeader, m.Subject)
	h.Set(DeliveriesHeader, strconv.FormatUint(deliveries, 10))
	if _, err := s.publishRaw(ctx, deadPrefix+consumer, "dead "+strconv.FormatUint(seq, 10), m.Data, h); err != nil {
		s.w.Log("queue: abandoned message %d: %v", seq, err)
		return
	}
	if err := st.DeleteMsg(ctx, seq); err != nil {
		if !errors.Is(err, jetstream.ErrMsgNotFound) {
			s.w.Log("queue: abandoned message %d: moved to %s but not deleted: %v", seq, DeadStream, err)
		}
		return
	}
	s.counts.add(func(r *WorkReport) { r.Dead++ })
	s.w.Log("queue: %s: %s, moved to %s: %s", consumer, m.Data, DeadStream, reason)
}
