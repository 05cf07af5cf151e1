package nlp

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// fold lowercases s and strips its diacritics, so that "Çavuşoğlu" and
// "Cavusoglu" compare equal. Letters that do not decompose (ı, ł, ø) are
// mapped to their base letter.
func fold(s string) string {
	if isASCII(s) { // nothing to decompose or replace; and a Chain costs kilobytes
		return strings.ToLower(s)
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(undecomposable.Replace(out))
}

var undecomposable = strings.NewReplacer("ı", "i", "İ", "I", "ł", "l", "Ł", "L", "ø", "o", "Ø", "O", "ß", "ss", "đ", "d", "Đ", "D")

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
