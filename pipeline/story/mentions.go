package story

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/timex"
)

// Mentions finds the datedEntity events article a tells of: the sentences with a
// date that resolves to a day, week, month, year or interval, each date
// tied to the trigger word nearest to it in its clause ("met", "held
// talks", "earthquake"). A date whose nearest word is a reporting verb
// ("officials said on Tuesday") is the report's, not an event's, and is
// left out. A date with no trigger near it still makes a mention, with no
// Trigger, when its sentence has enough words to tell of something: the
// headlines and ledes of news reports often date an event without a verb
// ("Esther Williams dead at 91"), and Timeline weighs such mentions less.
// Two kinds of sentence without a date of their own make mentions too: a
// headline or lede in the present or perfect tense tells the news of the
// day the report was published, and a sentence that goes on telling the
// event of one just before takes its date (Mention.Dated says which).
// Besides the extractor's dates, a part of the report's own day ("this
// morning", "tonight") dates a sentence by the publication day, and "last
// week" in a report published on a Sunday is the week that Sunday closes.
// ents are a's entities, in any order; their offsets index a.Text.
func Mentions(a *storyline.Article, ents []storyline.Entity) []storyline.Mention {
	text := a.Text
	sorted := slices.Clone(ents)
	slices.SortFunc(sorted, func(x, y storyline.Entity) int { return x.Start - y.Start })
	var out []storyline.Mention
	var told []int // for each mention of out, the index of its sentence
	next := 0      // first entity not before the current sentence
	for k, s := range sentences(text) {
		for next < len(sorted) && sorted[next].Start < s.start {
			next++
		}
		end := next
		for end < len(sorted) && sorted[end].Start < s.end {
			end++
		}
		in := sorted[next:end]
		next = end
		if furniture(text, s) {
			continue
		}
		var dates []datedEntity
		for _, e := range partsOfToday(text, s, in, a.Published) {
			dates = append(dates, datedEntity{e, timex.DayOf(a.Published).String()})
		}
		for _, e := range in {
			if e.Type != storyline.Date || e.End > s.end {
				continue
			}
			if v, ok := eventDate(e.Norm); ok && !dateline(text, s, e, v, a.Published) {
				dates = append(dates, datedEntity{e, sundayWeek(e, v, a.Published)})
			}
		}
		var ms []storyline.Mention
		switch {
		case len(dates) > 0:
			ms = sentenceMentions(text, s, dates, in)
		case k < lede && !a.Published.IsZero():
			if m, ok := leading(text, s, in, a.Published); ok {
				ms = []storyline.Mention{m}
			}
		default:
			recent := len(told)
			for recent > 0 && told[recent-1] >= k-continuation {
				recent--
			}
			if m, ok := continued(text, s, in, out[recent:]); ok {
				ms = []storyline.Mention{m}
			}
		}
		for range ms {
			told = append(told, k)
		}
		out = append(out, ms...)
	}
	return out
}

// furniture reports whether sentence s is a page's publication line
// ("PUBLISHED: THURSDAY, MAY 2, 2013, 1:32 PM", "Last updated 15:48
// 15/09/2013", "Posted: Nov 27, 2005"): it dates the report, never an
// event, and the extractor reads some of them as a bare year.
func furniture(text string, s textSpan) bool {
	words := strings.Fields(strings.ToLower(text[s.start:min(s.end, s.start+40)]))
	if len(words) > 1 && (words[0] == "last" || words[0] == "first") {
		words = words[1:]
	}
	if len(words) < 2 {
		return false
	}
	switch strings.TrimSuffix(words[0], ":") {
	case "published", "updated", "posted":
		return strings.HasSuffix(words[0], ":") || words[1] == "on" || words[1] == "at" ||
			strings.IndexFunc(words[1], unicode.IsDigit) >= 0 || monthDay[strings.Trim(words[1], ",.")]
	}
	return false
}

// monthDay are the month and weekday names that open a publication line's
// date.
var monthDay = wordSet("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"mon", "tue", "wed", "thu", "fri", "sat", "sun", "january", "february", "march", "april", "may",
	"june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar",
	"apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")

// continuation is how many sentences after a dated one an undated sentence
// may go on telling of its event.
const continuation = 3

// continued is the mention of an undated sentence s that goes on telling
// of an event dated just before, in prev: a trigger of the same kind and a
// participant in common ("On April 25, Moscow held a meeting of the
// defence ministers of Turkey and Syria. … Sergey Shoigu held talks with
// his counterparts from Iran, Syria and Turkey"). It takes that event's
// date, whose offsets then lie before the sentence, and brings the people
// the dated sentence left unnamed.
func continued(text string, s textSpan, in []storyline.Entity, prev []storyline.Mention) (storyline.Mention, bool) {
	if len(prev) == 0 {
		return storyline.Mention{}, false
	}
	cues, _ := scanCues(text, s, in)
	m := storyline.Mention{Start: s.start, End: s.end}
	fillParticipants(&m, in, s)
	for i := len(prev) - 1; i >= 0; i-- {
		p := prev[i]
		if p.Trigger == "" || !participating(m, p) {
			continue
		}
		for _, c := range cues {
			if c.trigger != "" && eventKind(c.trigger) == eventKind(p.Trigger) {
				m.When, m.Trigger, m.DateStart, m.DateEnd = p.When, c.trigger, p.DateStart, p.DateEnd
				m.Dated = storyline.DatedEarlier
				return m, true
			}
		}
	}
	return storyline.Mention{}, false
}

// lede is how many sentences open a report: the headline and the lede,
// which tell the news of the day.
const lede = 2

// leading is the mention of an undated headline or lede sentence with a
// trigger in the present or perfect tense ("Russia, Syria, Turkey and Iran
// hold talks in Moscow", "the foreign ministers have met"): news of the
// day it was published.
func leading(text string, s textSpan, in []storyline.Entity, published time.Time) (storyline.Mention, bool) {
	cues, _ := scanCues(text, s, in)
	for _, c := range cues {
		if c.trigger == "" || !present(text, s, c) {
			continue
		}
		m := storyline.Mention{When: timex.DayOf(published).String(), Trigger: c.trigger, Start: s.start, End: s.end,
			DateStart: s.start, DateEnd: s.start, Dated: storyline.DatedPublished}
		fillParticipants(&m, in, s)
		return m, true
	}
	return storyline.Mention{}, false
}

// present reports whether trigger c is a verb in the present tense ("hold",
// "dies") or the perfect ("have met", "has died"): a headline's news.
func present(text string, s textSpan, c cue) bool {
	w := c.trigger
	if strings.Contains(w, " ") {
		w, _, _ = strings.Cut(w, " ")
	}
	before := strings.Fields(text[s.start:c.start])
	if len(before) > 0 {
		switch strings.ToLower(before[len(before)-1]) {
		case "has", "have", "is", "are":
			return true
		case "will", "to", "would", "may", "could", "might", "had", "was", "were", "the", "a", "an", "of":
			return false
		}
	}
	return !strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "ing") && !pastForms[w]
}

// pastForms are irregular past forms among the triggers.
var pastForms = wordSet("met", "held", "spoke", "spoken", "struck", "hit", "won", "shot", "slain",
	"broke", "broken", "began", "begun", "left", "fell", "fallen", "fought", "beat", "flew",
	"bought", "stole", "stolen", "caught", "pled", "withdrew", "withdrawn", "burnt", "sworn",
	"dead", "took", "taken")

// dateline reports whether date e, of value v, is the date line of the
// report rather than a date it tells: the publication day written in full
// at the head of a sentence ("date 2023-04-26 Russia continues …",
// "Thursday, May 2, 2013 Lohan …").
func dateline(text string, s textSpan, e storyline.Entity, v string, published time.Time) bool {
	if published.IsZero() || v != timex.DayOf(published).String() || !strings.Contains(e.Text, strconv.Itoa(published.Year())) {
		return false
	}
	return len(strings.Fields(text[s.start:e.Start])) <= 2
}

// sundayWeek is the week a report published on a Sunday means by "last
// week": English-language news counts its weeks from Sunday, so the week
// just ended on Saturday, which is the ISO week the Sunday closes (the
// value the extractor writes, as TimeML does, is the ISO week before). v
// is e's value; other dates, and reports of other days, keep it.
func sundayWeek(e storyline.Entity, v string, published time.Time) string {
	if published.IsZero() || published.Weekday() != time.Sunday {
		return v
	}
	if t := strings.ToLower(e.Text); t != "last week" && t != "last week's" {
		return v
	}
	w, err := timex.Parse(v)
	if err != nil || w != timex.WeekOf(published).Add(-1) {
		return v
	}
	return timex.WeekOf(published).String()
}

// quoted reports whether a sentence that begins with before is inside a
// quotation at its end: a quotation's "this morning" is its speaker's day
// ("tweeted Thursday: \"My stepmom passed peacefully this morning\""),
// which the report need not share.
func quoted(before string) bool {
	return strings.Count(before, `"`)%2 == 1 || strings.Count(before, "“") > strings.Count(before, "”")
}

// partOfToday matches a part of the report's own day: "this morning",
// "this afternoon", "this evening", "tonight".
var partOfToday = regexp.MustCompile(`(?i)\b(?:this (?:morning|afternoon|evening)|tonight)\b`)

// partsOfToday are the parts of the publication day that sentence s names
// ("arrested a few hours after the attack this morning") as date entities
// of that day, unless they are a quotation's. The extractor leaves them out, as the TIMEX3 guidelines
// leave out times of day (the dev golds annotate 1 of 11), but a report
// dates the day's news by them as by "today". None where a date entity
// already covers one, or the report's day is unknown.
func partsOfToday(text string, s textSpan, in []storyline.Entity, published time.Time) []storyline.Entity {
	if published.IsZero() {
		return nil
	}
	var out []storyline.Entity
	for _, loc := range partOfToday.FindAllStringIndex(text[s.start:s.end], -1) {
		start, end := s.start+loc[0], s.start+loc[1]
		covered := false
		for _, e := range in {
			if e.Type == storyline.Date && e.Start < end && start < e.End {
				covered = true
			}
		}
		if !covered && !quoted(text[s.start:start]) {
			out = append(out, storyline.Entity{Type: storyline.Date, Text: text[start:end], Start: start, End: end,
				Norm: timex.DayOf(published).String()})
		}
	}
	return out
}

// participating reports whether mentions a and b share a person, country
// or place.
func participating(a, b storyline.Mention) bool {
	for _, pair := range [][2][]string{{a.People, b.People}, {a.Countries, b.Countries}, {a.Places, b.Places}} {
		for _, x := range pair[0] {
			if slices.Contains(pair[1], x) {
				return true
			}
		}
	}
	return false
}

// datedEntity is a date entity with the value its mention takes.
type datedEntity struct {
	ent  storyline.Entity
	when string
}

// eventDate is the value an event can be dated by: a fully known day,
// week, month, quarter, season, year or interval of at most a year. A part
// of the day is dropped (2023-04-25TNI is the day), and references, values
// with placeholders and decades never date an event.
func eventDate(norm string) (string, bool) {
	if day, _, timed := strings.Cut(norm, "T"); timed && len(day) == len("2006-01-02") {
		norm = day
	}
	v, err := timex.Parse(norm)
	if err != nil || strings.Contains(norm, "X") || len(norm) < len("2006") {
		return "", false
	}
	start, end, ok := v.Span()
	if !ok || end.Sub(start).Hours() > 366*24 {
		return "", false
	}
	return v.String(), true
}

// cue is a trigger or reporting word found in a sentence.
type cue struct {
	start, end int
	clause     int
	trigger    string // lowercased, "" for a reporting verb
}

// sentenceMentions ties each of the sentence's dates to a trigger; in are
// the entities that start in the sentence.
func sentenceMentions(text string, s textSpan, dates []datedEntity, in []storyline.Entity) []storyline.Mention {
	words, clauses := scanCues(text, s, in)
	var out []storyline.Mention
	for _, d := range dates {
		dc := clauseAt(clauses, d.ent.Start)
		var best *cue
		bestDist := 0
		for i := range words {
			w := &words[i]
			if w.trigger == "" && w.end > d.ent.Start && triggerBetween(words, d.ent.End, w.start) {
				// A reporting verb dates what follows it ("said on
				// Tuesday"), and what it follows before any event is
				// told ("the minister last week said", "Yesterday, the
				// police explained that officers shot him").
				continue
			}
			dist := spanDistance(w.start, w.end, d.ent.Start, d.ent.End)
			if w.clause != dc {
				dist += 1 << 20
			}
			if best == nil || dist < bestDist {
				best, bestDist = w, dist
			}
		}
		trigger := ""
		switch {
		case best == nil:
			if !telling(text, s, d.ent) {
				continue
			}
		case best.trigger == "" && best.clause == dc:
			continue // a reporting verb: the date the report speaks
		case best.trigger == "":
		case best.clause == dc || len(dates) == 1:
			trigger = best.trigger
		}
		m := storyline.Mention{When: d.when, Trigger: trigger, Start: s.start, End: s.end,
			DateStart: d.ent.Start, DateEnd: d.ent.End}
		fillParticipants(&m, in, s)
		// The countries are those of the clauses from the date to its
		// trigger: "after the February 6 earthquake in Turkey and Syria,
		// and the re-establishment of ties between Iran and Saudi Arabia"
		// dates the earthquake's countries, not the others.
		first, last := dc, dc
		if best != nil {
			first, last = min(first, best.clause), max(last, best.clause)
		}
		var own storyline.Mention
		fillParticipants(&own, in, clauseSpan(s, clauses, first, last))
		m.Countries = own.Countries
		out = append(out, m)
	}
	return out
}

// triggerBetween reports whether a trigger of words lies between offsets
// from and to.
func triggerBetween(words []cue, from, to int) bool {
	for _, w := range words {
		if w.trigger != "" && w.start >= from && w.end <= to {
			return true
		}
	}
	return false
}

// fillParticipants fills m's people, countries and places from the entities of
// its sentence, as norms: canonical names, ISO codes, English place names.
func fillParticipants(m *storyline.Mention, in []storyline.Entity, s textSpan) {
	for _, e := range in {
		if e.Start < s.start || e.End > s.end || e.Norm == "" {
			continue
		}
		switch e.Type {
		case storyline.Person:
			m.People = appendUnique(m.People, e.Norm)
		case storyline.Country:
			m.Countries = appendUnique(m.Countries, e.Norm)
		case storyline.Place:
			m.Places = appendUnique(m.Places, e.Norm)
		}
	}
	slices.Sort(m.People)
	slices.Sort(m.Countries)
	slices.Sort(m.Places)
}

func appendUnique(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

func spanDistance(s1, e1, s2, e2 int) int {
	switch {
	case e1 <= s2:
		return s2 - e1
	case e2 <= s1:
		return s1 - e2
	}
	return 0
}

// scanCues finds the trigger and reporting words of sentence s and the offsets
// where its clauses begin. Words inside entities (a person called "Rich
// Hill", the date "Fall 2010") are names, not triggers.
func scanCues(text string, s textSpan, in []storyline.Entity) ([]cue, []int) {
	var words []cue
	var clauses []int
	inEntity := func(i int) bool {
		for _, e := range in {
			if e.Start <= i && i < e.End {
				return true
			}
		}
		return false
	}
	var prevLower string
	prevStart := 0
	for i := s.start; i < s.end; {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			if clauseBoundary(text, i, s.end) {
				clauses = append(clauses, i)
				prevLower = ""
			}
			i += n
			continue
		}
		j := i + n
		for j < s.end {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r) && r != '\'' {
				break
			}
			j += n
		}
		w := text[i:j]
		lower := strings.ToLower(w)
		switch {
		case inEntity(i):
		case prevLower != "" && phrases[prevLower+" "+lower] != "":
			t := prevLower + " " + lower
			if k := len(words) - 1; k >= 0 && words[k].start == prevStart {
				words = words[:k] // "held talks" replaces "held"
			}
			words = append(words, cue{prevStart, j, len(clauses), t})
		case reporting[lower]:
			words = append(words, cue{i, j, len(clauses), ""})
		case triggers[lower] != "" && !weakFirst[lower]:
			words = append(words, cue{i, j, len(clauses), lower})
		}
		prevLower, prevStart = lower, i
		i = j
	}
	return words, clauses
}

// clauseBoundary reports whether text[i] ends a clause: a semicolon, a colon (a
// headline's "Dead: Technicolor star dies"), a dash between spaces, or a
// comma before a word that opens a clause of its own.
func clauseBoundary(text string, i, end int) bool {
	switch text[i] {
	case ';', ':':
		return true
	case ',':
		return clauseOpeners[letterRunAt(text, skipSpace(text, i+1, end))]
	case ' ':
		k := i + 1
		for k < end && (text[k] == '-' || strings.HasPrefix(text[k:], "–") || strings.HasPrefix(text[k:], "—")) {
			_, n := utf8.DecodeRuneInString(text[k:])
			k += n
		}
		return k > i+1 && k < end && text[k] == ' '
	}
	return false
}

func skipSpace(text string, i, end int) int {
	for i < end && text[i] == ' ' {
		i++
	}
	return i
}

// clauseOpeners start a clause after a comma.
var clauseOpeners = wordSet("which", "who", "whom", "whose", "while", "whereas", "but", "after",
	"before", "when", "where", "since", "following", "although", "though", "as", "and")

// clauseSpan is the part of sentence s from the start of clause first to
// the end of clause last, clauses being numbered as clauseAt numbers them.
func clauseSpan(s textSpan, starts []int, first, last int) textSpan {
	out := s
	if first > 0 {
		out.start = starts[first-1]
	}
	if last < len(starts) {
		out.end = starts[last]
	}
	return out
}

// clauseAt is the index of the clause that holds offset i.
func clauseAt(starts []int, i int) int {
	n := 0
	for _, s := range starts {
		if s <= i {
			n++
		}
	}
	return n
}

// telling reports whether sentence s, which has no trigger, still has words
// enough besides date d to tell of an event: a date line ("06/06/13 07:05
// PM ET") does not.
func telling(text string, s textSpan, d storyline.Entity) bool {
	words := 0
	for _, part := range []string{text[s.start:d.Start], text[d.End:s.end]} {
		for _, f := range strings.Fields(part) {
			r, _ := utf8.DecodeRuneInString(f)
			if unicode.IsLetter(r) && !datelineWords[strings.ToLower(strings.Trim(f, ".,"))] {
				words++
			}
		}
	}
	return words >= 4
}

// datelineWords fill date lines without telling anything.
var datelineWords = wordSet("am", "pm", "a.m", "p.m", "et", "edt", "est", "pt", "pdt", "pst", "gmt",
	"utc", "bst", "cet", "updated", "published", "posted", "last", "on", "at", "by")
