package nlp

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// Dates follow the TIMEX3 DATE rules of the annotation guidelines: the span
// keeps its modifiers ("early next week") and drops a leading preposition;
// the value is resolved against the publication date (the DCT), without the
// modifier ("mid-2023" → 2023); what cannot be resolved keeps X placeholders.

const (
	monthRE   = `(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)`
	weekdayRE = `(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`
	dayRE     = `(?P<day>[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?`
	yearRE    = `(?P<year>1[89][0-9]{2}|20[0-9]{2})`
	modRE     = `(?:(?i:early|mid|late|the end of|the beginning of|the start of|the middle of)[- ])?`
	numberRE  = `(?P<n>[0-9]+|(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|a few|several))`
	approxRE  = `(?:(?i:more than|less than|nearly|almost|about|around|some|over|roughly|at least) )?`
)

// dateRule recognizes one form of date and computes its value. Its
// regexp runs only around its triggers, lower-case words every match of it
// contains: most rules find nothing in most of a text, and a regexp without
// a literal prefix would otherwise try every position of it.
type dateRule struct {
	triggers []string
	re       *regexp.Regexp
	resolve  func(m match, c *dateContext) string
}

// match is one regexp match with its named groups.
type match struct {
	groups     map[string]string
	start, end int
}

func (m match) get(name string) string { return m.groups[name] }

func rule(triggers []string, pattern string, resolve func(m match, c *dateContext) string) dateRule {
	return dateRule{triggers: triggers, re: regexp.MustCompile(`\b` + pattern + `\b`), resolve: resolve}
}

// Triggers of the rules.
var (
	months   = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	days     = []string{"day"} // every weekday's name ends so
	years    = []string{"18", "19", "20"}
	quarters = []string{"quarter"}
)

// dateRules, longest forms first; overlapping matches of later rules are
// dropped.
var dateRules = []dateRule{
	// Wednesday, April 24, 2024 / April 24, 2024 / April 24th 2024
	rule(months, `(?:`+weekdayRE+`,? )?`+monthRE+` `+dayRE+`,? `+yearRE, func(m match, c *dateContext) string {
		return ymd(atoi(m.get("year")), month(m.get("month")), atoi(m.get("day")))
	}),
	// Wednesday 24 April 2024 / 24 April, 2024
	rule(months, `(?:`+weekdayRE+`,? )?(?:the )?`+dayRE+` (?:of )?`+monthRE+`,? `+yearRE, func(m match, c *dateContext) string {
		return ymd(atoi(m.get("year")), month(m.get("month")), atoi(m.get("day")))
	}),
	// 2023-04-26
	rule(years, `(?P<year>1[89][0-9]{2}|20[0-9]{2})-(?P<mm>0[1-9]|1[0-2])-(?P<dd>0[1-9]|[12][0-9]|3[01])`, func(m match, c *dateContext) string {
		return ymd(atoi(m.get("year")), time.Month(atoi(m.get("mm"))), atoi(m.get("dd")))
	}),
	// 3 to 4 April / 3-4 April 2023
	rule(months, `(?P<d1>[12][0-9]|3[01]|0?[1-9]) ?(?:to|-|–|and) ?(?P<d2>[12][0-9]|3[01]|0?[1-9]) `+monthRE+`(?:,? `+yearRE+`)?`, func(m match, c *dateContext) string {
		return c.dayRange(m.get("year"), month(m.get("month")), atoi(m.get("d1")), atoi(m.get("d2")), m.start)
	}),
	// April 3 to 4 / April 3-4, 2023
	rule(months, monthRE+` (?P<d1>[12][0-9]|3[01]|0?[1-9]) ?(?:to|-|–) ?(?P<d2>[12][0-9]|3[01]|0?[1-9])(?:,? `+yearRE+`)?`, func(m match, c *dateContext) string {
		return c.dayRange(m.get("year"), month(m.get("month")), atoi(m.get("d1")), atoi(m.get("d2")), m.start)
	}),
	// Wednesday, April 24 / April 24
	rule(months, `(?:`+weekdayRE+`,? )?`+monthRE+` `+dayRE, func(m match, c *dateContext) string {
		return c.monthDay(month(m.get("month")), atoi(m.get("day")), m.start)
	}),
	// 24 April / the 24th of April
	rule(months, `(?:`+weekdayRE+`,? )?(?:the )?`+dayRE+` (?:of )?`+monthRE, func(m match, c *dateContext) string {
		return c.monthDay(month(m.get("month")), atoi(m.get("day")), m.start)
	}),
	// June last year / March this year
	rule(months, modRE+monthRE+` (?P<rel>(?i:last|this|next)) (?i:year)`, func(m match, c *dateContext) string {
		r, ok := c.ref()
		if !ok {
			return fmt.Sprintf("XXXX-%02d", month(m.get("month")))
		}
		shift := map[string]int{"last": -1, "this": 0, "next": 1}[strings.ToLower(m.get("rel"))]
		return fmt.Sprintf("%04d-%02d", r.Year()+shift, month(m.get("month")))
	}),
	// the third quarter of 1989 / this year's third quarter / third-quarter / the fiscal first quarter
	rule(quarters, `(?:(?i:the|this year's|last year's|next year's|its) )?(?:(?i:fiscal|the fiscal)[- ])?(?:`+yearRE+` )?(?P<q>(?i:first|second|third|fourth))[- ](?i:quarter)(?: (?i:of) (?P<y2>1[89][0-9]{2}|20[0-9]{2}))?`, func(m match, c *dateContext) string {
		q := map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4}[strings.ToLower(m.get("q"))]
		lower := strings.ToLower(c.text[m.start:m.end])
		year := c.yearOr(m.get("year")+m.get("y2"), m.start)
		if y := atoi(year); y > 0 {
			switch {
			case strings.HasPrefix(lower, "last year's"):
				year = strconv.Itoa(y - 1)
			case strings.HasPrefix(lower, "next year's"):
				year = strconv.Itoa(y + 1)
			}
		}
		return fmt.Sprintf("%s-Q%d", year, q)
	}),
	// the year-earlier quarter / the year-ago period / year-earlier
	rule([]string{"year-earlier", "year-ago"}, `(?:(?i:the) (?:(?i:comparable) )?)?(?i:year-earlier|year-ago)(?: (?:(?i:first|second|third|fourth) )?(?i:quarter|period))?`, func(m match, c *dateContext) string {
		return c.lastQuarter(-1)
	}),
	// the quarter / the latest quarter / the most recent period
	rule([]string{"quarter", "period"}, `(?i:the) (?:(?i:latest|recent|most recent|just-ended|past|previous|last) )?(?i:quarter|period)`, func(m match, c *dateContext) string {
		if !strings.Contains(c.sentence(m.start), "quarter") {
			return "" // "the period" of a story about anything but earnings
		}
		return c.lastQuarter(0)
	}),
	// early April 2023 / April 2023
	rule(months, modRE+monthRE+`,? (?:of )?`+yearRE, func(m match, c *dateContext) string {
		return fmt.Sprintf("%04d-%02d", atoi(m.get("year")), month(m.get("month")))
	}),
	// last February / next March / this April
	rule(months, `(?P<rel>(?i:last|next|this|past|previous|coming)) `+monthRE, func(m match, c *dateContext) string {
		return c.relativeMonth(strings.ToLower(m.get("rel")), month(m.get("month")))
	}),
	// early April / April / mid-May
	rule(months, modRE+monthRE, func(m match, c *dateContext) string {
		if m.get("month") == "May" && !strings.Contains(strings.ToLower(c.text[m.start:m.end]), " ") && !c.monthContext(m.start) {
			return "" // the verb "May" opening a sentence
		}
		return c.month(month(m.get("month")), m.start)
	}),
	// the 1990s
	rule([]string{"0s"}, `(?:(?i:the) )?(?:(?i:early|mid|late)[- ])?(?P<decade>1[89][0-9]|20[0-9])0s`, func(m match, c *dateContext) string {
		return m.get("decade")
	}),
	// mid-2023 / 2011 / early 2020
	rule(years, modRE+yearRE, func(m match, c *dateContext) string {
		if !c.looksLikeYear(m.start, m.end) {
			return ""
		}
		return m.get("year")
	}),
	// earlier this month / later this year / early next week / last weekend
	rule([]string{"week", "month", "year", "quarter"}, `(?:(?i:early|earlier|late|later|mid|the end of|the beginning of|the start of|the middle of)[- ])?(?P<rel>(?i:this|last|next|past|previous|coming)) (?P<unit>(?i:week|weekend|month|year|quarter))`, func(m match, c *dateContext) string {
		return c.relative(strings.ToLower(m.get("rel")), strings.ToLower(m.get("unit")))
	}),
	// the weekend / this weekend
	rule([]string{"weekend"}, `(?i:the) (?P<unit>(?i:weekend))`, func(m match, c *dateContext) string {
		return c.weekend(c.tense(m.start))
	}),
	// more than 10 years ago / two weeks ago
	rule([]string{"ago", "earlier"}, approxRE+numberRE+` (?P<unit>(?i:years?|months?|weeks?|days?)) (?i:ago|earlier)`, func(m match, c *dateContext) string {
		unit := strings.TrimSuffix(strings.ToLower(m.get("unit")), "s")
		n := number(m.get("n"))
		if unit == "year" && n == 1 && strings.Contains(c.sentence(m.start), "quarter") {
			return c.lastQuarter(-1) // "a year earlier" of quarterly results
		}
		return c.ago(n, unit)
	}),
	// recent months / the past years / the coming days and weeks
	rule([]string{"recent", "past", "last", "coming", "next", "upcoming"}, `(?P<ref>(?i:recent|the past|the last|the coming|the next|the upcoming|coming)) (?P<unit>(?i:days|weeks|months|years|decades))(?: (?i:and|or) (?i:days|weeks|months|years))?`, func(m match, c *dateContext) string {
		switch strings.ToLower(m.get("ref")) {
		case "recent", "the past", "the last":
			return "PAST_REF"
		}
		return "FUTURE_REF"
	}),
	rule([]string{"future"}, `(?i:the (?:near |distant )?future|future)`, func(m match, c *dateContext) string { return "FUTURE_REF" }),
	rule([]string{"soon"}, `(?i:soon)`, func(m match, c *dateContext) string {
		if strings.HasSuffix(strings.ToLower(c.text[:m.start]), "as ") {
			return "" // "as soon as possible"
		}
		return "FUTURE_REF"
	}),
	rule([]string{"recently", "lately"}, `(?i:recently|lately)`, func(m match, c *dateContext) string { return "PAST_REF" }),
	rule([]string{"past"}, `(?i:the past)`, func(m match, c *dateContext) string {
		if countFollows(c.text[m.end:]) {
			return "" // "the past two years" is a duration
		}
		return "PAST_REF"
	}),
	rule([]string{"current", "present", "nowadays"}, `(?i:the current point in time|the present time|the present day|nowadays|currently|at present)`, func(m match, c *dateContext) string {
		return "PRESENT_REF"
	}),
	rule([]string{"now"}, `(?i:now)`, func(m match, c *dateContext) string { return c.now(m.start) }),
	rule([]string{"today"}, `(?i:today)`, func(m match, c *dateContext) string { return c.today(m.start) }),
	rule([]string{"yesterday", "tomorrow"}, `(?P<rel>(?i:yesterday|tomorrow))`, func(m match, c *dateContext) string {
		return c.shiftDays(map[string]int{"yesterday": -1, "tomorrow": 1}[strings.ToLower(m.get("rel"))])
	}),
	// Tuesday night: the day with its part, as TimeML writes it (1998-02-11TNI)
	rule(days, `(?:(?P<rel>(?i:last|next|this|on|coming)) )?`+weekdayRE+` (?P<part>(?i:morning|afternoon|evening|night))`, func(m match, c *dateContext) string {
		d := c.weekday(strings.ToLower(m.get("rel")), weekday(m.get("weekday")), m.start)
		return d + map[string]string{"morning": "TMO", "afternoon": "TAF", "evening": "TEV", "night": "TNI"}[strings.ToLower(m.get("part"))]
	}),
	// last Tuesday / Tuesday
	rule(days, `(?:(?P<rel>(?i:last|next|this|on|coming)) )?`+weekdayRE, func(m match, c *dateContext) string {
		return c.weekday(strings.ToLower(m.get("rel")), weekday(m.get("weekday")), m.start)
	}),
	// the first quarter of 2023 / the third quarter
	rule(quarters, `(?i:the )?(?P<q>(?i:first|second|third|fourth)) (?i:quarter)(?: (?i:of) `+yearRE+`)?`, func(m match, c *dateContext) string {
		q := map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4}[strings.ToLower(m.get("q"))]
		year := c.yearOr(m.get("year"), m.start)
		return fmt.Sprintf("%s-Q%d", year, q)
	}),
	// summer 2023 / last winter / this spring
	rule([]string{"spring", "summer", "autumn", "winter"}, `(?:(?P<rel>(?i:last|next|this|early|late)) )?(?P<season>(?i:spring|summer|autumn|winter))(?: (?:of )?`+yearRE+`)?`, func(m match, c *dateContext) string {
		return c.season(strings.ToLower(m.get("rel")), strings.ToLower(m.get("season")), m.get("year"), m.start)
	}),
}

// findDates returns the date mentions of text resolved against dct (zero
// when the article's date is unknown).
func findDates(text string, toks []token, dct time.Time) []storyline.Entity {
	c := &dateContext{text: text, toks: toks, dct: dct}
	if dct.IsZero() {
		c.fullDates = findFullDates(text)
	}
	lower := strings.ToLower(text)
	var found []storyline.Entity
	taken := func(s, e int) bool {
		return slices.ContainsFunc(found, func(f storyline.Entity) bool { return f.Start < e && s < f.End })
	}
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
			value := r.resolve(m, c)
			if value == "" {
				if strings.Contains(text[start:end], " ") {
					// "February 30" is no date, and no "February" either.
					found = append(found, storyline.Entity{Start: start, End: end})
				}
				continue
			}
			found = append(found, storyline.Entity{Type: storyline.Date, Text: text[start:end], Start: start, End: end, Norm: value})
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

// dateContext resolves values: the text, its tokens (for tense) and the DCT.
type dateContext struct {
	text string
	toks []token
	dct  time.Time
	// anchor is, when the DCT is unknown, the last full date written before
	// the mention being resolved ("June 9" after "June 9, 2024"), found
	// among fullDates.
	anchor    time.Time
	fullDates []datedAt
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
	for _, f := range c.fullDates {
		if f.at > pos {
			break
		}
		c.anchor = f.date
	}
}

// ref is the date relative values count from: the DCT, else the anchor.
func (c *dateContext) ref() (time.Time, bool) {
	if !c.dct.IsZero() {
		return c.dct, true
	}
	return c.anchor, !c.anchor.IsZero()
}

type tense int

const (
	past tense = iota
	present
	future
)

// tense reads the tense of the clause around pos from the nearest verb in
// its sentence: "will", "would" or "may" make it future, a past form past, a
// present form present. News mostly reports what happened, so past is the
// default.
func (c *dateContext) tense(pos int) tense {
	i, _ := slices.BinarySearchFunc(c.toks, pos, func(t token, p int) int { return t.start - p })
	best, bestDist := past, 1<<30
	found := false
	for dir := -1; dir <= 1; dir += 2 {
		for k, dist := i, 0; k >= 0 && k < len(c.toks) && dist < 12; k, dist = k+dir, dist+1 {
			if dir == 1 && k == i && dist == 0 && k < len(c.toks) && c.toks[k].start < pos {
				continue
			}
			t := c.toks[k]
			if t.text == "." || t.text == "?" || t.text == "!" || t.text == ";" {
				break
			}
			// A subordinate clause has its own verb: "told on Monday that
			// the meeting would take place".
			if dist > 0 && (t.tag == "WDT" || t.tag == "WP" || strings.EqualFold(t.text, "that")) {
				break
			}
			var v tense
			switch {
			case t.tag == "MD" && !slices.Contains([]string{"could", "might", "can", "must"}, strings.ToLower(t.text)):
				// will, shall, would, may: what is still to happen.
				v = future
			case t.tag == "VBD":
				v = past
			case t.tag == "VBZ" || t.tag == "VBP":
				v = present
			default:
				continue
			}
			// On a tie the verb before the date governs it: "said on
			// Tuesday they would meet".
			if dist < bestDist {
				best, bestDist, found = v, dist, true
			}
			break
		}
	}
	if !found {
		return past
	}
	return best
}

func (c *dateContext) yearOr(year string, pos int) string {
	if year != "" {
		return year
	}
	if r, ok := c.ref(); ok {
		return strconv.Itoa(r.Year())
	}
	return "XXXX"
}

// monthDay resolves a day of a month without a year to the nearest such
// date to the reference date.
func (c *dateContext) monthDay(m time.Month, day int, pos int) string {
	if ymd(2000, m, day) == "" { // 2000 was a leap year: only impossible days fail
		return "" // February 30
	}
	r, ok := c.ref()
	if !ok {
		return fmt.Sprintf("XXXX-%02d-%02d", m, day)
	}
	// The nearest such day; when the one before and the one after are
	// about as near (a month apart at most), the tense decides.
	best := time.Time{}
	t := c.tense(pos)
	for _, y := range []int{r.Year() - 1, r.Year(), r.Year() + 1} {
		d := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		if d.Day() != day {
			continue // no such day in that year
		}
		if best.IsZero() {
			best = d
			continue
		}
		dist, bestDist := absDur(d.Sub(day0(r))), absDur(best.Sub(day0(r)))
		nearTie := absDur(dist-bestDist) <= 30*24*time.Hour
		switch {
		case nearTie && t == past:
			if d.Before(best) {
				best = d
			}
		case nearTie && t == future:
			if d.After(best) {
				best = d
			}
		case dist < bestDist:
			best = d
		}
	}
	if best.IsZero() {
		return ""
	}
	return best.Format(time.DateOnly)
}

func (c *dateContext) dayRange(year string, m time.Month, d1, d2, pos int) string {
	if d2 < d1 {
		return ""
	}
	if year != "" {
		y := atoi(year)
		return ymd(y, m, d1) + "/" + ymd(y, m, d2)
	}
	a, b := c.monthDay(m, d1, pos), c.monthDay(m, d2, pos)
	if a == "" || b == "" {
		return ""
	}
	if a[:4] != b[:4] { // keep both ends in one year
		b = a[:4] + b[4:]
	}
	return a + "/" + b
}

// month resolves a month without a year to the nearest such month; the
// tense decides only between two equally near (six months either way).
// Measured on the fixtures and the TimeML dev set, the tense alone chooses
// worse: "the December talks" sits in a clause about the future.
func (c *dateContext) month(m time.Month, pos int) string {
	r, ok := c.ref()
	if !ok {
		return fmt.Sprintf("XXXX-%02d", m)
	}
	diff := int(m) - int(r.Month()) // -11..11
	year := r.Year()
	switch {
	case diff > 6 || diff == 6 && c.tense(pos) != future:
		year--
	case diff < -6 || diff == -6 && c.tense(pos) == future:
		year++
	}
	return fmt.Sprintf("%04d-%02d", year, m)
}

// lastQuarter is the last quarter completed before the reference date,
// shifted by years: what earnings news means by "the quarter" (0) and "the
// year-earlier quarter" (-1).
func (c *dateContext) lastQuarter(years int) string {
	r, ok := c.ref()
	if !ok {
		return "XXXX-QX"
	}
	q := (int(r.Month())-1)/3 - 1 // 0-based quarter before the current one
	y := r.Year() + years
	if q < 0 {
		q, y = 3, y-1
	}
	return fmt.Sprintf("%04d-Q%d", y, q+1)
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

func (c *dateContext) relativeMonth(rel string, m time.Month) string {
	r, ok := c.ref()
	if !ok {
		return fmt.Sprintf("XXXX-%02d", m)
	}
	year := r.Year()
	switch rel {
	case "last", "past", "previous":
		if m >= r.Month() {
			year--
		}
	case "next", "coming":
		if m <= r.Month() {
			year++
		}
	}
	return fmt.Sprintf("%04d-%02d", year, m)
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

func (c *dateContext) relative(rel, unit string) string {
	r, ok := c.ref()
	shift := map[string]int{"this": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}[rel]
	switch unit {
	case "year":
		if !ok {
			return "XXXX"
		}
		return strconv.Itoa(r.Year() + shift)
	case "month":
		if !ok {
			return "XXXX-XX"
		}
		t := time.Date(r.Year(), r.Month()+time.Month(shift), 1, 0, 0, 0, 0, time.UTC)
		return t.Format("2006-01")
	case "quarter":
		if !ok {
			return "XXXX-QX"
		}
		q := (int(r.Month())-1)/3 + shift
		y := r.Year()
		for q < 0 {
			q += 4
			y--
		}
		for q > 3 {
			q -= 4
			y++
		}
		return fmt.Sprintf("%04d-Q%d", y, q+1)
	case "week":
		if !ok {
			return "XXXX-WXX"
		}
		return isoWeek(r.AddDate(0, 0, 7*shift))
	case "weekend":
		if !ok {
			return "XXXX-WXX-WE"
		}
		switch rel {
		case "this":
			return isoWeek(r) + "-WE"
		case "last", "past", "previous":
			return c.weekend(past)
		default:
			return c.weekend(future)
		}
	}
	return ""
}

// weekend is the weekend before the reference date (past) or the next one.
func (c *dateContext) weekend(t tense) string {
	r, ok := c.ref()
	if !ok {
		return "XXXX-WXX-WE"
	}
	onWeekend := r.Weekday() == time.Saturday || r.Weekday() == time.Sunday
	if t == future || onWeekend {
		return isoWeek(r) + "-WE"
	}
	return isoWeek(r.AddDate(0, 0, -7)) + "-WE"
}

func (c *dateContext) ago(n int, unit string) string {
	r, ok := c.ref()
	if n <= 0 || !ok {
		return "PAST_REF" // "a few years ago", or no date to count from
	}
	switch unit {
	case "year":
		return strconv.Itoa(r.Year() - n)
	case "month":
		return r.AddDate(0, -n, 0).Format("2006-01")
	case "week":
		return isoWeek(r.AddDate(0, 0, -7*n))
	case "day":
		return r.AddDate(0, 0, -n).Format(time.DateOnly)
	}
	return ""
}

// now is PRESENT_REF; "now" as an adverb of sequence ("now 12-year war")
// still refers to the present.
func (c *dateContext) now(pos int) string { return "PRESENT_REF" }

// today is the publication day, as news uses it ("said today", "Today, the
// ministry…"), unless it stands before the object of its clause and means
// nowadays ("Turkey controls today vast parts").
func (c *dateContext) today(pos int) string {
	if c.dct.IsZero() {
		return "PRESENT_REF"
	}
	i, _ := slices.BinarySearchFunc(c.toks, pos, func(t token, p int) int { return t.start - p })
	if i > 0 && i+1 < len(c.toks) && c.toks[i-1].tag != "VBD" && c.toks[i-1].tag != "VBN" {
		switch c.toks[i+1].tag {
		case "JJ", "DT", "NN", "NNS", "CD", "PRP$":
			return "PRESENT_REF"
		}
	}
	return c.dct.Format(time.DateOnly)
}

func (c *dateContext) shiftDays(n int) string {
	r, ok := c.ref()
	if !ok || c.dct.IsZero() {
		return ""
	}
	return r.AddDate(0, 0, n).Format(time.DateOnly)
}

// weekday resolves a day of the week by the tense of its clause: past is the
// last such day on or before the reference date, future the next after it.
func (c *dateContext) weekday(rel string, wd time.Weekday, pos int) string {
	if c.dct.IsZero() {
		return fmt.Sprintf("XXXX-WXX-%d", isoWeekday(wd))
	}
	r := day0(c.dct)
	back := (int(r.Weekday()) - int(wd) + 7) % 7
	fwd := (int(wd) - int(r.Weekday()) + 7) % 7
	var d time.Time
	switch t := c.tense(pos); {
	case rel == "last":
		if back == 0 {
			back = 7
		}
		d = r.AddDate(0, 0, -back)
	case rel == "next" || rel == "coming":
		if fwd == 0 {
			fwd = 7
		}
		d = r.AddDate(0, 0, fwd)
	case rel == "this":
		d = r.AddDate(0, 0, isoWeekday(wd)-isoWeekday(r.Weekday()))
	case t == future:
		if fwd == 0 {
			fwd = 7
		}
		d = r.AddDate(0, 0, fwd)
	default:
		d = r.AddDate(0, 0, -back)
	}
	return d.Format(time.DateOnly)
}

func (c *dateContext) season(rel, season, year string, pos int) string {
	code := map[string]string{"spring": "SP", "summer": "SU", "autumn": "FA", "winter": "WI"}[season]
	if year != "" {
		return year + "-" + code
	}
	r, ok := c.ref()
	if !ok {
		return "XXXX-" + code
	}
	y := r.Year()
	switch rel {
	case "last":
		y--
	case "next":
		y++
	case "", "early", "late":
		if rel == "" && !c.seasonContext(pos) {
			return ""
		}
	}
	return fmt.Sprintf("%04d-%s", y, code)
}

// seasonContext accepts a bare season only after "in", "this", "the" or
// "during": "spring" alone is too often something else.
func (c *dateContext) seasonContext(pos int) bool {
	before := strings.ToLower(c.text[max(0, pos-8):pos])
	return strings.HasSuffix(before, "in ") || strings.HasSuffix(before, "the ") || strings.HasSuffix(before, "during ")
}

func isoWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

func isoWeekday(wd time.Weekday) int {
	if wd == time.Sunday {
		return 7
	}
	return int(wd)
}

func day0(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func ymd(y int, m time.Month, d int) string {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || t.Month() != m {
		return "" // February 30 is no date
	}
	return t.Format(time.DateOnly)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func month(name string) time.Month {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(strings.ToLower(m.String()), name) {
			return m
		}
	}
	return 0
}

func weekday(name string) time.Weekday {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if d.String() == name {
			return d
		}
	}
	return 0
}

var numberWords = map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
	"thirty": 30, "fifty": 50}

// number reads a count; vague ones ("a few", "several") give 0, which the
// callers turn into no value.
func number(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return numberWords[strings.ToLower(s)]
}
