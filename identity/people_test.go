package identity

import (
	"strings"
	"testing"

	"github.com/storyline/storyline"
)

// TestPeople names the reports of two stories and one in none, as dump and
// serve both do: a surname takes its own story's full name, a full name
// its spelling used most, and the report in no story stays as written.
func TestPeople(t *testing.T) {
	type report struct{ story, id, text string }
	reports := []report{
		{"s1", "a", "Sergei Lavrov met Mevlut Cavusoglu in Moscow."},
		{"s1", "b", "Sergey Lavrov said Lavrov would return."},
		{"s1", "c", "Sergey Lavrov spoke first."},
		{"s2", "d", "Howard Jones sang, and Jones smiled."},
		{"", "e", "Jones tells Belichick he is ready."},
	}
	people := func(text string) []storyline.Entity {
		var out []storyline.Entity
		for _, name := range []string{"Sergei Lavrov", "Sergey Lavrov", "Mevlut Cavusoglu", "Howard Jones", "Lavrov", "Jones"} {
			for from := 0; ; {
				i := strings.Index(text[from:], name)
				if i < 0 {
					break
				}
				start := from + i
				if !covered(out, start, start+len(name)) {
					out = append(out, storyline.Entity{Type: storyline.Person, Text: name, Start: start, End: start + len(name), Norm: name})
				}
				from = start + len(name)
			}
		}
		return out
	}
	byScope := map[string][][]storyline.Entity{}
	for _, r := range reports {
		sc := Scope(r.story, r.id)
		byScope[sc] = append(byScope[sc], PersonEntities(people(r.text)))
	}
	p := NewPeople(byScope)
	for _, r := range reports {
		p.Count(Scope(r.story, r.id), r.text, people(r.text))
	}
	got := map[string]string{} // report id + text → norm
	for _, r := range reports {
		for _, e := range p.Of(Scope(r.story, r.id), r.text, people(r.text)) {
			got[r.id+" "+e.Text] = e.Norm
		}
	}
	for k, want := range map[string]string{
		"a Sergei Lavrov": "Sergey Lavrov", "b Lavrov": "Sergey Lavrov", "c Sergey Lavrov": "Sergey Lavrov",
		"d Jones": "Howard Jones", "e Jones": "Jones",
	} {
		if got[k] != want {
			t.Errorf("%s → %q, want %q (all: %v)", k, got[k], want, got)
		}
	}
}

func covered(es []storyline.Entity, start, end int) bool {
	for _, e := range es {
		if e.Start < end && start < e.End {
			return true
		}
	}
	return false
}
