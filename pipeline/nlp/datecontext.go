package nlp

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/timex"
)

// Dates in context: named days that are dates of their year, and the words
// that look like dates but are not ("USA Today", "every now and again",
// "Football Manager 2020", case number "095/2018"), and the year a list of
// dates takes from its heading.

// namedDays are the days a name gives, each computed for a year.
var namedDays = map[string]func(year int) time.Time{
	"black friday":     func(y int) time.Time { return thanksgiving(y).AddDate(0, 0, 1) },
	"cyber monday":     func(y int) time.Time { return thanksgiving(y).AddDate(0, 0, 4) },
	"thanksgiving":     thanksgiving,
	"thanksgiving day": thanksgiving,
	"christmas eve":    func(y int) time.Time { return time.Date(y, time.December, 24, 0, 0, 0, 0, time.UTC) },
	"christmas day":    func(y int) time.Time { return time.Date(y, time.December, 25, 0, 0, 0, 0, time.UTC) },
	"christmas":        func(y int) time.Time { return time.Date(y, time.December, 25, 0, 0, 0, 0, time.UTC) },
	"new year's eve":   func(y int) time.Time { return time.Date(y, time.December, 31, 0, 0, 0, 0, time.UTC) },
	"new year's day":   func(y int) time.Time { return time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC) },
	"valentine's day":  func(y int) time.Time { return time.Date(y, time.February, 14, 0, 0, 0, 0, time.UTC) },
}

// dropNamedDays removes the people that are named days: prose labels
// "Christmas" and "Christmas Eve" PERSON.
func dropNamedDays(people []storyline.Entity) []storyline.Entity {
	return slices.DeleteFunc(people, func(p storyline.Entity) bool {
		return namedDays[strings.ToLower(strings.ReplaceAll(p.Text, "’", "'"))] != nil
	})
}

// namedDayRE matches a named day, with an optional year after it.
const namedDayRE = `(?P<name>Black Friday|Cyber Monday|Thanksgiving(?: Day)?|Christmas(?: Eve| Day)?|New Year['’]s (?:Eve|Day)|Valentine['’]s Day)(?:,? ` + yearRE + `)?`

// thanksgiving is the fourth Thursday of November: the US holiday, the one
// the press's Black Friday and Cyber Monday follow.
func thanksgiving(y int) time.Time {
	d := time.Date(y, time.November, 1, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Thursday {
		d = d.AddDate(0, 0, 1)
	}
	return d.AddDate(0, 0, 21)
}

// namedDay is the day a named day means: that of the year written after it,
// else the one nearest the reference date ("Black Friday sales" in late
// November are this year's, not the Friday before publication). Said of the
// day in general ("every Christmas", "an annual Black Friday"), it is no
// date.
func (c *dateContext) namedDay(name, year string, pos int) string {
	day := namedDays[strings.ToLower(strings.ReplaceAll(name, "’", "'"))]
	before := strings.ToLower(c.text[max(0, pos-8):pos])
	for _, w := range []string{"every ", "each ", "annual ", "yearly "} {
		if strings.HasSuffix(before, w) {
			return ""
		}
	}
	if year != "" {
		return timex.DayOf(day(atoi(year))).String()
	}
	r, ok := c.ref()
	if !ok {
		return ""
	}
	best := day(r.Year())
	for _, y := range []int{r.Year() - 1, r.Year() + 1} {
		if d := day(y); absDur(d.Sub(day0(r))) < absDur(best.Sub(day0(r))) {
			best = d
		}
	}
	return timex.DayOf(best).String()
}

// outletToday reports whether the "Today" at pos is part of a name: "USA
// Today", "India Today", "the Today show", "NBC News' Today show". Inside a sentence, today is
// written in lower case.
func (c *dateContext) outletToday(pos int) bool {
	if c.text[pos] != 'T' || sentenceStart(c.text, pos) || !strings.HasSuffix(c.text[:pos], " ") {
		return false
	}
	prev := strings.TrimRight(c.text[:pos-1], "'’") // "NBC News' Today show"
	word := prev[strings.LastIndexFunc(prev, func(r rune) bool { return !unicode.IsLetter(r) && r != '.' })+1:]
	return word != "" && (startsUpper(word) || word == "the")
}

// idiomNow matches what follows "now" in idioms of frequency, not of time:
// "every now and again", "now and then".
var idiomNow = regexp.MustCompile(`^ and (?:again|then)\b`)

// namedYear reports a year that ends a product's or an event's name:
// "Football Manager 2020", "Euro 2024". A capitalised word right before the
// year, inside a sentence, that is no month, season, holiday or
// preposition, names the thing the year belongs to.
func (c *dateContext) namedYear(start int) bool {
	before := c.text[:start]
	if !strings.HasSuffix(before, " ") {
		return false
	}
	prev := before[:len(before)-1]
	i := strings.LastIndexFunc(prev, func(r rune) bool { return !unicode.IsLetter(r) })
	word := prev[i+1:]
	if word == "" || !startsUpper(word) || strings.ToUpper(word) == word || sentenceStart(c.text, i+1) {
		return false
	}
	lower := strings.ToLower(word)
	if month(word) != 0 && len(word) >= 3 || seasons[lower] != 0 || yearWords[lower] {
		return false
	}
	return true
}

// yearWords before a year keep it a year: prepositions of a title-case
// headline ("Elections In 2024"), holidays, and fiscal periods.
var yearWords = setOf("in", "of", "since", "until", "by", "from", "before", "after", "during", "for", "to",
	"through", "and", "or", "year", "fiscal", "fy", "christmas", "easter", "thanksgiving", "spring", "fall",
	"autumn", "summer", "winter", "class", "vintage", "early", "late", "mid", "between", "around", "about")

// identifierYear reports a year glued to an identifier by a slash: the
// "2018" of case number "095/2018".
func (c *dateContext) identifierYear(start, end int) bool {
	if start >= 2 && c.text[start-1] == '/' && isDigit(c.text[start-2]) {
		return true
	}
	return end+1 < len(c.text) && c.text[end] == '/' && isDigit(c.text[end+1])
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// listLine is how long a line of a list may be: a date, a place, a name.
const listLine = 120

// listYear is the year of the list a day-and-month line opens ("Aug. 30 –
// Wembley Stadium, London" under "2020 tour dates"): the first year written
// on the lines above it, all of them short like a list's, or false when the
// line is no list item or no such year is found.
func (c *dateContext) listYear(pos int) (int, bool) {
	lineStart := strings.LastIndexByte(c.text[:pos], '\n') + 1
	lineEnd := strings.IndexByte(c.text[pos:], '\n')
	if lineEnd < 0 {
		lineEnd = len(c.text) - pos
	}
	if lineEnd+pos-lineStart > listLine || strings.TrimLeft(c.text[lineStart:pos], "•·*-–— \t") != "" {
		return 0, false
	}
	above := c.text[:lineStart]
	for range 40 {
		above = strings.TrimRight(above, "\n")
		if above == "" {
			return 0, false
		}
		start := strings.LastIndexByte(above, '\n') + 1
		line := above[start:]
		if len(line) > listLine {
			return 0, false
		}
		if m := listYearRE.FindString(line); m != "" {
			return atoi(m), true
		}
		above = above[:start]
	}
	return 0, false
}

var listYearRE = regexp.MustCompile(`\b(?:1[89][0-9]{2}|20[0-9]{2})\b`)

// setBefore reports a date name said of every one of its kind: "every
// Sunday", "each March", "every other summer". TimeML calls that a set,
// and the guidelines leave sets out.
func (c *dateContext) setBefore(start, end int) bool {
	if strings.ContainsAny(c.text[start:end], "0123456789") {
		return false
	}
	before := strings.ToLower(c.text[max(0, start-13):start])
	for _, w := range []string{"every ", "each ", "every other ", "every second "} {
		if strings.HasSuffix(before, w) {
			return true
		}
	}
	return false
}

// outletDayHeads end the names of papers and shows that start with a
// weekday: "The Sunday Times", "the Sunday Telegraph", "Monday Night
// Football".
var outletDayHeads = setOf("times", "telegraph", "express", "mirror", "herald", "post", "world", "independent",
	"people", "star", "sport", "tribune", "mail", "football", "live")

// outletWeekday reports whether the weekday matched at [start, end) is a
// word of a paper's or a show's name: "The Mail on Sunday", "the Sunday
// Times".
func (c *dateContext) outletWeekday(start, end int) bool {
	if strings.HasSuffix(c.text[:start], "Mail on ") {
		return true
	}
	rest := c.text[end:]
	for range 2 {
		w, ok := strings.CutPrefix(rest, " ")
		if !ok || !startsUpper(w) {
			return false
		}
		n := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		if n < 0 {
			n = len(w)
		}
		if outletDayHeads[strings.ToLower(w[:n])] {
			return true
		}
		rest = w[n:]
	}
	return false
}

// gameWords are said of a match, never of a company's results.
var gameWords = []string{"halftime", "half-time", "rebounds", "touchdown", "layup", "three-pointer", "free throw",
	"field goal", "quarterback", "overtime", "assists", "buzzer", "turnovers", "tip-off", "power play"}

// gameReport reports a text that tells a match, where "the third quarter"
// and "the period" are parts of the game, not of a year: it uses two
// different game words.
func (c *dateContext) gameReport() bool {
	if c.game == 0 {
		lower, n := strings.ToLower(c.text), 0
		for _, w := range gameWords {
			if strings.Contains(lower, w) {
				n++
			}
		}
		c.game = 1
		if n >= 2 {
			c.game = 2
		}
	}
	return c.game == 2
}
