package identity

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storyline/storyline"
)

// A Story holds the full names of the people of one story, to find the
// uses of them that a report's own extraction missed: a report may write
// "Wladimir Klitschko" where the extractor did not see a name, or only
// "Teixeira", whom the story's other reports name in full.
type Story struct {
	full     map[string]string // full name as written → itself
	surnames map[string]string // surname as written → the full name, where one person of the story has it
}

// NewStory learns the full names (norms of two words or more) that two or
// more of a story's reports give their person entities.
func NewStory(reports [][]storyline.Entity) *Story {
	s := &Story{full: map[string]string{}, surnames: map[string]string{}}
	bySurname := map[string][]string{} // SurnameKey → full names
	reportsOf := map[string]int{}
	for _, es := range reports {
		seen := map[string]bool{}
		for _, e := range es {
			if e.Type == storyline.Person && !seen[e.Norm] {
				seen[e.Norm] = true
				reportsOf[e.Norm]++
			}
		}
	}
	for _, es := range reports {
		for _, e := range es {
			if e.Type != storyline.Person || len(keyWords(e.Norm)) < 2 || strings.ToUpper(e.Norm) == e.Norm {
				continue
			}
			// A name found in one report only may be the extractor's
			// error ("Obama Administration"): spread, it would be many.
			if reportsOf[e.Norm] >= 2 {
				s.full[e.Norm] = e.Norm
			}
			sk := SurnameKey(e.Norm)
			if !slices.Contains(bySurname[sk], e.Norm) {
				bySurname[sk] = append(bySurname[sk], e.Norm)
			}
		}
	}
	for _, names := range bySurname {
		// One person only: all its spellings compatible with one another.
		one := true
		for i := range names {
			for j := i + 1; j < len(names); j++ {
				one = one && Compatible(names[i], names[j])
			}
		}
		if !one {
			continue
		}
		slices.Sort(names)
		for _, n := range names {
			if w := surnameAsWritten(n); utf8.RuneCountInString(w) >= 3 && s.full[n] != "" {
				s.surnames[w] = n
			}
		}
	}
	return s
}

// surnameAsWritten is the last word of a name that is not a suffix: "Comeaux"
// of "Arcade Joseph Comeaux Jr.".
func surnameAsWritten(name string) string {
	fs := strings.Fields(name)
	for len(fs) > 1 && suffixes[strings.ToLower(fs[len(fs)-1])] {
		fs = fs[:len(fs)-1]
	}
	return fs[len(fs)-1]
}

// Recall returns the person mentions of text that es lacks: the story's
// full names written out, and the surname of a person the story names in
// full, where no other person of the story shares it. A use next to another
// capitalised word ("the Betty Ford Center", "Lindsay Lohan Checks Into")
// or overlapping an entity of es is left alone. The mentions are normed to
// the full name, for a Census to make canonical.
func (s *Story) Recall(text string, es []storyline.Entity) []storyline.Entity {
	ws := wordsOf(text)
	var out []storyline.Entity
	// covered marks the bytes of es and of the mentions found: a check
	// costs a candidate's length, not the number of entities.
	covered := make([]bool, len(text))
	for _, e := range es {
		if 0 <= e.Start && e.Start <= e.End && e.End <= len(text) {
			for k := e.Start; k < e.End; k++ {
				covered[k] = true
			}
		}
	}
	taken := func(start, end int) bool { return slices.Contains(covered[start:end], true) }
	capitalAt := func(i int) bool { return i >= 0 && i < len(ws) && ws[i].capital }
	for i := 0; i < len(ws); i++ {
		for n := 4; n >= 1; n-- {
			if i+n > len(ws) || capitalAt(i-1) && sameSentence(text, ws[i-1], ws[i]) || capitalAt(i+n) && sameSentence(text, ws[i+n-1], ws[i+n]) {
				continue
			}
			start, end := ws[i].start, ws[i+n-1].end
			phrase := text[start:end]
			if n > 1 && strings.Contains(phrase, "\n") {
				continue
			}
			norm, ok := s.full[strings.Join(strings.Fields(phrase), " ")]
			if !ok && n == 1 {
				norm, ok = s.surnames[phrase]
			}
			if !ok || taken(start, end) {
				continue
			}
			out = append(out, storyline.Entity{Type: storyline.Person, Text: phrase, Start: start, End: end, Norm: norm})
			for k := start; k < end; k++ {
				covered[k] = true
			}
			i += n - 1
			break
		}
	}
	return out
}

type word struct {
	start, end int
	capital    bool
}

// wordsOf splits text into words: runs of letters, with the apostrophes,
// hyphens and dots inside them ("O'Brien", "al-Assad", "J.").
func wordsOf(text string) []word {
	var out []word
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsLetter(r) || (r == '\'' || r == '’' || r == '-') && i+size < len(text) && isLetterAt(text, i+size) {
				i += size
				continue
			}
			if r == '.' && i-start <= 2 { // the dot of an initial
				i += size
			}
			break
		}
		end := i
		for _, poss := range []string{"'s", "’s"} { // "Palin's" is Palin
			if strings.HasSuffix(text[start:end], poss) && end-len(poss) > start {
				end -= len(poss)
			}
		}
		first, _ := utf8.DecodeRuneInString(text[start:])
		out = append(out, word{start: start, end: end, capital: unicode.IsUpper(first)})
	}
	return out
}

func isLetterAt(text string, i int) bool {
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLetter(r)
}

// sameSentence reports whether nothing but blanks stands between two
// words: a capital after a full stop, a comma or a line break says nothing.
func sameSentence(text string, a, b word) bool {
	return strings.TrimLeft(text[a.end:b.start], " \t") == "" && !strings.HasSuffix(text[a.start:a.end], ".")
}
