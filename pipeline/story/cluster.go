package story

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
)

// edge is the similarity of two reports, by their index.
type edge struct {
	a, b int // a < b
	sim  float64
}

// groups is evidence about whole groups of reports that no pair shows: what
// most reports of one group say and none of the other's does. averageLink
// tells it of each merge.
type groups interface {
	// merge records that group b joined group a.
	merge(a, b int)
	// contrast is how much groups a and b differ, from 0 to 1.
	contrast(a, b int) float64
	// lower is the similarity of groups whose average similarity is avg and
	// whose contrast is c, at most avg.
	lower(avg, c float64) float64
}

// averageLink groups n items by average-link agglomerative clustering:
// while two groups have a similarity of at least threshold, the two with the
// highest merge. The similarity of two groups is the average of their
// items' pairwise similarities (pairs without an edge count as 0), less
// g.contrast when g is not nil; only groups joined by at least one edge are
// ever compared, so the result decomposes over the connected components of
// the edges. It returns each item's group as the smallest item index in it.
// The result depends only on the edges (and g), never on the order they come
// in: ties go to the pair of groups with the smallest item indexes.
func averageLink(n int, edges []edge, threshold float64, g groups) []int {
	edges = withinLinked(n, edges)
	sums := map[pairKey]float64{}
	strong := map[pairKey]int{} // pairs of items at or above link
	size := make([]int, n)
	root := make([]int, n)
	for i := range n {
		size[i], root[i] = 1, i
	}
	// neighbours[x] lists the groups x has a similarity with.
	neighbours := make([]map[int]bool, n)
	for _, e := range edges {
		a, b := min(e.a, e.b), max(e.a, e.b)
		if a == b {
			continue
		}
		sums[pairKey{a, b}] += e.sim
		if e.sim >= link {
			strong[pairKey{a, b}]++
		}
		if neighbours[a] == nil {
			neighbours[a] = map[int]bool{}
		}
		if neighbours[b] == nil {
			neighbours[b] = map[int]bool{}
		}
		neighbours[a][b], neighbours[b][a] = true, true
	}
	score := func(k pairKey) float64 {
		if strong[k] == 0 {
			return math.Inf(-1)
		}
		s := sums[k] / float64(size[k.a]*size[k.b])
		if g != nil && s >= threshold {
			// contrast only lowers: pairs already below need none.
			s = g.lower(s, g.contrast(k.a, k.b))
		}
		// On a grid of 1e-9, so that two merges equal but for rounding are
		// ties, broken by index the same way in every run.
		return math.Round(s*1e9) / 1e9
	}
	q := &mergeQueue{}
	for k := range sums {
		if s := score(k); s >= threshold {
			*q = append(*q, candidate{k.a, k.b, s, 1, 1})
		}
	}
	heap.Init(q)
	for q.Len() > 0 {
		c := heap.Pop(q).(candidate)
		if root[c.a] != c.a || root[c.b] != c.b || size[c.a] != c.sizeA || size[c.b] != c.sizeB {
			continue // a group changed since this was queued
		}
		// Merge b into a: a is the smaller id, so it stays the group's id.
		a, b := c.a, c.b
		root[b] = a
		delete(sums, pairKey{a, b})
		delete(strong, pairKey{a, b})
		delete(neighbours[a], b)
		for x := range neighbours[b] {
			if x == a {
				continue
			}
			s, n := sums[ordered(b, x)], strong[ordered(b, x)]
			delete(sums, ordered(b, x))
			delete(strong, ordered(b, x))
			strong[ordered(a, x)] += n
			delete(neighbours[x], b)
			sums[ordered(a, x)] += s
			neighbours[a][x], neighbours[x][a] = true, true
		}
		neighbours[b] = nil
		size[a] += size[b]
		if g != nil {
			g.merge(a, b)
		}
		for x := range neighbours[a] {
			k := ordered(a, x)
			if s := score(k); s >= threshold {
				heap.Push(q, candidate{k.a, k.b, s, size[k.a], size[k.b]})
			}
		}
	}
	group := make([]int, n)
	for i := range n {
		x := i
		for root[x] != x {
			x = root[x]
		}
		group[i] = x
	}
	return group
}

// withinLinked keeps the edges between items that links join, directly or
// through others: only groups with a linked pair between them merge, so an
// edge between two sets of items that no link joins never counts, and most
// edges of a large store are of that kind.
func withinLinked(n int, edges []edge) []edge {
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(i int32) int32
	find = func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, e := range edges {
		if e.sim >= link {
			if a, b := find(int32(e.a)), find(int32(e.b)); a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	var out []edge
	for _, e := range edges {
		if find(int32(e.a)) == find(int32(e.b)) {
			out = append(out, e)
		}
	}
	return out
}

// pairKey names two groups by their ids, a < b.
type pairKey struct{ a, b int }

func ordered(a, b int) pairKey {
	if a > b {
		a, b = b, a
	}
	return pairKey{a, b}
}

// candidate is a merge waiting in the queue, with the group sizes it was
// computed for so that a stale one is recognised.
type candidate struct {
	a, b         int
	avg          float64
	sizeA, sizeB int
}

type mergeQueue []candidate

func (q mergeQueue) Len() int { return len(q) }
func (q mergeQueue) Less(i, j int) bool {
	if q[i].avg != q[j].avg {
		return q[i].avg > q[j].avg
	}
	if q[i].a != q[j].a {
		return q[i].a < q[j].a
	}
	return q[i].b < q[j].b
}
func (q mergeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *mergeQueue) Push(x any)   { *q = append(*q, x.(candidate)) }
func (q *mergeQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

// nameGroups is the contrast of two groups of reports: the names that most
// reports of one group use and no report of the other does ("Rahman" in
// every report of one Klitschko fight, "Thompson" in every report of the
// other). Names count only between groups of p.least reports or more: in a
// group of two or three, the names most of its reports use are as often a
// report's incidental ones (a quoted official, a score) as the story's, and
// a report or two joining a story is judged by similarity alone (on ECB+
// dev, B-cubed F1 0.907 when one side of two sufficed, at weight 0.5;
// 0.941 at five on both sides, at weight 0.7 and threshold 0.12; 0.944 at
// four, with the names' weight saturating twice as fast and threshold
// 0.10, the best of the dev grid and of every leave-one-topic-out fold).
type nameGroups struct {
	p     contrastParams
	ps    []profile
	count []map[uint64]int32 // marks → how many of the group's reports use them; nil for one report and once merged away
	w     map[uint64]float32 // every mark's weight
	size  []int
	// marks are the names at least p.share of a group's reports use, sorted.
	marks [][]weight
}

// contrastParams weigh group contrast (tuned on development data).
type contrastParams struct {
	weight float64 // how far contrast scales a similarity down, at most
	share  float64 // share of a group's reports that must use a mark
	scale  float64 // summed mark weight at which contrast is about 63%
	least  int     // fewest reports each of two groups needs for their names to count
}

var tunedContrast = contrastParams{weight: 0.7, share: 0.6, scale: 5, least: 4}

func newNameGroups(ps []profile, p contrastParams) *nameGroups {
	g := &nameGroups{p: p, ps: ps, count: make([]map[uint64]int32, len(ps)), w: map[uint64]float32{},
		size: make([]int, len(ps)), marks: make([][]weight, len(ps))}
	for i := range ps {
		g.size[i] = 1
		for _, m := range ps[i].marks {
			g.w[m.key] = m.w
		}
	}
	return g
}

// uses is how many reports of group a use the mark with key k.
func (g *nameGroups) uses(a int, k uint64) int32 {
	if g.size[a] == 1 {
		if _, ok := slices.BinarySearchFunc(g.ps[a].marks, k, func(m weight, k uint64) int { return cmp.Compare(m.key, k) }); ok {
			return 1
		}
		return 0
	}
	return g.count[a][k]
}

// marksOf are the marks of group a with their weights.
func (g *nameGroups) marksOf(a int) []weight {
	if g.size[a] > 1 {
		return g.marks[a]
	}
	return g.ps[a].marks
}

func (g *nameGroups) merge(a, b int) {
	for _, x := range []int{a, b} {
		if g.size[x] == 1 {
			m := map[uint64]int32{}
			for _, w := range g.marksOf(x) {
				m[w.key] = 1
			}
			g.count[x] = m
		}
	}
	ca, cb := g.count[a], g.count[b]
	if len(ca) < len(cb) {
		ca, cb = cb, ca
	}
	for t, n := range cb {
		ca[t] += n
	}
	g.count[a], g.count[b] = ca, nil
	g.size[a] += g.size[b]
	var marks []weight
	need := int32(math.Ceil(g.p.share * float64(g.size[a])))
	for k, n := range ca {
		if n >= need {
			marks = append(marks, weight{k, g.w[k]})
		}
	}
	slices.SortFunc(marks, byKey)
	g.marks[a], g.marks[b] = marks, nil
}

// contrast is how much groups a and b differ, from 0 to 1: it grows with
// the weight of the marks each has that the other never uses, counting
// the side with less of them, so that both must have something of their
// own ("Rahman" against "Thompson"), not one merely more.
func (g *nameGroups) contrast(a, b int) float64 {
	if min(g.size[a], g.size[b]) < g.p.least {
		return 0
	}
	var xs [2]float64
	for i, pair := range [2][2]int{{a, b}, {b, a}} {
		for _, w := range g.marksOf(pair[0]) {
			if g.uses(pair[1], w.key) == 0 {
				xs[i] += float64(w.w)
			}
		}
	}
	return 1 - math.Exp(-2*min(xs[0], xs[1])/g.p.scale)
}

// lower scales the average similarity avg of two groups down by their
// contrast c.
func (g *nameGroups) lower(avg, c float64) float64 {
	return avg * (1 - g.p.weight*c)
}

// threshold is the similarity at which two groups of reports are one story
// (tuned on development data: see README, "Stories").
const threshold = 0.10

// link is the similarity of two reports at which they are linked: two
// groups merge only when some pair of their reports is linked, whatever
// their average.
const link = 0.25

// cluster groups reports into stories from the similarities of the pairs
// that share an anchor, as averageLink does, with the names that mark a
// group as its contrast. It returns each report's group as the smallest
// index in it.
func cluster(ps []profile, edges []edge) []int {
	return clusterWith(ps, edges, threshold, tunedContrast)
}

func clusterWith(ps []profile, edges []edge, t float64, c contrastParams) []int {
	return averageLink(len(ps), edges, t, newNameGroups(ps, c))
}

// maxAnchors is how many of a report's words index it for candidates.
const maxAnchors = 12

// anchors are the keys under which a report is indexed for candidates: two
// reports are compared only when they share one, so that a new report is
// compared with a few others, not with the store. They are its
// weightiest words, numbers, countries and given names aside: the names and
// rare words a report of the same story repeats.
func anchors(p *profile) []string { return p.anchors }
