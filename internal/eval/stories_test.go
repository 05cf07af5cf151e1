package eval

// The cases of TestStoryDays through TestReadStoriesRejects are those of
// the reference scorer's tests (shared eval/scorestories/score_test.go), with
// the numbers it asserts; its long tables are kept in testdata/stories as
// JSON Lines.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// readRows decodes each line of testdata/stories/name into a T.
func readRows[T any](t *testing.T, name string) []T {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/stories", name))
	if err != nil {
		t.Fatal(err)
	}
	var rows []T
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var r T
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rows = append(rows, r)
	}
	return rows
}

func dayName(n int) string { return time.Unix(int64(n)*86400, 0).UTC().Format("2006-01-02") }

func TestStoryDays(t *testing.T) {
	for _, row := range readRows[[3]string](t, "values.jsonl") {
		value, first, last := row[0], row[1], row[2] // "" "": never matches
		r, ok := parseDays(value)
		if first == "" {
			if ok {
				t.Errorf("parseDays(%q) = %s..%s, want no range", value, dayName(r.first), dayName(r.last))
			}
			continue
		}
		if !ok || dayName(r.first) != first || dayName(r.last) != last {
			t.Errorf("parseDays(%q) = %s..%s ok=%v, want %s..%s", value, dayName(r.first), dayName(r.last), ok, first, last)
		}
	}
}

func TestStoryDatesMatch(t *testing.T) {
	match := func(a, b string) bool {
		ra, okA := parseDays(a)
		rb, okB := parseDays(b)
		return okA && okB && ra.matches(rb)
	}
	for _, row := range readRows[[3]any](t, "dates-match.jsonl") {
		a, b, want := row[0].(string), row[1].(string), row[2].(bool)
		if got := match(a, b); got != want {
			t.Errorf("match(%q, %q) = %v, want %v", a, b, got, want)
		}
		if got := match(b, a); got != want {
			t.Errorf("match(%q, %q) = %v, want %v (symmetry)", b, a, got, want)
		}
	}
}

func TestStoryPeople(t *testing.T) {
	type row struct {
		Gold, Pred []string
		TP         int
	}
	for _, tc := range readRows[row](t, "people.jsonl") {
		if got := peopleTP(tc.Gold, tc.Pred); got != tc.TP {
			t.Errorf("peopleTP(%q, %q) = %d, want %d", tc.Gold, tc.Pred, got, tc.TP)
		}
	}
}

// ent is an entry; articles are separated by spaces.
func ent(when string, weight float64, articles string) Entry {
	return Entry{When: when, Weight: &weight, Articles: strings.Fields(articles)}
}

func TestTopN(t *testing.T) {
	es := []Entry{ent("2001", 1, ""), ent("2002", 3, ""), ent("2003", 2, ""), ent("2004", 3, ""), ent("2005", 2, "")}
	for n, want := range map[int]string{
		0: "", 1: "2002",
		2: "2002 2004",      // equal weights: file order
		3: "2002 2004 2003", // 2003 before 2005 (same weight, earlier)
		5: "2002 2004 2003 2005 2001", 9: "2002 2004 2003 2005 2001",
	} {
		var whens []string
		for _, e := range topN(es, n) {
			whens = append(whens, e.When)
		}
		if got := strings.Join(whens, " "); got != want {
			t.Errorf("topN(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestMatchEntries(t *testing.T) {
	type entries = []Entry
	tests := []struct {
		name       string
		gold, kept entries
		want       [][2]int
	}{
		{"equal ranges first", entries{ent("2023-04-04", 0, ""), ent("2023-04-03/2023-04-04", 0, "")},
			entries{ent("2023-04-03/2023-04-04", 2, ""), ent("2023-04-04", 1, "")}, [][2]int{{0, 1}, {1, 0}}},
		{"a day goes to the gold day, not the gold month", entries{ent("2023-04", 0, ""), ent("2023-04-10", 0, "")},
			entries{ent("2023-04-10", 1, "")}, [][2]int{{1, 0}}},
		{"a gold day takes the predicted day over the predicted month", entries{ent("2023-04-10", 0, "")},
			entries{ent("2023-04", 2, ""), ent("2023-04-10", 1, "")}, [][2]int{{0, 1}}},
		{"one to one", entries{ent("2023-04-04", 0, "")},
			entries{ent("2023-04-04", 2, ""), ent("2023-04-04", 1, "")}, [][2]int{{0, 0}}},
		{"same date twice: more shared articles first", entries{ent("2023-03", 0, "a"), ent("2023-03", 0, "b")},
			entries{ent("2023-03", 2, "b"), ent("2023-03", 1, "a")}, [][2]int{{0, 1}, {1, 0}}},
		{"same date, no articles: gold order, then kept rank", entries{ent("2023", 0, ""), ent("2023", 0, "")},
			entries{ent("2023", 2, "")}, [][2]int{{0, 0}}},
		{"a year matches only the year", entries{ent("2023", 0, "")},
			entries{ent("2023-04", 2, ""), ent("2023-04-04", 1, "")}, nil},
		{"greedy, not maximum: the closer pair is taken first", entries{ent("2023-04-01/2023-04-02", 0, ""), ent("2023-04-02", 0, "")},
			entries{ent("2023-04-02", 1, "")}, [][2]int{{1, 0}}},
		{"values that never match", entries{ent("XXXX-04-04", 0, ""), ent("PRESENT_REF", 0, "")},
			entries{ent("XXXX-04-04", 2, ""), ent("PRESENT_REF", 1, "")}, nil},
	}
	for _, tc := range tests {
		if got := matchEntries(tc.gold, tc.kept); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: matchEntries = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) < 1e-9
}

func checkNear(t *testing.T, name string, got, want []float64) {
	t.Helper()
	for i := range want {
		if !near(got[i], want[i]) {
			t.Errorf("%s: got %v, want %v", name, got, want)
			return
		}
	}
}

func story(id, articles string, tl ...Entry) Story {
	return Story{ID: id, Articles: strings.Fields(articles), Timeline: tl}
}

func TestScoreStories(t *testing.T) {
	first := ent("2023-04-04", 0, "a b")
	first.People, first.Countries, first.Places = []string{"Sergei Lavrov"}, []string{"RU", "TR"}, []string{"Moscow"}
	guess := ent("2023-04", 1, "a")
	guess.People, guess.Countries, guess.Places = []string{"Sergey Lavrov", "Hulusi Akar"}, []string{"ru", "SY"}, []string{"moscow"}
	gold := []Story{story("S1", "a b c", first, ent("2023", 0, "c"), ent("2023-05-10", 0, "a")), story("S2", "d e")}
	pred := []Story{
		story("P1", "a b x", guess, ent("2023-05-10", 3, "b"), ent("2022", 2, "a b"), ent("2023-06", 0.5, "a")),
		story("P2", "c d"),
	}
	res := ScoreStories(gold, pred)
	s := res.Clusters
	// B-cubed precision a,b: 1; c: 1/2; d: 1/2; e (in no predicted story): 1
	// recall a,b: 2/3; c: 1/3; d: 1/2; e: 1/2
	checkNear(t, "stories P R F1", []float64{s.P, s.R, s.F1()}, []float64{0.8, 8.0 / 15, 0.64})
	if s.Docs != 5 || s.GoldStories != 2 || s.PredStories != 3 || s.Unlisted != 1 || s.PredLines != 2 {
		t.Errorf("stories counts: %+v", s)
	}
	if res.Warnings.PredArticlesNotInGold != 1 {
		t.Errorf("warnings: %+v", res.Warnings)
	}
	tl := res.Timelines
	if tl.Stories != 1 || tl.Paired != 1 || tl.Entries != 3 || tl.Kept != 3 || tl.Matched != 2 {
		t.Errorf("timeline counts: %+v", tl)
	}
	if ps := tl.PerStory[0]; ps.Pred != "P1" || ps.Shared != 2 {
		t.Errorf("paired with %q sharing %d, want P1 sharing 2", ps.Pred, ps.Shared)
	}
	checkNear(t, "date P R F1", []float64{tl.DateP(), tl.DateR(), tl.DateF1()}, []float64{2.0 / 3, 2.0 / 3, 2.0 / 3})
	// pairs: 2023-04-04~2023-04 (reports 1/2), 2023-05-10~2023-05-10 (reports 0)
	checkNear(t, "reports recall", []float64{tl.Reports()}, []float64{0.25})
	checkNear(t, "countries P R F1", []float64{tl.Countries.P(), tl.Countries.R(), tl.Countries.F1()}, []float64{0.5, 0.5, 0.5})
	checkNear(t, "people P R F1", []float64{tl.People.P(), tl.People.R(), tl.People.F1()}, []float64{0.5, 1, 2.0 / 3})
	checkNear(t, "places", []float64{tl.Places(), float64(tl.PlacesN)}, []float64{1, 1})
}

func TestStoryPairing(t *testing.T) {
	dated := ent("2023", 0, "")
	tests := []struct {
		name       string
		gold, pred []Story
		want       string // paired prediction, "" unpaired
	}{
		{"most shared articles", []Story{story("G", "a b c", dated), story("H", "d e")},
			[]Story{story("P1", "a d e"), story("P2", "b c")}, "P2"},
		{"tie: fewer gold documents wins", []Story{story("G", "a b", dated), story("H", "c d")},
			[]Story{story("P1", "a c d"), story("P2", "b")}, "P2"},
		{"tie: ids not in the gold do not count as size", []Story{story("G", "a b", dated), story("H", "c")},
			[]Story{story("P1", "a x y z"), story("P2", "b c")}, "P1"},
		{"tie of equal size: the earlier line", []Story{story("G", "a b", dated), story("H", "c d")},
			[]Story{story("P1", "a c"), story("P2", "b d")}, "P1"},
		{"no shared article: unpaired", []Story{story("G", "a b", dated), story("H", "c")},
			[]Story{story("P1", "c", ent("2023", 1, ""))}, ""},
	}
	for _, tc := range tests {
		for i := range tc.pred {
			tc.pred[i].Line = i + 1
		}
		tl := ScoreStories(tc.gold, tc.pred).Timelines
		if got := tl.PerStory[0].Pred; got != tc.want {
			t.Errorf("%s: paired with %q, want %q", tc.name, got, tc.want)
		}
		if tc.want == "" && (tl.Paired != 0 || tl.Kept != 0 || tl.Matched != 0 || tl.Entries != 1 || !near(tl.DateR(), 0) || !math.IsNaN(tl.DateP())) {
			t.Errorf("%s: unpaired counts %+v", tc.name, tl)
		}
	}
}

func TestStoryBCubed(t *testing.T) {
	gold := []Story{story("G1", "a b c d"), story("G2", "e f")}
	singles := (4*0.25 + 2*0.5) / 6
	tests := []struct {
		name     string
		pred     []Story
		p, r     float64
		nstories int
	}{
		{"perfect", []Story{story("1", "a b c d"), story("2", "e f")}, 1, 1, 2},
		{"all in one", []Story{story("1", "a b c d e f")}, (4*4.0/6 + 2*2.0/6) / 6, 1, 1},
		{"one per article (empty prediction)", nil, 1, singles, 6},
		{"one per article, listed", []Story{story("1", "a"), story("2", "b"), story("3", "c"), story("4", "d"), story("5", "e"), story("6", "f")}, 1, singles, 6},
		{"ids not in the gold ignored", []Story{story("1", "a b c d x"), story("2", "e f y z")}, 1, 1, 2},
		{"empty predicted story not counted", []Story{story("1", "a b c d"), story("2", "e f"), story("3", "x")}, 1, 1, 2},
	}
	for _, tc := range tests {
		s := ScoreStories(gold, tc.pred).Clusters
		checkNear(t, tc.name, []float64{s.P, s.R}, []float64{tc.p, tc.r})
		if s.PredStories != tc.nstories {
			t.Errorf("%s: predicted stories %d, want %d", tc.name, s.PredStories, tc.nstories)
		}
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadStoriesRejects(t *testing.T) {
	type row struct{ Name, Gold, Pred, Msg string }
	for _, tc := range readRows[row](t, "read-errors.jsonl") {
		_, err := ReadStoryGold(writeTemp(t, "gold.jsonl", tc.Gold))
		if err == nil {
			_, err = ReadStoryPredictions(writeTemp(t, "pred.jsonl", tc.Pred))
		}
		if err == nil || !strings.Contains(err.Error(), tc.Msg) {
			t.Errorf("%s: error %v, want one with %q", tc.Name, err, tc.Msg)
		}
	}
	if _, err := ReadStoryPredictions("/nonexistent/p.jsonl"); err == nil {
		t.Error("missing file: no error")
	}
}

const fixtureStories = "../../fixtures/stories.gold.jsonl"

// TestStoryFixtureSelf scores the fixture gold against itself, with weights.
func TestStoryFixtureSelf(t *testing.T) {
	gold, err := ReadStoryGold(fixtureStories)
	if err != nil {
		t.Fatal(err)
	}
	self := make([]Story, len(gold))
	for i, g := range gold {
		self[i] = g
		self[i].Timeline = append([]Entry(nil), g.Timeline...)
		for k := range self[i].Timeline {
			w := float64(len(g.Timeline) - k)
			self[i].Timeline[k].Weight = &w
		}
	}
	res := ScoreStories(gold, self)
	tl := res.Timelines
	checkNear(t, "self", []float64{res.Clusters.P, res.Clusters.R, tl.DateP(), tl.DateR(), tl.Reports(),
		tl.Countries.F1(), tl.People.F1(), tl.Places()}, []float64{1, 1, 1, 1, 1, 1, 1, 1})
	if tl.Matched != tl.Entries || tl.Entries == 0 || res.Warnings.GoldValuesNeverMatch != 0 {
		t.Errorf("self: %d of %d entries matched; warnings %+v", tl.Matched, tl.Entries, res.Warnings)
	}
}

// referenceJSON is r in the shape of the reference scorer's -json output.
func referenceJSON(r *StoriesReport) map[string]any {
	s, t := r.Clusters, r.Timelines
	var per []map[string]any
	for _, st := range t.PerStory {
		m := map[string]any{"gold": st.Gold, "pred": nil, "pred_line": nil, "shared_articles": st.Shared,
			"gold_entries": st.Entries, "kept": st.Kept, "matched": st.Matched}
		if st.PredLine > 0 {
			m["pred"], m["pred_line"] = st.Pred, st.PredLine
		}
		per = append(per, m)
	}
	return map[string]any{
		"stories": map[string]any{"docs": s.Docs, "gold_stories": s.GoldStories, "pred_stories": s.PredStories,
			"pred_lines": s.PredLines, "docs_in_no_pred_story": s.Unlisted,
			"bcubed": map[string]any{"p": num(s.P), "r": num(s.R), "f1": num(s.F1())}},
		"timelines": map[string]any{"gold_stories": t.Stories, "paired": t.Paired,
			"gold_entries": t.Entries, "kept": t.Kept, "matched": t.Matched,
			"date":           map[string]any{"p": num(t.DateP()), "r": num(t.DateR()), "f1": num(t.DateF1())},
			"reports_recall": map[string]any{"n": t.ReportsN, "value": num(t.Reports())},
			"countries":      prfJSON(t.Countries), "people": prfJSON(t.People),
			"places":    map[string]any{"n": t.PlacesN, "correct": t.PlacesOK, "accuracy": num(t.Places())},
			"per_story": per},
		"warnings": map[string]any{"pred_articles_not_in_gold": r.Warnings.PredArticlesNotInGold,
			"gold_entries_with_value_that_never_matches": r.Warnings.GoldValuesNeverMatch,
			"pred_entries_with_value_that_never_matches": r.Warnings.PredValuesNeverMatch},
	}
}

// TestStoriesAgreeWithReference runs the reference scorer, when the shared
// folder is beside the project, on the fixture gold and the predictions of
// testdata/stories, and wants every figure of its -json output from ours.
func TestStoriesAgreeWithReference(t *testing.T) {
	ref := referenceScorer(t, "scorestories")
	bin := filepath.Join(t.TempDir(), "scorestories")
	if out, err := exec.Command("go", "-C", ref, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build the reference scorer: %v\n%s", err, out)
	}
	goldPath, _ := filepath.Abs(fixtureStories)
	gold, err := ReadStoryGold(goldPath)
	if err != nil {
		t.Fatal(err)
	}
	preds, _ := filepath.Glob("testdata/stories/pred-*.jsonl")
	if len(preds) == 0 {
		t.Fatal("no testdata/stories/pred-*.jsonl")
	}
	for _, p := range preds {
		out, err := exec.Command(bin, "-json", goldPath, p).Output()
		if err != nil {
			t.Fatalf("reference scorer on %s: %v", p, err)
		}
		pred, err := ReadStoryPredictions(p)
		if err != nil {
			t.Fatal(err)
		}
		ours, _ := json.Marshal(referenceJSON(ScoreStories(gold, pred)))
		var want, got any
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatalf("reference output: %v\n%s", err, out)
		}
		if err := json.Unmarshal(ours, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ours differs from the reference scorer's:\n--- ours\n%s\n--- reference\n%s", p, ours, out)
		} else {
			t.Logf("%s: agrees: %s", filepath.Base(p), bytes.Join(bytes.Fields(out), []byte(" ")))
		}
	}
}
