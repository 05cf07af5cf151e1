// Package lang tells which language an article is written in, so that the
// extraction stage runs only on languages its model knows and says why it
// skipped the others. It wraps github.com/abadojack/whatlanggo (trigram
// profiles of 84 languages, 3 MB of binary) behind one function.
package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// Version changes whenever Detect may answer differently for one text.
const Version = "whatlanggo-1.0.1+prose-1"

// minProseWords is how many different words of running prose a text in a
// script with case needs before its language is decided; minProseRunes
// stands for it in scripts without case, some of them written without
// spaces (Chinese, Japanese, Thai), where a "word" is a whole clause. A results table, a list of names or a dateline has
// no language of its own: it stays undetermined, and extraction runs.
const (
	minProseWords = 12
	minProseRunes = 60
)

// sampleBytes bounds the prose Detect reads: whatlanggo's trigram distance
// saturates on long texts, where every Latin-script language scores alike.
var sampleBytes = 1000

// Detected is what Detect found.
type Detected struct {
	// Code is the ISO 639-1 code ("en", "de"), or "" when the text has too
	// little prose to tell, or when the trigram profiles could not decide
	// between languages.
	Code string
	// Confidence is whatlanggo's, between 0 and 1.
	Confidence float64
}

// Detect returns the language of text's prose. Only words of the text's
// main script in lower case (or in a script without case) count: names,
// headlines in capitals and figures read alike in every language and would
// pull a short English report on Dutch cyclists towards Dutch, and an Arabic
// quote in an English report does not make it Arabic.
func Detect(text string) Detected {
	script := whatlanggo.DetectScript(text)
	if script == nil {
		return Detected{}
	}
	caseless := script != unicode.Latin && script != unicode.Cyrillic && script != unicode.Greek &&
		script != unicode.Armenian && script != unicode.Georgian
	prose, words := proseOf(text, caseless)
	if caseless && utf8.RuneCountInString(prose) < minProseRunes || !caseless && words < minProseWords {
		return Detected{}
	}
	info := whatlanggo.Detect(prose)
	return Detected{Code: info.Lang.Iso6391(), Confidence: info.Confidence}
}

// proseOf keeps the words of text that hold no digit and start with a
// lower-case letter or, when the text's main script has no case (Arabic,
// Chinese, Japanese kana and kanji alike), a caseless one. It counts the
// different ones: "loss" ten times down a table of figures is not prose.
func proseOf(text string, caseless bool) (string, int) {
	var b strings.Builder
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '\'' && r != '’' && r != '-'
	}) {
		first := []rune(w)[0]
		if !(unicode.IsLower(first) || caseless && unicode.IsLetter(first) && !unicode.IsUpper(first) && !unicode.IsTitle(first)) ||
			strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			continue
		}
		if b.Len() > sampleBytes {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		seen[w] = true
	}
	return b.String(), len(seen)
}
