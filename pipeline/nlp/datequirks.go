package nlp

import (
	"strconv"
	"time"

	"github.com/storyline/storyline/timex"
)

// Version 7 of the rules writes a few values that are no TIMEX3 value, for
// text the rules misread. They are written by hand here, and nowhere else,
// for as long as rulesVersion is "7": an extraction stored by version 7
// must stay what version 7 extracts. With the next rules version, delete
// this file and let package timex write these values, or drop them.

// v7Year writes year y; outside 1000–9999 it writes the bare number: "993"
// for "1030 years ago" in 2023, which TIMEX3 reads as a decade, and "-977"
// for "3000 years ago".
func v7Year(y int) string {
	if y < 1000 || y > 9999 {
		return strconv.Itoa(y)
	}
	return timex.Year(y).String()
}

// v7Quarter writes quarter q of a year as the quarter rules read it: four
// digits or XXXX, or, where they misread it, the digits of two years run
// together ("19891990-Q3" for "the 1989 third quarter of 1990") or a
// reference date's year written with fewer digits.
func v7Quarter(year string, q int) string {
	if year == "XXXX" {
		return timex.Quarter(timex.X, q).String()
	}
	if y, err := strconv.Atoi(year); err == nil && len(year) == 4 {
		return timex.Quarter(y, q).String()
	}
	return year + "-Q" + strconv.Itoa(q)
}

// v7DayRange writes days d1 to d2 of month m of year y; a day that does not
// exist is written as nothing: "2023-04-30/" for "April 30-31, 2023".
func v7DayRange(y int, m time.Month, d1, d2 int) string {
	a, b := realDay(y, m, d1), realDay(y, m, d2)
	if a.IsZero() || b.IsZero() {
		return a.String() + "/" + b.String()
	}
	return timex.Range(a, b).String()
}
