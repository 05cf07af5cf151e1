package dedup

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/storyline/storyline"
)

// memIndex is an Index in memory, as a store would file articles.
type memIndex struct {
	articles map[string]*storyline.Article
	filed    map[string][]string
	reads    int // articles read
}

func newMemIndex() *memIndex {
	return &memIndex{articles: map[string]*storyline.Article{}, filed: map[string][]string{}}
}

func (m *memIndex) Filed(_ context.Context, bands [][]byte, perBand int) ([][]string, error) {
	out := make([][]string, len(bands))
	for i, b := range bands {
		ids := m.filed[string(b)]
		out[i] = ids[:min(len(ids), perBand)]
	}
	return out, nil
}

func (m *memIndex) Article(_ context.Context, id string) (*storyline.Article, error) {
	m.reads++
	a, ok := m.articles[id]
	if !ok {
		return nil, storyline.ErrNotFound
	}
	return a, nil
}

// store files an article as the store does with the search's answer.
func (m *memIndex) store(t *testing.T, id, text string) string {
	t.Helper()
	bands := Bands(text)
	first, err := NewFinder(m).FirstCopy(context.Background(), id, text, bands)
	if err != nil {
		t.Fatalf("FirstCopy(%s): %v", id, err)
	}
	m.articles[id] = &storyline.Article{ID: id, Text: text, DuplicateOf: first}
	for _, b := range bands {
		m.filed[string(b)] = append(m.filed[string(b)], id)
	}
	return first
}

const wire = `Russian Foreign Minister Sergei Lavrov met his Turkish, Syrian and Iranian counterparts in Moscow on Wednesday
to discuss a roadmap for restoring relations between Ankara and Damascus, the Russian foreign ministry said in a statement
after talks that lasted more than three hours and ended with an agreement to keep meeting at the level of deputy ministers.`

func TestFirstCopy(t *testing.T) {
	idx := newMemIndex()
	steps := []struct {
		id, text, want string
	}{
		{"wire", wire, ""},
		{"outlet-a", "Moscow (Reuters) — " + wire + " Read more.", "wire"},
		{"outlet-b", wire + " Copyright 2023.", "wire"}, // a copy of a copy names the first
		{"other", "Football: the match between the two clubs ended in a goalless draw on a cold night in the north.", ""},
		{"empty", "", ""},
	}
	for _, s := range steps {
		if got := idx.store(t, s.id, s.text); got != s.want {
			t.Errorf("FirstCopy(%s) = %q, want %q", s.id, got, s.want)
		}
	}
}

// TestFirstCopyWithinBatch: a copy whose first copy is earlier in the same
// batch, not stored yet, is found, and the first copy wins.
func TestFirstCopyWithinBatch(t *testing.T) {
	f := NewFinder(newMemIndex())
	ctx := context.Background()
	for _, tc := range []struct{ id, text, want string }{
		{"b-first", wire, ""},
		{"a-copy", wire + " (AFP)", "b-first"},
		{"c-copy", "Update: " + wire, "b-first"},
	} {
		got, err := f.FirstCopy(ctx, tc.id, tc.text, Bands(tc.text))
		if err != nil || got != tc.want {
			t.Errorf("FirstCopy(%s) = %q, %v; want %q", tc.id, got, err, tc.want)
		}
	}
}

// TestUpdateOfAFirstCopy: a first copy, updated, finds its own copy and
// stays a first copy; a copy updated to a story of its own is none.
func TestUpdateOfAFirstCopy(t *testing.T) {
	idx := newMemIndex()
	idx.store(t, "wire", wire)
	idx.store(t, "copy", wire+" (AFP)")
	if got := idx.store(t, "wire", wire+" Updated at noon."); got != "" {
		t.Errorf("FirstCopy(update of the first copy) = %q, want none", got)
	}
	if got := idx.store(t, "copy", "Football: the match ended in a goalless draw on a cold night in the north of the country."); got != "" {
		t.Errorf("FirstCopy(copy updated to other news) = %q, want none", got)
	}
}

// TestSearchIsBounded files a thousand near-identical items: each insert
// reads at most maxCandidates stored articles.
func TestSearchIsBounded(t *testing.T) {
	idx := newMemIndex()
	for i := range 1000 {
		before := idx.reads
		idx.store(t, fmt.Sprintf("item-%04d", i), fmt.Sprintf("Price alert %d: %s", i, strings.Repeat("the price of the item went up again today ", 3)))
		if n := idx.reads - before; n > maxCandidates {
			t.Fatalf("insert %d read %d articles, want at most %d", i, n, maxCandidates)
		}
	}
}

func TestBandsAreStable(t *testing.T) {
	a, b := Bands(wire), Bands(strings.ToUpper(wire))
	if len(a) != bands || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("Bands differ by case or count: %x vs %x", a, b)
	}
	if got := Bands("  ,.  "); got != nil {
		t.Errorf("Bands of no words = %x, want none", got)
	}
}
