package proseinfer

import (
	"bytes"
	"hash/maphash"
)

// weightTable holds a linear model's weights: for every feature string, the
// classes it votes for and by how much. prose keeps them in maps keyed by
// strings (a map of maps for the tagger), which the garbage collector walks
// on every cycle and which every lookup must first build a string for. Here
// the strings sit end to end in one byte arena, the index maps hashes to
// dense ids, and the weights are flat arrays: nothing in the table holds a
// pointer the collector has to trace, and a lookup takes the key as bytes.
type weightTable struct {
	seed  maphash.Seed
	ids   map[uint64]uint32 // hash of a key → its id
	arena []byte            // the keys, end to end
	ends  []uint32          // id → end of its key in arena; it starts where id-1 ends

	// collided holds the rare keys whose hash an earlier key already took,
	// so that a lookup is exact, never probably right.
	collided map[string]uint32

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
	return &weightTable{
		seed:  maphash.MakeSeed(),
		ids:   make(map[uint64]uint32, n),
		ends:  make([]uint32, 0, n),
		first: make([]uint32, 1, n+1),
	}
}

// add adds a feature and its votes, in the order in which they are to be
// added to the scores. Each feature is added once.
func (t *weightTable) add(key string, votes []vote) {
	id := uint32(len(t.ends))
	t.arena = append(t.arena, key...)
	t.ends = append(t.ends, uint32(len(t.arena)))
	h := maphash.String(t.seed, key)
	if _, taken := t.ids[h]; taken {
		if t.collided == nil {
			t.collided = make(map[string]uint32)
		}
		t.collided[key] = id
	} else {
		t.ids[h] = id
	}
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
	if id, ok := t.ids[maphash.Bytes(t.seed, key)]; ok && bytes.Equal(t.key(id), key) {
		return id, true
	}
	if t.collided == nil {
		return 0, false
	}
	id, ok := t.collided[string(key)]
	return id, ok
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
