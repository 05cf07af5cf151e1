package identity

import (
	"testing"

	"github.com/storyline/storyline"
)

func person(norm string) storyline.Entity {
	return storyline.Entity{Type: storyline.Person, Norm: norm}
}

func TestRecall(t *testing.T) {
	story := NewStory([][]storyline.Entity{
		{person("Wladimir Klitschko"), person("Mark Teixeira"), person("Joe Biden"), person("Obama Administration")},
		{person("Wladimir Klitschko"), person("Mark Teixeira"), person("Joe Biden"), person("Hunter Biden")},
		{person("Arcade Joseph Comeaux Jr.")},
		{person("Arcade Joseph Comeaux Jr."), person("Obama Administration")},
	})
	tests := []struct {
		text string
		es   []storyline.Entity
		want map[string]string // mention → norm
	}{
		{"Wladimir Klitschko retains belts.\nKlitschko stopped Thompson.",
			nil, map[string]string{"Wladimir Klitschko": "Wladimir Klitschko", "Klitschko": "Wladimir Klitschko"}},
		{"The Red Sox made an offer to Teixeira's agent.", nil, map[string]string{"Teixeira": "Mark Teixeira"}},
		// Two Bidens: the surname alone is neither; a name found by one
		// report only ("Hunter Biden") is not spread, a name two reports
		// made up ("Obama Administration") is.
		{"Biden spoke. Hunter Biden agreed.", nil, map[string]string{}},
		// Next to another capitalised word, or inside an entity already
		// found: left alone.
		{"Lindsay Klitschko Checks In. Comeaux Jr. escaped.",
			[]storyline.Entity{{Type: storyline.Place, Start: 29, End: 36}}, map[string]string{}},
		{"He pulled a gun, and Comeaux ran away.", nil, map[string]string{"Comeaux": "Arcade Joseph Comeaux Jr."}},
	}
	for _, tc := range tests {
		got := map[string]string{}
		for _, e := range story.Recall(tc.text, tc.es) {
			if tc.text[e.Start:e.End] != e.Text || e.Type != storyline.Person {
				t.Fatalf("Recall(%q): %+v: not a person at its offsets", tc.text, e)
			}
			got[e.Text] = e.Norm
		}
		if len(got) != len(tc.want) {
			t.Errorf("Recall(%q) = %v, want %v", tc.text, got, tc.want)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("Recall(%q) = %v, want %v", tc.text, got, tc.want)
			}
		}
	}
}

func FuzzRecall(f *testing.F) {
	story := NewStory([][]storyline.Entity{
		{person("Wladimir Klitschko"), person("Sarah O'Neil")},
		{person("Wladimir Klitschko"), person("Sarah O'Neil")},
	})
	for _, s := range []string{"Wladimir Klitschko won. Klitschko's belt.", "O'Neil’s", "Klitschko", "\xff Klitschko-", "J. K"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, e := range story.Recall(text, nil) {
			if e.Start < 0 || e.End > len(text) || e.Start >= e.End || text[e.Start:e.End] != e.Text {
				t.Fatalf("Recall(%q): %+v: not at its offsets", text, e)
			}
		}
	})
}
