package nlp

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
)

// A pageCase is one phenomenon of testdata/pages.txt: pages, the story
// each is in, and the people wanted in each, mention → canonical name.
type pageCase struct {
	name  string
	pos   string // pages.txt:line
	pages []page
	want  map[string]map[string]string // page ID → mention → canonical
}

type page struct{ id, story, text string }

// readPages reads testdata/pages.txt; its header says how it is written.
func readPages(t *testing.T) []pageCase {
	t.Helper()
	const name = "pages.txt"
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var cases []pageCase
	var cur *pageCase
	var body *strings.Builder
	inPeople := false
	flush := func() {
		if body != nil && cur != nil {
			cur.pages[len(cur.pages)-1].text = strings.TrimSuffix(body.String(), "\n")
		}
		body = nil
	}
	for i, line := range strings.Split(string(data), "\n") {
		pos := fmt.Sprintf("%s:%d", name, i+1)
		switch {
		case strings.HasPrefix(line, "=== "):
			flush()
			cases = append(cases, pageCase{name: line[4:], pos: pos, want: map[string]map[string]string{}})
			cur, inPeople = &cases[len(cases)-1], false
		case cur == nil:
			if line != "" && !strings.HasPrefix(line, "#") {
				t.Fatalf("%s: text before the first case: %q", pos, line)
			}
		case line == "--- people":
			flush()
			inPeople = true
		case strings.HasPrefix(line, "--- page "):
			flush()
			f := strings.Fields(line[len("--- page "):])
			p := page{id: f[0]}
			if len(f) == 3 && f[1] == "story" {
				p.story = f[2]
			} else if len(f) != 1 {
				t.Fatalf("%s: want --- page ID [story STORY]: %q", pos, line)
			}
			cur.pages = append(cur.pages, p)
			cur.want[p.id] = map[string]string{}
			body = &strings.Builder{}
		case inPeople:
			if line == "" {
				continue
			}
			f := strings.Split(line, "\t")
			if len(f) != 3 || cur.want[f[0]] == nil {
				t.Fatalf("%s: want a page ID of the case, a mention and a name separated by tabs: %q", pos, line)
			}
			cur.want[f[0]][f[1]] = f[2]
		case body != nil:
			body.WriteString(line + "\n")
		}
	}
	flush()
	if len(cases) == 0 {
		t.Fatalf("%s: no cases", name)
	}
	return cases
}

// TestPages extracts the pages of each case of testdata/pages.txt, names
// their people as 'extract dump' does (the uses of a story's people that a
// page's extraction missed added, then a census of the case's pages, each
// in its story), and wants exactly the people listed.
func TestPages(t *testing.T) {
	for _, tc := range readPages(t) {
		t.Run(tc.name, func(t *testing.T) {
			ents := map[string][]storyline.Entity{}
			scope := func(p page) string { return cmpOr(p.story, " "+p.id) }
			byScope := map[string][][]storyline.Entity{}
			for _, p := range tc.pages {
				ents[p.id] = extracted(t, p.text, "")
				byScope[scope(p)] = append(byScope[scope(p)], ents[p.id])
			}
			census := identity.NewCensus()
			for _, p := range tc.pages {
				ents[p.id] = append(ents[p.id], identity.NewStory(byScope[scope(p)]).Recall(p.text, ents[p.id])...)
				census.Add(scope(p), ents[p.id])
			}
			names := census.Names()
			for _, p := range tc.pages {
				got := map[string]string{}
				for _, e := range names.Apply(scope(p), ents[p.id]) {
					if e.Type == storyline.Person {
						got[e.Text] = e.Norm
					}
				}
				if !maps.Equal(got, tc.want[p.id]) {
					t.Errorf("%s: page %s: people %v, want %v", tc.pos, p.id, sorted(got), sorted(tc.want[p.id]))
				}
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// sorted writes a mention → name map in a stable order.
func sorted(m map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+" → "+m[k])
	}
	return out
}
