package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/timex"
)

// query is what `extract dump` is asked for: the reports that mention a
// person, a country and a place, published within dates, in a story, with
// words; every condition set must hold.
type query struct {
	person, country, place, story string
	from, to                      time.Time // zero when open
	words                         []string  // lower case
}

func (q *query) flags(fs *flag.FlagSet) {
	fs.StringVar(&q.person, "person", "", "only reports that mention this `person` (any spelling of the name: \"Sergey Lavrov\" finds \"Sergei Lavrov\"; a surname alone finds every full name ending in it)")
	fs.Func("country", "only reports that mention this country, by its ISO `code` (TR)", func(v string) error {
		if len(v) != 2 || strings.IndexFunc(v, func(r rune) bool { return !unicode.IsLetter(r) || r > unicode.MaxASCII }) >= 0 {
			return errors.New("want a two-letter ISO 3166-1 code such as TR")
		}
		q.country = strings.ToUpper(v)
		return nil
	})
	fs.StringVar(&q.place, "place", "", "only reports that mention this `place` (its English name: Moscow)")
	fs.StringVar(&q.story, "story", "", "only the reports of the story with this `id`")
	fs.Func("from", "only reports published on or after this `date` (YYYY-MM-DD; for a report without a date, a date it mentions)", dateFlag(&q.from))
	fs.Func("to", "only reports published on or before this `date` (YYYY-MM-DD)", dateFlag(&q.to))
	fs.Func("q", "only reports whose title or text holds every one of these `words`", func(v string) error {
		q.words = strings.Fields(strings.ToLower(v))
		return nil
	})
}

func dateFlag(t *time.Time) func(string) error {
	return func(v string) error {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return errors.New("want a date as YYYY-MM-DD")
		}
		*t = d
		return nil
	}
}

// check reports what is wrong with the flags together.
func (q *query) check() error {
	if !q.from.IsZero() && !q.to.IsZero() && q.to.Before(q.from) {
		return fmt.Errorf("-to %s is before -from %s", q.to.Format(time.DateOnly), q.from.Format(time.DateOnly))
	}
	return nil
}

// matches reports whether the report a, in story, with its entities (person
// names made canonical) answers q.
func (q *query) matches(a *storyline.Article, story string, ents []storyline.Entity) bool {
	if q.story != "" && story != q.story {
		return false
	}
	if q.person != "" && !q.mentionsPerson(ents) {
		return false
	}
	if q.country != "" && !has(ents, storyline.Country, func(n string) bool { return n == q.country }) {
		return false
	}
	if q.place != "" && !has(ents, storyline.Place, func(n string) bool { return strings.EqualFold(n, q.place) }) {
		return false
	}
	if !q.from.IsZero() || !q.to.IsZero() {
		if !q.inDates(a, ents) {
			return false
		}
	}
	if len(q.words) > 0 {
		text := strings.ToLower(a.Title + "\n" + a.Text)
		for _, w := range q.words {
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
func (q *query) mentionsPerson(ents []storyline.Entity) bool {
	if len(strings.Fields(q.person)) == 1 {
		want := identity.SurnameKey(q.person)
		return has(ents, storyline.Person, func(n string) bool { return identity.SurnameKey(n) == want })
	}
	want := identity.Key(q.person)
	return has(ents, storyline.Person, func(n string) bool { return identity.Key(n) == want })
}

// inDates reports whether a was published within the query's dates or,
// when its date is unknown, mentions a date that lies within them whole
// ("mid-2023" is not a date of April).
func (q *query) inDates(a *storyline.Article, ents []storyline.Entity) bool {
	within := func(start, end time.Time) bool { // [start, end) inside [from, to]
		return (q.from.IsZero() || !start.Before(q.from)) && (q.to.IsZero() || !end.After(q.to.AddDate(0, 0, 1)))
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
	for _, e := range ents {
		if e.Type == typ && norm(e.Norm) {
			return true
		}
	}
	return false
}

// dumpEntity is an entity as `extract dump` writes it: with its offsets in
// characters beside those in bytes (jq slices strings by character), and
// with -snippets the sentence it stands in.
type dumpEntity struct {
	storyline.Entity
	CStart  int    `json:"cstart"`
	CEnd    int    `json:"cend"`
	Snippet string `json:"snippet,omitempty"`
}

// charOffsets converts the byte offsets of ents (in order of start) into
// character offsets, counting each stretch of text once.
func charOffsets(text string, ents []storyline.Entity, snippets bool) []dumpEntity {
	out := make([]dumpEntity, len(ents))
	atByte, atChar := 0, 0
	for i, e := range ents {
		if e.Start < atByte {
			atByte, atChar = 0, 0
		}
		atChar += utf8.RuneCountInString(text[atByte:e.Start])
		atByte = e.Start
		out[i] = dumpEntity{Entity: e, CStart: atChar}
		out[i].CEnd = out[i].CStart + utf8.RuneCountInString(text[e.Start:e.End])
		if snippets {
			out[i].Snippet = sentenceAround(text, e.Start, e.End)
		}
	}
	return out
}

// sentenceAround is the sentence (or line) that holds text[start:end]:
// from the end of the sentence before to the end of its own.
func sentenceAround(text string, start, end int) string {
	from := 0
	for i := start - 1; i > 0; i-- {
		if text[i] == '\n' || (text[i] == ' ' && strings.ContainsRune(".!?", rune(text[i-1]))) {
			from = i + 1
			break
		}
	}
	to := len(text)
	for i := end; i < len(text); i++ {
		if text[i] == '\n' {
			to = i
			break
		}
		if strings.ContainsRune(".!?", rune(text[i])) && (i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n') {
			to = i + 1
			break
		}
	}
	return strings.TrimSpace(text[from:to])
}
