package nlp

import (
	"slices"
	"strconv"
	"time"

	"github.com/storyline/storyline/timex"
)

// dateContext resolves values: the text, its tokens (for tense) and the DCT.
// Its methods choose which day, month or week a mention means; package
// timex writes the value.
type dateContext struct {
	text string
	toks []token
	dct  time.Time
	// anchor is, when the DCT is unknown, the last full date written before
	// the mention being resolved ("June 9" after "June 9, 2024"), found
	// among fullDates.
	anchor    time.Time
	fullDates []datedAt
	game      int8 // whether the text tells a match: 0 not yet known, 1 no, 2 yes
}

// ref is the date relative values count from: the DCT, else the anchor.
func (c *dateContext) ref() (time.Time, bool) {
	if !c.dct.IsZero() {
		return c.dct, true
	}
	return c.anchor, !c.anchor.IsZero()
}

// yearOr is the year a rule read, else the reference date's, as the rules
// write it ("XXXX" when unknown).
func (c *dateContext) yearOr(year string) string {
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
func (c *dateContext) monthDay(m time.Month, day int, pos int) timex.Value {
	if realDay(2000, m, day).IsZero() { // 2000 was a leap year: only impossible days fail
		return timex.Value{} // February 30
	}
	if y, ok := c.listYear(pos); ok {
		return timex.Day(y, m, day)
	}
	r, ok := c.ref()
	if !ok {
		return timex.Day(timex.X, m, day)
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
		return timex.Value{}
	}
	return timex.DayOf(best)
}

// dayRange resolves "3 to 4 April": with its year, else both ends nearest
// the reference date and in one year.
func (c *dateContext) dayRange(year string, m time.Month, d1, d2, pos int) string {
	if d2 < d1 {
		return ""
	}
	if year != "" {
		a, b := realDay(atoi(year), m, d1), realDay(atoi(year), m, d2)
		if a.IsZero() || b.IsZero() {
			return "" // "April 30-31": no such day, no such range
		}
		return timex.Range(a, b).String()
	}
	a, b := c.monthDay(m, d1, pos), c.monthDay(m, d2, pos)
	if a.IsZero() || b.IsZero() {
		return ""
	}
	if a.Year() != b.Year() { // keep both ends in one year
		b = timex.Day(a.Year(), m, d2)
	}
	return timex.Range(a, b).String()
}

// month resolves a month without a year to the nearest such month; the
// tense decides only between two equally near (six months either way).
// Measured on the fixtures and the TimeML dev set, the tense alone chooses
// worse: "the December talks" sits in a clause about the future.
func (c *dateContext) month(m time.Month, pos int) timex.Value {
	r, ok := c.ref()
	if !ok {
		return timex.Month(timex.X, m)
	}
	diff := int(m) - int(r.Month()) // -11..11
	year := r.Year()
	switch {
	case diff > 6 || diff == 6 && c.tense(pos) != future:
		year--
	case diff < -6 || diff == -6 && c.tense(pos) == future:
		year++
	}
	return timex.Month(year, m)
}

// lastQuarter is the last quarter completed before the reference date,
// shifted by years: what earnings news means by "the quarter" (0) and "the
// year-earlier quarter" (-1).
func (c *dateContext) lastQuarter(years int) timex.Value {
	r, ok := c.ref()
	if !ok {
		return timex.Quarter(timex.X, timex.X)
	}
	return timex.QuarterOf(r).Add(4*years - 1)
}

func (c *dateContext) relativeMonth(rel string, m time.Month) timex.Value {
	r, ok := c.ref()
	if !ok {
		return timex.Month(timex.X, m)
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
	return timex.Month(year, m)
}

func (c *dateContext) relative(rel, unit string) string {
	r, ok := c.ref()
	shift := map[string]int{"this": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}[rel]
	var v timex.Value
	switch unit {
	case "year":
		if !ok {
			return timex.Year(timex.X).String()
		}
		return yearValue(r.Year() + shift)
	case "month":
		v = timex.Month(timex.X, timex.X)
		if ok {
			v = timex.MonthOf(r).Add(shift)
		}
	case "quarter":
		v = timex.Quarter(timex.X, timex.X)
		if ok {
			v = timex.QuarterOf(r).Add(shift)
		}
	case "week":
		v = timex.Week(timex.X, timex.X)
		if ok {
			v = timex.WeekOf(r).Add(shift)
		}
	case "weekend":
		switch {
		case !ok:
			v = timex.Weekend(timex.X, timex.X)
		case rel == "this":
			v = timex.WeekendOf(r)
		case rel == "last" || rel == "past" || rel == "previous":
			v = c.weekend(past)
		default:
			v = c.weekend(future)
		}
	}
	return v.String()
}

// weekend is the weekend before the reference date (past) or the next one.
func (c *dateContext) weekend(t tense) timex.Value {
	r, ok := c.ref()
	if !ok {
		return timex.Weekend(timex.X, timex.X)
	}
	onWeekend := r.Weekday() == time.Saturday || r.Weekday() == time.Sunday
	if t == future || onWeekend {
		return timex.WeekendOf(r)
	}
	return timex.WeekendOf(r).Add(-1)
}

// ago counts n units back from the reference date. A month back is
// time.AddDate's: "a month ago" on March 31 is March 3, in March.
func (c *dateContext) ago(n int, unit string) string {
	r, ok := c.ref()
	if n <= 0 || !ok {
		return timex.PastRef.String() // "a few years ago", or no date to count from
	}
	switch unit {
	case "year":
		return yearValue(r.Year() - n)
	case "month":
		return timex.MonthOf(r.AddDate(0, -n, 0)).String()
	case "week":
		return timex.WeekOf(r.AddDate(0, 0, -7*n)).String()
	case "day":
		return timex.DayOf(r.AddDate(0, 0, -n)).String()
	}
	return ""
}

// now is PRESENT_REF; "now" as an adverb of sequence ("now 12-year war")
// still refers to the present.
func (c *dateContext) now(pos int) timex.Value { return timex.PresentRef }

// today is the publication day, as news uses it ("said today", "Today, the
// ministry…"), unless it stands before the object of its clause and means
// nowadays ("Turkey controls today vast parts").
func (c *dateContext) today(pos int) timex.Value {
	if c.dct.IsZero() {
		return timex.PresentRef
	}
	i, _ := slices.BinarySearchFunc(c.toks, pos, func(t token, p int) int { return t.start - p })
	if i > 0 && i+1 < len(c.toks) && c.toks[i-1].tag != "VBD" && c.toks[i-1].tag != "VBN" {
		switch c.toks[i+1].tag {
		case "JJ", "DT", "NN", "NNS", "CD", "PRP$":
			return timex.PresentRef
		}
	}
	return timex.DayOf(c.dct)
}

func (c *dateContext) shiftDays(n int) timex.Value {
	r, ok := c.ref()
	if !ok || c.dct.IsZero() {
		return timex.Value{}
	}
	return timex.DayOf(r.AddDate(0, 0, n))
}

// weekday resolves a day of the week by the tense of its clause: past is the
// last such day on or before the reference date, future the next after it.
func (c *dateContext) weekday(rel string, wd time.Weekday, pos int) timex.Value {
	if c.dct.IsZero() {
		return timex.Weekday(timex.X, timex.X, wd)
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
		// That day of the reference date's ISO week.
		y, w := r.ISOWeek()
		var ok bool
		if d, _, ok = timex.Weekday(y, w, wd).Span(); !ok {
			return timex.Value{} // a week before the year 0
		}
	case t == future:
		if fwd == 0 {
			fwd = 7
		}
		d = r.AddDate(0, 0, fwd)
	default:
		d = r.AddDate(0, 0, -back)
	}
	return timex.DayOf(d)
}

func (c *dateContext) season(rel string, s timex.SeasonName, year string, pos int) timex.Value {
	if year != "" {
		return timex.Season(atoi(year), s)
	}
	r, ok := c.ref()
	if !ok {
		return timex.Season(timex.X, s)
	}
	y := r.Year()
	switch rel {
	case "last":
		y--
	case "next":
		y++
	case "", "early", "late":
		if rel == "" && !c.seasonContext(pos) {
			return timex.Value{}
		}
	}
	return timex.Season(y, s)
}

// realDay is the day y-m-d, or no value when there is no such day
// (February 30).
func realDay(y int, m time.Month, d int) timex.Value {
	v := timex.Day(y, m, d)
	if _, _, ok := v.Span(); !ok {
		return timex.Value{}
	}
	return v
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

// yearValue writes year y, or nothing for a year TIMEX3 cannot write in
// four digits ("3000 years ago").
func yearValue(y int) string {
	if y < 1000 || y > 9999 {
		return ""
	}
	return timex.Year(y).String()
}
