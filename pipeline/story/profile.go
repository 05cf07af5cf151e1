package story

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/timex"
)

// Report is what the story stage reads of one article: the article and
// the entities its extraction found.
type Report struct {
	Article  *storyline.Article
	Entities []storyline.Entity
}

// noDay marks a report without a publication date.
const noDay = math.MinInt32

// profile is what clustering knows of one report: a weighted bag of its
// words, the names it mentions and the days it is about. It is a pure
// function of the report and the term weights, so that the similarity of two
// reports does not depend on which others are stored.
type profile struct {
	id    string
	day   int32    // publication day (days since 1970-01-01), or noDay
	terms []weight // sorted by key, L2-normalised
	// anchors are the report's weightiest terms, under which it is indexed
	// for candidates, then the full names it is about (names), sorted.
	anchors []string
	// marks are the names (people, places, organisations, as written with
	// capitals mid-sentence) and the numbers (not years) the report uses,
	// with their everyday weight, sorted by key: what a group of reports of
	// one story has in common and a story of the same kind does not
	// ("Rahman", "5.6", "23 pirates").
	marks  []weight
	people []string // identity keys of the people named, sorted
	// namesakes are the surnames of the people the report gives a full
	// name, sorted: the surname of one person is no word in common with a
	// report about another of that name.
	namesakes []namesake
	years     []int16 // years the report's dated events fall in, sorted
}

// namesake is the surname of a mention of a person, as a term of the text
// ("ortega"), and the identity key of the person's full name ("elena
// ortega").
type namesake struct{ surname, person string }

func byNamesake(a, b namesake) int {
	return cmp.Or(cmp.Compare(a.surname, b.surname), cmp.Compare(a.person, b.person))
}

// weight is a term, by its key, and its weight.
type weight struct {
	key uint64
	w   float32
}

// key is a term's key: a 64-bit FNV-1a hash, the same in every process,
// so that vectors sort and sum in one order wherever they are made, and
// no table of every word seen is kept. Two words of a store sharing a key
// is a chance of about one in a hundred million for a million words.
func key(term string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(term); i++ {
		h ^= uint64(term[i])
		h *= 1099511628211
	}
	return h
}

// termWeight gives a term's weight: high for rare words, near zero for
// words every report uses.
type termWeight func(term string) float64

// newProfile builds the profile of r.
func newProfile(r Report, idf termWeight) profile {
	a := r.Article
	p := profile{id: a.ID, day: dayOf(a.Published)}
	counts := map[string]int{}
	names := map[string]bool{}
	words(a.Title+"\n"+a.Text, func(w string, proper bool) {
		counts[w]++
		if proper && !calendar[w] && !newswire[w] {
			names[w] = true
		}
	})
	// Countries are named in reports of every story of their region, and
	// a given name in reports of many people: a word of a country's name
	// or a person's given name is no anchor (the surname is).
	shared := map[string]bool{}
	for _, e := range r.Entities {
		if e.End > len(a.Text) || e.Start < 0 || e.Start > e.End {
			continue
		}
		switch span := a.Text[e.Start:e.End]; e.Type {
		case storyline.Country:
			words(span, func(w string, _ bool) { shared[w] = true })
		case storyline.Person:
			if given, _, ok := strings.Cut(e.Norm, " "); ok {
				shared[identity.Fold(given)] = true
			}
		}
	}
	var norm float64
	type term struct {
		text string
		w    float64
	}
	terms := make([]term, 0, len(counts))
	for t, n := range counts {
		w := (1 + math.Log(float64(n))) * idf(t)
		if w <= 0 {
			continue
		}
		terms = append(terms, term{t, w})
		norm += w * w
	}
	// The weightiest first, ties in the order of their keys, which favours
	// no letter: the anchors are the first words that are not numbers.
	slices.SortFunc(terms, func(a, b term) int { return cmp.Or(cmp.Compare(b.w, a.w), cmp.Compare(key(a.text), key(b.text))) })
	norm = math.Sqrt(norm)
	p.terms = make([]weight, len(terms))
	for i, t := range terms {
		p.terms[i] = weight{key(t.text), float32(t.w / norm)}
		if len(p.anchors) < maxAnchors && !startsWithDigit(t.text) && !shared[t.text] {
			// A copy: the word is a slice of the report's whole text, which the
			// sweep's index of anchors would otherwise keep long after the
			// report has been told.
			p.anchors = append(p.anchors, strings.Clone(t.text))
		}
		if names[t.text] || isNumber(t.text) {
			p.marks = append(p.marks, weight{p.terms[i].key, float32(idf(t.text))})
		}
	}
	p.anchors = append(p.anchors, aboutWhom(r.Entities)...)
	slices.SortFunc(p.terms, byKey)
	slices.SortFunc(p.marks, byKey)
	people := map[string]bool{}
	keys := map[string]string{} // norm → identity key
	years := map[int16]bool{}
	for _, e := range r.Entities {
		switch e.Type {
		case storyline.Person:
			k, ok := keys[e.Norm]
			if !ok {
				k = identity.Key(e.Norm)
				keys[e.Norm] = k
			}
			people[k] = true
		case storyline.Date:
			if v, err := timex.Parse(e.Norm); err == nil {
				if start, end, ok := v.Span(); ok && end.Sub(start) <= 366*24*time.Hour {
					years[int16(start.Year())] = true
				}
			}
		}
	}
	for k := range people {
		p.people = append(p.people, k)
	}
	slices.Sort(p.people)
	p.namesakes = namesakes(a.Text, r.Entities, keys)
	for y := range years {
		p.years = append(p.years, y)
	}
	slices.Sort(p.years)
	return p
}

// namesakes are the namesakes of a profile: for each person whose full
// name the report gives, the last word of each mention, as words makes
// terms of it, with the person's identity key (keys, by norm).
func namesakes(text string, es []storyline.Entity, keys map[string]string) []namesake {
	var out []namesake
	for _, e := range es {
		if e.Type != storyline.Person || e.End > len(text) || e.Start < 0 || e.Start > e.End {
			continue
		}
		k := keys[e.Norm]
		if !strings.Contains(k, " ") {
			continue
		}
		var surname string
		words(text[e.Start:e.End], func(w string, _ bool) { surname = w })
		if surname != "" {
			out = append(out, namesake{strings.Clone(surname), k})
		}
	}
	slices.SortFunc(out, byNamesake)
	return slices.Compact(out)
}

// aboutWhom are the identity keys of the full names a report uses at least
// twice, sorted: the people it is about, not those it names in passing. A
// follow-up told years later names them again ("Jose Luis Orozco" at the
// shooting and at the death sentence two years on), so they anchor a
// report for comparison beyond the window. A key has a space, and a word
// anchor never does (isName).
func aboutWhom(es []storyline.Entity) []string {
	norms := map[string]int{}
	for _, e := range es {
		if e.Type == storyline.Person && strings.Contains(e.Norm, " ") {
			norms[e.Norm]++
		}
	}
	// A key per name, not per mention: keys are dear, and a report names
	// its people many times.
	uses := make(map[string]int, len(norms))
	for norm, n := range norms {
		if k := identity.Key(norm); strings.Contains(k, " ") {
			uses[k] += n
		}
	}
	var out []string
	for k, n := range uses {
		if n >= 2 {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// isName reports whether an anchor is a full name of aboutWhom.
func isName(anchor string) bool { return strings.Contains(anchor, " ") }

// aboutOf are the full names among p's anchors: the last ones, sorted.
func aboutOf(p *profile) []string {
	i := len(p.anchors)
	for i > 0 && isName(p.anchors[i-1]) {
		i--
	}
	return p.anchors[i:]
}

// calendar words are written with capitals but name no one: two reports of
// one story say "Friday" and "Saturday" of the same day.
var calendar = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`monday tuesday wednesday thursday friday saturday sunday
		mon tue tues wed thu thur thurs fri sat sun
		january february march april may june july august september october november december
		jan feb mar apr jun jul aug sep sept oct nov dec`) {
		calendar[w] = true
	}
}

// newswire words are written with capitals in any report: time zones and
// agencies say who wrote it and when, not what it is about.
var newswire = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`gmt utc bst cet cest est edt cst cdt mst mdt pst pdt ist am pm
		ap afp reuters upi bbc cnn dpa xinhua tv`) {
		newswire[w] = true
	}
}

// startsWithDigit is true of numbers, years and scores: "2023", "5.6",
// "3-1" are in reports of every kind, and make poor anchors.
func startsWithDigit(t string) bool { return t != "" && t[0] >= '0' && t[0] <= '9' }

// isNumber reports whether a term is a number that is not a year: "5.6",
// "23", "11th", "35,000".
func isNumber(t string) bool {
	if t == "" || t[0] < '0' || t[0] > '9' {
		return false
	}
	if len(t) == 4 && (strings.HasPrefix(t, "19") || strings.HasPrefix(t, "20")) && strings.Trim(t, "0123456789") == "" {
		return false
	}
	return true
}

// words calls fn with every word of text, folded to lower case, and whether
// it was written as a name: capitalised, not at the start of a sentence.
func words(text string, fn func(w string, proper bool)) {
	sentenceStart := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			if r == '.' || r == '!' || r == '?' || r == '\n' || r == ':' || r == '"' {
				sentenceStart = true
			}
			i += size
			continue
		}
		j := i + size
		for j < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
				j += s2
				continue
			}
			// keep 6.1 and 1,000 whole
			if (r2 == '.' || r2 == ',') && unicode.IsDigit(r) && j+1 < len(text) && text[j+1] >= '0' && text[j+1] <= '9' {
				j += s2
				continue
			}
			break
		}
		w := text[i:j]
		proper := unicode.IsUpper(r) && !sentenceStart
		sentenceStart = false
		if len(w) > 1 || unicode.IsDigit(r) {
			fn(identity.Fold(w), proper)
		}
		i = j
	}
}

func byKey(a, b weight) int { return cmp.Compare(a.key, b.key) }

// cosine is the dot product of two L2-normalised term vectors.
func cosine(a, b []weight) float64 {
	var s float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].key < b[j].key:
			i++
		case a[i].key > b[j].key:
			j++
		default:
			s += float64(a[i].w) * float64(b[j].w)
			i++
			j++
		}
	}
	return s
}
