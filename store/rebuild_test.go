package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store"
	"github.com/storyline/storyline/store/storetest"
)

// TestRebuildInRunsGivesTheOneShot checks that a rebuild written in many
// runs and transactions leaves the store as one transaction would, drops
// what a rebuild that died left, and leaves nothing of its own behind.
func TestRebuildInRunsGivesTheOneShot(t *testing.T) {
	defer store.SetRebuildBounds(4<<10, 50)()
	ctx := context.Background()
	var ids []string
	var all storyline.StoryUpdate
	all.Keys = map[string]storyline.StoryKeys{}
	for s := range 120 {
		st := storyline.Story{ID: fmt.Sprintf("s%03d", (s*37)%120), Title: fmt.Sprintf("Story %d", s)}
		for k := range 1 + s%5 {
			id := fmt.Sprintf("a%03d-%d", (s*53)%120, k)
			ids = append(ids, id)
			st.Articles = append(st.Articles, id)
			all.Keys[id] = storyline.StoryKeys{Day: fmt.Sprintf("2023-04-%02d", 1+s%28),
				Anchors: []string{fmt.Sprintf("w%d", s%7), fmt.Sprintf("x%d", (s*k)%11)}, Links: st.Articles[:k]}
		}
		slices.Sort(st.Articles)
		all.Put = append(all.Put, st)
	}
	oneShot, inRuns := storetest.Open(t), storetest.Open(t)
	for _, s := range []*store.DB{oneShot, inRuns} {
		put(t, s, ids)
	}
	all.All, all.Version = true, "v1"
	if err := oneShot.UpdateStories(ctx, all); err != nil {
		t.Fatal(err)
	}
	if err := inRuns.LeaveHalfARebuild("s999", "a000-0"); err != nil {
		t.Fatal(err)
	}
	// Twice: the second replaces stories of its own.
	for range 2 {
		err := inRuns.ReplaceStories(ctx, "v1", func(put func(storyline.StoryUpdate) error) error {
			for start := 0; start < len(all.Put); start += 7 {
				part := storyline.StoryUpdate{Put: all.Put[start:min(start+7, len(all.Put))], Keys: map[string]storyline.StoryKeys{}}
				for _, s := range part.Put {
					for _, a := range s.Articles {
						part.Keys[a] = all.Keys[a]
					}
				}
				if err := put(part); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	want, got := contents(t, oneShot, ids), contents(t, inRuns, ids)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rebuilt in runs:\n%+v\nwant, as in one transaction:\n%+v", got, want)
	}
	a, err := oneShot.RootBuckets()
	if err != nil {
		t.Fatal(err)
	}
	if b, err := inRuns.RootBuckets(); err != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("root buckets after a rebuild in runs = %v, %v; want %v", b, err, a)
	}
}

func put(t *testing.T, s *store.DB, ids []string) {
	t.Helper()
	var as []*storyline.Article
	var xs []*storyline.Extraction
	for _, id := range ids {
		a := storetest.Article(id, "Text of "+id)
		as = append(as, a)
		xs = append(xs, &storyline.Extraction{ArticleID: id, Version: "x1", ArticleHash: a.ContentHash()})
	}
	storetest.Put(t, s, as...)
	for _, err := range s.PutExtractions(context.Background(), xs) {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// stored is what a store holds of its stories, as its readers see it.
type stored struct {
	Stories  []storyline.Story
	StoryOf  map[string]string
	Keys     map[string]storyline.StoryKeys
	Anchored map[string][]string
	Work     []string
	Version  string
}

func contents(t *testing.T, s *store.DB, ids []string) stored {
	t.Helper()
	ctx := context.Background()
	var c stored
	err := s.Stories(ctx, func(st *storyline.Story, _ bool) error {
		c.Stories = append(c.Stories, *st)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.StoryOf, err = s.StoryOf(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Keys, _, err = s.StoryKeys(ctx, ids); err != nil {
		t.Fatal(err)
	}
	var anchors []string
	for i := range 11 {
		anchors = append(anchors, fmt.Sprintf("w%d", i), fmt.Sprintf("x%d", i))
	}
	if c.Anchored, err = s.Anchored(ctx, anchors, "2023-04-03", "2023-04-20"); err != nil {
		t.Fatal(err)
	}
	if c.Work, err = s.StoryWork(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Version, err = s.StoriesVersion(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}
