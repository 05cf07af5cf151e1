package nlp

import (
	"strings"

	"github.com/storyline/storyline"
)

// countrySurnames are the start offsets of the tokens that are a country's
// name used as a surname: right after a given name, one space apart, and
// ending the name ("Neil Jordan says", "Trevor Holland, 52", "Rep. Jim
// Jordan said", "Steve Israel wrote"). Not where the country word names
// what follows ("Prince Harry Canada move", "Ford China Ltd"), nor after a
// given name that is an English word opening a sentence ("Will France
// win?"), nor in a title-case headline, where every word is capitalised.
func countrySurnames(text string, toks []token, g *gazetteer, lower map[string]bool, headline func(int) bool,
	lowerTag func(string) string) map[int]bool {
	at := map[int]bool{}
	for k := 1; k < len(toks); k++ {
		given, w := toks[k-1], toks[k]
		ref, ok := g.lookup(w.text)
		if !ok || ref.form != storyline.FormName || !givenNames[given.text] ||
			g.isCountryWord(given.text) || lower[given.text] || text[given.end:w.start] != " " || headline(w.start) {
			continue
		}
		if opensSentence(text, toks, k-1) {
			if tag := lowerTag(given.text); tag != "" && !strings.HasPrefix(tag, "NNP") {
				continue
			}
		}
		if k+1 < len(toks) && sameLine(text, w, toks[k+1]) {
			next := toks[k+1]
			if isCapitalised(next.text) && nameWord(next.text) || isHeadAfter(next.text) ||
				next.tag == "NN" || next.tag == "NNS" || next.tag == "JJ" {
				continue
			}
		}
		at[w.start] = true
	}
	return at
}

// countryCues stand before a country, not a person: "in Jordan", "to
// Jordan", "visited Jordan".
var countryCues = setOf("in", "into", "to", "from", "of", "across", "throughout", "within", "toward", "towards",
	"via", "through", "visit", "visits", "visited", "visiting", "neighbouring", "neighboring", "the")

// countryCue reports whether toks[i], a country's name that the text also
// uses as a surname, names the country there: after a preposition, or
// before a head noun ("the Jordan Valley").
func countryCue(toks []token, i int) bool {
	return i > 0 && countryCues[strings.ToLower(toks[i-1].text)] || i+1 < len(toks) && isHeadAfter(toks[i+1].text)
}
