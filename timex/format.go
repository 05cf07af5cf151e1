package timex

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The written forms of values: String writes what Parse reads.

// String formats v as TIMEX3 writes it; the zero Value is "".
func (v Value) String() string {
	if v.to.kind == none {
		return v.from.String()
	}
	return v.from.String() + "/" + v.to.String()
}

func (p point) String() string {
	var b strings.Builder
	field := func(n, width int) {
		if n == X {
			b.WriteString(strings.Repeat("X", width))
			return
		}
		s := strconv.Itoa(n)
		b.WriteString(strings.Repeat("0", width-len(s)))
		b.WriteString(s)
	}
	switch p.kind {
	case none:
		return ""
	case pastRef:
		return "PAST_REF"
	case presentRef:
		return "PRESENT_REF"
	case futureRef:
		return "FUTURE_REF"
	case century:
		field(p.year, 2)
		return b.String()
	case decade:
		field(p.year, 3)
		if p.yearX {
			b.WriteByte('X')
		}
		return b.String()
	}
	field(p.year, 4)
	switch p.kind {
	case month, day:
		b.WriteByte('-')
		field(p.n, 2)
		if p.kind == day {
			b.WriteByte('-')
			field(p.day, 2)
		}
	case week, weekend, weekday:
		b.WriteString("-W")
		field(p.n, 2)
		switch p.kind {
		case weekend:
			b.WriteString("-WE")
		case weekday:
			b.WriteByte('-')
			field(p.day, 1)
		}
	case quarter:
		b.WriteString("-Q")
		field(p.n, 1)
	case season:
		b.WriteString("-" + seasonCodes[p.n])
	}
	b.WriteString(string(p.part))
	return b.String()
}

// ErrSyntax is returned, wrapped, by Parse for a string that is no value in
// the forms this package writes.
var ErrSyntax = errors.New("not a TIMEX3 date value")

// Parse reads a value in any form String writes, and only those: Parse(s)
// succeeds exactly when Parse(s).String() == s. Errors wrap ErrSyntax.
func Parse(s string) (Value, error) {
	a, b, isRange := strings.Cut(s, "/")
	from, ok := parsePoint(a)
	if ok && isRange {
		var to Value
		to, ok = parsePoint(b)
		from = Range(from, to)
		ok = ok && !from.IsZero()
	}
	if !ok {
		return Value{}, fmt.Errorf("timex: parse %q: %w", s, ErrSyntax)
	}
	return from, nil
}

func parsePoint(s string) (Value, bool) {
	switch s {
	case "PAST_REF":
		return PastRef, true
	case "PRESENT_REF":
		return PresentRef, true
	case "FUTURE_REF":
		return FutureRef, true
	}
	if len(s) == 2 {
		c, ok := digits(s)
		return Century(c), ok
	}
	if len(s) == 3 {
		d, ok := digits(s)
		return Decade(d), ok
	}
	if d, ok := digits(s[:min(3, len(s))]); ok && len(s) == 4 && s[3] == 'X' {
		return DecadeX(d), true
	}
	if len(s) < 4 {
		return Value{}, false
	}
	y, ok := field(s[:4])
	rest, hasRest := strings.CutPrefix(s[4:], "-")
	switch {
	case !ok:
		return Value{}, false
	case s[4:] == "":
		return Year(y), true
	case !hasRest || len(rest) < 2:
		return Value{}, false
	}
	for n, code := range seasonCodes {
		if rest == code && n > 0 {
			return Season(y, SeasonName(n)), true
		}
	}
	var v Value
	switch rest[0] {
	case 'Q':
		q, ok := field(rest[1:])
		if !ok || len(rest) != 2 {
			return Value{}, false
		}
		v = Quarter(y, q)
	case 'W':
		if len(rest) < 3 {
			return Value{}, false
		}
		w, ok := field(rest[1:3])
		switch after := rest[3:]; {
		case !ok:
			return Value{}, false
		case after == "":
			v = Week(y, w)
		case after == "-WE":
			v = Weekend(y, w)
		case len(after) >= 2 && after[0] == '-' && '1' <= after[1] && after[1] <= '7':
			v, ok = withPart(valueOf(point{kind: weekday, year: y, n: w, day: int(after[1] - '0')}), after[2:])
			if !ok {
				return Value{}, false
			}
		default:
			return Value{}, false
		}
	default:
		m, ok := field(rest[:2])
		switch after := rest[2:]; {
		case !ok:
			return Value{}, false
		case after == "":
			v = Month(y, time.Month(m))
		case len(after) >= 3 && after[0] == '-':
			d, ok := field(after[1:3])
			if !ok {
				return Value{}, false
			}
			if v, ok = withPart(Day(y, time.Month(m), d), after[3:]); !ok {
				return Value{}, false
			}
		default:
			return Value{}, false
		}
	}
	return v, !v.IsZero()
}

// withPart reads the part of the day written after a day or weekday.
func withPart(v Value, code string) (Value, bool) {
	if code == "" {
		return v, true
	}
	v = v.At(Part(code))
	return v, !v.IsZero()
}

// field reads a field of a value: digits, or as many X for unknown.
func field(s string) (int, bool) {
	if s != "" && strings.Trim(s, "X") == "" {
		return X, true
	}
	return digits(s)
}

// digits reads a non-empty string of ASCII digits.
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
