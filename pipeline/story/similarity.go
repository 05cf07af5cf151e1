package story

import "cmp"

// Evidence beside the words, tuned on ECB+ dev (see README, "Stories").
const (
	// samePerson is added when two reports name a person in common.
	samePerson = 0.05
	// otherYears is taken off when both reports date events, never in the
	// same year: two earthquakes on one island, 2005 and 2008.
	otherYears = 0.1
)

// similarity is how likely two reports tell the same story: the cosine of
// their weighted words, a little more for a person in common, a little
// less for events of other years.
func similarity(a, b *profile) float64 {
	s := cosine(a.terms, b.terms)
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
