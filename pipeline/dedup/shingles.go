package dedup

import (
	"encoding/binary"
	"strings"
	"unicode"
)

const (
	shingleWords = 4
	// bands of rows minhashes each: a pair at similarity 0.7 shares a band
	// with probability 1-(1-0.7³)¹⁰ ≈ 0.985, two unrelated articles
	// (similarity about 0.01) about once in 100,000 pairs.
	bands     = 10
	rows      = 3
	minhashes = bands * rows
	// Threshold is the Jaccard similarity of two texts' shingles from
	// which they are copies of one story.
	Threshold = 0.7
)

// shingles returns the set of hashed word 4-grams of text, words folded to
// lower case letters and digits.
func shingles(text string) map[uint64]bool {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	set := make(map[uint64]bool, len(words))
	for i := 0; i+shingleWords <= len(words) || i == 0 && len(words) > 0; i++ {
		end := min(i+shingleWords, len(words))
		set[fnv64(strings.Join(words[i:end], " "))] = true
	}
	return set
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix64 is splitmix64's finalizer: it turns one shingle hash into the
// independent-looking hash of each MinHash function.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Bands returns the index keys of text: one per LSH band, the band's
// number and 32 bits of a hash of its rows of the MinHash signature. An
// article is filed under its keys; a copy shares at least one of them with
// high probability. A text without words has none.
func Bands(text string) [][]byte {
	return bandKeys(shingles(text))
}

func bandKeys(set map[uint64]bool) [][]byte {
	if len(set) == 0 {
		return nil
	}
	var sig [minhashes]uint64
	for i := range sig {
		sig[i] = ^uint64(0)
	}
	for sh := range set {
		for i := range sig {
			if h := mix64(sh + uint64(i)*0x9e3779b97f4a7c15); h < sig[i] {
				sig[i] = h
			}
		}
	}
	keys := make([][]byte, bands)
	for b := range bands {
		h := uint64(b)
		for _, v := range sig[b*rows : (b+1)*rows] {
			h = mix64(h ^ v)
		}
		key := make([]byte, 5) // the band's number and 32 bits of its hash
		key[0] = byte(b)
		binary.BigEndian.PutUint32(key[1:], uint32(h))
		keys[b] = key
	}
	return keys
}

// jaccard is |a ∩ b| / |a ∪ b|.
func jaccard(a, b map[uint64]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	both := 0
	for x := range a {
		if b[x] {
			both++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}
