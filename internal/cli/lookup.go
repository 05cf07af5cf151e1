package cli

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/internal/match"
	"github.com/storyline/storyline/store"
)

// indexReader is what answering a query from the store's index reads.
type indexReader interface {
	Indexed(ctx context.Context) (bool, error)
	Mentioning(ctx context.Context, t store.Term) ([]string, error)
	PublishedWithin(ctx context.Context, from, to string) ([]string, error)
	ArticleWithExtraction(ctx context.Context, id string) (*storyline.Article, *storyline.Extraction, string, error)
}

// candidates returns, in ID order, the reports that can answer q, read
// from the query index: those filed under each of q's person, country and
// place, published within its dates (or undated), and in its story. A
// person is found by surname (store.TermPerson), and then every report of
// the stories of the reports filed so: a report names a person through
// its story (a surname alone, a name its own extraction missed), and every
// name a story knows a person by ends in that surname. ok is false when q
// asks nothing of the index (only -q words, or nothing) or the store has
// no index yet: the caller reads every report.
func (q *query) candidates(ctx context.Context, s indexReader, members map[string][]string, storyOf map[string]string) (ids []string, ok bool, err error) {
	if q.Person == "" && q.Country == "" && q.Place == "" && q.Story == "" && q.From.IsZero() && q.To.IsZero() {
		return nil, false, nil
	}
	if ok, err := s.Indexed(ctx); err != nil || !ok {
		return nil, false, err
	}
	var sets [][]string
	find := func(kind store.TermKind, value string) ([]string, error) {
		return s.Mentioning(ctx, store.Term{Kind: kind, Value: value})
	}
	if q.Person != "" {
		filed, err := find(store.TermPerson, identity.SurnameKey(q.Person))
		if err != nil {
			return nil, false, err
		}
		sets = append(sets, inStories(filed, members, storyOf))
	}
	if q.Country != "" {
		ids, err := find(store.TermCountry, q.Country)
		if err != nil {
			return nil, false, err
		}
		sets = append(sets, ids)
	}
	if q.Place != "" {
		ids, err := find(store.TermPlace, strings.ToLower(q.Place))
		if err != nil {
			return nil, false, err
		}
		sets = append(sets, ids)
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		day := func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format(time.DateOnly)
		}
		dated, err := s.PublishedWithin(ctx, day(q.From), day(q.To))
		if err != nil {
			return nil, false, err
		}
		// A report without a date answers by the dates it mentions.
		undated, err := find(store.TermUndated, "")
		if err != nil {
			return nil, false, err
		}
		sets = append(sets, union(dated, undated))
	}
	if q.Story != "" {
		sets = append(sets, slices.Sorted(slices.Values(members[q.Story])))
	}
	ids = sets[0]
	for _, set := range sets[1:] {
		ids = match.Intersect(ids, set)
	}
	return ids, true, nil
}

// inStories returns, in ID order, the reports ids and every report of
// their stories.
func inStories(ids []string, members map[string][]string, storyOf map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, id := range ids {
		st := storyOf[id]
		if st == "" {
			add(id)
			continue
		}
		for _, m := range members[st] {
			add(m)
		}
	}
	slices.Sort(out)
	return out
}

// membersOf inverts storyOf: each story's reports.
func membersOf(storyOf map[string]string) map[string][]string {
	out := map[string][]string{}
	for a, st := range storyOf {
		out[st] = append(out[st], a)
	}
	return out
}

// union combines sorted lists of IDs into a sorted one.
func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// report is a stored report with its current extraction (nil when it has
// none, or a stale one).
type report struct {
	a     *storyline.Article
	x     *storyline.Extraction
	story string
}

// loadScopes reads the reports ids and every other report of their
// stories, and names their people as identity.People does over those
// stories: a person's names in a story depend on that story's reports
// alone, and across stories only on the stories that use that surname
// (Census joins no two names with different surnames), so the names of
// the person a query asks for are those a walk of the whole store gives.
func loadScopes(ctx context.Context, s indexReader, ids []string, members map[string][]string, storyOf map[string]string) (map[string]report, *identity.People, error) {
	reports := map[string]report{}
	for _, id := range inStories(ids, members, storyOf) {
		a, x, story, err := s.ArticleWithExtraction(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		reports[id] = report{a: a, x: x, story: story}
	}
	byScope := map[string][][]storyline.Entity{}
	current := func(r report) bool { return r.x != nil && r.x.ArticleHash == r.a.Hash }
	order := slices.Sorted(maps.Keys(reports)) // as a walk of the store meets them
	for _, id := range order {
		if r := reports[id]; current(r) {
			sc := identity.Scope(r.story, id)
			byScope[sc] = append(byScope[sc], identity.PersonEntities(r.x.Entities))
		}
	}
	p := identity.NewPeople(byScope)
	for _, id := range order {
		if r := reports[id]; current(r) {
			p.Count(identity.Scope(r.story, id), r.a.Text, r.x.Entities)
		}
	}
	return reports, p, nil
}
