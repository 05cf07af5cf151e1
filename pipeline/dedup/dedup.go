// Package dedup finds syndicated copies: a new report whose text is mostly,
// word for word, that of a stored one — the same wire story carried by
// several outlets, a mirror of another site's article. The first copy
// stored wins: a later copy names it, and a copy of a copy names the first.
//
// Copies share most of their word 4-grams ("shingles"). Each article is
// filed, in an Index that the store provides, under the LSH bands of a
// MinHash signature of its shingles; a new article reads the articles filed
// under its own bands and confirms the most promising by the exact Jaccard
// similarity of the two shingle sets. The search reads a bounded amount of
// the store however large it grows, so a flood of templated items (a
// template filled in a thousand times) costs each insert the same.
//
// The package decides; it writes nothing. The caller stores each article
// with the answer and its bands, so that later copies find it.
package dedup

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/storyline/storyline"
)

// Index is what the search needs of a store.
type Index interface {
	// Filed returns, for each band key, the IDs of up to perBand articles
	// filed under it.
	Filed(ctx context.Context, bands [][]byte, perBand int) ([][]string, error)
	// Article returns a stored article, or an error wrapping
	// storyline.ErrNotFound.
	Article(ctx context.Context, id string) (*storyline.Article, error)
}

// Bounds on the search, so that each insert costs a fixed amount of work.
const (
	maxPerBand    = 64 // IDs read per band
	maxCandidates = 8  // articles compared with the new one, those sharing most bands first
)

// Finder finds the first copy of each new article of one batch. It
// remembers the articles it was asked about, so that a copy is found even
// when its first copy is in the same batch and not stored yet: use one
// Finder per batch, in the order the batch is stored.
type Finder struct {
	idx     Index
	pending map[string]*pending // ID → new article of this batch
	filed   map[string][]string // band key → IDs of this batch filed under it
}

type pending struct {
	text        string
	duplicateOf string
}

// NewFinder returns a Finder that searches idx.
func NewFinder(idx Index) *Finder {
	return &Finder{idx: idx, pending: map[string]*pending{}, filed: map[string][]string{}}
}

// FirstCopy returns the ID of the first copy of the story that article id
// tells in text, or "" when it is the first; bands are its Bands(text). The
// article is new, or an update of a stored one (whose copies do not make
// it a copy of itself). Either way it counts as stored for the articles
// asked about after it.
func (f *Finder) FirstCopy(ctx context.Context, id, text string, bands [][]byte) (string, error) {
	first, err := f.search(ctx, id, text, bands)
	if err != nil {
		return "", err
	}
	f.pending[id] = &pending{text: text, duplicateOf: first}
	for _, b := range bands {
		f.filed[string(b)] = append(f.filed[string(b)], id)
	}
	return first, nil
}

func (f *Finder) search(ctx context.Context, id, text string, bands [][]byte) (string, error) {
	if len(bands) == 0 {
		return "", nil
	}
	stored, err := f.idx.Filed(ctx, bands, maxPerBand)
	if err != nil {
		return "", fmt.Errorf("near-duplicate search: %w", err)
	}
	shared := map[string]int{} // candidate ID → bands shared with the new article
	for i, b := range bands {
		for _, other := range stored[i] {
			shared[other]++
		}
		for _, other := range f.filed[string(b)] {
			shared[other]++
		}
	}
	delete(shared, id)
	candidates := slices.Collect(maps.Keys(shared))
	slices.SortFunc(candidates, func(a, b string) int {
		if shared[a] != shared[b] {
			return shared[b] - shared[a]
		}
		return strings.Compare(a, b)
	})
	var set map[uint64]bool
	for _, other := range candidates[:min(len(candidates), maxCandidates)] {
		otherText, otherFirst, err := f.text(ctx, other)
		if errors.Is(err, storyline.ErrNotFound) {
			continue // filed, then replaced or removed: not a copy of anything
		}
		if err != nil {
			return "", fmt.Errorf("near-duplicate search: %w", err)
		}
		if set == nil {
			set = shingles(text)
		}
		if jaccard(set, shingles(otherText)) >= Threshold {
			switch otherFirst {
			case id:
				return "", nil // an update of a first copy, found through its own copy
			case "":
				return other, nil
			default:
				return otherFirst, nil
			}
		}
	}
	return "", nil
}

// text returns a candidate's text and the first copy it names.
func (f *Finder) text(ctx context.Context, id string) (text, duplicateOf string, err error) {
	if p := f.pending[id]; p != nil {
		return p.text, p.duplicateOf, nil
	}
	a, err := f.idx.Article(ctx, id)
	if err != nil {
		return "", "", err
	}
	return a.Text, a.DuplicateOf, nil
}
