package cli

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/fixtures"
	"github.com/storyline/storyline/store/storetest"
)

// oneFilePerReport writes each line of the fixtures' docs.jsonl and of
// testdata/otherstories.jsonl (reports of two other stories) to a file of
// its own, so that they can be ingested one at a time in any order.
func oneFilePerReport(t *testing.T) []string {
	t.Helper()
	fixtureDocs, err := fs.ReadFile(fixtures.FS, "docs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	others, err := os.ReadFile("testdata/otherstories.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for i, line := range strings.Split(strings.TrimSpace(string(fixtureDocs)+"\n"+string(others)), "\n") {
		path := filepath.Join(dir, strings.Repeat("r", i+1)+".jsonl")
		if err := os.WriteFile(path, []byte(line+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	return files
}

// storiesAfter ingests files one at a time into a new store, in the order
// given, and returns what 'extract stories' then writes.
func storiesAfter(t *testing.T, files []string) (db, out string) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	for _, f := range files {
		if r := ingest(t, "-db", db, f); r.code != exitOK {
			t.Fatalf("ingest %s: exit %d: %s", f, r.code, r.stderr)
		}
	}
	r := extract(t, "stories", "-db", db)
	if r.code != exitOK || strings.Contains(r.stderr, "stale") {
		t.Fatalf("extract stories: exit %d: %s", r.code, r.stderr)
	}
	return db, r.stdout
}

// TestStoriesDoNotDependOnArrivalOrder ingests the same reports one by one
// in two orders and gets the same stories and timelines, and the same
// again from a rebuild.
func TestStoriesDoNotDependOnArrivalOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests 11 reports one at a time, twice")
	}
	files := oneFilePerReport(t)
	_, forward := storiesAfter(t, files)
	reversed := slices.Clone(files)
	slices.Reverse(reversed)
	db, backward := storiesAfter(t, reversed)
	if forward != backward {
		t.Errorf("stories differ with the order of arrival:\nforward:\n%s\nbackward:\n%s", forward, backward)
	}
	if r := extract(t, "run", "-all", "-db", db); r.code != exitOK {
		t.Fatalf("extract run -all: exit %d: %s", r.code, r.stderr)
	}
	if r := extract(t, "stories", "-db", db); r.stdout != forward {
		t.Errorf("a rebuild gives other stories:\n%s\nwant:\n%s", r.stdout, forward)
	}

	stories := readStories(t, forward)
	byArticle := map[string]string{}
	for _, s := range stories {
		for _, a := range s.Articles {
			byArticle[a] = s.ID
		}
	}
	if len(stories) != 3 {
		t.Errorf("%d stories, want 3 (the fixtures', two others)", len(stories))
	}
	for _, same := range [][]string{
		{"000_69aa844a4afd86f8", "001_aa6b1db065f18728", "002_004d5950fa2b3328", "003_f3404cdb3d03a3cb", "004_54ff691f75c98e7c"},
		{"quake-1", "quake-2", "quake-3"},
		{"coach-1", "coach-2", "coach-3"},
	} {
		for _, id := range same[1:] {
			if byArticle[id] == "" || byArticle[id] != byArticle[same[0]] {
				t.Errorf("%s is in story %q, %s in %q: want one story", id, byArticle[id], same[0], byArticle[same[0]])
			}
		}
	}
}

func readStories(t *testing.T, out string) []storyline.Story {
	t.Helper()
	var stories []storyline.Story
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var s storyline.Story
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("story line is not JSON: %v", err)
		}
		stories = append(stories, s)
	}
	return stories
}

// TestEvalStories scores the fixtures' stories as the targets ask:
// one story, B-cubed 1, and a timeline whose dates and reports mostly match.
func TestEvalStories(t *testing.T) {
	gold, docs := fixtureFile(t, "stories.gold.jsonl"), fixtureFile(t, "docs.jsonl")
	pred := filepath.Join(t.TempDir(), "pred.jsonl")
	r := extract(t, "eval", "-json", "-pred", pred, "-stories", gold, docs)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got struct {
		Overall struct {
			Stories   struct{ F1 float64 }
			Timelines struct {
				DateF1  float64 `json:"date_f1"`
				Reports float64
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("not JSON: %v: %s", err, r.stdout)
	}
	if o := got.Overall; o.Stories.F1 != 1 || o.Timelines.DateF1 < 0.85 || o.Timelines.Reports < 0.9 {
		t.Errorf("fixtures: stories F1 %.3f (want 1), date F1 %.3f (want ≥ 0.85), reports %.3f (want ≥ 0.90)",
			o.Stories.F1, o.Timelines.DateF1, o.Timelines.Reports)
	}
	data, err := os.ReadFile(pred)
	if err != nil {
		t.Fatal(err)
	}
	if stories := readStories(t, string(data)); len(stories) != 1 || len(stories[0].Timeline) == 0 {
		t.Errorf("-pred wrote %d stories, want 1 with a timeline", len(stories))
	}
}

// TestStoriesOnEmptyStore: the first grouping of a store with no reports
// says it grouped from scratch and found nothing to group, and 'extract
// stories' then says there is nothing yet rather than "none of 0 stories".
func TestStoriesOnEmptyStore(t *testing.T) {
	dir := t.TempDir()
	db, empty := filepath.Join(dir, "news.db"), filepath.Join(dir, "empty.jsonl")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		args    []string
		want    string // in stderr
		notWant string
	}{
		{[]string{"ingest", "-db", db, empty}, "stories: grouped from scratch: no reports to group yet, no story told", ""},
		{[]string{"extract", "run", "-db", db}, "extract: 0 extracted", "stories:"},
		{[]string{"extract", "stories", "-db", db}, "extract stories: no stories: no extracted reports to group yet", "none of 0"},
	} {
		var r run
		if step.args[0] == "ingest" {
			r = ingest(t, step.args[1:]...)
		} else {
			r = extract(t, step.args[1:]...)
		}
		if r.code != exitOK || !strings.Contains(r.stderr, step.want) || (step.notWant != "" && strings.Contains(r.stderr, step.notWant)) {
			t.Errorf("%s: exit %d, stderr %q; want 0 and %q", strings.Join(step.args[:2], " "), r.code, r.stderr, step.want)
		}
	}
}
