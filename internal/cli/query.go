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
	"github.com/storyline/storyline/internal/match"
)

// query is what `extract dump` is asked for: the reports that mention a
// person, a country and a place, published within dates, in a story, with
// words; every condition set must hold.
type query struct{ match.Query }

func (q *query) flags(fs *flag.FlagSet) {
	fs.StringVar(&q.Person, "person", "", "only reports that mention this `person` (any spelling of the name: \"Sergey Lavrov\" finds \"Sergei Lavrov\"; a surname alone finds every full name ending in it)")
	fs.Func("country", "only reports that mention this country, by its ISO `code` (TR)", func(v string) error {
		if len(v) != 2 || strings.IndexFunc(v, func(r rune) bool { return !unicode.IsLetter(r) || r > unicode.MaxASCII }) >= 0 {
			return errors.New("want a two-letter ISO 3166-1 code such as TR")
		}
		q.Country = strings.ToUpper(v)
		return nil
	})
	fs.StringVar(&q.Place, "place", "", "only reports that mention this `place` (its English name: Moscow)")
	fs.StringVar(&q.Story, "story", "", "only the reports of the story with this `id`")
	fs.Func("from", "only reports published on or after this `date` (YYYY-MM-DD; for a report without a date, a date it mentions)", dateFlag(&q.From))
	fs.Func("to", "only reports published on or before this `date` (YYYY-MM-DD)", dateFlag(&q.To))
	fs.Func("q", "only reports whose title or text holds every one of these `words`", func(v string) error {
		q.Words = strings.Fields(strings.ToLower(v))
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
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return fmt.Errorf("-to %s is before -from %s", q.To.Format(time.DateOnly), q.From.Format(time.DateOnly))
	}
	return nil
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
