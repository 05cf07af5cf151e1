package timex

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// forms are the values storyline writes, one of each form, with the value
// the constructors make of them.
var forms = []struct {
	s string
	v Value
}{
	{"2023-04-25", Day(2023, time.April, 25)},
	{"XXXX-04-25", Day(X, time.April, 25)},
	{"2023-04-25TMO", Day(2023, time.April, 25).At(Morning)},
	{"1998-02-11TAF", Day(1998, time.February, 11).At(Afternoon)},
	{"1998-02-11TEV", Day(1998, time.February, 11).At(Evening)},
	{"2023-03-28TNI", Day(2023, time.March, 28).At(Night)},
	{"2023-04", Month(2023, time.April)},
	{"XXXX-04", Month(X, time.April)},
	{"XXXX-XX", Month(X, X)},
	{"2023", Year(2023)},
	{"0999", Year(999)},
	{"XXXX", Year(X)},
	{"199", Decade(199)},
	{"199X", DecadeX(199)},
	{"19", Century(19)},
	{"00", Century(0)},
	{"2023-W14", Week(2023, 14)},
	{"2023-W01", Week(2023, 1)},
	{"XXXX-WXX", Week(X, X)},
	{"2023-W12-WE", Weekend(2023, 12)},
	{"XXXX-WXX-WE", Weekend(X, X)},
	{"XXXX-WXX-3", Weekday(X, X, time.Wednesday)},
	{"XXXX-WXX-7", Weekday(X, X, time.Sunday)},
	{"XXXX-WXX-2TNI", Weekday(X, X, time.Tuesday).At(Night)},
	{"2023-W14-1", Weekday(2023, 14, time.Monday)},
	{"2023-Q1", Quarter(2023, 1)},
	{"XXXX-QX", Quarter(X, X)},
	{"2023-SP", Season(2023, Spring)},
	{"2023-SU", Season(2023, Summer)},
	{"2023-FA", Season(2023, Fall)},
	{"XXXX-WI", Season(X, Winter)},
	{"PAST_REF", PastRef},
	{"PRESENT_REF", PresentRef},
	{"FUTURE_REF", FutureRef},
	{"2023-04-03/2023-04-04", Range(Day(2023, time.April, 3), Day(2023, time.April, 4))},
	{"XXXX-04-03/XXXX-04-04", Range(Day(X, time.April, 3), Day(X, time.April, 4))},
	{"2023-04/2023-06", Range(Month(2023, time.April), Month(2023, time.June))},
	// The form, not the calendar: the TIMEX3 schema's pattern accepts it.
	{"2023-02-30", Day(2023, time.February, 30)},
}

func TestParseFormsRoundTrip(t *testing.T) {
	for _, tc := range forms {
		if tc.v.IsZero() {
			t.Errorf("constructor of %q gave the zero Value", tc.s)
			continue
		}
		if got := tc.v.String(); got != tc.s {
			t.Errorf("String() = %q, want %q", got, tc.s)
		}
		got, err := Parse(tc.s)
		if err != nil || got != tc.v {
			t.Errorf("Parse(%q) = %v, %v, want %v", tc.s, got, err, tc.v)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{
		"", "/", "2023-04-25/", "/2023-04-25", "2023/PAST_REF", "PAST_REF/2023", "2023-04-03/2023-04-04/2023-04-05",
		"2", "1X", "2023-4", "2023-04-5", "2023-13", "2023-00", "2023-04-32", "2023-04-00", "20234", "2023-",
		"2023-W54", "2023-W00", "2023-W1", "2023-W14-8", "2023-W14-0", "2023-W14-WEE", "2023-W14-X",
		"2023-Q5", "2023-Q0", "2023-Q11", "2023-SUM", "2023-su", "2023-04-25T", "2023-04-25TXX", "2023-04TNI",
		"2023-W14TNI", "19XX", "1X9X", "XXX", "X023", "2X23-04", "2023-X4", "2023-04-X5", "P1Y",
		"past_ref", "PAST_REF ", " 2023", "2023-04-25T10:00", "１９９８", "2023-H1",
	} {
		if v, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", s, v)
		} else if !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) error %v does not wrap ErrSyntax", s, err)
		}
	}
}

func TestConstructorsOutOfRange(t *testing.T) {
	for _, v := range []Value{
		Year(10000), Year(-2), Decade(1000), Decade(X), Century(100), Century(X), Month(2023, 13), Month(2023, 0), Day(2023, time.April, 32),
		Day(2023, time.April, 0), Week(2023, 54), Weekend(2023, 0), Weekday(2023, 14, 7), Quarter(2023, 5),
		Season(2023, 0), Season(2023, 5), Day(2023, time.April, 25).At(""), Month(2023, time.April).At(Night),
		Range(PastRef, Year(2023)), Range(Year(2023), Value{}),
		Range(Range(Year(2022), Year(2023)), Year(2024)),
		// A computed year before 0 is out of range, not unknown.
		Year(-1), Day(-1, time.December, 31), DayOf(time.Date(-1, time.December, 31, 0, 0, 0, 0, time.UTC)),
		WeekendOf(time.Date(-1, time.December, 31, 0, 0, 0, 0, time.UTC)), QuarterOf(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)),
		DayOf(time.Date(10000, time.January, 1, 0, 0, 0, 0, time.UTC)),
	} {
		if !v.IsZero() {
			t.Errorf("constructor out of range gave %v, want the zero Value", v)
		}
	}
}

func TestOf(t *testing.T) {
	sun := time.Date(2023, time.March, 26, 23, 0, 0, 0, time.UTC) // ISO week 12's Sunday
	tests := []struct{ got, want Value }{
		{DayOf(sun), Day(2023, time.March, 26)},
		{MonthOf(sun), Month(2023, time.March)},
		{WeekOf(sun), Week(2023, 12)},
		{WeekendOf(sun), Weekend(2023, 12)},
		{WeekOf(time.Date(2021, time.January, 1, 0, 0, 0, 0, time.UTC)), Week(2020, 53)},
		{QuarterOf(sun), Quarter(2023, 1)},
		{QuarterOf(time.Date(2023, time.April, 1, 0, 0, 0, 0, time.UTC)), Quarter(2023, 2)},
		{QuarterOf(time.Date(2023, time.December, 31, 0, 0, 0, 0, time.UTC)), Quarter(2023, 4)},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %v, want %v", tc.got, tc.want)
		}
	}
}

func TestQuartersMatchMonths(t *testing.T) {
	for m := time.January; m <= time.December; m++ {
		q := QuarterOf(time.Date(2023, m, 15, 0, 0, 0, 0, time.UTC))
		if !Month(2023, m).In(q) {
			t.Errorf("Month(2023, %v).In(%v) = false, want true", m, q)
		}
		want := (int(m)-1)/3 + 1
		if q != Quarter(2023, want) {
			t.Errorf("QuarterOf(2023-%02d-15) = %v, want 2023-Q%d", m, q, want)
		}
	}
}

// A tableCase is one line of a table of cases in testdata: its fields and
// where it stands, file:line, for failure messages.
type tableCase struct {
	pos    string
	fields []string
}

// readTable reads the table testdata/name: one case a line, cols fields
// separated by spaces; blank lines and lines starting with # are passed
// over.
func readTable(t *testing.T, name string, cols int) []tableCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var cases []tableCase
	for i, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		pos := fmt.Sprintf("%s:%d", name, i+1)
		if len(f) != cols {
			t.Fatalf("%s: %d fields, want %d", pos, len(f), cols)
		}
		cases = append(cases, tableCase{pos, f})
	}
	if len(cases) == 0 {
		t.Fatalf("%s: no cases", name)
	}
	return cases
}

// mustParse is Parse(s) for a case at pos that must parse.
func mustParse(t *testing.T, pos, s string) Value {
	t.Helper()
	v, err := Parse(s)
	if err != nil {
		t.Fatalf("%s: %v", pos, err)
	}
	return v
}

func TestSpan(t *testing.T) {
	for _, tc := range readTable(t, "span.txt", 3) {
		v := mustParse(t, tc.pos, tc.fields[0])
		var wantStart, wantEnd time.Time
		wantOK := tc.fields[1] != "-" || tc.fields[2] != "-"
		if wantOK {
			var err1, err2 error
			wantStart, err1 = time.Parse(time.DateOnly, tc.fields[1])
			wantEnd, err2 = time.Parse(time.DateOnly, tc.fields[2])
			if err := errors.Join(err1, err2); err != nil {
				t.Fatalf("%s: %v", tc.pos, err)
			}
		}
		start, end, ok := v.Span()
		if ok != wantOK || !start.Equal(wantStart) || !end.Equal(wantEnd) {
			t.Errorf("%s: Parse(%q).Span() = %v, %v, %v, want %v, %v, %v", tc.pos, tc.fields[0],
				start.Format(time.DateOnly), end.Format(time.DateOnly), ok,
				wantStart.Format(time.DateOnly), wantEnd.Format(time.DateOnly), wantOK)
		}
	}
}

func TestIn(t *testing.T) {
	for _, tc := range readTable(t, "in.txt", 3) {
		v, w := mustParse(t, tc.pos, tc.fields[0]), mustParse(t, tc.pos, tc.fields[1])
		want, err := strconv.ParseBool(tc.fields[2])
		if err != nil {
			t.Fatalf("%s: %v", tc.pos, err)
		}
		if got := v.In(w); got != want {
			t.Errorf("%s: Parse(%q).In(%q) = %v, want %v", tc.pos, tc.fields[0], tc.fields[1], got, want)
		}
	}
}

func TestAdd(t *testing.T) {
	for _, tc := range readTable(t, "add.txt", 3) {
		v := mustParse(t, tc.pos, tc.fields[0])
		n, err := strconv.Atoi(tc.fields[1])
		if err != nil {
			t.Fatalf("%s: %v", tc.pos, err)
		}
		want := tc.fields[2]
		if want == "-" {
			want = "" // the zero Value
		}
		if got := v.Add(n).String(); got != want {
			t.Errorf("%s: Parse(%q).Add(%d) = %q, want %q", tc.pos, tc.fields[0], n, got, want)
		}
	}
}

func TestYear(t *testing.T) {
	tests := []struct {
		v    Value
		want int
	}{
		{Day(2023, time.April, 25), 2023},
		{Week(2020, 53), 2020},
		{Range(Day(2023, time.April, 3), Day(2024, time.April, 4)), 2023},
		{Day(X, time.April, 25), X},
		{Decade(199), X},
		{Century(19), X},
		{PastRef, X},
		{Value{}, X},
	}
	for _, tc := range tests {
		if got := tc.v.Year(); got != tc.want {
			t.Errorf("%v.Year() = %d, want %d", tc.v, got, tc.want)
		}
	}
}

func ExampleValue_In() {
	v, _ := Parse("2023-04-03/2023-04-04")
	for _, s := range []string{"2023-04", "2023-W14", "2023-Q2", "2023-Q1", "XXXX-04"} {
		w, _ := Parse(s)
		fmt.Println(s, v.In(w))
	}
	// Output:
	// 2023-04 true
	// 2023-W14 true
	// 2023-Q2 true
	// 2023-Q1 false
	// XXXX-04 false
}

func FuzzParse(f *testing.F) {
	for _, tc := range forms {
		f.Add(tc.s)
	}
	for _, s := range []string{"", "/", "2023-W53", "0000-W01", "9999-12-31/0000-01-01", "2023-04-25TNI/XXXX-WXX-3TMO", "P1Y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			if !v.IsZero() {
				t.Fatalf("Parse(%q) = %v with error %v, want the zero Value", s, v, err)
			}
			return
		}
		if v.IsZero() {
			t.Fatalf("Parse(%q) = the zero Value without error", s)
		}
		if got := v.String(); got != s {
			t.Fatalf("Parse(%q).String() = %q, want %q", s, got, s)
		}
		again, err := Parse(v.String())
		if err != nil || again != v {
			t.Fatalf("Parse(%q) = %v, %v, want %v", v.String(), again, err, v)
		}
		start, end, ok := v.Span()
		if ok && !start.Before(end) {
			t.Fatalf("Parse(%q).Span() = %v, %v: empty", s, start, end)
		}
		if ok != v.In(v) {
			t.Fatalf("Parse(%q).In(itself) = %v, want %v (span known)", s, !ok, ok)
		}
		if w := v.Add(1); !w.IsZero() {
			if back := w.Add(-1); back != v {
				t.Fatalf("Parse(%q).Add(1).Add(-1) = %v", s, back)
			}
		}
	})
}
