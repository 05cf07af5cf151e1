// Package match decides whether a stored report answers a question: the
// one set of rules behind 'extract dump -person … -from …' and the page's
// /api/articles, so that both find the same reports.
package match

import (
	"slices"
	"strings"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/timex"
)

// Query is what a report must answer; an empty field asks nothing.
type Query struct {
	// Person is any spelling of a full name ("Sergey Lavrov" finds
	// "Sergei Lavrov"), or a surname alone, which finds every full name
	// ending in it.
	Person string
	// Country is an ISO 3166-1 alpha-2 code, Place a place's English name.
	Country, Place string
	Story          string
	// From and To are days, zero when open.
	From, To time.Time
	// Words must all be in the title or the text; lower case.
	Words []string
}

// Matches reports whether the report a, in story, with its entities
// (person names made canonical) answers q.
func (q Query) Matches(a *storyline.Article, story string, ents []storyline.Entity) bool {
	if q.Story != "" && story != q.Story {
		return false
	}
	if q.Person != "" && !q.mentionsPerson(ents) {
		return false
	}
	if q.Country != "" && !has(ents, storyline.Country, func(n string) bool { return strings.EqualFold(n, q.Country) }) {
		return false
	}
	if q.Place != "" && !has(ents, storyline.Place, func(n string) bool { return strings.EqualFold(n, q.Place) }) {
		return false
	}
	if (!q.From.IsZero() || !q.To.IsZero()) && !q.inDates(a, ents) {
		return false
	}
	if len(q.Words) > 0 {
		text := strings.ToLower(a.Title + "\n" + a.Text)
		for _, w := range q.Words {
			if !strings.Contains(text, w) {
				return false
			}
		}
	}
	return true
}

// mentionsPerson compares names by identity keys, so that spellings and
// transliterations of one name find each other; a query of one word is a
// surname.
func (q Query) mentionsPerson(ents []storyline.Entity) bool {
	if len(strings.Fields(q.Person)) == 1 {
		want := identity.SurnameKey(q.Person)
		return has(ents, storyline.Person, func(n string) bool { return identity.SurnameKey(n) == want })
	}
	want := identity.Key(q.Person)
	return has(ents, storyline.Person, func(n string) bool { return identity.Key(n) == want })
}

// inDates reports whether a was published within the query's days or,
// when its date is unknown, mentions a date that lies within them whole
// ("mid-2023" is not a date of April).
func (q Query) inDates(a *storyline.Article, ents []storyline.Entity) bool {
	within := func(start, end time.Time) bool { // [start, end) inside [From, To]
		return (q.From.IsZero() || !start.Before(q.From)) && (q.To.IsZero() || !end.After(q.To.AddDate(0, 0, 1)))
	}
	if !a.Published.IsZero() {
		day := time.Date(a.Published.Year(), a.Published.Month(), a.Published.Day(), 0, 0, 0, 0, time.UTC)
		return within(day, day.AddDate(0, 0, 1))
	}
	for _, e := range ents {
		if e.Type != storyline.Date {
			continue
		}
		if v, err := timex.Parse(e.Norm); err == nil {
			if start, end, ok := v.Span(); ok && within(start, end) {
				return true
			}
		}
	}
	return false
}

func has(ents []storyline.Entity, typ storyline.EntityType, norm func(string) bool) bool {
	return slices.ContainsFunc(ents, func(e storyline.Entity) bool { return e.Type == typ && norm(e.Norm) })
}

// Intersect returns the IDs in both sorted lists, sorted.
func Intersect(a, b []string) []string {
	var out []string
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := strings.Compare(a[i], b[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}
