package postgres_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storyline/storyline"

	"github.com/storyline/storyline/store/postgres"
	"github.com/storyline/storyline/store/postgres/pgtest"
	"github.com/storyline/storyline/store/storetest"
)

// open opens a store in a new database of its own, closed at the end.
func open(t testing.TB) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestConformance runs the suite every store passes.
func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t) })
}

// TestQueryConformance runs the query index's part of the suite.
func TestQueryConformance(t *testing.T) {
	t.Parallel()
	storetest.RunQueries(t, func(t *testing.T) storetest.QueryStore { return open(t) })
}

// rowVersions lists every row of the store's tables with the transaction
// that wrote it (xmin): a row rewritten, even to the same values, changes.
func rowVersions(t *testing.T, url string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var out []string
	for _, table := range []string{"meta", "articles", "urls", "fingerprints", "extractions", "stories", "story_of",
		"stale_stories", "story_changed", "story_keys", "anchors", "story_profiles", "query_index", "schema_version"} {
		rows, err := conn.Query(ctx, "SELECT ctid::text || ' ' || xmin::text FROM "+table+" ORDER BY ctid")
		if err != nil {
			t.Fatal(err)
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range got {
			out = append(out, table+" "+r)
		}
	}
	return out
}

// Re-storing unchanged articles and extractions, and opening the store
// again, writes no row.
func TestUnchangedWritesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URL(t)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := storetest.Article("a", "Iran and Turkey met in Moscow.")
	a.ETag = `"v1"`
	put := func() {
		results := db.PutArticles(ctx, []storyline.ArticlePut{{Article: a, Bands: [][]byte{{1, 2, 3}}}})
		if results[0].Err != nil {
			t.Fatal(results[0].Err)
		}
		x := &storyline.Extraction{ArticleID: "a", Version: "v1", ArticleHash: a.ContentHash(),
			Entities: []storyline.Entity{{Type: storyline.Country, Text: "Iran", End: 4, Norm: "IR"}}}
		if err := db.PutExtractions(ctx, []*storyline.Extraction{x})[0]; err != nil {
			t.Fatal(err)
		}
	}
	put()
	if err := db.UpdateStories(ctx, storyline.StoryUpdate{All: true, Version: "s1", Put: []storyline.Story{{ID: "s", Articles: []string{"a"}}},
		Keys: map[string]storyline.StoryKeys{"a": {Anchors: []string{"moscow"}}}}); err != nil {
		t.Fatal(err)
	}
	before := rowVersions(t, url)
	put()
	again, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if after := rowVersions(t, url); !slices.Equal(before, after) {
		t.Errorf("re-storing unchanged content wrote rows:\nbefore %v\nafter  %v", before, after)
	}
}

// A database migrated by a later storyline is refused, and left as it is.
func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URL(t)
	open(t) // makes the store, in another database: this one stays empty
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "INSERT INTO schema_version (version) VALUES ($1)", postgres.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	for name, openFn := range map[string]func(context.Context, string) (*postgres.DB, error){
		"Open": postgres.Open, "OpenExisting": postgres.OpenExisting, "OpenReadOnly": postgres.OpenReadOnly} {
		if db, err := openFn(ctx, url); !errors.Is(err, postgres.ErrNewerSchema) {
			if db != nil {
				db.Close()
			}
			t.Errorf("%s of a store of schema %d: %v, want ErrNewerSchema", name, postgres.SchemaVersion+1, err)
		}
	}
}

// An empty database is no store to read or extract, and a reader cannot
// write.
func TestOpenModes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URL(t)
	for name, openFn := range map[string]func(context.Context, string) (*postgres.DB, error){
		"OpenExisting": postgres.OpenExisting, "OpenReadOnly": postgres.OpenReadOnly} {
		if db, err := openFn(ctx, url); !errors.Is(err, postgres.ErrNoStore) {
			if db != nil {
				db.Close()
			}
			t.Errorf("%s of an empty database: %v, want ErrNoStore", name, err)
		}
	}
	// Processes opening a new store together create it once.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			db, err := postgres.Open(ctx, url)
			if err != nil {
				t.Errorf("concurrent Open: %v", err)
				return
			}
			db.Close()
		})
	}
	wg.Wait()
	ro, err := postgres.OpenReadOnly(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if r := ro.PutArticles(ctx, []storyline.ArticlePut{{Article: storetest.Article("a", "text")}}); r[0].Err == nil {
		t.Error("a store opened read-only stored an article")
	}
}

// An extraction written by another process while a story update is being
// decided stays on the list of work: the update clears only the marks
// committed before its section began.
func TestWorkWrittenDuringAnUpdateStays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URL(t)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := postgres.Open(ctx, url) // another machine's pool
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	as := []*storyline.Article{storetest.Article("a", "Text of a."), storetest.Article("b", "Text of b.")}
	storetest.Put(t, db, as...)
	extract := func(s *postgres.DB, a *storyline.Article, version string) {
		x := &storyline.Extraction{ArticleID: a.ID, Version: version, ArticleHash: a.ContentHash()}
		if err := s.PutExtractions(ctx, []*storyline.Extraction{x})[0]; err != nil {
			t.Fatal(err)
		}
	}
	extract(db, as[0], "v1")
	extract(db, as[1], "v1")
	keys := map[string]storyline.StoryKeys{"a": {Anchors: []string{"x"}}, "b": {Anchors: []string{"x"}}}
	err = db.Exclusive(ctx, "stories", func(ctx context.Context) error {
		work, err := db.StoryWork(ctx)
		if err != nil || !slices.Equal(work, []string{"a", "b"}) {
			t.Errorf("story work = %v, %v; want [a b]", work, err)
		}
		extract(other, as[1], "v2") // b is extracted again meanwhile
		return db.UpdateStories(ctx, storyline.StoryUpdate{Version: "s1", Keys: keys,
			Put: []storyline.Story{{ID: "s", Articles: []string{"a", "b"}}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if work, err := db.StoryWork(ctx); err != nil || !slices.Equal(work, []string{"b"}) {
		t.Errorf("after the update, story work = %v, %v; want [b], extracted again during it", work, err)
	}
}

// The section of one name runs in one process at a time; sections of
// other names do not wait for it.
func TestExclusive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URL(t)
	var dbs []*postgres.DB
	for range 3 {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs = append(dbs, db)
	}
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for _, db := range dbs {
		wg.Go(func() {
			for range 5 {
				err := db.Exclusive(ctx, "dedup", func(ctx context.Context) error {
					mu.Lock()
					inside++
					most = max(most, inside)
					mu.Unlock()
					// Another section is free meanwhile.
					if err := db.Exclusive(ctx, "stories", func(context.Context) error { return nil }); err != nil {
						return err
					}
					time.Sleep(2 * time.Millisecond)
					mu.Lock()
					inside--
					mu.Unlock()
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if most != 1 {
		t.Errorf("%d processes were in the section at once, want 1", most)
	}
}
