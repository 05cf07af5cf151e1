package story

import (
	"cmp"
	"slices"

	"github.com/storyline/storyline/identity"
)

// Evidence beside the words, tuned on ECB+ dev (see README, "Stories").
const (
	// samePerson is added when two reports name a person in common.
	samePerson = 0.05
	// otherYears is taken off when both reports date events, never in the
	// same year: two earthquakes on one island, 2005 and 2008.
	otherYears = 0.1
)

// similarity is how likely two reports tell the same story: the cosine of
// their weighted words, but for the surnames of different people, a little
// more for a person in common, a little less for events of other years.
func similarity(a, b *profile) float64 {
	s := cosine(a.terms, b.terms) - namesakeShare(a, b)
	if len(a.people) > 0 && len(b.people) > 0 && shared(a.people, b.people) > 0 {
		s += samePerson
	}
	if len(a.years) > 0 && len(b.years) > 0 && sharedYears(a.years, b.years) == 0 {
		s -= otherYears
	}
	return s
}

func shared[T cmp.Ordered](a, b []T) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

func sharedYears(a, b []int16) int {
	n := 0
	for _, y := range a {
		for _, z := range b {
			if y == z {
				n++
			}
		}
	}
	return n
}

// namesakeShare is the part of the cosine of a and b that surnames make
// when the people they name disagree: "Ortega" of Elena Ortega in one
// report and of Karen Ortega in the other is no word in common (in a mixed
// stream it joined a fraud trial and an earthquake). A surname whose
// people agree in some pair ("Mark Teixeira", "M. Teixeira"), or used
// without a full name, is a word like any other.
func namesakeShare(a, b *profile) float64 {
	var s float64
	for i, j := 0, 0; i < len(a.namesakes) && j < len(b.namesakes); {
		sa, sb := a.namesakes[i].surname, b.namesakes[j].surname
		switch {
		case sa < sb:
			i++
		case sa > sb:
			j++
		default:
			ie, je := i+1, j+1
			for ie < len(a.namesakes) && a.namesakes[ie].surname == sa {
				ie++
			}
			for je < len(b.namesakes) && b.namesakes[je].surname == sb {
				je++
			}
			if !anyCompatible(a.namesakes[i:ie], b.namesakes[j:je]) {
				k := key(sa)
				s += float64(termWeightOf(a.terms, k)) * float64(termWeightOf(b.terms, k))
			}
			i, j = ie, je
		}
	}
	return s
}

// anyCompatible reports whether some person of as can be some person of bs.
func anyCompatible(as, bs []namesake) bool {
	for _, x := range as {
		for _, y := range bs {
			if identity.CompatibleKeys(x.person, y.person) {
				return true
			}
		}
	}
	return false
}

// termWeightOf is the weight of the term with key k in ws, sorted by key.
func termWeightOf(ws []weight, k uint64) float32 {
	if i, ok := slices.BinarySearchFunc(ws, k, func(w weight, k uint64) int { return cmp.Compare(w.key, k) }); ok {
		return ws[i].w
	}
	return 0
}
