package queue

import (
	"context"
	"testing"
	"time"

	"github.com/storyline/storyline/internal/natstest"
)

// TestStoriesFollowTheLastWork: once no work is left, the stories are
// brought up to date at once, not after the pause that spaces the updates
// of a backfill; and not while work is left.
func TestStoriesFollowTheLastWork(t *testing.T) {
	defer func(d time.Duration) { storiesQuiet = d }(storiesQuiet)
	storiesQuiet = time.Hour // only an empty queue can end the pause
	srv := natstest.Start(t)
	s := testStore(t)
	x := &wordCounter{}
	const n = 12
	site := newSite(t, n, 0)
	q := openQueue(t, srv, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := q.Publish(ctx, siteURLs(site, n)); err != nil {
		t.Fatal(err)
	}
	w := worker(s, x, t.Logf)
	told := make(chan bool, 8)
	w.Stories = func(ctx context.Context, version string) error {
		pending, err := q.Pending(ctx)
		if err != nil {
			t.Error(err)
		}
		if pending != (Backlog{}) {
			t.Errorf("stories brought up to date with %+v still queued", pending)
		}
		told <- true
		return nil
	}
	done := make(chan *WorkReport)
	go func() {
		r, err := q.Work(ctx, w)
		if err != nil {
			t.Errorf("Work: %v", err)
		}
		done <- r
	}()
	select {
	case <-told:
	case <-time.After(30 * time.Second):
		t.Fatal("no story update within 30 s of a queue of 12 pages")
	}
	cancel()
	if r := <-done; r.Extracted != n {
		t.Errorf("worker extracted %d, want %d", r.Extracted, n)
	}
}
