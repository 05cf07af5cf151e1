package story

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// memory is a store of reports and stories in memory, for Build and
// Update.
type memory struct {
	reports map[string]Report
	stories map[string]storyline.Story
	keys    map[string]storyline.StoryKeys
	storyOf map[string]string
	// profiles are the stored profiles; a test may damage or drop some.
	profiles map[string][]byte
}

func newMemory() *memory {
	return &memory{reports: map[string]Report{}, stories: map[string]storyline.Story{},
		keys: map[string]storyline.StoryKeys{}, storyOf: map[string]string{}, profiles: map[string][]byte{}}
}

func (m *memory) Dated(ctx context.Context, fn func(id string, published time.Time) error) error {
	for _, id := range slices.Sorted(maps.Keys(m.reports)) {
		if err := fn(id, m.reports[id].Article.Published); err != nil {
			return err
		}
	}
	return nil
}

func (m *memory) Reports(ctx context.Context, ids []string) ([]Report, error) {
	var out []Report
	for _, id := range ids {
		if r, ok := m.reports[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *memory) Anchored(ctx context.Context, anchors []string, from, to string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, id := range slices.Sorted(maps.Keys(m.keys)) {
		if day := m.keys[id].Day; day != "" && from != "" && (day < from || day > to) {
			continue
		}
		for _, a := range m.keys[id].Anchors {
			if slices.Contains(anchors, a) {
				out[a] = append(out[a], id)
			}
		}
	}
	return out, nil
}

func (m *memory) StoryKeys(ctx context.Context, ids []string) (map[string]storyline.StoryKeys, map[string]string, error) {
	keys, of := map[string]storyline.StoryKeys{}, map[string]string{}
	for _, id := range ids {
		if k, ok := m.keys[id]; ok {
			keys[id] = k
		}
		of[id] = m.storyOf[id]
	}
	return keys, of, nil
}

func (m *memory) Profiles(ctx context.Context, ids []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, id := range ids {
		if p, ok := m.profiles[id]; ok {
			out[id] = p
		}
	}
	return out, nil
}

// apply writes u as a store would.
func (m *memory) apply(u storyline.StoryUpdate) {
	if u.All {
		m.stories, m.keys, m.storyOf = map[string]storyline.Story{}, map[string]storyline.StoryKeys{}, map[string]string{}
		m.profiles = map[string][]byte{}
	}
	for _, id := range u.Remove {
		for _, a := range m.stories[id].Articles {
			if m.storyOf[a] == id {
				delete(m.storyOf, a)
			}
		}
		delete(m.stories, id)
	}
	for _, s := range u.Put {
		m.stories[s.ID] = s
		for _, a := range s.Articles {
			m.storyOf[a] = s.ID
		}
	}
	maps.Copy(m.keys, u.Keys)
	maps.Copy(m.profiles, u.Profiles)
}

func (m *memory) sorted() []storyline.Story {
	var out []storyline.Story
	for _, id := range slices.Sorted(maps.Keys(m.stories)) {
		out = append(out, m.stories[id])
	}
	return out
}

// syntheticReports are reports of several stories that share their kind
// of event in pairs (two trials, two storms...) and some words across all.
func syntheticReports() []Report {
	kinds := []string{"trial verdict court judge jury", "storm flooding rain evacuated coast", "election ballot voters parliament"}
	var out []Report
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	for s := range 6 {
		kind := kinds[s/2]
		names := fmt.Sprintf("Quillon%c Marbeck%c Tessaly%c", 'A'+s, 'A'+s, 'A'+s)
		place := fmt.Sprintf("Orvanto%c", 'A'+s)
		for r := range 4 {
			text := fmt.Sprintf("%s news from %s. Officials named %s in the %s report %d. "+
				"The %s followed weeks of talks, and %s said more would follow.",
				strings.Fields(kind)[0], place, names, kind, r, strings.Fields(kind)[1], strings.Fields(names)[r%3])
			a := &storyline.Article{ID: fmt.Sprintf("s%d-r%d", s, r), Text: text, Published: day.AddDate(0, 0, 20*s+r)}
			out = append(out, Report{Article: a, Entities: about(strings.Fields(names)[0])})
		}
	}
	// A follow-up about the first story's person, two years on.
	late := &storyline.Article{ID: "s0-late", Published: day.AddDate(2, 0, 0),
		Text: "Two years on, QuillonA was sentenced in the trial verdict case from OrvantoA; the court heard the jury again."}
	return append(out, Report{Article: late, Entities: about("QuillonA")})
}

// about are the entities of a report about one person: named twice.
func about(name string) []storyline.Entity {
	e := storyline.Entity{Type: storyline.Person, Norm: name + " Vestry"}
	return []storyline.Entity{e, e}
}

// TestUpdateGivesWhatBuildGives adds reports one batch at a time, in
// several orders, and gets the stories that a build over all of them
// gives; then changes a report and gets what a build gives again.
func TestUpdateGivesWhatBuildGives(t *testing.T) {
	ctx := context.Background()
	reports := syntheticReports()
	whole := newMemory()
	for _, r := range reports {
		whole.reports[r.Article.ID] = r
	}
	u, err := Build(ctx, whole, "v")
	if err != nil {
		t.Fatal(err)
	}
	whole.apply(u)
	want := whole.sorted()
	if len(want) < 2 || len(want) == len(reports) {
		t.Fatalf("a build made %d stories of %d reports: the test needs some grouping", len(want), len(reports))
	}
	for seed := range 4 {
		order := slices.Clone(reports)
		rand.New(rand.NewPCG(uint64(seed), 7)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		m := newMemory()
		for start := 0; start < len(order); start += 1 + seed {
			var changed []string
			for _, r := range order[start:min(len(order), start+1+seed)] {
				m.reports[r.Article.ID] = r
				changed = append(changed, r.Article.ID)
			}
			if seed%2 == 1 {
				// Profiles lost or damaged are made again from the reports.
				for k, id := range slices.Sorted(maps.Keys(m.profiles)) {
					if k%3 == 0 {
						delete(m.profiles, id)
					} else if k%3 == 1 {
						m.profiles[id] = []byte{9}
					}
				}
			}
			u, err := Update(ctx, m, m, changed, "v")
			if err != nil {
				t.Fatal(err)
			}
			m.apply(u)
		}
		if got := m.sorted(); !reflect.DeepEqual(got, want) {
			t.Errorf("order %d: updates made %d stories, a build %d:\n%v\nwant\n%v", seed, len(got), len(want), ids(got), ids(want))
		}
	}
	// A report rewritten to tell another story moves to it.
	moved := reports[0]
	moved.Article = &storyline.Article{ID: moved.Article.ID, Text: reports[len(reports)-1].Article.Text + " Again.",
		Published: reports[len(reports)-1].Article.Published}
	whole.reports[moved.Article.ID] = moved
	u, err = Update(ctx, whole, whole, []string{moved.Article.ID}, "v")
	if err != nil {
		t.Fatal(err)
	}
	whole.apply(u)
	rebuilt := newMemory()
	rebuilt.reports = whole.reports
	u, err = Build(ctx, rebuilt, "v")
	if err != nil {
		t.Fatal(err)
	}
	rebuilt.apply(u)
	if got, want := whole.sorted(), rebuilt.sorted(); !reflect.DeepEqual(got, want) {
		t.Errorf("after a report changed, an update gives %v, a build %v", ids(got), ids(want))
	}
	if whole.storyOf["s0-late"] != whole.storyOf["s0-r1"] {
		t.Errorf("the follow-up two years on is in story %q, not in that of the reports about its person", whole.storyOf["s0-late"])
	}
	if whole.storyOf[moved.Article.ID] != whole.storyOf[reports[len(reports)-1].Article.ID] {
		t.Errorf("the rewritten report is in story %s, not in that of the report it now copies", whole.storyOf[moved.Article.ID])
	}
}

func ids(stories []storyline.Story) [][]string {
	var out [][]string
	for _, s := range stories {
		out = append(out, s.Articles)
	}
	return out
}

// TestReportsFarApartAreNotCompared: the same words months apart are two
// stories (a second storm of the same name, a trial's retrial); weeks
// apart, or with a date unknown, one; about one person, up to nameWindow
// days apart, one.
func TestReportsFarApartAreNotCompared(t *testing.T) {
	text := "Storm Quillon floods the Orvanto coast; Tessaly Marbeck orders evacuations of Orvanto and Quillon Bay."
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		second  time.Time
		about   string // a person both reports are about
		stories int
	}{
		{"weeks apart", day.AddDate(0, 0, window), "", 1},
		{"months apart", day.AddDate(0, 0, window+1), "", 2},
		{"date unknown", time.Time{}, "", 1},
		{"about one person, years apart", day.AddDate(0, 0, nameWindow), "Tessaly", 1},
		{"about one person, too many years apart", day.AddDate(0, 0, nameWindow+1), "Tessaly", 2},
	} {
		var es []storyline.Entity
		if tc.about != "" {
			es = about(tc.about)
		}
		m := newMemory()
		m.reports["a"] = Report{Article: &storyline.Article{ID: "a", Text: text, Published: day}, Entities: es}
		m.reports["b"] = Report{Article: &storyline.Article{ID: "b", Text: text, Published: tc.second}, Entities: es}
		u, err := Build(context.Background(), m, "v")
		if err != nil {
			t.Fatal(err)
		}
		if len(u.Put) != tc.stories {
			t.Errorf("%s: %d stories, want %d", tc.name, len(u.Put), tc.stories)
		}
	}
}

// TestBuildHoldsASetForALaterReportAboutItsPeople: a rebuild reads more
// than a batch of reports between a report and its follow-up about the
// same person two years on, and still groups the two, as an update does.
func TestBuildHoldsASetForALaterReportAboutItsPeople(t *testing.T) {
	ctx := context.Background()
	text := "Storm Quillon floods the Orvanto coast; Tessaly Marbeck orders evacuations of Orvanto and Quillon Bay."
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	m := newMemory()
	m.reports["a"] = Report{Article: &storyline.Article{ID: "a", Text: text, Published: day}, Entities: about("Tessaly")}
	for i := range 3 * batch {
		id := fmt.Sprintf("filler-%04d", i)
		m.reports[id] = Report{Article: &storyline.Article{ID: id, Published: day.AddDate(0, 0, 1+i/2),
			Text: fmt.Sprintf("Zephyr%04d Kallow%04d opened the Brindle%04d fair.", i, i, i)}}
	}
	m.reports["b"] = Report{Article: &storyline.Article{ID: "b", Text: text, Published: day.AddDate(2, 0, 0)}, Entities: about("Tessaly")}
	u, err := Build(ctx, m, "v")
	if err != nil {
		t.Fatal(err)
	}
	m.apply(u)
	if m.storyOf["a"] == "" || m.storyOf["a"] != m.storyOf["b"] {
		t.Errorf("a build put the report and its follow-up in stories %q and %q, want one", m.storyOf["a"], m.storyOf["b"])
	}
	// An update that adds the follow-up last gives the same.
	delete(m.reports, "b")
	u, err = Build(ctx, m, "v")
	if err != nil {
		t.Fatal(err)
	}
	m.apply(u)
	m.reports["b"] = Report{Article: &storyline.Article{ID: "b", Text: text, Published: day.AddDate(2, 0, 0)}, Entities: about("Tessaly")}
	if u, err = Update(ctx, m, m, []string{"b"}, "v"); err != nil {
		t.Fatal(err)
	}
	m.apply(u)
	if m.storyOf["a"] == "" || m.storyOf["a"] != m.storyOf["b"] {
		t.Errorf("an update put the report and its follow-up in stories %q and %q, want one", m.storyOf["a"], m.storyOf["b"])
	}
}
