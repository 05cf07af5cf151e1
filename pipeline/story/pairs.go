package story

import (
	"cmp"
	"slices"
	"strings"

	"github.com/storyline/storyline"
)

// Pairs lists who met whom in a timeline: every two people, and every two
// countries, that take part in the same events, with the indexes of those
// events in timeline. People come before countries; within a type the
// pairs joined by most events come first, then by name, so the same
// timeline always gives the same list.
func Pairs(timeline []storyline.Event) []storyline.Pair {
	type key struct {
		typ  storyline.EntityType
		a, b string
	}
	events := map[key][]int{}
	add := func(typ storyline.EntityType, names []string, i int) {
		names = slices.Clone(names)
		slices.Sort(names)
		names = slices.Compact(names)
		for x := range names {
			for y := x + 1; y < len(names); y++ {
				k := key{typ, names[x], names[y]}
				events[k] = append(events[k], i)
			}
		}
	}
	for i, e := range timeline {
		add(storyline.Person, e.People, i)
		add(storyline.Country, e.Countries, i)
	}
	out := make([]storyline.Pair, 0, len(events))
	for k, ev := range events {
		out = append(out, storyline.Pair{Type: k.typ, A: k.a, B: k.b, Events: ev})
	}
	slices.SortFunc(out, func(p, q storyline.Pair) int {
		return cmp.Or(cmp.Compare(typeOrder(p.Type), typeOrder(q.Type)),
			cmp.Compare(len(q.Events), len(p.Events)), strings.Compare(p.A, q.A), strings.Compare(p.B, q.B))
	})
	return out
}

func typeOrder(t storyline.EntityType) int {
	if t == storyline.Person {
		return 0
	}
	return 1
}
