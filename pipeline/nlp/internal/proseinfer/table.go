package proseinfer

import (
	"bytes"
	"hash/maphash"
)

// weightTable holds a linear model's weights: for every feature string, the
// classes it votes for and by how much. prose keeps them in maps keyed by
// strings (a map of maps for the tagger), which the garbage collector walks
// on every cycle and which every lookup must first build a string for. Here
// the strings sit end to end in one byte arena, an open-addressing index
// maps hashes to dense ids, and the weights are flat arrays: nothing in the
// table holds a pointer the collector has to trace, and a lookup takes the
// key as bytes.
//
// The index is an array of 8-byte slots, each the top half of a key's hash
// beside its id plus one (0: empty), probed linearly from the slot the
// hash's low bits name and kept at most half full. A lookup, hit or miss,
// mostly reads one cache line of it (a Go map of the same keys read two,
// and was a third of the tagger's and the classifier's time); the arena
// then confirms a hit, so a lookup is exact, never probably right.
type weightTable struct {
	seed  maphash.Seed
	slots []uint64 // hash>>32<<32 | id+1; len is a power of two
	arena []byte   // the keys, end to end
	ends  []uint32 // id → end of its key in arena; it starts where id-1 ends

	first  []uint32 // id → index of its first vote; id+1 → one past its last
	class  []uint8
	weight []float64
}

// vote is one weight of a feature for a class.
type vote struct {
	class  uint8
	weight float64
}

// newWeightTable returns an empty table sized for n features.
func newWeightTable(n int) *weightTable {
	size := 2
	for size < 2*n {
		size *= 2
	}
	return &weightTable{
		seed:  maphash.MakeSeed(),
		slots: make([]uint64, size),
		ends:  make([]uint32, 0, n),
		first: make([]uint32, 1, n+1),
	}
}

// add adds a feature and its votes, in the order in which they are to be
// added to the scores. Each feature is added once, and at most as many as
// the table was sized for.
func (t *weightTable) add(key string, votes []vote) {
	id := uint32(len(t.ends))
	if 2*(len(t.ends)+1) > len(t.slots) {
		panic("proseinfer: more features than the table was sized for")
	}
	t.arena = append(t.arena, key...)
	t.ends = append(t.ends, uint32(len(t.arena)))
	h := maphash.String(t.seed, key)
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = h>>32<<32 | uint64(id+1)
	for _, v := range votes {
		t.class = append(t.class, v.class)
		t.weight = append(t.weight, v.weight)
	}
	t.first = append(t.first, uint32(len(t.class)))
}

// key returns the key of id.
func (t *weightTable) key(id uint32) []byte {
	start := uint32(0)
	if id > 0 {
		start = t.ends[id-1]
	}
	return t.arena[start:t.ends[id]]
}

// lookup returns the id of key.
func (t *weightTable) lookup(key []byte) (uint32, bool) {
	h := maphash.Bytes(t.seed, key)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if s>>32 == h>>32 {
			if id := uint32(s) - 1; bytes.Equal(t.key(id), key) {
				return id, true
			}
		}
	}
}

// addTo adds the votes of feature key to scores, marking in voted the
// classes that got one; it reports whether the table knows key.
func (t *weightTable) addTo(key []byte, scores []float64, voted []bool) bool {
	id, ok := t.lookup(key)
	if !ok {
		return false
	}
	for i := t.first[id]; i < t.first[id+1]; i++ {
		c := t.class[i]
		scores[c] += t.weight[i]
		voted[c] = true
	}
	return true
}

// scratch is one call's working memory for scoring tokens.
type scratch struct {
	key    []byte
	scores []float64
	voted  []bool
}

func newScratch(classes int) *scratch {
	return &scratch{key: make([]byte, 0, 64), scores: make([]float64, classes), voted: make([]bool, classes)}
}

func (s *scratch) reset() {
	clear(s.scores)
	clear(s.voted)
}

// best returns the class with the highest score, among all classes or
// only those that got a vote; of equal scores, the first; -1 for none.
func (s *scratch) best(all bool) int {
	best := -1
	for c, v := range s.voted {
		if (all || v) && (best < 0 || s.scores[c] > s.scores[best]) {
			best = c
		}
	}
	return best
}
