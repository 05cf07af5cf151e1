package nlp

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// findDates returns the date mentions of text resolved against dct (zero
// when the article's date is unknown).
func findDates(text string, toks []token, dct time.Time) []storyline.Entity {
	c := &dateContext{text: text, toks: toks, dct: dct}
	if dct.IsZero() {
		c.fullDates = findFullDates(text)
	}
	lower := strings.ToLower(text)
	var found []storyline.Entity
	// A later rule's match that touches a mention found is dropped.
	marks := newByteMarks(len(text))
	taken, take := marks.taken, marks.take
	for _, r := range dateRules {
		names := r.re.SubexpNames()
		for _, loc := range r.matches(text, lower) {
			start, end := loc[0], loc[1]
			start = skipPreposition(text, start, end)
			if taken(start, end) {
				continue
			}
			m := match{groups: map[string]string{}, start: start, end: end}
			for i, n := range names {
				if n != "" && loc[2*i] >= 0 {
					m.groups[n] = text[loc[2*i]:loc[2*i+1]]
				}
			}
			c.anchorsBefore(start)
			value := ""
			if !c.setBefore(start, end) {
				value = r.resolve(m, c)
			}
			if value == "" {
				if strings.Contains(text[start:end], " ") {
					// "February 30" is no date, and no "February" either.
					found = append(found, storyline.Entity{Start: start, End: end})
					take(start, end)
				}
				continue
			}
			found = append(found, storyline.Entity{Type: storyline.Date, Text: text[start:end], Start: start, End: end, Norm: value})
			take(start, end)
		}
	}
	found = slices.DeleteFunc(found, func(e storyline.Entity) bool { return e.Type == "" })
	slices.SortFunc(found, func(a, b storyline.Entity) int { return a.Start - b.Start })
	return found
}

// triggerReach is how far around a trigger a date expression may extend:
// "the beginning of next week", "more than 10 years ago".
const triggerReach = 64

// matches runs the rule's regexp over the windows of text around its
// triggers, windows cut at spaces so that \b means what it means in the
// whole text, and returns submatch indexes into text.
func (r dateRule) matches(text, lower string) [][]int {
	var windows [][2]int
	for _, t := range r.triggers {
		for from := 0; ; {
			i := strings.Index(lower[from:], t)
			if i < 0 {
				break
			}
			at := from + i
			from = at + len(t)
			start, end := max(0, at-triggerReach), min(len(text), at+len(t)+triggerReach)
			if k := strings.IndexAny(text[start:at], " \n\t"); start > 0 && k >= 0 {
				start += k + 1
			}
			if k := strings.LastIndexAny(text[at:end], " \n\t"); end < len(text) && k >= len(t) {
				end = at + k
			}
			if r.need != nil && !containsAny(text[start:end], r.need) {
				continue
			}
			windows = append(windows, [2]int{start, end})
		}
	}
	if len(windows) == 0 {
		return nil
	}
	slices.SortFunc(windows, func(a, b [2]int) int { return a[0] - b[0] })
	merged := windows[:1]
	for _, w := range windows[1:] {
		if last := &merged[len(merged)-1]; w[0] <= last[1] {
			last[1] = max(last[1], w[1])
		} else {
			merged = append(merged, w)
		}
	}
	var out [][]int
	for _, w := range merged {
		for _, loc := range r.re.FindAllStringSubmatchIndex(text[w[0]:w[1]], -1) {
			for k := range loc {
				if loc[k] >= 0 {
					loc[k] += w[0]
				}
			}
			out = append(out, loc)
		}
	}
	return out
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// skipPreposition drops a leading "on", as in "on Tuesday": the span is the
// date itself.
func skipPreposition(text string, start, end int) int {
	lower := strings.ToLower(text[start:end])
	for _, p := range []string{"on "} {
		if strings.HasPrefix(lower, p) && end-start > len(p) {
			return start + len(p)
		}
	}
	return start
}

// datedAt is a full date written at an offset of the text.
type datedAt struct {
	at   int
	date time.Time
}

var fullDate = regexp.MustCompile(monthRE + ` ` + dayRE + `,? ` + yearRE + `|` + dayRE + ` ` + monthRE + `,? ` + yearRE + `|(?P<y2>1[89][0-9]{2}|20[0-9]{2})-(?P<mm>0[1-9]|1[0-2])-(?P<dd>0[1-9]|[12][0-9]|3[01])`)

// findFullDates lists the full dates of text ("June 9, 2024"), the anchors
// of yearless dates when the DCT is unknown.
func findFullDates(text string) []datedAt {
	var out []datedAt
	names := fullDate.SubexpNames()
	for _, loc := range fullDate.FindAllStringSubmatchIndex(text, -1) {
		g := map[string]string{}
		for i, n := range names {
			if n != "" && loc[2*i] >= 0 && g[n] == "" {
				g[n] = text[loc[2*i]:loc[2*i+1]]
			}
		}
		var d time.Time
		switch {
		case g["y2"] != "":
			d = time.Date(atoi(g["y2"]), time.Month(atoi(g["mm"])), atoi(g["dd"]), 0, 0, 0, 0, time.UTC)
		case g["year"] != "":
			d = time.Date(atoi(g["year"]), month(g["month"]), atoi(g["day"]), 0, 0, 0, 0, time.UTC)
		default:
			continue
		}
		out = append(out, datedAt{loc[1], d})
	}
	return out
}

// anchorsBefore sets c.anchor to the last full date ending before pos.
func (c *dateContext) anchorsBefore(pos int) {
	c.anchor = time.Time{}
	if i := sort.Search(len(c.fullDates), func(i int) bool { return c.fullDates[i].at > pos }); i > 0 {
		c.anchor = c.fullDates[i-1].date
	}
}

// sentence is the lower-cased sentence around pos: from the last full stop
// or line break before it to the next after it.
func (c *dateContext) sentence(pos int) string {
	start := strings.LastIndexAny(c.text[:pos], ".\n") + 1
	end := strings.IndexAny(c.text[pos:], ".\n")
	if end < 0 {
		end = len(c.text) - pos
	}
	return strings.ToLower(c.text[start : pos+end])
}

// countFollows reports " two years", " few months"… at the start of rest.
var countUnit = regexp.MustCompile(`^ (?:[0-9]+|(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several|many)) (?:[a-z]+ )?(?i:days?|weeks?|months?|years?|decades?|quarters?|centuries)`)

func countFollows(rest string) bool { return countUnit.MatchString(rest) }

// monthContext reports whether "May" at pos reads as the month: after "in",
// "of", "since", "until", "by", "from", "early", "late".
func (c *dateContext) monthContext(pos int) bool {
	before := strings.ToLower(strings.TrimSpace(c.text[max(0, pos-8):pos]))
	for _, w := range []string{"in", "of", "since", "until", "by", "from", "early", "late", "mid", "before", "after", "last", "next", "this", "during"} {
		if strings.HasSuffix(before, " "+w) || before == w {
			return true
		}
	}
	return false
}

// looksLikeYear rejects four-digit numbers that are counts or codes: "2,000",
// "1999 votes" cannot be told apart by form alone, but a number glued to
// digits, a currency sign or a percent sign is no year.
func (c *dateContext) looksLikeYear(start, end int) bool {
	if start > 0 && strings.ContainsAny(c.text[start-1:start], "$£€#,.") {
		return false
	}
	if end < len(c.text) && strings.ContainsAny(c.text[end:end+1], "%,.") && end+1 < len(c.text) && c.text[end+1] >= '0' && c.text[end+1] <= '9' {
		return false
	}
	return true
}

// seasonContext accepts a bare season only after "in", "this", "the" or
// "during": "spring" alone is too often something else.
func (c *dateContext) seasonContext(pos int) bool {
	before := strings.ToLower(c.text[max(0, pos-8):pos])
	return strings.HasSuffix(before, "in ") || strings.HasSuffix(before, "the ") || strings.HasSuffix(before, "during ")
}
