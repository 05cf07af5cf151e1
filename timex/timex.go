// Package timex reads, writes and compares TIMEX3 DATE values in the forms
// storyline and the TimeML golds write them: days (2023-04-25, and with a
// part of the day, 2023-04-25TNI, which golds and stores of rules before
// version 12 hold), months
// (2023-04), years (2023), decades (199), centuries (19), ISO weeks (2023-W14), weekends
// (2023-W12-WE), weekdays (XXXX-WXX-3), quarters (2023-Q1), seasons
// (2023-SU), the references PAST_REF, PRESENT_REF and FUTURE_REF, and
// intervals (2023-04-03/2023-04-04). Any field may be unknown, written with
// X placeholders (XXXX-04-25, XXXX-WXX); constructors take X for it.
//
// The extraction stage writes these values, and the story stage, the web
// pages and the scorer read them back: they need the same arithmetic, and
// none of them should import the extractor's dependencies to get it, so
// this package imports only the standard library.
//
// A Value is plain and comparable with ==. Parse accepts exactly the
// strings String writes, so a stored value reads back and prints as it was
// stored. Parse checks the form, not the calendar: "2023-02-30" parses, as
// the TIMEX3 schema's pattern accepts it, and its Span is not ok.
package timex

import (
	"math"
	"time"
)

// X stands for an unknown field: Day(X, 4, 25) is XXXX-04-25. It is far
// from any year, so that arithmetic leaving the years 0 to 9999 ends out of
// range, not unknown.
const X = math.MinInt32

// A SeasonName is one of the four seasons of a year.
type SeasonName int

// The seasons, in the order of a year.
const (
	Spring SeasonName = iota + 1 // SP
	Summer                       // SU
	Fall                         // FA
	Winter                       // WI
)

var seasonCodes = [...]string{Spring: "SP", Summer: "SU", Fall: "FA", Winter: "WI"}

// A Part is a part of a day, as TimeML appends it to a day: 1998-02-11TNI.
// Unlike a season it has no arithmetic, so it is simply the code TimeML
// writes.
type Part string

// The parts of a day.
const (
	Morning   Part = "TMO"
	Afternoon Part = "TAF"
	Evening   Part = "TEV"
	Night     Part = "TNI"
)

// valid reports whether p is one of the parts of a day.
func (p Part) valid() bool {
	switch p {
	case Morning, Afternoon, Evening, Night:
		return true
	}
	return false
}

type kind uint8

const (
	none kind = iota
	year
	decade
	century
	month
	day
	week
	weekend
	weekday
	quarter
	season
	pastRef
	presentRef
	futureRef
)

// A Value is a TIMEX3 DATE value. The zero Value is no value: its String is
// "", and constructors return it for fields out of range.
type Value struct {
	from point
	to   point // the end of an interval; zero otherwise
}

// point is a value that is not an interval.
type point struct {
	kind kind
	year int  // X when unknown; for a decade, its first three digits; for a century, its first two
	n    int  // month, ISO week, quarter or season; X when unknown
	day  int  // day of the month, or ISO weekday (1 Monday … 7 Sunday); X when unknown
	part Part // "" when none
	// yearX marks a decade written as a year whose last digit is unknown
	// (199X) rather than by its three digits (199).
	yearX bool
}

// The references: what TimeML writes for a time known only as past,
// present or future.
var (
	PastRef    = Value{from: point{kind: pastRef}}
	PresentRef = Value{from: point{kind: presentRef}}
	FutureRef  = Value{from: point{kind: futureRef}}
)

// inRange reports whether v is X or within [lo, hi].
func inRange(v, lo, hi int) bool { return v == X || lo <= v && v <= hi }

// valueOf returns the value of p, or the zero Value when a field of p is out
// of range.
func valueOf(p point) Value {
	if !inRange(p.year, 0, 9999) && p.kind != decade && p.kind != century {
		return Value{}
	}
	ok := true
	switch p.kind {
	case decade:
		ok = 0 <= p.year && p.year <= 999
	case century:
		ok = 0 <= p.year && p.year <= 99
	case month:
		ok = inRange(p.n, 1, 12)
	case day:
		ok = inRange(p.n, 1, 12) && inRange(p.day, 1, 31)
	case week, weekend:
		ok = inRange(p.n, 1, 53)
	case weekday:
		ok = inRange(p.n, 1, 53) && 1 <= p.day && p.day <= 7
	case quarter:
		ok = inRange(p.n, 1, 4)
	case season:
		ok = 1 <= p.n && p.n <= 4
	}
	if !ok {
		return Value{}
	}
	return Value{from: p}
}

// Year is the year y: 2023.
func Year(y int) Value { return valueOf(point{kind: year, year: y}) }

// Decade is the decade whose years start with the three digits d: Decade(199)
// is the 1990s, written 199.
func Decade(d int) Value { return valueOf(point{kind: decade, year: d}) }

// DecadeX is Decade(d) written as a year with its last digit unknown,
// 199X, as TimeBank writes "the 1990s" where no modifier narrows it.
func DecadeX(d int) Value { return valueOf(point{kind: decade, year: d, yearX: true}) }

// Century is the century whose years start with the two digits c:
// Century(19) is the 20th century (1900-1999), written 19 as TimeML writes
// it.
func Century(c int) Value { return valueOf(point{kind: century, year: c}) }

// Month is month m of year y: 2023-04.
func Month(y int, m time.Month) Value { return valueOf(point{kind: month, year: y, n: int(m)}) }

// Day is day d of month m of year y: 2023-04-25. Only the ranges of the
// fields are checked; see Span for whether the day exists.
func Day(y int, m time.Month, d int) Value {
	return valueOf(point{kind: day, year: y, n: int(m), day: d})
}

// Week is ISO week w of ISO year y: 2023-W14.
func Week(y, w int) Value { return valueOf(point{kind: week, year: y, n: w}) }

// Weekend is the weekend (Saturday and Sunday) of ISO week w of ISO year y:
// 2023-W12-WE.
func Weekend(y, w int) Value { return valueOf(point{kind: weekend, year: y, n: w}) }

// Weekday is day d of ISO week w of ISO year y, written with ISO's day
// number (1 Monday … 7 Sunday): Weekday(X, X, time.Wednesday) is XXXX-WXX-3.
func Weekday(y, w int, d time.Weekday) Value {
	if d < time.Sunday || d > time.Saturday {
		return Value{}
	}
	return valueOf(point{kind: weekday, year: y, n: w, day: isoWeekday(d)})
}

// Quarter is quarter q (1 to 4) of year y: 2023-Q1.
func Quarter(y, q int) Value { return valueOf(point{kind: quarter, year: y, n: q}) }

// Season is season s of year y: 2023-SU. A winter belongs to the year of
// its December.
func Season(y int, s SeasonName) Value { return valueOf(point{kind: season, year: y, n: int(s)}) }

// Range is the interval from the start of from to the end of to:
// 2023-04-03/2023-04-04. It is the zero Value unless both ends are values
// other than intervals and references.
func Range(from, to Value) Value {
	if !from.isPoint() || !to.isPoint() {
		return Value{}
	}
	return Value{from: from.from, to: to.from}
}

// isPoint reports a value that can end an interval.
func (v Value) isPoint() bool {
	return v.to.kind == none && v.from.kind != none && v.from.kind < pastRef
}

// DayOf is the day of t, in t's location.
func DayOf(t time.Time) Value { return Day(known(t.Year()), t.Month(), t.Day()) }

// MonthOf is the month of t, in t's location.
func MonthOf(t time.Time) Value { return Month(known(t.Year()), t.Month()) }

// WeekOf is the ISO week of t, in t's location.
func WeekOf(t time.Time) Value {
	y, w := t.ISOWeek()
	return Week(known(y), w)
}

// WeekendOf is the weekend of the ISO week of t, in t's location: a Sunday
// is in the weekend of its own week, a Monday before the next one.
func WeekendOf(t time.Time) Value {
	y, w := t.ISOWeek()
	return Weekend(known(y), w)
}

// QuarterOf is the quarter of t, in t's location.
func QuarterOf(t time.Time) Value { return Quarter(known(t.Year()), quarterOf(t.Month())) }

// known keeps a computed year from reading as X: any year below 0 is out
// of range.
func known(y int) int {
	if y < 0 {
		return -1
	}
	return y
}

// The quarters and their months, the one place they meet: quarter q runs
// from month 3q-2 to month 3q.
func quarterOf(m time.Month) int    { return (int(m) + 2) / 3 }
func quarterStart(q int) time.Month { return time.Month(3*q - 2) }
func isoWeekday(d time.Weekday) int { return (int(d)+6)%7 + 1 }
func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// At is day or weekday v at part p of the day: 2023-04-25TNI. It is the
// zero Value when v is neither, or when p is none of the parts of a day.
func (v Value) At(p Part) Value {
	if !v.isPoint() || v.from.kind != day && v.from.kind != weekday || !p.valid() {
		return Value{}
	}
	v.from.part = p
	return v
}

// IsZero reports whether v is the zero Value, no value at all.
func (v Value) IsZero() bool { return v == Value{} }

// Year is the year of v (the ISO year of a week, the start's of an
// interval), or X when it has none: unknown, a decade, a reference.
func (v Value) Year() int {
	switch v.from.kind {
	case none, decade, century, pastRef, presentRef, futureRef:
		return X
	}
	return v.from.year
}

// Add moves v by n of its own unit: days for a day, ISO weeks for a week, a
// weekend or a weekday, months, quarters, seasons (by years), years or
// decades or centuries. It is the zero Value when v has an unknown field, is an
// interval or a reference, or when the result leaves the years 0 to 9999
// (a century: its 100 centuries).
func (v Value) Add(n int) Value {
	p := v.from
	if !v.isPoint() || p.year == X || p.n == X || p.day == X {
		return Value{}
	}
	switch p.kind {
	case year, decade, century, season:
		p.year = known(p.year + n)
		return valueOf(p)
	case month:
		return MonthOf(date(p.year, time.Month(p.n)+time.Month(n), 1))
	case quarter:
		q := p.year*4 + p.n - 1 + n
		if q < 0 {
			return Value{}
		}
		return Quarter(q/4, q%4+1)
	case day:
		start, _, ok := v.Span()
		if !ok {
			return Value{}
		}
		w := DayOf(start.AddDate(0, 0, n))
		if !w.IsZero() {
			w.from.part = p.part
		}
		return w
	case week, weekend, weekday:
		mon, ok := weekStart(p.year, p.n)
		if !ok {
			return Value{}
		}
		p.year, p.n = mon.AddDate(0, 0, 7*n).ISOWeek()
		p.year = known(p.year)
		return valueOf(p)
	}
	return Value{}
}

// Span is the time v covers, [start, end) in UTC days, when v is fully
// known: ok is false for a reference, a value with an unknown field, a day
// or week that does not exist (2023-02-30, 2021-W53) and an interval that
// ends before it starts. A part of a day spans the whole day: TimeML draws
// no hour lines between them. Seasons are the meteorological ones of the
// northern hemisphere, a winter from December to February.
func (v Value) Span() (start, end time.Time, ok bool) {
	start, end, ok = v.from.span()
	if !ok || v.to.kind == none {
		return start, end, ok
	}
	_, end, ok = v.to.span()
	if !ok || !start.Before(end) {
		return time.Time{}, time.Time{}, false
	}
	return start, end, true
}

func (p point) span() (start, end time.Time, ok bool) {
	if p.year == X || p.n == X || p.day == X {
		return time.Time{}, time.Time{}, false
	}
	switch p.kind {
	case year:
		start = date(p.year, time.January, 1)
		return start, start.AddDate(1, 0, 0), true
	case decade:
		start = date(p.year*10, time.January, 1)
		return start, start.AddDate(10, 0, 0), true
	case century:
		start = date(p.year*100, time.January, 1)
		return start, start.AddDate(100, 0, 0), true
	case month:
		start = date(p.year, time.Month(p.n), 1)
		return start, start.AddDate(0, 1, 0), true
	case day:
		start = date(p.year, time.Month(p.n), p.day)
		if start.Day() != p.day {
			return time.Time{}, time.Time{}, false
		}
		return start, start.AddDate(0, 0, 1), true
	case quarter:
		start = date(p.year, quarterStart(p.n), 1)
		return start, start.AddDate(0, 3, 0), true
	case season:
		start = date(p.year, time.Month(3*p.n), 1) // March, June, September, December
		return start, start.AddDate(0, 3, 0), true
	case week, weekend, weekday:
		mon, ok := weekStart(p.year, p.n)
		if !ok {
			return time.Time{}, time.Time{}, false
		}
		switch p.kind {
		case weekend:
			return mon.AddDate(0, 0, 5), mon.AddDate(0, 0, 7), true
		case weekday:
			return mon.AddDate(0, 0, p.day-1), mon.AddDate(0, 0, p.day), true
		}
		return mon, mon.AddDate(0, 0, 7), true
	}
	return time.Time{}, time.Time{}, false
}

// weekStart is the Monday of ISO week w of ISO year y; ok is false when y
// has no such week.
func weekStart(y, w int) (time.Time, bool) {
	jan4 := date(y, time.January, 4) // always in week 1
	mon := jan4.AddDate(0, 0, 1-isoWeekday(jan4.Weekday())+7*(w-1))
	if yy, ww := mon.ISOWeek(); yy != y || ww != w {
		return time.Time{}, false
	}
	return mon, true
}

// In reports whether v lies inside w: 2023-04-25 is in 2023-04, 2023-W17,
// 2023-Q2 and 2023; 2023-04-03/2023-04-04 is in 2023-04. It is false when
// the span of either is not known, so a value with placeholders or a
// reference lies in nothing, not even in itself.
func (v Value) In(w Value) bool {
	vs, ve, ok := v.Span()
	if !ok {
		return false
	}
	ws, we, ok := w.Span()
	return ok && !vs.Before(ws) && !ve.After(we)
}
