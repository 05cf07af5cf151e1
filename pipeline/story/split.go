package story

import (
	"cmp"
	"maps"
	"slices"
)

// splitParams say when a group of reports is two stories (tuned on
// development data).
type splitParams struct {
	share float64 // share of a half's reports that must use a mark, which none of the other's uses, for it to be the half's own
	at    float64 // summed weight of the marks each half must have of its own
	half  int     // fewest reports in a half
}

var tunedSplit = splitParams{share: 0.6, at: 30, half: 5}

// split cuts groups that are two stories of one kind: two halves, one the
// reports using a name or number and one the rest, each with names of its
// own that most of its reports use and few of the other's do ("Rahman"
// and "Mannheim" against "Thompson" and "Bern"). Average link cannot see
// it: it merges pairs before it has groups to count names in, and two
// reports of one kind can be more alike than two of one story. It returns
// the new labels, each group named by its smallest index.
func split(ps []profile, label []int, p splitParams) []int {
	members := map[int][]int{}
	for i, l := range label {
		members[l] = append(members[l], i)
	}
	out := slices.Clone(label)
	for _, m := range members {
		for _, h := range bisectAll(ps, m, p) {
			for _, i := range h {
				out[i] = h[0]
			}
		}
	}
	return out
}

// bisectAll splits the reports ms (sorted) while a split holds, and returns
// the parts, each sorted.
func bisectAll(ps []profile, ms []int, p splitParams) [][]int {
	a, b, _, ok := bisect(ps, ms, p)
	if !ok {
		return [][]int{ms}
	}
	return append(bisectAll(ps, a, p), bisectAll(ps, b, p)...)
}

// bisect finds the best cut of ms by one mark: the users of the mark
// against the rest, scored by the weight of the marks the side with less
// has of its own.
func bisect(ps []profile, ms []int, p splitParams) (a, b []int, score float64, ok bool) {
	// Each half is at least a quarter of the group: two stories of one
	// kind, not a story and a few reports that say more than the others.
	least := max(p.half, (len(ms)+3)/4)
	if len(ms) < 2*least {
		return nil, nil, 0, false
	}
	count := map[uint64]int{}
	w := map[uint64]float32{}
	for _, i := range ms {
		for _, m := range ps[i].marks {
			count[m.key]++
			w[m.key] = m.w
		}
	}
	keys := slices.Sorted(maps.Keys(count))
	var cands []uint64
	for _, k := range keys {
		if n := count[k]; n >= least && len(ms)-n >= least {
			cands = append(cands, k)
		}
	}
	best, bestKey := p.at, uint64(0)
	found := false
	for _, c := range cands {
		s := cutScore(ps, ms, c, keys, count, w, p)
		if s >= best && (!found || s > best) {
			best, bestKey, found = s, c, true
		}
	}
	if !found {
		return nil, nil, 0, false
	}
	for _, i := range ms {
		if uses(&ps[i], bestKey) {
			a = append(a, i)
		} else {
			b = append(b, i)
		}
	}
	return a, b, best, true
}

// cutScore scores the cut of ms by the mark c: the summed weight of the
// marks that at least p.share of one half's reports use and none of the
// other's, on the side with less. keys are the marks of ms, sorted, so
// that the sum is the same in every run.
func cutScore(ps []profile, ms []int, c uint64, keys []uint64, count map[uint64]int, w map[uint64]float32, p splitParams) float64 {
	inA := map[uint64]int{}
	nA := 0
	for _, i := range ms {
		if !uses(&ps[i], c) {
			continue
		}
		nA++
		for _, m := range ps[i].marks {
			inA[m.key]++
		}
	}
	nB := len(ms) - nA
	var xa, xb float64
	for _, k := range keys {
		a, b := inA[k], count[k]-inA[k]
		switch {
		case b == 0 && float64(a) >= p.share*float64(nA):
			xa += float64(w[k])
		case a == 0 && float64(b) >= p.share*float64(nB):
			xb += float64(w[k])
		}
	}
	return min(xa, xb)
}

func uses(p *profile, k uint64) bool {
	_, ok := slices.BinarySearchFunc(p.marks, k, func(m weight, k uint64) int { return cmp.Compare(m.key, k) })
	return ok
}
