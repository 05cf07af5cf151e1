package identity

import (
	"math/rand/v2"
	"testing"

	"github.com/storyline/storyline"
)

// Given and family names for random stories: families shared between
// stories ("Jones", "Davis", "Biden") are the contamination the census must
// not spread.
var (
	givens   = []string{"Joe", "Hunter", "Howard", "Anthony", "Sergei", "Sergey", "Mark", "Mo", "Volodymyr", "Ann", "J."}
	families = []string{"Jones", "Davis", "Biden", "Lavrov", "Heller", "Zelensky", "Zelenskiy", "Cheeks", "Smith"}
)

// randomStory is a story's reports: each report names a few people, by full
// name or by surname alone.
func randomStory(r *rand.Rand, people []string) [][]storyline.Entity {
	reports := make([][]storyline.Entity, 1+r.IntN(4))
	for i := range reports {
		for range 1 + r.IntN(5) {
			name := people[r.IntN(len(people))]
			if r.IntN(3) == 0 {
				name = families[r.IntN(len(families))] // a bare surname
			}
			reports[i] = append(reports[i], storyline.Entity{Type: storyline.Person, Norm: name})
		}
	}
	return reports
}

// TestUnrelatedStoriesChangeNothing adds to a story other stories that
// share no full name with it (surnames they may share) and wants the first
// story's canonical names unchanged, whatever their order.
func TestUnrelatedStoriesChangeNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		var first []string
		used := map[string]bool{}
		for range 1 + r.IntN(4) {
			n := givens[r.IntN(len(givens))] + " " + families[r.IntN(len(families))]
			first = append(first, n)
			used[Key(n)] = true
		}
		story := randomStory(r, first)
		alone := NewCensus()
		for _, es := range story {
			alone.Add("first", es)
		}
		want := alone.Names()

		mixed := NewCensus()
		others := 1 + r.IntN(3)
		order := r.Perm(others + 1)
		for _, o := range order {
			if o == others {
				for _, es := range story {
					mixed.Add("first", es)
				}
				continue
			}
			var people []string
			for len(people) < 3 {
				n := givens[r.IntN(len(givens))] + " " + families[r.IntN(len(families))]
				if !used[Key(n)] {
					people = append(people, n)
				}
			}
			for _, es := range randomStory(r, people) {
				mixed.Add("other"+string(rune('a'+o)), es)
			}
		}
		got := mixed.Names()
		for _, es := range story {
			for _, e := range es {
				if g, w := got.Of("first", e.Norm), want.Of("first", e.Norm); g != w {
					t.Fatalf("trial %d: %q in the first story is %q beside unrelated stories, %q alone (first story %v)",
						trial, e.Norm, g, w, first)
				}
			}
		}
	}
}

// TestFullNamesNeverSwap: in no scope is a full name normed to a full name
// it is not Compatible with, however the stories mix.
func TestFullNamesNeverSwap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		c := NewCensus()
		var all []string
		for s := range 1 + r.IntN(4) {
			var people []string
			for range 1 + r.IntN(4) {
				people = append(people, givens[r.IntN(len(givens))]+" "+families[r.IntN(len(families))])
			}
			all = append(all, people...)
			for _, es := range randomStory(r, people) {
				c.Add(string(rune('a'+s)), es)
			}
		}
		names := c.Names()
		for s := range 4 {
			for _, n := range all {
				if got := names.Of(string(rune('a'+s)), n); !Compatible(got, n) {
					t.Fatalf("trial %d: %q is named %q in story %c", trial, n, got, 'a'+s)
				}
			}
		}
	}
}

func TestNamesStayInTheirStory(t *testing.T) {
	type use struct{ scope, name string }
	tests := []struct {
		name string
		uses []use
		want map[use]string
	}{
		{"a surname joins the full name of its own story only",
			[]use{{"pop", "Howard Jones"}, {"pop", "Jones"}, {"nfl", "Jones"}, {"markets", "Dow Jones"}},
			map[use]string{{"pop", "Jones"}: "Howard Jones", {"nfl", "Jones"}: "Jones", {"markets", "Dow Jones"}: "Dow Jones"}},
		{"agreeing full names join across stories, the spelling used most shown",
			[]use{{"a", "Sergei Lavrov"}, {"b", "Sergey Lavrov"}, {"b", "Sergey Lavrov"}, {"a", "Lavrov"}},
			map[use]string{{"a", "Sergei Lavrov"}: "Sergey Lavrov", {"a", "Lavrov"}: "Sergey Lavrov", {"b", "Sergey Lavrov"}: "Sergey Lavrov"}},
		{"an initial joins its own story's full name, never another story's",
			[]use{{"a", "J. Smith"}, {"a", "John Smith"}, {"b", "J. Smith"}, {"b", "Jane Smith"}},
			map[use]string{{"a", "J. Smith"}: "John Smith", {"b", "J. Smith"}: "Jane Smith", {"a", "John Smith"}: "John Smith", {"b", "Jane Smith"}: "Jane Smith"}},
		{"two people of one surname in one story: the surname joins neither",
			[]use{{"a", "Joe Biden"}, {"a", "Hunter Biden"}, {"a", "Biden"}, {"b", "Joe Biden"}},
			map[use]string{{"a", "Biden"}: "Biden", {"a", "Hunter Biden"}: "Hunter Biden", {"b", "Joe Biden"}: "Joe Biden"}},
	}
	for _, tc := range tests {
		c := NewCensus()
		for _, u := range tc.uses {
			c.Add(u.scope, []storyline.Entity{{Type: storyline.Person, Norm: u.name}})
		}
		names := c.Names()
		for u, w := range tc.want {
			if got := names.Of(u.scope, u.name); got != w {
				t.Errorf("%s: Names().Of(%q, %q) = %q, want %q", tc.name, u.scope, u.name, got, w)
			}
		}
	}
}
