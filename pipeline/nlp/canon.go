package nlp

import (
	"slices"
	"strings"
	"unicode"
)

// CanonicalNames maps each person name used across a store (with how often
// it is used) to one canonical name per person, so that "Sergei Lavrov" and
// "Sergey Lavrov", "Mevlut Cavusoglu" and "Mevlüt Çavuşoğlu", or "Hossein
// Amirabdollahian" and "Hossein Amir-Abdollahian" get one name, and a
// surname used alone ("Erdogan") joins the one full name that ends in it.
//
// Names are compared by a key that folds case and diacritics, joins
// hyphenated parts and evens out common transliteration variants (-ey/-ei,
// kh/h, q/k, ou/u, doubled letters). Two full names merge only when every
// word agrees under that key, so two people sharing a surname stay apart,
// and a lone surname shared by two full names is left alone.
//
// The canonical form of a group is its most used spelling; ties go to the
// one with diacritics, then to the first in sort order, so the result does
// not depend on the order articles arrived.
func CanonicalNames(counts map[string]int) map[string]string {
	groups := map[string][]string{} // full key → names
	var single []string
	for name := range counts {
		if len(nameParts(name)) > 1 {
			k := nameKey(name)
			groups[k] = append(groups[k], name)
		} else {
			single = append(single, name)
		}
	}
	out := make(map[string]string, len(counts))
	bySurname := map[string][]string{} // surname key → full keys
	for k, names := range groups {
		canon := pick(names, counts)
		for _, n := range names {
			out[n] = canon
		}
		parts := strings.Fields(k)
		last := parts[len(parts)-1]
		bySurname[last] = append(bySurname[last], k)
	}
	for _, name := range single {
		k := nameKey(name)
		if full := bySurname[k]; len(full) == 1 {
			out[name] = out[groups[full[0]][0]]
			continue
		}
		out[name] = name
	}
	// Lone surnames spelled two ways ("Cavusoglu", "Çavuşoğlu") with no
	// full name still become one.
	loneByKey := map[string][]string{}
	for _, name := range single {
		if out[name] == name {
			loneByKey[nameKey(name)] = append(loneByKey[nameKey(name)], name)
		}
	}
	for _, names := range loneByKey {
		canon := pick(names, counts)
		for _, n := range names {
			out[n] = canon
		}
	}
	return out
}

// pick chooses a group's canonical spelling.
func pick(names []string, counts map[string]int) string {
	names = slices.Clone(names)
	slices.SortFunc(names, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		if da, db := diacritics(a), diacritics(b); da != db {
			return db - da
		}
		return strings.Compare(a, b)
	})
	return names[0]
}

func diacritics(s string) int {
	n := 0
	for _, r := range s {
		if r > unicode.MaxASCII && unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// nameParts splits a name into words; "al-Assad" stays one word.
func nameParts(name string) []string { return strings.Fields(name) }

// nameKey is the comparison key of a name: one transliteration-folded word
// per word of the name, particles dropped.
func nameKey(name string) string {
	var parts []string
	for _, w := range nameParts(name) {
		w = fold(w)
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

var translitPairs = strings.NewReplacer("kh", "h", "q", "k", "ou", "u", "-", "", "'", "", "’", "")

// translit evens out spelling variants of one romanized word.
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
