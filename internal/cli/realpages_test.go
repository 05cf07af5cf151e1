package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// realPageCheck is one line of testdata/realpages/expected.jsonl: what one
// page written after a real news page must give, tagged with the
// phenomenon of real news it reproduces.
type realPageCheck struct {
	Phenomenon string `json:"phenomenon"`
	Page       string `json:"page"`
	// Each set field is checked.
	Lang       string       `json:"lang"`
	Skipped    bool         `json:"skipped"`
	Title      string       `json:"title"`
	Source     string       `json:"source"`
	TextHas    string       `json:"text_has"`
	TextHasNot string       `json:"text_has_not"`
	Present    *checkEntity `json:"present"`
	Absent     *checkEntity `json:"absent"`
}

// checkEntity is an entity a page must have (type, text and, when set,
// norm) or must not have (type and text).
type checkEntity struct {
	Type string `json:"type"`
	Text string `json:"text"`
	Norm string `json:"norm"`
}

// TestRealPages ingests pages written after real news pages, each
// reproducing a phenomenon that made storyline untrustworthy on real news
// (non-English pages, country words inside names, named days...), and
// checks what the dump says of each. It logs how many checks of each
// phenomenon pass, the figure the README gives.
func TestRealPages(t *testing.T) {
	dir := filepath.Join("testdata", "realpages")
	db := filepath.Join(t.TempDir(), "news.db")
	if r := ingest(t, "-db", db, filepath.Join(dir, "pages")); r.code != exitOK {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	pages := map[string]dumpLine{}
	for _, a := range readDump(t, extract(t, "dump", "-db", db, "-text").stdout) {
		pages[filepath.Base(a.ID)] = a
	}

	f, err := os.Open(filepath.Join(dir, "expected.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	passed, total := map[string]int{}, map[string]int{}
	var order []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var c realPageCheck
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("expected.jsonl:%d: %v", n, err)
		}
		if total[c.Phenomenon] == 0 {
			order = append(order, c.Phenomenon)
		}
		total[c.Phenomenon]++
		a, ok := pages[c.Page]
		if !ok {
			t.Errorf("expected.jsonl:%d: %s was not stored", n, c.Page)
			continue
		}
		if problem := c.check(a); problem != "" {
			t.Errorf("expected.jsonl:%d (%s): %s: %s", n, c.Phenomenon, c.Page, problem)
			continue
		}
		passed[c.Phenomenon]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, p := range order {
		t.Logf("%-24s %d of %d checks pass", p, passed[p], total[p])
	}
}

// check returns what is wrong with a, or "".
func (c realPageCheck) check(a dumpLine) string {
	has := func(e *checkEntity) bool {
		return slices.ContainsFunc(a.Entities, func(x dumpEntity) bool {
			return string(x.Type) == e.Type && x.Text == e.Text && (e.Norm == "" || x.Norm == e.Norm)
		})
	}
	text := ""
	if a.Text != nil {
		text = *a.Text
	}
	switch {
	case c.Lang != "" && a.Lang != c.Lang:
		return "lang " + a.Lang + ", want " + c.Lang
	case c.Skipped && (a.Skipped == "" || len(a.Entities) > 0):
		return "extracted, want it skipped without entities"
	case c.Title != "" && a.Title != c.Title:
		return "title " + a.Title + ", want " + c.Title
	case c.Source != "" && a.Source != c.Source:
		return "source " + a.Source + ", want " + c.Source
	case c.TextHas != "" && !strings.Contains(text, c.TextHas):
		return "text lacks " + c.TextHas
	case c.TextHasNot != "" && strings.Contains(text, c.TextHasNot):
		return "text has " + c.TextHasNot
	case c.Present != nil && !has(c.Present):
		return "no " + c.Present.Type + " " + c.Present.Text + " " + c.Present.Norm
	case c.Absent != nil && has(c.Absent):
		return "a " + c.Absent.Type + " " + c.Absent.Text
	}
	return ""
}
