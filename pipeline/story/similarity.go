package story

// params weigh the evidence of similarity (tuned on development data).
type params struct {
	names, people, years, days float64
}

var tuned = params{names: 0, people: 0.05, years: 0.1}

// similarity is how likely two reports tell the same story.
func similarity(a, b *profile) float64 {
	return similarityWith(a, b, tuned)
}

func similarityWith(a, b *profile, p params) float64 {
	s := cosine(a.terms, b.terms)
	if len(a.names) > 0 && len(b.names) > 0 {
		s += p.names * (cosine(a.names, b.names) - 0.2)
	}
	if len(a.people) > 0 && len(b.people) > 0 {
		if shared(a.people, b.people) > 0 {
			s += p.people
		}
	}
	if len(a.years) > 0 && len(b.years) > 0 && sharedYears(a.years, b.years) == 0 {
		s -= p.years
	}
	if a.day != noDay && b.day != noDay {
		d := a.day - b.day
		if d < 0 {
			d = -d
		}
		if d > 30 {
			s -= p.days
		}
	}
	return s
}

func shared(a, b []string) int {
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
