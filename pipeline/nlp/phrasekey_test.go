package nlp

import (
	"strings"
	"testing"
)

// joinedWords is phraseKey as words and strings.ToLower define it, which
// appendPhraseKey computes in one pass.
func joinedWords(p string) string {
	var parts []string
	for _, w := range words(p) {
		parts = append(parts, w.text)
	}
	return strings.ToLower(strings.Join(parts, " "))
}

func FuzzPhraseKey(f *testing.F) {
	for _, p := range []string{"", "Guinea-Bissau", "the U.S. and U.K.", "Syria's", "  Côte d'Ivoire ", "ÉTATS-UNIS", "A.B.C.", "İstanbul", "x\xffY", "Ꭰ ǅ ß"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if got, want := phraseKey(p), joinedWords(p); got != want {
			t.Errorf("phraseKey(%q) = %q, want %q", p, got, want)
		}
		if got, want := string(appendPhraseKey([]byte("kept "), p)), "kept "+joinedWords(p); got != want {
			t.Errorf("appendPhraseKey(\"kept \", %q) = %q, want %q", p, got, want)
		}
	})
}
