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
		{"ExtractionNeedsArticle", testExtractionNeedsArticle},
		{"ConcurrentReaders", testConcurrentReaders},
		{"Cancellation", testCancellation},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, open(t)) })
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
	if err := s.PutExtractions(ctx, []*storyline.Extraction{{ArticleID: "id-042", Version: "v"}})[0]; err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	err := s.ForEach(ctx, func(a *storyline.Article, x *storyline.Extraction) error {
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
	// An update keeps the first copy it was stored with, whatever the put says.
	r := s.PutArticles(ctx, []storyline.ArticlePut{{Article: Article("copy", "the story, corrected"), Bands: bands}})[0]
	if r.Err != nil || r.Outcome != storyline.Updated || r.DuplicateOf != "first" {
		t.Errorf("update of a copy = %+v, want updated, still a copy of first", r)
	}
	if a, err := s.Article(ctx, "copy"); err != nil || a.DuplicateOf != "first" {
		t.Errorf("Article(copy).DuplicateOf = %+v, %v; want first", a, err)
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
