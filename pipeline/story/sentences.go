package story

import (
	"unicode"
	"unicode/utf8"
)

// textSpan is a half-open range of byte offsets into an article's text.
type textSpan struct{ start, end int }

// sentences splits text into sentences, as byte ranges without the white
// space around them. A line break always ends a sentence: stored texts are
// paragraphs, headlines and date lines one to a line. Inside a line a
// sentence ends at . ! or ? (with any closing quotes or brackets) followed
// by space and a capital, a digit or an opening quote, unless the period
// ends an abbreviation: a title ("Mr.", "Gen."), an initial ("J."), a
// month before a number ("Jan. 5") or an acronym ("U.S.") that is not
// followed by a word that usually opens a sentence. It is one pass over the
// text, with no regular expressions: it runs on every report.
func sentences(text string) []textSpan {
	var out []textSpan
	start := 0
	emit := func(end int) {
		if s, ok := trimSpan(text, start, end); ok {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\n' {
			emit(i)
			continue
		}
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(text) && (text[j] == '.' || text[j] == '!' || text[j] == '?') {
			j++
		}
		single := c == '.' && j == i+1
		j = skipClosers(text, j)
		if j < len(text) && text[j] != ' ' && text[j] != '\t' {
			continue // "3.5", "U.S.-led", "Yahoo!News"
		}
		k := j
		for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
			k++
		}
		if k < len(text) && text[k] != '\n' && !opensSentence(text, k) {
			i = j - 1
			continue
		}
		if single && abbreviation(text, start, i, k) {
			i = j - 1
			continue
		}
		emit(j)
		i = j - 1
	}
	emit(len(text))
	return out
}

// trimSpan narrows [start, end) to its non-space part; ok is false when nothing
// is left.
func trimSpan(text string, start, end int) (textSpan, bool) {
	for start < end {
		r, n := utf8.DecodeRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		start += n
	}
	for end > start {
		r, n := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= n
	}
	return textSpan{start, end}, start < end
}

// closers are what may follow a sentence's final punctuation and still
// belong to it.
var closers = []string{`"`, "'", ")", "]", "”", "’", "»"}

func skipClosers(text string, j int) int {
	for {
		found := false
		for _, c := range closers {
			if len(text)-j >= len(c) && text[j:j+len(c)] == c {
				j += len(c)
				found = true
				break
			}
		}
		if !found {
			return j
		}
	}
}

// opensSentence reports whether the text at k can start a sentence: a
// capital, a digit, an opening quote or bracket.
func opensSentence(text string, k int) bool {
	r, _ := utf8.DecodeRuneInString(text[k:])
	switch r {
	case '"', '\'', '“', '‘', '(', '[', '«', '-', '—', '–':
		return true
	}
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

// abbreviation reports whether the period at dot, within the sentence that
// began at start, ends an abbreviation rather than the sentence; next is
// where the following word begins.
func abbreviation(text string, start, dot, next int) bool {
	w := dot
	for w > start && text[w-1] != ' ' && text[w-1] != '\t' && text[w-1] != '(' && text[w-1] != '"' {
		w--
	}
	word := text[w:dot]
	if word == "" {
		return false
	}
	if abbrTitles[word] {
		return true
	}
	if len(word) == 1 && word[0] >= 'A' && word[0] <= 'Z' {
		return true // an initial: "J. Smith"
	}
	nextWord := letterRunAt(text, next)
	if abbrMonths[word] {
		return nextWord != "" && nextWord[0] >= '0' && nextWord[0] <= '9'
	}
	if dottedAcronym(word) || abbrStates[word] {
		return !sentenceStarters[nextWord]
	}
	return false
}

// dottedAcronym reports whether w is an acronym written with periods: "U.S", "a.m".
func dottedAcronym(w string) bool {
	letters, dots := 0, 0
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c == '.':
			dots++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters++
		default:
			return false
		}
	}
	return dots > 0 && letters <= dots+1
}

// letterRunAt is the run of letters starting at k.
func letterRunAt(text string, k int) string {
	e := k
	for e < len(text) {
		r, n := utf8.DecodeRuneInString(text[e:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		e += n
	}
	return text[k:e]
}

func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// abbrTitles never end a sentence: a name follows them.
var abbrTitles = wordSet("Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Sen", "Rep", "Gov", "Lt", "Col",
	"Sgt", "Capt", "Cmdr", "Adm", "Maj", "Rev", "St", "Mt", "Ft", "Jr", "Sr", "Messrs",
	"Insp", "Det", "Supt", "Pres", "Hon", "Gens", "Sens", "Reps", "No", "Nos", "vs", "v",
	"etc", "approx", "Inc", "Corp", "Co", "Ltd", "Bros", "Ave", "Blvd", "Rd", "Dept", "Univ")

// abbrMonths are abbreviated before a day: "Jan. 5".
var abbrMonths = wordSet("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec")

// abbrStates are the AP abbreviations of US abbrStates that datelines use
// ("PALMER, Alaska", "Newport Beach, Calif.").
var abbrStates = wordSet("Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill",
	"Ind", "Kan", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb",
	"Nev", "Okla", "Ore", "Pa", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo")

// sentenceStarters are words that usually open a sentence, so an acronym's period
// before one ends the sentence too: "… in the U.S. The talks …".
var sentenceStarters = wordSet("The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "This",
	"That", "These", "Those", "His", "Her", "Their", "Its", "Our", "There", "But", "And",
	"In", "On", "At", "After", "Before", "When", "While", "As", "If", "Police", "Officials",
	"Authorities", "However", "Meanwhile", "Earlier", "Later", "Last", "Now", "Then")
