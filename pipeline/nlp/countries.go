package nlp

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storyline/storyline"
)

// pressVariants are forms the press uses that the data packages lack: they
// list "Saudi" as a name of Saudi Arabia, where news writes it as the
// adjective ("the Saudi foreign minister"), "Britain" not at all, and the
// United States Virgin Islands only in full (so "U.S. Virgin Islands" read
// as the United States and the British Virgin Islands). "Dominican" they
// give Dominica first; the press means the Dominican Republic, a hundred
// times as populous.
var pressVariants = []struct{ text, code, form string }{
	{"Britain", "GB", storyline.FormName},
	{"Saudi", "SA", storyline.FormDemonym},
	{"U.S. Virgin Islands", "VI", storyline.FormName},
	{"US Virgin Islands", "VI", storyline.FormName},
	{"Dominican", "DO", storyline.FormDemonym},
}

type countryRef struct{ code, form string }

// gazetteer finds country names and demonyms in text.
type gazetteer struct {
	byKey    map[string]countryRef // lowercased phrase → country
	maxWords int
	// places are capitals: never a country (the guidelines) and never a
	// person (prose often labels "Damascus" PERSON).
	places map[string]bool
}

func loadGazetteer(data []byte) (*gazetteer, error) {
	var table []struct {
		Code     string   `json:"code"`
		Names    []string `json:"names"`
		Demonyms []string `json:"demonyms"`
		Capitals []string `json:"capitals"`
	}
	if err := json.Unmarshal(data, &table); err != nil {
		return nil, err
	}
	g := &gazetteer{byKey: map[string]countryRef{}, places: map[string]bool{}}
	add := func(phrase, code, form string) {
		phrase = strings.TrimPrefix(phrase, "The ")
		key := phraseKey(phrase)
		if _, taken := g.byKey[key]; taken || key == "" {
			return // the first country listed keeps an ambiguous form
		}
		g.byKey[key] = countryRef{code, form}
		g.maxWords = max(g.maxWords, len(words(phrase)))
	}
	for _, v := range pressVariants {
		add(v.text, v.code, v.form)
	}
	for _, c := range table {
		for _, n := range c.Names {
			add(n, c.Code, storyline.FormName)
		}
		for _, d := range c.Demonyms {
			add(d, c.Code, storyline.FormDemonym)
		}
		for _, p := range c.Capitals {
			g.places[phraseKey(p)] = true
		}
	}
	return g, nil
}

// lookup returns the country a phrase names, if any. It is called for
// every capitalised word of every article: the key is built in a buffer on
// the stack, and the map is indexed without making a string of it.
func (g *gazetteer) lookup(phrase string) (countryRef, bool) {
	var buf [64]byte
	ref, ok := g.byKey[string(appendPhraseKey(buf[:0], phrase))]
	return ref, ok
}

// isCountryWord reports whether a single word is a country name or demonym
// (plural included).
func (g *gazetteer) isCountryWord(w string) bool {
	if _, ok := g.lookup(w); ok {
		return true
	}
	_, ok := g.plural(w)
	return ok
}

// plural finds the demonym of a people noun: "Syrians" → Syrian.
func (g *gazetteer) plural(w string) (countryRef, bool) {
	if !strings.HasSuffix(w, "s") {
		return countryRef{}, false
	}
	ref, ok := g.lookup(w[:len(w)-1])
	return ref, ok && ref.form == storyline.FormDemonym
}

// phraseKey is how the tables key a phrase: its words (see words), lower
// case, joined by single spaces.
func phraseKey(p string) string {
	return string(appendPhraseKey(nil, p))
}

// appendPhraseKey appends phraseKey(p) to dst in one pass over p, with no
// slice of words and no string but the result: the same words as words(p)
// finds, each lowered rune by rune as strings.ToLower lowers them.
func appendPhraseKey(dst []byte, p string) []byte {
	from := len(dst)
	appendWord := func(w string) {
		if len(dst) > from {
			dst = append(dst, ' ')
		}
		for _, r := range w {
			switch {
			case 'A' <= r && r <= 'Z':
				dst = append(dst, byte(r+'a'-'A'))
			case r < utf8.RuneSelf:
				dst = append(dst, byte(r))
			default:
				dst = utf8.AppendRune(dst, unicode.ToLower(r))
			}
		}
	}
	eachWord(p, func(start, end int) { appendWord(p[start:end]) })
	return dst
}

// word is a run of letters (with dots inside abbreviations such as U.S.).
type word struct {
	text       string
	start, end int
}

// words splits text at everything but letters, marks and the dots of
// abbreviations; hyphens and apostrophes split too, so "pro-Syrian",
// "Iranian-Russian" and "Syria's" yield their country words.
func words(text string) []word {
	var out []word
	eachWord(text, func(start, end int) { out = append(out, word{text[start:end], start, end}) })
	return out
}

// eachWord calls fn with the bounds of each word of text, in order.
func eachWord(text string, fn func(start, end int)) {
	start := -1
	for i, r := range text {
		inWord := isWordRune(text, i, r, start >= 0)
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			fn(start, i)
			start = -1
		}
	}
	if start >= 0 {
		fn(start, len(text))
	}
}

// isWordRune reports whether r, at i in text, belongs to a word: a letter,
// a mark, or the dot of an abbreviation inside a word begun.
func isWordRune(text string, i int, r rune, inWord bool) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || (r == '.' && inWord && abbrevDot(text, i))
}

// abbrevDot reports whether the dot at i belongs to an abbreviation of
// single capitals ("U.S.", "U.K."): the letter before it stands alone.
func abbrevDot(text string, i int) bool {
	prev, size := utf8.DecodeLastRuneInString(text[:i])
	if !unicode.IsUpper(prev) {
		return false
	}
	before := i - size
	if before == 0 {
		return true
	}
	p, _ := utf8.DecodeLastRuneInString(text[:before])
	return p == '.' || !unicode.IsLetter(p)
}

// find returns every country mention in text, longest phrase first.
func (g *gazetteer) find(text string) []storyline.Entity {
	ws := words(text)
	var out []storyline.Entity
	for i := 0; i < len(ws); {
		n, ref, end := g.matchAt(text, ws, i)
		if n == 0 {
			i++
			continue
		}
		if g.partOfOtherName(text, ws, i, n, ref) {
			i += n
			continue
		}
		out = append(out, storyline.Entity{Type: storyline.Country, Text: text[ws[i].start:end],
			Start: ws[i].start, End: end, Norm: ref.code, Form: ref.form})
		i += n
	}
	return out
}

// matchAt tries the longest phrase of words starting at ws[i]. It returns
// how many words matched, the country, and the end offset of the mention.
func (g *gazetteer) matchAt(text string, ws []word, i int) (int, countryRef, int) {
	first, _ := utf8.DecodeRuneInString(ws[i].text)
	if !unicode.IsUpper(first) {
		return 0, countryRef{}, 0
	}
	for n := min(g.maxWords, len(ws)-i); n >= 1; n-- {
		// The words of a phrase are separated by single spaces, or by
		// hyphens ("Guinea-Bissau", "Timor-Leste").
		ok := true
		for k := i + 1; k < i+n; k++ {
			if sep := text[ws[k-1].end:ws[k].start]; sep != " " && sep != "-" {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		end := ws[i+n-1].end
		phrase := text[ws[i].start:end]
		ref, found := g.lookup(phrase)
		if !found && n == 1 {
			ref, found = g.plural(phrase)
		}
		if !found && strings.HasSuffix(phrase, ".") {
			// A sentence's full stop after a name ("...Syria.") is not part of it.
			phrase = phrase[:len(phrase)-1]
			if ref, found = g.lookup(phrase); found {
				end--
			}
		}
		if !found || !caseFits(phrase) {
			continue
		}
		return n, ref, end
	}
	return 0, countryRef{}, 0
}

// caseFits rejects the forms that only count in capitals: "US" and "UK" are
// countries, "us" is not; every other name needs a capital initial, which
// matchAt has checked.
func caseFits(phrase string) bool {
	switch strings.ToLower(phrase) {
	case "us", "uk":
		return phrase == "US" || phrase == "UK"
	}
	return true
}
