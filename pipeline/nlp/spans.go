package nlp

import (
	"slices"
	"sort"

	"github.com/storyline/storyline"
)

// spanIndex answers "does this span overlap (or lie within) one of a set of
// spans?" in O(log n), so that a text with tens of thousands of mentions is
// not checked mention against mention.
type spanIndex struct {
	starts []int // sorted
	maxEnd []int // maxEnd[i] is the largest end among the spans starting at starts[0..i]
}

func newSpanIndex(es []storyline.Entity) spanIndex {
	sorted := slices.Clone(es)
	slices.SortFunc(sorted, func(a, b storyline.Entity) int { return a.Start - b.Start })
	ix := spanIndex{starts: make([]int, len(sorted)), maxEnd: make([]int, len(sorted))}
	for i, e := range sorted {
		ix.starts[i] = e.Start
		ix.maxEnd[i] = e.End
		if i > 0 {
			ix.maxEnd[i] = max(ix.maxEnd[i], ix.maxEnd[i-1])
		}
	}
	return ix
}

// overlaps reports whether some span starts before end and ends after start.
func (ix spanIndex) overlaps(start, end int) bool {
	i := sort.SearchInts(ix.starts, end) // the spans starting before end
	return i > 0 && ix.maxEnd[i-1] > start
}

// covers reports whether some span starts at or before start and ends at or
// after end.
func (ix spanIndex) covers(start, end int) bool {
	i := sort.SearchInts(ix.starts, start+1) // the spans starting at or before start
	return i > 0 && ix.maxEnd[i-1] >= end
}

// dropOverlapping removes from ents those that overlap any of keep.
func dropOverlapping(ents, keep []storyline.Entity) []storyline.Entity {
	ix := newSpanIndex(keep)
	return slices.DeleteFunc(ents, func(e storyline.Entity) bool { return ix.overlaps(e.Start, e.End) })
}

// byteMarks marks the bytes of the spans taken so far, for sets of spans
// that grow while they are asked: a check or a mark costs a span's length,
// not the number of spans taken.
type byteMarks []bool

func newByteMarks(n int) byteMarks { return make(byteMarks, n) }

// taken reports whether a byte of [start, end) is marked.
func (m byteMarks) taken(start, end int) bool { return slices.Contains(m[start:end], true) }

// take marks the bytes of [start, end).
func (m byteMarks) take(start, end int) {
	for i := start; i < end; i++ {
		m[i] = true
	}
}
