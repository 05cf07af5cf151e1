package story

import (
	"os"
	"strings"
	"testing"
)

// TestSentences reads testdata/sentences.txt, a text whose expected
// sentence ends are marked with "|", and wants sentences to end there.
func TestSentences(t *testing.T) {
	data, err := os.ReadFile("testdata/sentences.txt")
	if err != nil {
		t.Fatal(err)
	}
	marked := string(data)
	text := strings.ReplaceAll(marked, "|", "")
	var want []string
	for line := range strings.Lines(marked) {
		for _, s := range strings.Split(line, "|") {
			if s = strings.TrimSpace(s); s != "" {
				want = append(want, s)
			}
		}
	}
	var got []string
	for _, s := range sentences(text) {
		got = append(got, text[s.start:s.end])
	}
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("sentence %d = %q, want %q", i, g, w)
		}
	}
}

func TestSentencesEdges(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"", nil},
		{"  \n\n ", nil},
		{"One.", []string{"One."}},
		{"Dr. Who met Gen. Smith. They talked.", []string{"Dr. Who met Gen. Smith.", "They talked."}},
		{"He arrived on Sept. 3 with Mrs. Jones.", []string{"He arrived on Sept. 3 with Mrs. Jones."}},
		{"It ended in Sept. The next year began.", []string{"It ended in Sept.", "The next year began."}},
		{"“We won.” The fans cheered.", []string{"“We won.”", "The fans cheered."}},
		{"Prices rose 2.5 percent. Markets fell.", []string{"Prices rose 2.5 percent.", "Markets fell."}},
		{"a\r\nb", []string{"a", "b"}},
	} {
		var got []string
		for _, s := range sentences(tc.text) {
			got = append(got, tc.text[s.start:s.end])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("sentences(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}
