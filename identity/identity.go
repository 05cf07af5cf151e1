// Package identity decides when two person names name one person. It
// compares names by keys that fold case and diacritics, drop particles and
// even out transliteration variants, and it makes one canonical name per
// person across a set of reports (a Census).
//
// The extraction stage uses the keys to link a surname to the full name it
// follows in one article; the commands that read the store use a Census to
// give every report the same name for the same person, and so will the
// story stage. It imports golang.org/x/text for Unicode, and nothing of the
// pipeline.
package identity

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold lowercases s and strips its diacritics, so that "Çavuşoğlu" and
// "Cavusoglu" compare equal. Letters that do not decompose (ı, ł, ø) are
// mapped to their base letter.
func Fold(s string) string {
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

// particles belong to names in lower case: "bin Farhan", "al-Assad", "van Gogh".
var particles = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range []string{"al", "bin", "bint", "ibn", "ben", "abu", "de", "del", "della", "der", "di", "da",
		"dos", "du", "el", "la", "le", "van", "von", "y", "st."} {
		m[p] = true
	}
	return m
}()

// IsParticle reports whether w, as written, is a particle of a name: "bin"
// of "Faisal bin Farhan", "van" of "van Gogh". Particles are lower case:
// the capitalised "Al" of "Al Saud" or "Al Jazeera" is not one.
func IsParticle(w string) bool { return particles[w] }

// Key is the comparison key of a full name: one transliteration-evened,
// folded word per word of the name, particles and "al-"/"el-" prefixes
// dropped. "Sergei Lavrov" and "Sergey Lavrov", "Mevlut Cavusoglu" and
// "Mevlüt Çavuşoğlu", "Hossein Amirabdollahian" and "Hossein
// Amir-Abdollahian" have one key.
func Key(name string) string {
	var parts []string
	for _, w := range strings.Fields(name) {
		w = Fold(w)
		for _, p := range []string{"al-", "el-"} {
			w = strings.TrimPrefix(w, p)
		}
		if particles[w] {
			continue
		}
		parts = append(parts, translit(w))
	}
	return strings.Join(parts, " ")
}

// SurnameKey is how a name is known when used alone: its last word, without
// an "al-" prefix, case- and diacritic-folded and transliteration-evened
// ("al-Assad" → assad, "Khaji" and "Haji" → haji).
func SurnameKey(name string) string {
	fields := strings.Fields(name)
	if len(fields) == 0 {
		return ""
	}
	last := strings.ToLower(fields[len(fields)-1])
	for _, p := range []string{"al-", "el-"} {
		last = strings.TrimPrefix(last, p)
	}
	return translit(Fold(last))
}

var translitPairs = strings.NewReplacer("kh", "h", "q", "k", "ou", "u", "-", "", "'", "", "’", "")

// translit evens out spelling variants of one romanized word: -ey/-ei,
// kh/h, q/k, ou/u, doubled letters, hyphens and apostrophes.
func translit(w string) string {
	w = translitPairs.Replace(w)
	if strings.HasSuffix(w, "ey") {
		w = w[:len(w)-2] + "ei"
	}
	var b strings.Builder
	var prev rune
	for _, r := range w {
		if r != prev {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}
