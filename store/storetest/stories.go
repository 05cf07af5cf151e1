package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store"
)

// extracted stores articles with the given IDs and an extraction of each.
func extracted(t *testing.T, s Store, ids ...string) []*storyline.Article {
	t.Helper()
	var as []*storyline.Article
	for _, id := range ids {
		as = append(as, Article(id, "Text of "+id+" in Moscow."))
	}
	Put(t, s, as...)
	var xs []*storyline.Extraction
	for _, a := range as {
		xs = append(xs, &storyline.Extraction{ArticleID: a.ID, Version: "v1", ArticleHash: a.ContentHash()})
	}
	for i, err := range s.PutExtractions(context.Background(), xs) {
		if err != nil {
			t.Fatalf("put extraction %s: %v", xs[i].ArticleID, err)
		}
	}
	return as
}

func testPlaceKeepsItsCountry(t *testing.T, s Store) {
	ctx := context.Background()
	a := Article("a", "Talks in Moscow.")
	Put(t, s, a)
	want := storyline.Entity{Type: storyline.Place, Text: "Moscow", Start: 9, End: 15, Norm: "Moscow", Country: "RU"}
	x := &storyline.Extraction{ArticleID: "a", Version: "v1", ArticleHash: a.ContentHash(), Entities: []storyline.Entity{want}}
	if err := s.PutExtractions(ctx, []*storyline.Extraction{x})[0]; err != nil {
		t.Fatal(err)
	}
	got, err := s.Extraction(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Entities) != 1 || got.Entities[0] != want {
		t.Errorf("stored place reads back as %+v, want %+v", got.Entities, want)
	}
}

func stories() []storyline.Story {
	return []storyline.Story{
		{ID: "s1", Title: "One", Articles: []string{"a", "b"}, From: "2023-04-03", To: "2023-04-25",
			People: []string{"Sergei Lavrov"}, Countries: []string{"RU", "TR"}, Places: []string{"Moscow"},
			Timeline: []storyline.Event{{When: "2023-04-25", Weight: 2.5, What: "They met.", Articles: []string{"a", "b"},
				People: []string{"Sergei Lavrov"}, Countries: []string{"RU", "TR"}, Places: []string{"Moscow"},
				Evidence: []storyline.Evidence{{Article: "a", Start: 0, End: 10}}}},
			Pairs: []storyline.Pair{{Type: storyline.Country, A: "RU", B: "TR", Events: []int{0}}}},
		{ID: "s2", Title: "Two", Articles: []string{"c"}, People: []string{}, Countries: []string{},
			Places: []string{}, Timeline: []storyline.Event{}, Pairs: []storyline.Pair{}},
	}
}

// readStories returns the stored stories and which are stale.
func readStories(t *testing.T, s Store) ([]storyline.Story, map[string]bool) {
	t.Helper()
	var got []storyline.Story
	stale := map[string]bool{}
	err := s.Stories(context.Background(), func(st *storyline.Story, isStale bool) error {
		got = append(got, *st)
		if isStale {
			stale[st.ID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, stale
}

func testStories(t *testing.T, s Store) {
	ctx := context.Background()
	if st, err := s.StoriesState(ctx); err != nil || st.Version != "" || st.Stories != 0 {
		t.Fatalf("empty store: stories state %+v, %v", st, err)
	}
	extracted(t, s, "a", "b", "c", "d")
	if err := s.UpdateStories(ctx, storyline.StoryUpdate{All: true, Version: "story-v1", Put: stories()}); err != nil {
		t.Fatal(err)
	}
	got, stale := readStories(t, s)
	if !reflect.DeepEqual(got, stories()) || len(stale) > 0 {
		t.Errorf("stories read back as %+v (stale %v), want %+v", got, stale, stories())
	}
	of, err := s.StoryOf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"a": "s1", "b": "s1", "c": "s2"}; !reflect.DeepEqual(of, want) {
		t.Errorf("story of articles = %v, want %v", of, want)
	}
	st, err := s.StoriesState(ctx)
	want := store.StoriesState{Version: "story-v1", Stories: 2, Unassigned: 1} // d is in no story
	if err != nil || st != want {
		t.Errorf("stories state = %+v, %v; want %+v", st, err, want)
	}
	// A rebuild replaces every story: none of the old is left.
	if err := s.UpdateStories(ctx, storyline.StoryUpdate{All: true, Version: "story-v2", Put: stories()[1:]}); err != nil {
		t.Fatal(err)
	}
	if got, _ := readStories(t, s); len(got) != 1 || got[0].ID != "s2" {
		t.Errorf("after a rebuild with s2 only, stories are %+v", got)
	}
	if of, _ := s.StoryOf(ctx); len(of) != 1 || of["c"] != "s2" {
		t.Errorf("after a rebuild with s2 only, story of articles = %v", of)
	}
}

func testStoriesGoStale(t *testing.T, s Store) {
	ctx := context.Background()
	as := extracted(t, s, "a", "b", "c")
	if err := s.UpdateStories(ctx, storyline.StoryUpdate{All: true, Version: "story-v1", Put: stories()}); err != nil {
		t.Fatal(err)
	}
	// Re-storing an article unchanged leaves its story current.
	Put(t, s, Article("a", as[0].Text))
	if _, stale := readStories(t, s); len(stale) > 0 {
		t.Errorf("an unchanged article made stories stale: %v", stale)
	}
	// A changed text makes its story stale, and only that one.
	Put(t, s, Article("a", "A correction."))
	if _, stale := readStories(t, s); !reflect.DeepEqual(stale, map[string]bool{"s1": true}) {
		t.Errorf("after a's text changed, stale stories = %v, want s1", stale)
	}
	// So does a new extraction.
	x := &storyline.Extraction{ArticleID: "c", Version: "v2", ArticleHash: as[2].ContentHash()}
	if err := s.PutExtractions(ctx, []*storyline.Extraction{x})[0]; err != nil {
		t.Fatal(err)
	}
	if _, stale := readStories(t, s); len(stale) != 2 {
		t.Errorf("after c's extraction changed, stale stories = %v, want s1 and s2", stale)
	}
	if st, _ := s.StoriesState(ctx); st.Stale != 2 {
		t.Errorf("stories state counts %d stale, want 2", st.Stale)
	}
	// A rebuild makes them current.
	if err := s.UpdateStories(ctx, storyline.StoryUpdate{All: true, Version: "story-v1", Put: stories()}); err != nil {
		t.Fatal(err)
	}
	if _, stale := readStories(t, s); len(stale) > 0 {
		t.Errorf("after a rebuild, stale stories = %v", stale)
	}
}

func testStoryIndex(t *testing.T, s Store) {
	ctx := context.Background()
	extracted(t, s, "a", "b", "c")
	if work, err := s.StoryWork(ctx); err != nil || !reflect.DeepEqual(work, []string{"a", "b", "c"}) {
		t.Fatalf("before grouping, story work = %v, %v; want every extracted article", work, err)
	}
	all := storyline.StoryUpdate{All: true, Version: "v1", Put: stories(), Keys: map[string]storyline.StoryKeys{
		"a": {Day: "2023-04-25", Anchors: []string{"moscow", "lavrov"}, Links: []string{"b"}},
		"b": {Day: "2023-05-10", Anchors: []string{"lavrov"}, Links: []string{"a"}},
		"c": {Anchors: []string{"quake"}},
	}}
	if err := s.UpdateStories(ctx, all); err != nil {
		t.Fatal(err)
	}
	if work, err := s.StoryWork(ctx); err != nil || len(work) > 0 {
		t.Errorf("after grouping, story work = %v, %v; want none", work, err)
	}
	anchored, err := s.Anchored(ctx, []string{"lavrov", "quake", "none"}, "", "")
	if want := map[string][]string{"lavrov": {"a", "b"}, "quake": {"c"}}; err != nil || !reflect.DeepEqual(anchored, want) {
		t.Errorf("anchored = %v, %v; want %v", anchored, err, want)
	}
	// A span of days keeps the articles of those days, and the undated.
	for _, tc := range []struct {
		from, to string
		want     map[string][]string
	}{
		{"2023-04-01", "2023-04-30", map[string][]string{"lavrov": {"a"}, "quake": {"c"}}},
		{"2023-04-26", "2023-05-10", map[string][]string{"lavrov": {"b"}, "quake": {"c"}}},
		{"2023-06-01", "2023-06-30", map[string][]string{"quake": {"c"}}},
	} {
		anchored, err := s.Anchored(ctx, []string{"lavrov", "quake"}, tc.from, tc.to)
		if err != nil || !reflect.DeepEqual(anchored, tc.want) {
			t.Errorf("anchored from %s to %s = %v, %v; want %v", tc.from, tc.to, anchored, err, tc.want)
		}
	}
	// An update drops the stories it names, puts its own and files its
	// reports under their new anchors only.
	one := stories()[1]
	one.Articles = []string{"a", "b", "c"}
	u := storyline.StoryUpdate{Version: "v1", Remove: []string{"s1", "s2"}, Put: []storyline.Story{one},
		Keys: map[string]storyline.StoryKeys{"a": {Anchors: []string{"quake"}, Links: []string{"c"}}}}
	if err := s.UpdateStories(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got, _ := readStories(t, s); len(got) != 1 || !reflect.DeepEqual(got[0].Articles, one.Articles) {
		t.Errorf("after the update, stories = %+v", got)
	}
	anchored, _ = s.Anchored(ctx, []string{"lavrov", "moscow", "quake"}, "", "")
	if want := map[string][]string{"lavrov": {"b"}, "quake": {"a", "c"}}; !reflect.DeepEqual(anchored, want) {
		t.Errorf("after the update, anchored = %v, want %v", anchored, want)
	}
	keys, storyOf, err := s.StoryKeys(ctx, []string{"a", "d"})
	if err != nil || !reflect.DeepEqual(keys["a"].Links, []string{"c"}) || storyOf["a"] != "s2" || storyOf["d"] != "" {
		t.Errorf("story keys = %v, story of = %v, %v", keys, storyOf, err)
	}
	// A changed extraction puts its article back to work.
	x := &storyline.Extraction{ArticleID: "b", Version: "v2", ArticleHash: Article("b", "Text of b in Moscow.").ContentHash()}
	if err := s.PutExtractions(ctx, []*storyline.Extraction{x})[0]; err != nil {
		t.Fatal(err)
	}
	if work, _ := s.StoryWork(ctx); !reflect.DeepEqual(work, []string{"b"}) {
		t.Errorf("after b's extraction changed, story work = %v, want [b]", work)
	}
	// An article taken out of the index leaves its anchors and the work.
	if err := s.UpdateStories(ctx, storyline.StoryUpdate{Version: "v1", Unindex: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	if work, _ := s.StoryWork(ctx); len(work) > 0 {
		t.Errorf("after b was taken out of the index, story work = %v", work)
	}
	if anchored, _ := s.Anchored(ctx, []string{"lavrov"}, "", ""); len(anchored["lavrov"]) > 0 {
		t.Errorf("after b was taken out of the index, anchored = %v", anchored)
	}
}

func testExtracted(t *testing.T, s Store) {
	ctx := context.Background()
	as := extracted(t, s, "a", "b", "c")
	Put(t, s, Article("b", "A correction.")) // b's extraction is now of an older text
	x := &storyline.Extraction{ArticleID: "c", Version: "v2", ArticleHash: as[2].ContentHash()}
	if err := s.PutExtractions(ctx, []*storyline.Extraction{x})[0]; err != nil {
		t.Fatal(err)
	}
	var got []string
	err := s.Extracted(ctx, "v1", func(id string, published time.Time) error {
		if !published.Equal(as[0].Published) {
			t.Errorf("%s published %v, want %v", id, published, as[0].Published)
		}
		got = append(got, id)
		return nil
	})
	if err != nil || !reflect.DeepEqual(got, []string{"a"}) {
		t.Errorf("extracted by v1 = %v, %v; want [a] (b's text changed, c is of v2)", got, err)
	}
}

func testStoriesReplacedInParts(t *testing.T, s Store) {
	ctx := context.Background()
	extracted(t, s, "a", "b", "c", "d")
	keys := func(ids ...string) map[string]storyline.StoryKeys {
		out := map[string]storyline.StoryKeys{}
		for _, id := range ids {
			out[id] = storyline.StoryKeys{Day: "2023-03-28", Anchors: []string{"moscow", "anchor-" + id}}
		}
		return out
	}
	old := storyline.StoryUpdate{All: true, Version: "v1", Put: stories(), Keys: keys("a", "b", "c")}
	if err := s.UpdateStories(ctx, old); err != nil {
		t.Fatal(err)
	}
	extracted(t, s, "e", "f")
	three := storyline.Story{ID: "s3", Title: "Three", Articles: []string{"a", "b", "e"}}
	parts := []storyline.StoryUpdate{
		{Put: stories()[1:], Keys: keys("c")},
		{Put: []storyline.Story{three}, Keys: keys("a", "b", "e")},
	}
	// A rebuild that fails leaves the stories in use whole and current,
	// and they are all a reader sees while it writes.
	boom := errors.New("boom")
	err := s.ReplaceStories(ctx, "v2", func(put func(storyline.StoryUpdate) error) error {
		if err := put(parts[0]); err != nil {
			return err
		}
		if got, _ := readStories(t, s); !reflect.DeepEqual(got, stories()) {
			t.Errorf("mid-rebuild, a reader sees stories %+v, want the old ones", got)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("ReplaceStories with a failing build = %v, want %v", err, boom)
	}
	if got, _ := readStories(t, s); !reflect.DeepEqual(got, stories()) {
		t.Errorf("after a failed rebuild, stories = %+v, want the old ones", got)
	}
	if v, err := s.StoriesVersion(ctx); err != nil || v != "v1" {
		t.Errorf("after a failed rebuild, stories version = %q, %v; want v1", v, err)
	}
	if work, _ := s.StoryWork(ctx); !reflect.DeepEqual(work, []string{"e", "f"}) {
		t.Errorf("after a failed rebuild, story work = %v, want [e f]", work)
	}
	// The next rebuild ignores what the failed one wrote.
	err = s.ReplaceStories(ctx, "v2", func(put func(storyline.StoryUpdate) error) error {
		for _, u := range parts {
			if err := put(u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, stale := readStories(t, s)
	if want := []storyline.Story{stories()[1], three}; !reflect.DeepEqual(got, want) || len(stale) > 0 {
		t.Errorf("after the rebuild, stories = %+v (stale %v), want %+v", got, stale, want)
	}
	if of, _ := s.StoryOf(ctx); !reflect.DeepEqual(of, map[string]string{"a": "s3", "b": "s3", "c": "s2", "e": "s3"}) {
		t.Errorf("after the rebuild, story of articles = %v", of)
	}
	anchored, err := s.Anchored(ctx, []string{"moscow", "anchor-e"}, "2023-03-01", "2023-03-31")
	if want := map[string][]string{"moscow": {"a", "b", "c", "e"}, "anchor-e": {"e"}}; err != nil || !reflect.DeepEqual(anchored, want) {
		t.Errorf("after the rebuild, anchored = %v, %v; want %v", anchored, err, want)
	}
	if work, _ := s.StoryWork(ctx); !reflect.DeepEqual(work, []string{"f"}) {
		t.Errorf("after the rebuild, story work = %v, want [f], the one not grouped", work)
	}
	if v, _ := s.StoriesVersion(ctx); v != "v2" {
		t.Errorf("after the rebuild, stories version = %q, want v2", v)
	}
}

func testStoryProfiles(t *testing.T, s Store) {
	ctx := context.Background()
	extracted(t, s, "a", "b", "c")
	k := storyline.StoryKeys{Anchors: []string{"moscow"}}
	u := storyline.StoryUpdate{All: true, Version: "v1", Keys: map[string]storyline.StoryKeys{"a": k, "b": k},
		Profiles: map[string][]byte{"a": {1, 2}, "b": {3}}}
	if err := s.UpdateStories(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Profiles(ctx, []string{"a", "b", "c"}); err != nil || !reflect.DeepEqual(got, u.Profiles) {
		t.Errorf("profiles = %v, %v; want %v", got, err, u.Profiles)
	}
	// Keys put without a profile drop the old one; an article taken out
	// of the index loses its own.
	u = storyline.StoryUpdate{Version: "v1", Keys: map[string]storyline.StoryKeys{"a": k}, Unindex: []string{"b"}}
	if err := s.UpdateStories(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Profiles(ctx, []string{"a", "b"}); err != nil || len(got) > 0 {
		t.Errorf("after a's keys came without a profile and b left the index, profiles = %v, %v", got, err)
	}
	err := s.ReplaceStories(ctx, "v2", func(put func(storyline.StoryUpdate) error) error {
		return put(storyline.StoryUpdate{Keys: map[string]storyline.StoryKeys{"c": k}, Profiles: map[string][]byte{"c": {4}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Profiles(ctx, []string{"a", "c"}); err != nil || !reflect.DeepEqual(got, map[string][]byte{"c": {4}}) {
		t.Errorf("after a rebuild, profiles = %v, %v; want c's alone", got, err)
	}
}
