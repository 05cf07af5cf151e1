package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// Run runs the conformance suite against the stores that open returns:
// each subtest opens a new, empty store, and open arranges its clean-up.
func Run(t *testing.T, open func(t *testing.T) Store) {
	for _, tc := range []struct {
		name string
		test func(t *testing.T, s Store)
	}{
		{"IdempotentPut", testIdempotentPut},
		{"UpdateMakesExtractionStale", testUpdateMakesExtractionStale},
		{"BatchWithABadArticle", testBatchWithABadArticle},
		{"IterationInChunks", testIterationInChunks},
		{"Validators", testValidators},
		{"Duplicates", testDuplicates},
		{"RepeatedIDInBatch", testRepeatedIDInBatch},
		{"ExtractionNeedsArticle", testExtractionNeedsArticle},
		{"ConcurrentReaders", testConcurrentReaders},
		{"Cancellation", testCancellation},
		{"PlaceKeepsItsCountry", testPlaceKeepsItsCountry},
		{"Stories", testStories},
		{"StoriesGoStale", testStoriesGoStale},
		{"StoryIndex", testStoryIndex},
		{"StoriesReplacedInParts", testStoriesReplacedInParts},
		{"StoryProfiles", testStoryProfiles},
		{"Extracted", testExtracted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each test has a store of its own: a server's stores are
			// made and checked side by side.
			t.Parallel()
			tc.test(t, open(t))
		})
	}
}

// Article returns a test article with the given ID and text.
func Article(id, text string) *storyline.Article {
	return &storyline.Article{ID: id, URL: "https://example.com/" + id, Title: "T " + id, Text: text,
		Published: time.Date(2023, 3, 28, 0, 0, 0, 0, time.UTC), Fetched: time.Now()}
}

// Put stores articles with no near-duplicate decision and fails the test
// on any error; it returns the outcomes.
func Put(t testing.TB, s interface {
	PutArticles(context.Context, []storyline.ArticlePut) []storyline.Stored
}, as ...*storyline.Article) []storyline.Outcome {
	t.Helper()
	puts := make([]storyline.ArticlePut, len(as))
	for i, a := range as {
		puts[i] = storyline.ArticlePut{Article: a}
	}
	var outcomes []storyline.Outcome
	for i, r := range s.PutArticles(context.Background(), puts) {
		if r.Err != nil {
			t.Fatalf("put %s: %v", as[i].ID, r.Err)
		}
		outcomes = append(outcomes, r.Outcome)
	}
	return outcomes
}

func testIdempotentPut(t *testing.T, s Store) {
	ctx := context.Background()
	a := Article("a", "Iran and Turkey met in Moscow.")
	given := *a
	for _, step := range []struct {
		name string
		a    *storyline.Article
		want storyline.Outcome
	}{
		{"first", a, storyline.New},
		{"same content", a, storyline.Unchanged},
		{"same content, later fetch", &storyline.Article{ID: a.ID, URL: a.URL, Title: a.Title, Text: a.Text, Published: a.Published, Fetched: a.Fetched.Add(time.Hour)}, storyline.Unchanged},
		{"other id", Article("b", a.Text), storyline.New},
	} {
		predicted, err := s.Outcomes(ctx, []*storyline.Article{step.a})
		if err != nil || predicted[0] != step.want {
			t.Errorf("%s: Outcomes = %v, %v; want %v", step.name, predicted, err, step.want)
		}
		if got := Put(t, s, step.a); got[0] != step.want {
			t.Errorf("%s: PutArticles outcome = %v, want %v", step.name, got[0], step.want)
		}
	}
	if *a != given {
		t.Errorf("PutArticles changed the article it was given: %+v, was %+v", *a, given)
	}
	got, err := s.Article(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != a.Text || got.Hash != a.ContentHash() || !got.Fetched.Equal(a.Fetched) {
		t.Errorf("Article(a) = text %q hash %q fetched %v; want the first version with its content hash", got.Text, got.Hash, got.Fetched)
	}
	if _, err := s.Article(ctx, "missing"); !errors.Is(err, storyline.ErrNotFound) {
		t.Errorf("Article(missing) error = %v, want ErrNotFound", err)
	}
}

func testUpdateMakesExtractionStale(t *testing.T, s Store) {
	ctx := context.Background()
	Put(t, s, Article("a", "one"))
	stored, err := s.Article(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	x := &storyline.Extraction{ArticleID: "a", Version: "v1", ArticleHash: stored.Hash,
		Entities: []storyline.Entity{{Type: storyline.Country, Text: "on", Start: 0, End: 2, Norm: "XX"}}}
	if err := s.PutExtractions(ctx, []*storyline.Extraction{x})[0]; err != nil {
		t.Fatal(err)
	}
	got, err := s.Extraction(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Stale(stored, "v1") || !got.Stale(stored, "v2") {
		t.Errorf("fresh extraction: stale for v1 %v, for v2 %v; want false, true", got.Stale(stored, "v1"), got.Stale(stored, "v2"))
	}
	if len(got.Entities) != 1 || got.Entities[0] != x.Entities[0] {
		t.Errorf("Extraction(a).Entities = %+v, want %+v", got.Entities, x.Entities)
	}
	if o := Put(t, s, Article("a", "two")); o[0] != storyline.Updated {
		t.Fatalf("changed text: outcome %v, want updated", o[0])
	}
	updated, err := s.Article(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	got, err = s.Extraction(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if updated.Text != "two" || !got.Stale(updated, "v1") {
		t.Errorf("after an update: text %q, extraction stale %v; want two, true", updated.Text, got.Stale(updated, "v1"))
	}
	// The new version's extraction is stored; one of the first version
	// arriving after it (a worker that read the article before it
	// changed) is refused.
	x2 := &storyline.Extraction{ArticleID: "a", Version: "v1", ArticleHash: updated.Hash, Entities: []storyline.Entity{}}
	if err := s.PutExtractions(ctx, []*storyline.Extraction{x2})[0]; err != nil {
		t.Fatal(err)
	}
	if err := s.PutExtractions(ctx, []*storyline.Extraction{x})[0]; !errors.Is(err, storyline.ErrStale) {
		t.Errorf("extraction of the old version after the new one's: %v, want ErrStale", err)
	}
	if got, err := s.Extraction(ctx, "a"); err != nil || got.Stale(updated, "v1") {
		t.Errorf("Extraction(a) after the refused one = %+v, %v; want the new version's", got, err)
	}
}

func testBatchWithABadArticle(t *testing.T, s Store) {
	ctx := context.Background()
	results := s.PutArticles(ctx, []storyline.ArticlePut{{Article: Article("ok-1", "x")}, {Article: &storyline.Article{Text: "no id"}}, {Article: Article("ok-2", "y")}})
	if results[0].Err != nil || results[2].Err != nil || results[1].Err == nil {
		t.Errorf("batch errors = %v, %v, %v; want only the article without an ID to fail", results[0].Err, results[1].Err, results[2].Err)
	}
	for _, id := range []string{"ok-1", "ok-2"} {
		if _, err := s.Article(ctx, id); err != nil {
			t.Errorf("Article(%s): %v", id, err)
		}
	}
}

func testIterationInChunks(t *testing.T, s Store) {
	ctx := context.Background()
	var want []string
	var as []*storyline.Article
	for i := range 100 {
		id := fmt.Sprintf("id-%03d", (i*37)%100) // stored out of order
		as = append(as, Article(id, "text of "+id))
		want = append(want, id)
	}
	Put(t, s, as...)
	slices.Sort(want)
	var got []string
	for after := ""; ; {
		chunk, err := s.IDs(ctx, after, 7)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, chunk...)
		if len(chunk) < 7 {
			break
		}
		after = chunk[len(chunk)-1]
	}
	if !slices.Equal(got, want) {
		t.Errorf("IDs in chunks of 7 = %v, want %v", got, want)
	}
	a42, err := s.Article(ctx, "id-042")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutExtractions(ctx, []*storyline.Extraction{{ArticleID: a42.ID, Version: "v", ArticleHash: a42.Hash}})[0]; err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	err = s.ForEach(ctx, func(a *storyline.Article, x *storyline.Extraction) error {
		if (x != nil) != (a.ID == "id-042") {
			t.Errorf("ForEach: article %s with extraction %+v", a.ID, x)
		}
		got = append(got, a.ID)
		return nil
	})
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("ForEach visited %v, %v; want %v", got, err, want)
	}
	stop := errors.New("stop")
	n := 0
	if err := s.ForEach(ctx, func(*storyline.Article, *storyline.Extraction) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("ForEach after an error from fn: %v after %d articles; want stop after 1", err, n)
	}
}

func testValidators(t *testing.T, s Store) {
	ctx := context.Background()
	a := Article("a", "text")
	a.ETag, a.LastModified = `"v1"`, "Tue, 28 Mar 2023 10:00:00 GMT"
	Put(t, s, a)
	id, etag, lastModified, err := s.Validators(ctx, a.URL)
	if err != nil || id != "a" || etag != a.ETag || lastModified != a.LastModified {
		t.Errorf("Validators(%s) = %q, %q, %q, %v; want a, %q, %q", a.URL, id, etag, lastModified, err, a.ETag, a.LastModified)
	}
	if _, _, _, err := s.Validators(ctx, "https://example.com/unknown"); !errors.Is(err, storyline.ErrNotFound) {
		t.Errorf("Validators(unknown) error = %v, want ErrNotFound", err)
	}
	// New validators for the same content: unchanged, yet remembered.
	b := *a
	b.ETag = `"v2"`
	if o := Put(t, s, &b); o[0] != storyline.Unchanged {
		t.Errorf("new validators, same content: outcome %v, want unchanged", o[0])
	}
	if _, etag, _, _ := s.Validators(ctx, a.URL); etag != `"v2"` {
		t.Errorf("Validators after new validators: etag %q, want \"v2\"", etag)
	}
	// A second URL leading to the same article.
	c := b
	c.URL = "https://example.com/a?utm_source=feed"
	Put(t, s, &c)
	if id, _, _, err := s.Validators(ctx, c.URL); err != nil || id != "a" {
		t.Errorf("Validators(second URL) = %q, %v; want a", id, err)
	}
}

func testDuplicates(t *testing.T, s Store) {
	ctx := context.Background()
	bands := [][]byte{{0, 1, 2, 3, 4}, {1, 9, 9, 9, 9}}
	results := s.PutArticles(ctx, []storyline.ArticlePut{
		{Article: Article("first", "the story"), Bands: bands},
		{Article: Article("copy", "the story, again"), Bands: bands, DuplicateOf: "first"},
	})
	for i, want := range []string{"", "first"} {
		if r := results[i]; r.Err != nil || r.Outcome != storyline.New || r.DuplicateOf != want {
			t.Errorf("put %d = %+v, want new with duplicate_of %q", i, r, want)
		}
	}
	filed, err := s.Filed(ctx, append(bands, []byte{7, 7, 7, 7, 7}), 64)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]string{{"copy", "first"}, {"copy", "first"}, nil} {
		got := slices.Sorted(slices.Values(filed[i]))
		if !slices.Equal(got, want) {
			t.Errorf("Filed band %d = %v, want %v", i, got, want)
		}
	}
	if filed, _ := s.Filed(ctx, bands[:1], 1); len(filed[0]) != 1 {
		t.Errorf("Filed with perBand 1 = %v, want one ID", filed[0])
	}
	// An update is decided again: still a copy, or no longer one.
	for _, step := range []struct{ text, put, want string }{
		{"the story, corrected", "first", "first"},
		{"a story of its own now", "", ""},
	} {
		r := s.PutArticles(ctx, []storyline.ArticlePut{{Article: Article("copy", step.text), Bands: bands, DuplicateOf: step.put}})[0]
		if r.Err != nil || r.Outcome != storyline.Updated || r.DuplicateOf != step.want {
			t.Errorf("update of the copy to %q, put as a copy of %q = %+v, want updated with duplicate_of %q", step.text, step.put, r, step.want)
		}
		if a, err := s.Article(ctx, "copy"); err != nil || a.DuplicateOf != step.want {
			t.Errorf("Article(copy).DuplicateOf = %+v, %v; want %q", a, err, step.want)
		}
	}
	// A first copy that is not stored (it failed to be), or the article
	// itself, is no first copy.
	results = s.PutArticles(ctx, []storyline.ArticlePut{
		{Article: Article("orphan", "a copy of nothing stored"), DuplicateOf: "never-stored"},
		{Article: Article("self", "a copy of itself"), DuplicateOf: "self"},
	})
	for _, r := range results {
		if r.Err != nil || r.DuplicateOf != "" {
			t.Errorf("put naming a first copy that is not stored = %+v, want no duplicate_of", r)
		}
	}
}

// testRepeatedIDInBatch: an ID put twice in one batch is written in batch
// order, and each result says what its put did.
func testRepeatedIDInBatch(t *testing.T, s Store) {
	ctx := context.Background()
	v0, v1 := Article("x", "version zero"), Article("x", "version one")
	Put(t, s, v0)
	for _, tc := range []struct {
		batch []*storyline.Article
		want  []storyline.Outcome
		text  string
	}{
		{[]*storyline.Article{v1, v0}, []storyline.Outcome{storyline.Updated, storyline.Updated}, "version zero"},
		{[]*storyline.Article{v0, v1}, []storyline.Outcome{storyline.Unchanged, storyline.Updated}, "version one"},
	} {
		got := Put(t, s, tc.batch...)
		a, err := s.Article(ctx, "x")
		if err != nil || !slices.Equal(got, tc.want) || a.Text != tc.text {
			t.Errorf("batch %q, %q: outcomes %v, stored %q (%v); want %v and %q", tc.batch[0].Text, tc.batch[1].Text, got, a.Text, err, tc.want, tc.text)
		}
	}
}

func testExtractionNeedsArticle(t *testing.T, s Store) {
	ctx := context.Background()
	err := s.PutExtractions(ctx, []*storyline.Extraction{{ArticleID: "ghost", Version: "v"}})[0]
	if !errors.Is(err, storyline.ErrNotFound) {
		t.Errorf("PutExtractions without its article: %v, want ErrNotFound", err)
	}
	if _, err := s.Extraction(ctx, "ghost"); !errors.Is(err, storyline.ErrNotFound) {
		t.Errorf("Extraction(ghost) error = %v, want ErrNotFound", err)
	}
}

// testConcurrentReaders reads from several goroutines while one writes:
// every read succeeds and sees whole articles.
func testConcurrentReaders(t *testing.T, s Store) {
	ctx := context.Background()
	Put(t, s, Article("seed", "seed text"))
	var wg sync.WaitGroup
	done := make(chan struct{})
	for r := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if a, err := s.Article(ctx, "seed"); err != nil || a.Text != "seed text" {
					t.Errorf("reader %d: Article(seed) = %v, %v", r, a, err)
					return
				}
				err := s.ForEach(ctx, func(a *storyline.Article, _ *storyline.Extraction) error {
					if a.Hash != a.ContentHash() {
						return fmt.Errorf("article %s is not whole", a.ID)
					}
					return nil
				})
				if err != nil {
					t.Errorf("reader %d: %v", r, err)
					return
				}
			}
		})
	}
	for i := range 30 {
		Put(t, s, Article(fmt.Sprintf("w-%02d", i), fmt.Sprintf("written while others read, %d", i)))
	}
	close(done)
	wg.Wait()
}

func testCancellation(t *testing.T, s Store) {
	ctx, cancel := context.WithCancel(context.Background())
	Put(t, s, Article("a", "stored before"), Article("b", "stored before too"))
	cancel()
	for _, r := range s.PutArticles(ctx, []storyline.ArticlePut{{Article: Article("c", "after the cancel")}}) {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("PutArticles after cancel: %v, want context.Canceled", r.Err)
		}
	}
	if err := s.PutExtractions(ctx, []*storyline.Extraction{{ArticleID: "a", Version: "v"}})[0]; !errors.Is(err, context.Canceled) {
		t.Errorf("PutExtractions after cancel: %v, want context.Canceled", err)
	}
	background := context.Background()
	if _, err := s.Article(background, "c"); !errors.Is(err, storyline.ErrNotFound) {
		t.Errorf("an article put after the cancel was stored: %v", err)
	}
	if _, err := s.Extraction(background, "a"); !errors.Is(err, storyline.ErrNotFound) {
		t.Errorf("an extraction put after the cancel was stored: %v", err)
	}
	if _, err := s.IDs(ctx, "", 10); !errors.Is(err, context.Canceled) {
		t.Errorf("IDs after cancel: %v, want context.Canceled", err)
	}
	if _, err := s.Article(ctx, "a"); !errors.Is(err, context.Canceled) {
		t.Errorf("Article after cancel: %v, want context.Canceled", err)
	}
	// A walk stops at the next article once its context is cancelled.
	walk, stop := context.WithCancel(background)
	n := 0
	err := s.ForEach(walk, func(*storyline.Article, *storyline.Extraction) error { n++; stop(); return nil })
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("ForEach cancelled during the walk: %v after %d articles; want context.Canceled after 1", err, n)
	}
}
