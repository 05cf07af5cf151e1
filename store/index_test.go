package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store"
	"github.com/storyline/storyline/store/storetest"
)

// TestQueryConformance runs the query index's part of the suite.
func TestQueryConformance(t *testing.T) {
	storetest.RunQueries(t, func(t *testing.T) storetest.QueryStore { return storetest.Open(t) })
}

func TestTerms(t *testing.T) {
	a := storetest.Article("a", "text")
	a.Hash = a.ContentHash()
	x := &storyline.Extraction{ArticleID: "a", ArticleHash: a.Hash, Entities: []storyline.Entity{
		{Type: storyline.Person, Norm: "Bashar al-Assad"}, {Type: storyline.Person, Norm: "Assad"},
		{Type: storyline.Country, Norm: "SY"}, {Type: storyline.Place, Norm: "northern Syria"},
		{Type: storyline.Date, Norm: "2023-04"}, {Type: storyline.Person, Norm: "bad\x00name"}}}
	want := []store.Term{{Kind: store.TermCountry, Value: "SY"}, {Kind: store.TermDay, Value: "2023-03-28"},
		{Kind: store.TermPlace, Value: "northern syria"}, {Kind: store.TermPerson, Value: "asad"}}
	if got := store.Terms(a, x); !slices.Equal(got, want) {
		t.Errorf("Terms = %v, want %v", got, want)
	}
	stale := *x
	stale.ArticleHash = "other"
	if got := store.Terms(a, &stale); !slices.Equal(got, want[1:2]) {
		t.Errorf("Terms of a stale extraction = %v, want %v", got, want[1:2])
	}
	a.Published = time.Time{}
	if got := store.Terms(a, nil); !slices.Equal(got, []store.Term{{Kind: store.TermUndated}}) {
		t.Errorf("Terms of an undated article = %v, want undated", got)
	}
}

// TestOlderStoreGetsItsIndex opens a store of this schema made before the
// query index: read-only it has none (Indexed false, queries refused);
// opened for writing it is indexed in chunks, the articles extracted
// before as those after.
func TestOlderStoreGetsItsIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "older.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var as []*storyline.Article
	var want []string
	for i := range 2500 { // more than one chunk of the build
		a := storetest.Article(fmt.Sprintf("a%04d", i), "Lavrov in Moscow.")
		as = append(as, a)
		if i%3 == 0 {
			want = append(want, a.ID)
		}
	}
	storetest.Put(t, db, as...)
	var xs []*storyline.Extraction
	for _, id := range want {
		a := as[slices.IndexFunc(as, func(a *storyline.Article) bool { return a.ID == id })]
		xs = append(xs, &storyline.Extraction{ArticleID: id, ArticleHash: a.ContentHash(),
			Entities: []storyline.Entity{{Type: storyline.Person, Norm: "Sergey Lavrov", End: 6}}})
	}
	for _, err := range db.PutExtractions(ctx, xs) {
		if err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	// What a store of the last release holds: no index buckets, no mark.
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"query_index", "query_terms"} {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Delete([]byte("query_index"))
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}

	ro, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatalf("read-only, an older store: %v", err)
	}
	if ok, err := ro.Indexed(ctx); ok || err != nil {
		t.Errorf("Indexed() of an older store = %v, %v; want false", ok, err)
	}
	if _, err := ro.Mentioning(ctx, store.Term{Kind: store.TermPerson, Value: "lavrov"}); err == nil {
		t.Error("Mentioning on a store without an index gave no error")
	}
	ro.Close()

	db, err = store.Open(path)
	if err != nil {
		t.Fatalf("an older store: %v", err)
	}
	defer db.Close()
	if ok, err := db.Indexed(ctx); !ok || err != nil {
		t.Errorf("Indexed() after open = %v, %v; want true", ok, err)
	}
	got, err := db.Mentioning(ctx, store.Term{Kind: store.TermPerson, Value: "lavrov"})
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Mentioning(lavrov) after the build: %d articles, %v; want %d", len(got), err, len(want))
	}
	days, err := db.PublishedWithin(ctx, "2023-03-28", "2023-03-28")
	if err != nil || len(days) != len(as) {
		t.Errorf("PublishedWithin(2023-03-28): %d articles, %v; want %d", len(days), err, len(as))
	}
	if err := db.Check(ctx); err != nil {
		t.Error(err)
	}
}
