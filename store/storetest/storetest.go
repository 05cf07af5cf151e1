// Package storetest holds what every store's tests share: the conformance
// suite that any storyline store must pass (Run), and a bbolt store for
// the tests of other packages (Open), as bbolt's own internal/btesting is
// for bbolt.
package storetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store"
)

// Store is what the suite exercises: every method a storyline store
// provides to the pipeline, the near-duplicate search and the commands.
type Store interface {
	PutArticles(ctx context.Context, puts []storyline.ArticlePut) []storyline.Stored
	Outcomes(ctx context.Context, as []*storyline.Article) ([]storyline.Outcome, error)
	Article(ctx context.Context, id string) (*storyline.Article, error)
	Validators(ctx context.Context, url string) (id, etag, lastModified string, err error)
	Filed(ctx context.Context, bands [][]byte, perBand int) ([][]string, error)
	PutExtractions(ctx context.Context, xs []*storyline.Extraction) []error
	Extraction(ctx context.Context, id string) (*storyline.Extraction, error)
	IDs(ctx context.Context, after string, n int) ([]string, error)
	ForEach(ctx context.Context, fn func(*storyline.Article, *storyline.Extraction) error) error
	UpdateStories(ctx context.Context, u storyline.StoryUpdate) error
	ReplaceStories(ctx context.Context, version string, build func(put func(storyline.StoryUpdate) error) error) error
	StoriesVersion(ctx context.Context) (string, error)
	Stories(ctx context.Context, fn func(s *storyline.Story, stale bool) error) error
	StoryOf(ctx context.Context) (map[string]string, error)
	StoriesState(ctx context.Context) (store.StoriesState, error)
	StoryWork(ctx context.Context) ([]string, error)
	Extracted(ctx context.Context, version string, fn func(id string, published time.Time) error) error
	Anchored(ctx context.Context, anchors []string, from, to string) (map[string][]string, error)
	StoryKeys(ctx context.Context, ids []string) (map[string]storyline.StoryKeys, map[string]string, error)
	Profiles(ctx context.Context, ids []string) (map[string][]byte, error)
}

// Open opens a new bbolt store in t.TempDir() and, when the test ends,
// closes it after bbolt's consistency check over the whole file.
func Open(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "news.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(context.Background()); err != nil {
			t.Errorf("consistency check: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return db
}

// CheckFile runs bbolt's consistency check over the store file at path, as
// a command left it, and fails the test on any problem.
func CheckFile(t testing.TB, path string) {
	t.Helper()
	s, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(context.Background()); err != nil {
		t.Error(err)
	}
}
