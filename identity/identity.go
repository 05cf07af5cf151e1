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
// folded word per word of the name, particles, "al-"/"el-" prefixes and
// generational suffixes ("Jr.", "III") dropped. "Sergei Lavrov" and "Sergey
// Lavrov", "Mevlut Cavusoglu" and "Mevlüt Çavuşoğlu", "Hossein
// Amirabdollahian" and "Hossein Amir-Abdollahian", "Volodymyr Zelensky" and
// "Volodymyr Zelenskiy" have one key.
func Key(name string) string { return strings.Join(keyWords(name), " ") }

// keyWords are the words of Key.
func keyWords(name string) []string {
	var parts []string
	for _, w := range strings.Fields(name) {
		w = strings.Trim(Fold(w), `"()“”,`)
		for _, p := range []string{"al-", "el-"} {
			w = strings.TrimPrefix(w, p)
		}
		if w == "" || particles[w] || suffixes[w] {
			continue
		}
		parts = append(parts, translit(w))
	}
	return parts
}

// suffixes follow a name without being part of who is named: "Arcade Joseph
// Comeaux Jr." is "Comeaux" when used alone.
var suffixes = map[string]bool{"jr": true, "jr.": true, "sr": true, "sr.": true, "ii": true, "iii": true, "iv": true}

// SurnameKey is how a name is known when used alone: its last word, without
// an "al-" prefix or a suffix, case- and diacritic-folded and
// transliteration-evened ("al-Assad" → asad, "Khaji" and "Haji" → haji).
func SurnameKey(name string) string {
	ws := keyWords(name)
	if len(ws) == 0 {
		return ""
	}
	return ws[len(ws)-1]
}

// Compatible reports whether two names can name one person: their surnames
// agree under SurnameKey, and each given name of the shorter agrees, in
// order, with one of the longer's, spelled the same up to transliteration
// ("Sergei", "Sergey"), as its initial ("J." of "John") or as its short form
// ("Chris" of "Christopher"). A bare surname is compatible with every full
// name that ends in it; "Joe Biden" and "Hunter Biden" are not.
func Compatible(a, b string) bool { return compatibleWords(keyWords(a), keyWords(b)) }

// CompatibleKeys is Compatible for two names given as their Keys, which it
// does not fold again: the story stage compares stored keys by the million.
func CompatibleKeys(a, b string) bool {
	return a == b || compatibleWords(strings.Fields(a), strings.Fields(b))
}

func compatibleWords(wa, wb []string) bool {
	if len(wa) == 0 || len(wb) == 0 || wa[len(wa)-1] != wb[len(wb)-1] {
		return false
	}
	ga, gb := wa[:len(wa)-1], wb[:len(wb)-1]
	if len(ga) > len(gb) {
		ga, gb = gb, ga
	}
	j := 0
	for _, g := range ga {
		for j < len(gb) && !sameGiven(g, gb[j]) {
			j++
		}
		if j == len(gb) {
			return false
		}
		j++
	}
	return true
}

// sameGiven reports whether two key words can be one given name: equal, one
// the initial of the other, or one the start of the other, three letters or
// more ("chris" of "christopher").
func sameGiven(a, b string) bool {
	a, b = strings.TrimSuffix(a, "."), strings.TrimSuffix(b, ".")
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if utf8.RuneCountInString(a) == 1 || len(a) >= 3 {
		return strings.HasPrefix(b, a)
	}
	return false
}

var translitPairs = strings.NewReplacer("kh", "h", "q", "k", "ou", "u", "-", "", "'", "", "’", "")

// translit evens out spelling variants of one romanized word: -ey/-ei,
// kh/h, q/k, ou/u, doubled letters, hyphens and apostrophes, and a final
// -y, -iy, -yy or -ie ("Zelensky", "Zelenskiy", "Zelenskyy"; "Bettie",
// "Betty").
func translit(w string) string {
	w = translitPairs.Replace(w)
	var b strings.Builder
	var prev rune
	for _, r := range w {
		if r != prev {
			b.WriteRune(r)
		}
		prev = r
	}
	w = b.String()
	for _, end := range []string{"iy", "yi", "ie", "y"} {
		if len(w) > len(end)+1 && strings.HasSuffix(w, end) {
			return w[:len(w)-len(end)] + "i"
		}
	}
	return w
}
