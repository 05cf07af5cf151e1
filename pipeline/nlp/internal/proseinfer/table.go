package proseinfer

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math"
)

// weightTable holds a linear model's weights: for every feature string, the
// classes it votes for and by how much. prose keeps them in maps keyed by
// strings (a map of maps for the tagger), which the garbage collector walks
// on every cycle and which every lookup must first build a string for. Here
// every feature is one record in a byte arena, its key beside its votes,
// and an open-addressing index of plain integers finds the record: nothing
// in the table holds a pointer the collector has to trace, and a lookup
// takes the key as bytes.
//
// The tables are far larger than the processor's caches, so a lookup costs
// what it reads from memory. The index is an array of 8-byte slots, each
// the top bits of a key's hash beside where its record starts (0: empty),
// probed linearly from the slot the hash's low bits name and kept at most
// half full; the record then gives the key to confirm a hit with (a lookup
// is exact, never probably right) and the votes right after it. A hit reads
// the slot's cache line and the record's; a miss mostly the slot's alone.
// (A Go map from hash to a dense id, then arrays by id for the key's end,
// the votes' start, their classes and their weights, read twice as many
// lines and were a third of the tagger's and the classifier's time.)
type weightTable struct {
	seed  maphash.Seed
	slots []uint64 // hash>>offsetBits<<offsetBits | offset+1; len is a power of two
	// arena holds the records end to end: the key's length (uvarint), the
	// key, the number of votes (uvarint), then each vote as its class (a
	// byte) and its weight (the float64's bits, little-endian).
	arena []byte
	n     int // features added
}

// offsetBits of a slot say where a record starts; the others are the top
// bits of the key's hash. A 16 TB arena is out of reach.
const offsetBits = 44

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
	return &weightTable{seed: maphash.MakeSeed(), slots: make([]uint64, size)}
}

// add adds a feature and its votes, in the order in which they are to be
// added to the scores. Each feature is added once, and at most as many as
// the table was sized for.
func (t *weightTable) add(key string, votes []vote) {
	if t.n++; 2*t.n > len(t.slots) {
		panic("proseinfer: more features than the table was sized for")
	}
	offset := uint64(len(t.arena))
	t.arena = binary.AppendUvarint(t.arena, uint64(len(key)))
	t.arena = append(t.arena, key...)
	t.arena = binary.AppendUvarint(t.arena, uint64(len(votes)))
	for _, v := range votes {
		t.arena = append(t.arena, v.class)
		t.arena = binary.LittleEndian.AppendUint64(t.arena, math.Float64bits(v.weight))
	}
	h := maphash.String(t.seed, key)
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = h>>offsetBits<<offsetBits | (offset + 1)
}

// lookup returns the votes of key's record: their count, and where they
// start in the arena.
func (t *weightTable) lookup(key []byte) (n uint64, at int, ok bool) {
	h := maphash.Bytes(t.seed, key)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, 0, false
		}
		if s>>offsetBits != h>>offsetBits {
			continue
		}
		rec := t.arena[s&(1<<offsetBits-1)-1:]
		size, w := binary.Uvarint(rec)
		if size != uint64(len(key)) || !bytes.Equal(rec[w:w+len(key)], key) {
			continue
		}
		rec = rec[w+len(key):]
		n, w = binary.Uvarint(rec)
		return n, len(t.arena) - len(rec) + w, true
	}
}

// addTo adds the votes of feature key to scores, marking in voted the
// classes that got one; it reports whether the table knows key.
func (t *weightTable) addTo(key []byte, scores []float64, voted []bool) bool {
	n, at, ok := t.lookup(key)
	if !ok {
		return false
	}
	votes := t.arena[at : at+int(n)*9]
	for len(votes) >= 9 {
		c := votes[0]
		scores[c] += math.Float64frombits(binary.LittleEndian.Uint64(votes[1:9]))
		voted[c] = true
		votes = votes[9:]
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
