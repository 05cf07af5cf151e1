package nlp

import (
	"strings"
	"unicode/utf8"
)

// englishWord reports a lone capitalised word, labelled a person, that is
// an English word capitalised by its place: the first word of a sentence
// or a line ("Sprinkle brown sugar", "Hence the error", "Learn more"), or
// a word inside a longer capitalised name ("the California Energy
// Commission", "the Panel on Climate Change"). It is one when the tagger's
// training text knew it in lower case as a common word, not a proper noun;
// given names, the surnames of full names in the text ("Green" after
// "David Green" comes back as a later mention anyway) and a word that
// says something ("White said") stay people.
func englishWord(text string, toks []token, k int, surnames map[string]bool, lowerTag func(string) string) bool {
	w := toks[k].text
	// The tagger reads every hyphenated word as one ("Kiecolt-Glaser").
	if givenNames[w] || surnames[w] || strings.Contains(w, "-") || k+1 < len(toks) && reportingVerbs[toks[k+1].text] {
		return false
	}
	if tag := lowerTag(w); tag == "" || strings.HasPrefix(tag, "NNP") {
		return false
	}
	return opensSentence(text, toks, k) || k > 0 && sameLine(text, toks[k-1], toks[k]) && capitalisedWord(toks[k-1].text) ||
		k+1 < len(toks) && sameLine(text, toks[k], toks[k+1]) && capitalisedWord(toks[k+1].text)
}

// opensSentence reports a token where any word is capitalised: the start
// of a sentence or a line, or after a colon, an opening bracket, a dash or
// a bullet.
func opensSentence(text string, toks []token, k int) bool {
	if k == 0 || sentenceStart(text, toks[k].start) {
		return true
	}
	switch toks[k-1].text {
	case ":", ";", "(", "[", "—", "–", "-", "•", "*", "|", "…":
		return true
	}
	return false
}

// capitalisedWord reports a word of letters that starts with a capital:
// a neighbour that makes a lone word part of a longer name.
func capitalisedWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return isCapitalised(w) && nameWord(w) && !isInitial(w) && r != utf8.RuneError
}

// reportingVerbs follow the name of whoever speaks: "White said".
var reportingVerbs = setOf("said", "says", "told", "tells", "added", "adds", "wrote", "writes", "explained",
	"explains", "noted", "notes", "argued", "argues", "asked", "asks", "recalled", "recalls")
