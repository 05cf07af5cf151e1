package identity

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storyline/storyline"
)

// A Census counts the person names used in a set of reports, each report
// counted in a scope: its story, or the report alone when it is in none.
// A name joins another only where the two can be one person:
//
//   - Within a scope, a bare surname joins the one person of that scope
//     whose full name ends in it, and full names join when they are
//     Compatible ("Mark Heller", "Mark Jay Heller") and no third full name of
//     the scope makes that ambiguous.
//   - Across scopes, only full names that agree under Key join ("Sergei
//     Lavrov", "Sergey Lavrov"), and never so that one person would hold two
//     incompatible full names: a surname alone never reaches into another
//     scope, so "Jones" of one story is not "Howard Jones" of another.
//
// The canonical name of a person is the spelling used most (one with the
// first name in full before one with an initial), ties going to the
// fullest, then to the one with diacritics, then to the first in sort
// order, so nothing depends on the order in which reports were added.
type Census struct {
	counts map[string]map[string]int // scope → name → uses
}

// NewCensus returns an empty Census.
func NewCensus() *Census { return &Census{counts: map[string]map[string]int{}} }

// Add counts the norm of every person entity of es in scope.
func (c *Census) Add(scope string, es []storyline.Entity) {
	m := c.counts[scope]
	for _, e := range es {
		if e.Type != storyline.Person || e.Norm == "" {
			continue
		}
		if m == nil {
			m = map[string]int{}
			c.counts[scope] = m
		}
		m[e.Norm]++
	}
}

// node is one full name (by Key) as used in one scope.
type node struct{ scope, key string }

// Names makes the canonical name of every name counted, per scope.
func (c *Census) Names() *Names {
	scopes := slices.Sorted(maps.Keys(c.counts))
	var nodes []node
	index := map[node]int{}
	spellings := map[node][]string{}
	for _, sc := range scopes {
		for name := range c.counts[sc] {
			k := Key(name)
			if !strings.Contains(k, " ") {
				continue
			}
			n := node{sc, k}
			if _, ok := index[n]; !ok {
				index[n] = len(nodes)
				nodes = append(nodes, n)
			}
			spellings[n] = append(spellings[n], name)
		}
	}
	slices.SortFunc(nodes, func(a, b node) int { return cmp.Or(strings.Compare(a.scope, b.scope), strings.Compare(a.key, b.key)) })
	for i, n := range nodes {
		index[n] = i
	}
	u := newUnion(nodes)
	// Within a scope: compatible full names whose whole family of
	// compatible names agrees.
	for start := 0; start < len(nodes); {
		end := start
		for end < len(nodes) && nodes[end].scope == nodes[start].scope {
			end++
		}
		u.joinCompatible(start, end)
		start = end
	}
	// Across scopes: one key, in scope order, while the person stays whole.
	byKey := map[string][]int{}
	for i, n := range nodes {
		byKey[n.key] = append(byKey[n.key], i)
	}
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		ids := byKey[k]
		for _, i := range ids[1:] {
			u.joinIfWhole(ids[0], i)
		}
	}

	// The canonical spelling of each person, over all its scopes.
	uses := map[int]map[string]int{}
	for i, n := range nodes {
		r := u.find(i)
		if uses[r] == nil {
			uses[r] = map[string]int{}
		}
		for _, s := range spellings[n] {
			uses[r][s] += c.counts[n.scope][s]
		}
	}
	canon := make(map[int]string, len(uses))
	for r, m := range uses {
		canon[r] = pick(m)
	}

	out := make(map[string]map[string]string, len(scopes))
	for _, sc := range scopes {
		m := map[string]string{}
		out[sc] = m
		var bare []string
		bySurname := map[string][]int{} // surname key → persons of this scope
		for name := range c.counts[sc] {
			if i, ok := index[node{sc, Key(name)}]; ok {
				r := u.find(i)
				m[name] = canon[r]
				sk := SurnameKey(name)
				if !slices.Contains(bySurname[sk], r) {
					bySurname[sk] = append(bySurname[sk], r)
				}
				continue
			}
			bare = append(bare, name)
		}
		// A surname alone joins the one person of its scope with that
		// surname; lone surnames spelled two ways ("Cavusoglu",
		// "Çavuşoğlu") become one.
		lone := map[string]map[string]int{}
		for _, name := range bare {
			sk := SurnameKey(name)
			if ps := bySurname[sk]; len(ps) == 1 {
				m[name] = canon[ps[0]]
				continue
			}
			if lone[sk] == nil {
				lone[sk] = map[string]int{}
			}
			lone[sk][name] = c.counts[sc][name]
		}
		for _, group := range lone {
			p := pick(group)
			for name := range group {
				m[name] = p
			}
		}
	}
	return &Names{canonical: out}
}

// union is a union-find over the nodes, each set keeping the distinct keys
// of its full names so that a join can be refused.
type union struct {
	nodes  []node
	parent []int
	keys   map[int][]string // root → keys of the set
}

func newUnion(nodes []node) *union {
	u := &union{nodes: nodes, parent: make([]int, len(nodes)), keys: make(map[int][]string, len(nodes))}
	for i, n := range nodes {
		u.parent[i] = i
		u.keys[i] = []string{n.key}
	}
	return u
}

func (u *union) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// joinIfWhole joins the sets of a and b unless a name of one is not
// Compatible with a name of the other.
func (u *union) joinIfWhole(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	for _, x := range u.keys[ra] {
		for _, y := range u.keys[rb] {
			if x != y && !Compatible(x, y) {
				return
			}
		}
	}
	// The smaller root wins, so the result does not depend on the order
	// of the joins.
	if rb < ra {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	for _, k := range u.keys[rb] {
		if !slices.Contains(u.keys[ra], k) {
			u.keys[ra] = append(u.keys[ra], k)
		}
	}
	delete(u.keys, rb)
}

// joinCompatible joins the nodes [start, end) of one scope that are
// Compatible, where every name of a family of compatible names is
// compatible with every other: "J. Smith" beside "John Smith" and "Jane
// Smith" joins neither.
func (u *union) joinCompatible(start, end int) {
	comp := newUnion(u.nodes[start:end])
	for i := start; i < end; i++ {
		for j := i + 1; j < end; j++ {
			if Compatible(u.nodes[i].key, u.nodes[j].key) {
				ri, rj := comp.find(i-start), comp.find(j-start)
				if ri != rj {
					comp.parent[max(ri, rj)] = min(ri, rj)
				}
			}
		}
	}
	families := map[int][]int{}
	for i := start; i < end; i++ {
		r := comp.find(i - start)
		families[r] = append(families[r], i)
	}
	for _, r := range slices.Sorted(maps.Keys(families)) {
		f := families[r]
		whole := true
		for x := 0; x < len(f) && whole; x++ {
			for y := x + 1; y < len(f); y++ {
				if !Compatible(u.nodes[f[x]].key, u.nodes[f[y]].key) {
					whole = false
					break
				}
			}
		}
		if !whole {
			continue
		}
		for _, i := range f[1:] {
			u.joinIfWhole(f[0], i)
		}
	}
}

// pick chooses the canonical spelling among uses: one that gives the first
// name in full ("John Smith" over "J. Smith"), then the one used most, then
// the fullest ("Mark Jay Heller" over "Mark Heller"), then the one with
// diacritics, then the first in sort order.
func pick(uses map[string]int) string {
	names := slices.Collect(maps.Keys(uses))
	initial := func(n string) int {
		if ws := keyWords(n); len(ws) > 1 && utf8.RuneCountInString(strings.TrimSuffix(ws[0], ".")) == 1 {
			return 1
		}
		return 0
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(initial(a)-initial(b), uses[b]-uses[a], len(keyWords(b))-len(keyWords(a)), len(Key(b))-len(Key(a)),
			diacritics(b)-diacritics(a), strings.Compare(a, b))
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

// Names maps each person name a Census counted, in each scope, to its
// canonical name.
type Names struct {
	canonical map[string]map[string]string // scope → name → canonical
}

// Of returns the canonical name of name as used in scope, or name itself
// when the census did not count it there.
func (n *Names) Of(scope, name string) string {
	if c, ok := n.canonical[scope][name]; ok {
		return c
	}
	return name
}

// Apply returns a copy of es, used in scope, in which every person's norm is
// its canonical name; es is not modified.
func (n *Names) Apply(scope string, es []storyline.Entity) []storyline.Entity {
	out := slices.Clone(es)
	for i := range out {
		if out[i].Type == storyline.Person {
			out[i].Norm = n.Of(scope, out[i].Norm)
		}
	}
	return out
}
