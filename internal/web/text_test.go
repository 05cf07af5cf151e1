package web

import (
	"strings"
	"testing"

	"github.com/storyline/storyline"
)

func TestMark(t *testing.T) {
	text := "Mevlüt Çavuşoğlu met Lavrov in Moscow."
	ent := func(typ storyline.EntityType, s string) storyline.Entity {
		i := strings.Index(text, s)
		return storyline.Entity{Type: typ, Text: s, Start: i, End: i + len(s)}
	}
	for _, tc := range []struct {
		name string
		es   []storyline.Entity
		want string
	}{
		{"none", nil, "|" + text},
		{"two", []storyline.Entity{ent(storyline.Place, "Moscow"), ent(storyline.Person, "Mevlüt Çavuşoğlu")},
			"person|Mevlüt Çavuşoğlu | met Lavrov in  place|Moscow |."},
		{"overlap kept out", []storyline.Entity{ent(storyline.Person, "Mevlüt Çavuşoğlu"), ent(storyline.Person, "Çavuşoğlu")},
			"person|Mevlüt Çavuşoğlu | met Lavrov in Moscow."},
		{"cuts a character", []storyline.Entity{{Type: storyline.Person, Start: 5, End: 9}}, "|" + text},
		{"out of range", []storyline.Entity{{Type: storyline.Person, Start: 30, End: 400}}, "|" + text},
	} {
		var parts []string
		for _, s := range mark(text, 0, len(text), tc.es) {
			parts = append(parts, string(s.Type)+"|"+s.Text)
		}
		if got := strings.Join(parts, " "); got != tc.want {
			t.Errorf("%s: mark = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestRunes(t *testing.T) {
	text := "Çavuşoğlu met Lavrov"
	r := runes{text: text}
	for _, tc := range []struct{ b, want int }{{0, 0}, {12, 9}, {12, 9}, {len(text), 20}, {2, 1}} {
		if got := r.at(tc.b); got != tc.want {
			t.Errorf("at(%d) = %d, want %d", tc.b, got, tc.want)
		}
	}
}

func TestWhenLabel(t *testing.T) {
	for in, want := range map[string]string{"2023-04-25": "25 Apr 2023", "2023-03": "Mar 2023", "2023": "2023",
		"2023-W16": "week 16, 2023", "2023-W12-WE": "weekend of week 12, 2023", "PRESENT_REF": "PRESENT_REF"} {
		if got := whenLabel(in); got != want {
			t.Errorf("whenLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkupEscapes(t *testing.T) {
	got := string(markup([]span{{Text: "<script>x</script> & "}, {Text: `"Ç"`, Type: storyline.Person, Norm: `a" onmouseover="x`}}))
	want := `&lt;script&gt;x&lt;/script&gt; &amp; <mark class="person" title="a&#34; onmouseover=&#34;x">&#34;Ç&#34;</mark>`
	if got != want {
		t.Errorf("markup = %s, want %s", got, want)
	}
}

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n         int
		one, many string
		want      string
	}{
		{0, "report", "reports", "0 reports"},
		{1, "report", "reports", "1 report"},
		{2, "report", "reports", "2 reports"},
		{1, "timeline entry", "timeline entries", "1 timeline entry"},
		{12, "timeline entry", "timeline entries", "12 timeline entries"},
		{-1, "event", "events", "-1 events"},
	} {
		if got := count(tc.n, tc.one, tc.many); got != tc.want {
			t.Errorf("count(%d, %q, %q) = %q, want %q", tc.n, tc.one, tc.many, got, tc.want)
		}
	}
}
