package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store"
)

// QueryStore is a Store with the query index (see store.Terms): what
// `extract dump`'s query flags and the pages read.
type QueryStore interface {
	Store
	Mentioning(ctx context.Context, t store.Term) ([]string, error)
	PublishedWithin(ctx context.Context, from, to string) ([]string, error)
	Indexed(ctx context.Context) (bool, error)
}

// RunQueries runs the query index's part of the conformance suite: each
// subtest opens a new, empty store.
func RunQueries(t *testing.T, open func(t *testing.T) QueryStore) {
	for _, tc := range []struct {
		name string
		test func(t *testing.T, s QueryStore)
	}{
		{"IndexFilesExtractions", testIndexFilesExtractions},
		{"IndexFollowsArticleUpdates", testIndexFollowsArticleUpdates},
		{"IndexOfDays", testIndexOfDays},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, open(t)) })
	}
}

// find asks the index for each term and returns the answers by term.
func find(t *testing.T, s QueryStore, terms ...store.Term) map[store.Term][]string {
	t.Helper()
	out := map[store.Term][]string{}
	for _, term := range terms {
		ids, err := s.Mentioning(context.Background(), term)
		if err != nil {
			t.Fatalf("Mentioning(%v): %v", term, err)
		}
		out[term] = ids
	}
	return out
}

func checkFound(t *testing.T, step string, got map[store.Term][]string, want map[store.Term][]string) {
	t.Helper()
	for term, ids := range want {
		if !slices.Equal(got[term], ids) {
			t.Errorf("%s: Mentioning(%v) = %q, want %q", step, term, got[term], ids)
		}
	}
}

func extraction(a *storyline.Article, ents ...storyline.Entity) *storyline.Extraction {
	return &storyline.Extraction{ArticleID: a.ID, Version: "v1", ArticleHash: a.ContentHash(), Entities: ents}
}

func ent(typ storyline.EntityType, norm string) storyline.Entity {
	return storyline.Entity{Type: typ, Norm: norm, Start: 0, End: 1}
}

var (
	lavrov   = store.Term{Kind: store.TermPerson, Value: "lavrov"}
	turkey   = store.Term{Kind: store.TermCountry, Value: "TR"}
	moscow   = store.Term{Kind: store.TermPlace, Value: "moscow"}
	cavusogl = store.Term{Kind: store.TermPerson, Value: "cavusoglu"}
)

func putExtractions(t *testing.T, s QueryStore, xs ...*storyline.Extraction) {
	t.Helper()
	for i, err := range s.PutExtractions(context.Background(), xs) {
		if err != nil {
			t.Fatalf("put extraction %s: %v", xs[i].ArticleID, err)
		}
	}
}

// testIndexFilesExtractions: an article is filed under the terms of its
// extraction, by surname key for people (any spelling, a surname alone),
// and refiled when its extraction is replaced.
func testIndexFilesExtractions(t *testing.T, s QueryStore) {
	ctx := context.Background()
	if ok, err := s.Indexed(ctx); err != nil || !ok {
		t.Fatalf("Indexed() of a new store = %v, %v; want true", ok, err)
	}
	a, b, c := Article("a", "Lavrov met Cavusoglu."), Article("b", "Sergei Lavrov in Moscow."), Article("c", "Nothing.")
	Put(t, s, a, b, c)
	checkFound(t, "stored, not extracted", find(t, s, lavrov, turkey), map[store.Term][]string{lavrov: nil, turkey: nil})
	putExtractions(t, s,
		extraction(a, ent(storyline.Person, "Sergey Lavrov"), ent(storyline.Person, "Mevlüt Çavuşoğlu"), ent(storyline.Country, "TR")),
		extraction(b, ent(storyline.Person, "Lavrov"), ent(storyline.Place, "Moscow"), ent(storyline.Country, "TR")),
		extraction(c))
	checkFound(t, "extracted", find(t, s, lavrov, turkey, moscow, cavusogl), map[store.Term][]string{
		lavrov: {"a", "b"}, turkey: {"a", "b"}, moscow: {"b"}, cavusogl: {"a"}})
	putExtractions(t, s, extraction(a, ent(storyline.Country, "TR")))
	checkFound(t, "a extracted again", find(t, s, lavrov, turkey, cavusogl), map[store.Term][]string{
		lavrov: {"b"}, turkey: {"a", "b"}, cavusogl: nil})
}

// testIndexFollowsArticleUpdates: an update makes the extraction stale,
// and the article leaves the entities' terms; the same text stored again
// makes the old extraction current, and the article is filed again.
func testIndexFollowsArticleUpdates(t *testing.T, s QueryStore) {
	a := Article("a", "Lavrov met Cavusoglu.")
	Put(t, s, a)
	putExtractions(t, s, extraction(a, ent(storyline.Person, "Sergey Lavrov")))
	checkFound(t, "extracted", find(t, s, lavrov), map[store.Term][]string{lavrov: {"a"}})
	changed := *a
	changed.Text = "Lavrov met nobody."
	if got := Put(t, s, &changed); got[0] != storyline.Updated {
		t.Fatalf("put a changed: %v, want updated", got[0])
	}
	checkFound(t, "updated", find(t, s, lavrov), map[store.Term][]string{lavrov: nil})
	Put(t, s, a)
	checkFound(t, "back to the extracted text", find(t, s, lavrov), map[store.Term][]string{lavrov: {"a"}})
}

// testIndexOfDays: articles by publication day, whether extracted or
// not; the undated under TermUndated.
func testIndexOfDays(t *testing.T, s QueryStore) {
	ctx := context.Background()
	var as []*storyline.Article
	for i, day := range []int{1, 2, 3, 0, 5} {
		a := Article(string(rune('a'+i)), "Text.")
		a.Published = time.Time{}
		if day > 0 {
			a.Published = time.Date(2023, 4, day, 23, 0, 0, 0, time.FixedZone("", -5*3600))
		}
		as = append(as, a)
	}
	Put(t, s, as...)
	putExtractions(t, s, extraction(as[0]))
	for _, c := range []struct {
		from, to string
		want     []string
	}{
		{"", "", []string{"a", "b", "c", "e"}},
		{"2023-04-02", "2023-04-03", []string{"b", "c"}},
		{"2023-04-03", "", []string{"c", "e"}},
		{"", "2023-04-01", []string{"a"}},
		{"2023-04-04", "2023-04-04", nil},
	} {
		got, err := s.PublishedWithin(ctx, c.from, c.to)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("PublishedWithin(%q, %q) = %q, %v; want %q", c.from, c.to, got, err, c.want)
		}
	}
	undated := store.Term{Kind: store.TermUndated}
	checkFound(t, "undated", find(t, s, undated), map[store.Term][]string{undated: {"d"}})
	dated := *as[3]
	dated.Published = time.Date(2023, 4, 4, 0, 0, 0, 0, time.UTC)
	Put(t, s, &dated)
	checkFound(t, "dated since", find(t, s, undated), map[store.Term][]string{undated: nil})
	if got, _ := s.PublishedWithin(ctx, "2023-04-04", "2023-04-04"); !slices.Equal(got, []string{"d"}) {
		t.Errorf("PublishedWithin(2023-04-04) after d was dated = %q, want [d]", got)
	}
}
