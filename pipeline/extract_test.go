package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/storyline/storyline"
)

// listFails is a store whose article listing fails after the first chunk
// and whose articles cannot be read: both goroutines of Extract count
// failures at once.
type listFails struct {
	Store
	mu    sync.Mutex
	calls int
}

func (s *listFails) IDs(_ context.Context, after string, n int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls++; s.calls > 1 {
		return nil, errors.New("disk read error")
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("id-%05d", i)
	}
	return ids, nil
}

func (s *listFails) Article(context.Context, string) (*storyline.Article, error) {
	return nil, errors.New("unreadable")
}

// TestExtractCountsWalkFailure runs under -race in CI: the listing error is
// counted by the goroutine that counts the others, once the walk ended.
func TestExtractCountsWalkFailure(t *testing.T) {
	var lines logLines
	report, err := Extract(context.Background(), &listFails{}, panicky{}, false, lines.log)
	if err == nil || !strings.Contains(err.Error(), "disk read error") {
		t.Errorf("Extract error = %v, want the listing's", err)
	}
	if want := idChunk + 1; report.Failed != want {
		t.Errorf("failed %d, want %d (every unreadable article and the listing)", report.Failed, want)
	}
}

// logLines keeps what the stages log, from whichever goroutine.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) log(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

// all returns the lines so far.
func (l *logLines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}
