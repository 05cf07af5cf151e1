package eval

// How the fields of a predicted timeline entry match a gold entry's: sets
// of articles, countries and places, people by the last word of their
// names, and dates by the days they span, as the reference scorer
// (shared eval/scorestories) does.

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/storyline/storyline/timex"
)

// set is the set of the non-empty keys of xs.
func set(xs []string, key func(string) string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		if k := key(x); k != "" {
			m[k] = true
		}
	}
	return m
}

func intersect(a, b map[string]bool) int {
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return n
}

// peopleTP is the size of a one-to-one matching of predicted names to gold
// keys (each deduplicated by folded name) whose folded last words agree.
func peopleTP(gold, pred []string) int {
	g, p := map[string]int{}, map[string]int{}
	for n := range set(gold, foldName) {
		g[lastWord(n)]++
	}
	for n := range set(pred, foldName) {
		p[lastWord(n)]++
	}
	tp := 0
	for w, n := range g {
		if w != "" {
			tp += min(n, p[w])
		}
	}
	return tp
}

var (
	reTrailParen = regexp.MustCompile(`\s*\([^()]*\)\s*$`)
	reTrailHash  = regexp.MustCompile(`\s+#\d+\s*$`)
)

// foldName drops a trailing parenthetical and "#n" (gold keys such as
// "John Smith (ECB+ topic 3) #2"), then folds and collapses spaces.
func foldName(s string) string {
	for {
		t := reTrailHash.ReplaceAllString(reTrailParen.ReplaceAllString(s, ""), "")
		if t == s {
			break
		}
		s = t
	}
	return strings.Join(strings.Fields(foldLatin(s)), " ")
}

// lastWord is the last word of a folded name, without punctuation at its ends.
func lastWord(folded string) string {
	f := strings.Fields(folded)
	if len(f) == 0 {
		return ""
	}
	return strings.TrimFunc(f[len(f)-1], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// foldLatin lower-cases s, drops combining marks and maps Latin letters to
// their bases, as the reference does. identity.Fold does not fit: it also
// strips marks from other scripts (й to и, ά to α) and keeps æ, œ, þ, ð, ħ,
// ŧ, ĳ, which would change which names match.
func foldLatin(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if base, ok := latinBase[r]; ok {
			b.WriteString(base)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// latinBase maps the lower-case letters of Latin-1 Supplement, Latin
// Extended-A/B and Latin Extended Additional whose compatibility
// decomposition is a base plus marks, and a few letters without one (ø, ł,
// đ, ı, ß, æ, œ, þ, ð, ħ, ŧ, ŀ, ƒ), to their base (the reference's table).
var latinBase = func() map[rune]string {
	bases := map[string]string{
		"a": "àáâãäåāăąǎǟǡǻȁȃȧḁạảấầẩẫậắằẳẵặ", "b": "ḃḅḇƀ", "c": "çćĉċčḉ", "d": "ďḋḍḏḑḓđð",
		"dz": "ǆǳ", "e": "èéêëēĕėęěȅȇȩḕḗḙḛḝẹẻẽếềểễệ", "f": "ḟƒ", "g": "ĝğġģǧǵḡ",
		"h": "ĥȟḣḥḧḩḫẖħ", "i": "ìíîïĩīĭįǐȉȋḭḯỉịı", "ij": "ĳ", "j": "ĵǰ", "k": "ķǩḱḳḵ",
		"l": "ĺļľḷḹḻḽłŀ", "lj": "ǉ", "m": "ḿṁṃ", "n": "ñńņňǹṅṇṉṋ", "nj": "ǌ",
		"o": "òóôõöōŏőơǒǫǭȍȏȫȭȯȱṍṏṑṓọỏốồổỗộớờởỡợøǿ", "p": "ṕṗ", "r": "ŕŗřȑȓṙṛṝṟ",
		"s": "śŝşšſșṡṣṥṧṩẛ", "t": "ţťțṫṭṯṱẗŧ", "u": "ùúûüũūŭůűųưǔǖǘǚǜȕȗṳṵṷṹṻụủứừửữự",
		"v": "ṽṿ", "w": "ŵẁẃẅẇẉẘ", "x": "ẋẍ", "y": "ýÿŷȳẏẙỳỵỷỹ", "z": "źżžẑẓẕ",
		"ss": "ß", "ae": "æǽ", "oe": "œ", "th": "þ",
	}
	m := map[rune]string{}
	for base, letters := range bases {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// dayRange is an inclusive range of days counted from 1970-01-01.
type dayRange struct{ first, last int }

func (r dayRange) days() int { return r.last - r.first + 1 }

func (r dayRange) shared(o dayRange) int { return max(0, min(r.last, o.last)-max(r.first, o.first)+1) }

// matches is the rule of STORIES.md: the ranges intersect, and are equal or
// the longer spans at most 31 days.
func (r dayRange) matches(o dayRange) bool {
	return r.shared(o) > 0 && (r == o || max(r.days(), o.days()) <= 31)
}

// overlap is the shared days over the days of the union: 1 for equal ranges.
func (r dayRange) overlap(o dayRange) float64 {
	in := r.shared(o)
	return float64(in) / float64(r.days()+o.days()-in)
}

var (
	reDayTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T`)
	reHalf    = regexp.MustCompile(`^(\d{4})-H([12])$`)
)

// parseDays is the day range of a TIMEX3 value as the reference reads it:
// case and surrounding space do not matter; X values, references, and forms
// it does not know never match. timex reads most forms the same; where the
// two differ, the reference's way is kept so that the scores agree: halves
// (2023-H1) are read here, any time after a day is ignored, and decades
// (199), the year 0000, weekdays with a part of the day and a second slash
// never match.
func parseDays(v string) (dayRange, bool) {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v == "" || strings.Contains(v, "X") || strings.HasSuffix(v, "_REF") {
		return dayRange{}, false
	}
	a, b, isRange := strings.Cut(v, "/")
	ra, ok := pointDays(a)
	if !ok || !isRange {
		return ra, ok
	}
	rb, ok := pointDays(b)
	if !ok || rb.last < ra.first {
		return dayRange{}, false
	}
	return dayRange{ra.first, rb.last}, true
}

func pointDays(v string) (dayRange, bool) {
	if m := reHalf.FindStringSubmatch(v); m != nil {
		y, _ := strconv.Atoi(m[1])
		start := time.Date(y, time.Month(6*(m[2][0]-'0')-5), 1, 0, 0, 0, 0, time.UTC)
		return spanDays(start, start.AddDate(0, 6, 0)), y >= 1
	}
	if reDayTime.MatchString(v) {
		v = v[:len("2006-01-02")]
	}
	if len(v) < len("2006") || v[:4] == "0000" || strings.ContainsAny(v, "T/") {
		return dayRange{}, false
	}
	tv, err := timex.Parse(v)
	if err != nil {
		return dayRange{}, false
	}
	start, end, ok := tv.Span()
	return spanDays(start, end), ok
}

// spanDays turns timex's half-open [start, end) at UTC midnights into days.
func spanDays(start, end time.Time) dayRange {
	return dayRange{int(start.Unix() / 86400), int(end.Unix()/86400) - 1}
}
