package story

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
	"strings"
)

// edge is the similarity of two reports, by their index.
type edge struct {
	a, b int // a < b
	sim  float64
}

// averageLink groups n items by average-link agglomerative clustering:
// while two groups have an average similarity of at least threshold, the
// two with the highest merge. Pairs without an edge count as similarity 0.
// It returns each item's group as the smallest item index in it. The
// result depends only on the edges, never on the order they come in: ties
// go to the pair of groups with the smallest item indexes.
func averageLink(n int, edges []edge, threshold float64) []int {
	sums := map[pairKey]float64{}
	size := make([]int, n)
	root := make([]int, n)
	for i := range n {
		size[i], root[i] = 1, i
	}
	// neighbours[g] lists the groups g has a similarity with.
	neighbours := make([]map[int]bool, n)
	for _, e := range edges {
		a, b := min(e.a, e.b), max(e.a, e.b)
		sums[pairKey{a, b}] += e.sim
		if neighbours[a] == nil {
			neighbours[a] = map[int]bool{}
		}
		if neighbours[b] == nil {
			neighbours[b] = map[int]bool{}
		}
		neighbours[a][b], neighbours[b][a] = true, true
	}
	q := &mergeQueue{}
	for k, s := range sums {
		if avg := s / float64(size[k.a]*size[k.b]); avg >= threshold {
			heap.Push(q, candidate{k.a, k.b, avg, 1, 1})
		}
	}
	for q.Len() > 0 {
		c := heap.Pop(q).(candidate)
		if root[c.a] != c.a || root[c.b] != c.b || size[c.a] != c.sizeA || size[c.b] != c.sizeB {
			continue // a group changed since this was queued
		}
		// Merge b into a: a is the smaller id, so it stays the group's id.
		a, b := c.a, c.b
		root[b] = a
		delete(sums, pairKey{a, b})
		delete(neighbours[a], b)
		for g := range neighbours[b] {
			if g == a {
				continue
			}
			s := sums[ordered(b, g)]
			delete(sums, ordered(b, g))
			delete(neighbours[g], b)
			k := ordered(a, g)
			sums[k] += s
			neighbours[a][g], neighbours[g][a] = true, true
		}
		neighbours[b] = nil
		size[a] += size[b]
		for g := range neighbours[a] {
			k := ordered(a, g)
			if avg := sums[k] / float64(size[k.a]*size[k.b]); avg >= threshold {
				heap.Push(q, candidate{k.a, k.b, avg, size[k.a], size[k.b]})
			}
		}
	}
	group := make([]int, n)
	for i := range n {
		g := i
		for root[g] != g {
			g = root[g]
		}
		group[i] = g
	}
	return group
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
	if d := q[i].avg - q[j].avg; math.Abs(d) > 1e-12 {
		return d > 0
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

// threshold is the average similarity at which two groups of reports are
// one story (tuned on development data: see README, "Stories").
const threshold = 0.2

// cluster groups reports into stories from the similarities of the pairs
// that share an anchor, as averageLink does. It returns each report's
// group as the smallest index in it.
func cluster(ps []profile, edges []edge) []int {
	return averageLink(len(ps), edges, threshold)
}

// maxAnchors is how many of a report's terms index it for candidates.
const maxAnchors = 12

// anchors are the keys under which a report is indexed for candidates: two
// reports are compared only when they share one, so that a new report is
// compared with a few others, not with the store. They are its most weighty
// terms: the names and rare words a report of the same story repeats.
func anchors(p *profile) []string {
	ts := slices.Clone(p.terms)
	slices.SortFunc(ts, func(a, b weight) int {
		if a.w != b.w {
			return cmp.Compare(b.w, a.w)
		}
		return strings.Compare(a.term, b.term)
	})
	out := make([]string, 0, maxAnchors)
	for _, t := range ts[:min(len(ts), maxAnchors)] {
		out = append(out, t.term)
	}
	return out
}
