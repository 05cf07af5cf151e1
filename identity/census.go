package identity

import (
	"slices"
	"strings"
	"unicode"

	"github.com/storyline/storyline"
)

// A Census counts the person names used across a set of reports: the
// canonical name of a person is the spelling used most.
type Census struct {
	counts map[string]int
}

// NewCensus returns an empty Census.
func NewCensus() *Census { return &Census{counts: map[string]int{}} }

// Add counts the norm of every person entity of es.
func (c *Census) Add(es []storyline.Entity) {
	for _, e := range es {
		if e.Type == storyline.Person {
			c.counts[e.Norm]++
		}
	}
}

// Names maps each person name counted to one canonical name per person, so
// that "Sergei Lavrov" and "Sergey Lavrov", "Mevlut Cavusoglu" and "Mevlüt
// Çavuşoğlu", or "Hossein Amirabdollahian" and "Hossein Amir-Abdollahian"
// get one name, and a surname used alone ("Erdogan") joins the one full
// name that ends in it.
//
// Full names merge only when every word agrees under Key, so two people
// sharing a surname stay apart, and a lone surname shared by two full
// names is left alone.
//
// The canonical form of a group is its most used spelling; ties go to the
// one with diacritics, then to the first in sort order, so the result does
// not depend on the order the reports were added.
func (c *Census) Names() *Names {
	groups := map[string][]string{} // full key → names
	var single []string
	for name := range c.counts {
		if len(strings.Fields(name)) > 1 {
			k := Key(name)
			groups[k] = append(groups[k], name)
		} else {
			single = append(single, name)
		}
	}
	out := make(map[string]string, len(c.counts))
	bySurname := map[string][]string{} // surname key → full keys
	for k, names := range groups {
		canon := c.pick(names)
		for _, n := range names {
			out[n] = canon
		}
		parts := strings.Fields(k)
		last := parts[len(parts)-1]
		bySurname[last] = append(bySurname[last], k)
	}
	for _, name := range single {
		k := Key(name)
		if full := bySurname[k]; len(full) == 1 {
			out[name] = out[groups[full[0]][0]]
			continue
		}
		out[name] = name
	}
	// Lone surnames spelled two ways ("Cavusoglu", "Çavuşoğlu") with no
	// full name still become one.
	loneByKey := map[string][]string{}
	for _, name := range single {
		if out[name] == name {
			loneByKey[Key(name)] = append(loneByKey[Key(name)], name)
		}
	}
	for _, names := range loneByKey {
		canon := c.pick(names)
		for _, n := range names {
			out[n] = canon
		}
	}
	return &Names{canonical: out}
}

// pick chooses a group's canonical spelling.
func (c *Census) pick(names []string) string {
	names = slices.Clone(names)
	slices.SortFunc(names, func(a, b string) int {
		if c.counts[a] != c.counts[b] {
			return c.counts[b] - c.counts[a]
		}
		if da, db := diacritics(a), diacritics(b); da != db {
			return db - da
		}
		return strings.Compare(a, b)
	})
	return names[0]
}

func diacritics(s string) int {
	n := 0
	for _, r := range s {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// Names maps each person name a Census counted to its canonical name.
type Names struct {
	canonical map[string]string
}

// Of returns the canonical name of name, or name itself when the census did
// not count it.
func (n *Names) Of(name string) string {
	if c, ok := n.canonical[name]; ok {
		return c
	}
	return name
}

// Apply returns a copy of es in which every person's norm is its canonical
// name; es is not modified.
func (n *Names) Apply(es []storyline.Entity) []storyline.Entity {
	out := slices.Clone(es)
	for i := range out {
		if out[i].Type == storyline.Person {
			out[i].Norm = n.Of(out[i].Norm)
		}
	}
	return out
}
