package identity

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/storyline/storyline"
)

// TestKeys checks Fold, Key and SurnameKey against the cases in
// testdata/names.tsv.
func TestKeys(t *testing.T) {
	const name = "names.tsv"
	funcs := map[string]func(string) string{"Fold": Fold, "Key": Key, "SurnameKey": SurnameKey}
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pos := fmt.Sprintf("%s:%d", name, i+1)
		f := strings.Split(line, "\t")
		if len(f) != 3 || funcs[f[0]] == nil {
			t.Fatalf("%s: want a function, a name and a key separated by tabs: %q", pos, line)
		}
		in, want := unquote(t, pos, f[1]), unquote(t, pos, f[2])
		if got := funcs[f[0]](in); got != want {
			t.Errorf("%s: %s(%q) = %q, want %q", pos, f[0], in, got, want)
		}
		n++
	}
	if n == 0 {
		t.Errorf("%s: no cases", name)
	}
}

// unquote reads a field of a table at pos: a Go string literal when it
// starts with a double quote, else the field as it stands.
func unquote(t *testing.T, pos, field string) string {
	t.Helper()
	if !strings.HasPrefix(field, `"`) {
		return field
	}
	s, err := strconv.Unquote(field)
	if err != nil {
		t.Fatalf("%s: %s: %v", pos, field, err)
	}
	return s
}

func TestIsParticle(t *testing.T) {
	for w, want := range map[string]bool{"bin": true, "al": true, "van": true, "st.": true, "Al": false, "Bin": false, "Assad": false, "": false} {
		if got := IsParticle(w); got != want {
			t.Errorf("IsParticle(%q) = %v, want %v", w, got, want)
		}
	}
}

// census counts each name as often as counts says.
func census(counts map[string]int) *Census {
	c := NewCensus()
	for name, n := range counts {
		for range n {
			c.Add("s", []storyline.Entity{{Type: storyline.Person, Norm: name}})
		}
	}
	return c
}

func TestNames(t *testing.T) {
	counts := map[string]int{
		"Sergei Lavrov": 1, "Sergey Lavrov": 2, "Lavrov": 1,
		"Mevlut Cavusoglu": 2, "Mevlüt Çavuşoğlu": 2,
		"Ali Asghar Haji": 1, "Khaji": 1,
		"Recep Tayyip Erdogan": 3, "Erdogan": 4,
		"Hossein Amirabdollahian": 1, "Hossein Amir-Abdollahian": 1,
		// Two people with one surname stay apart, and the lone surname
		// joins neither.
		"Joe Biden": 2, "Hunter Biden": 1, "Biden": 3,
		// A name with a middle name, or an initial, joins the full name
		// of its scope.
		"Mark Heller": 2, "Mark Jay Heller": 1, "Heller": 1,
		"Volodymyr Zelensky": 2, "Volodymyr Zelenskiy": 1, "Zelenskyy": 1,
		// A generational suffix does not hide the surname.
		"Arcade Joseph Comeaux Jr.": 2, "Comeaux": 2,
		// Lone surnames spelled two ways, with no full name, become one.
		"Cavusoglu": 1, "Çavuşoğlu": 1,
	}
	want := map[string]string{
		"Sergei Lavrov": "Sergey Lavrov", "Sergey Lavrov": "Sergey Lavrov", "Lavrov": "Sergey Lavrov",
		"Mevlut Cavusoglu": "Mevlüt Çavuşoğlu", "Mevlüt Çavuşoğlu": "Mevlüt Çavuşoğlu",
		"Ali Asghar Haji": "Ali Asghar Haji", "Khaji": "Ali Asghar Haji",
		"Recep Tayyip Erdogan": "Recep Tayyip Erdogan", "Erdogan": "Recep Tayyip Erdogan",
		"Hossein Amirabdollahian": "Hossein Amir-Abdollahian", "Hossein Amir-Abdollahian": "Hossein Amir-Abdollahian",
		"Joe Biden": "Joe Biden", "Hunter Biden": "Hunter Biden", "Biden": "Biden",
		"Mark Heller": "Mark Heller", "Mark Jay Heller": "Mark Heller", "Heller": "Mark Heller",
		"Volodymyr Zelensky": "Volodymyr Zelensky", "Volodymyr Zelenskiy": "Volodymyr Zelensky", "Zelenskyy": "Volodymyr Zelensky",
		"Arcade Joseph Comeaux Jr.": "Arcade Joseph Comeaux Jr.", "Comeaux": "Arcade Joseph Comeaux Jr.",
		// Not counted: itself.
		"Vladimir Putin": "Vladimir Putin", "": "",
	}
	names := census(counts).Names()
	for name, w := range want {
		if got := names.Of("s", name); got != w {
			t.Errorf("Names().Of(%q) = %q, want %q", name, got, w)
		}
	}
	if a, b := names.Of("s", "Cavusoglu"), names.Of("s", "Çavuşoğlu"); a != b {
		t.Errorf("Names().Of(%q) = %q, Names().Of(%q) = %q, want one name", "Cavusoglu", a, "Çavuşoğlu", b)
	}
}

func TestAddCountsPeopleOnly(t *testing.T) {
	c := NewCensus()
	// One use of each spelling: the tie goes to the first in sort order,
	// unless the norms of other entities were counted too.
	c.Add("s", []storyline.Entity{{Type: storyline.Person, Norm: "Sergey Lavrov"}, {Type: storyline.Country, Norm: "Sergey Lavrov"}})
	c.Add("s", []storyline.Entity{{Type: storyline.Date, Norm: "Sergey Lavrov"}, {Type: storyline.Person, Norm: "Sergei Lavrov"}})
	if got := c.Names().Of("s", "Sergey Lavrov"); got != "Sergei Lavrov" {
		t.Errorf("Names().Of(%q) = %q, want %q", "Sergey Lavrov", got, "Sergei Lavrov")
	}
}

func TestApplyCopies(t *testing.T) {
	es := []storyline.Entity{
		{Type: storyline.Person, Text: "Sergei Lavrov", Norm: "Sergei Lavrov"},
		{Type: storyline.Country, Text: "Russia", Norm: "RU"},
		{Type: storyline.Person, Text: "Lavrov", Norm: "Lavrov"},
		{Type: storyline.Date, Text: "Lavrov", Norm: "Lavrov"}, // not a person: untouched
	}
	orig := slices.Clone(es)
	c := NewCensus()
	c.Add("s", es)
	c.Add("s", []storyline.Entity{{Type: storyline.Person, Norm: "Sergey Lavrov"}, {Type: storyline.Person, Norm: "Sergey Lavrov"}})
	got := c.Names().Apply("s", es)
	want := []string{"Sergey Lavrov", "RU", "Sergey Lavrov", "Lavrov"}
	for i, e := range got {
		if e.Norm != want[i] {
			t.Errorf("Apply(...)[%d].Norm = %q, want %q", i, e.Norm, want[i])
		}
	}
	if !slices.Equal(es, orig) {
		t.Errorf("Apply modified its argument: %v, was %v", es, orig)
	}
	if got := c.Names().Apply("s", nil); len(got) != 0 {
		t.Errorf("Apply(nil) = %v, want none", got)
	}
}

func ExampleCensus() {
	c := NewCensus()
	c.Add("story-1", []storyline.Entity{
		{Type: storyline.Person, Norm: "Mevlüt Çavuşoğlu"},
		{Type: storyline.Person, Norm: "Sergei Lavrov"},
	})
	c.Add("story-1", []storyline.Entity{
		{Type: storyline.Person, Norm: "Mevlut Cavusoglu"},
		{Type: storyline.Person, Norm: "Cavusoglu"},
		{Type: storyline.Person, Norm: "Sergey Lavrov"},
		{Type: storyline.Person, Norm: "Sergey Lavrov"},
	})
	names := c.Names()
	for _, n := range []string{"Mevlut Cavusoglu", "Cavusoglu", "Sergei Lavrov", "Hulusi Akar"} {
		fmt.Printf("%s → %s\n", n, names.Of("story-1", n))
	}
	// Output:
	// Mevlut Cavusoglu → Mevlüt Çavuşoğlu
	// Cavusoglu → Mevlüt Çavuşoğlu
	// Sergei Lavrov → Sergey Lavrov
	// Hulusi Akar → Hulusi Akar
}

// TestCompatible checks which names can name one person, given as written
// (Compatible) and as their keys (CompatibleKeys).
func TestCompatible(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Sergei Lavrov", "Sergey Lavrov", true},
		{"Lavrov", "Sergei Lavrov", true},
		{"J. Smith", "John Smith", true},
		{"Chris Evans", "Christopher Evans", true},
		{"George Bush", "George W. Bush", true},
		{"Volodymyr Zelensky", "Volodymyr Zelenskiy", true},
		{"Joe Biden", "Hunter Biden", false},
		{"Elena Ortega", "Karen Ortega", false},
		{"Mo Cheeks", "Maurice Cheeks", false},
		{"Jo Smith", "John Smith", false},
		{"Elena Ortega", "Elena Novak", false},
		{"", "Elena Ortega", false},
	}
	for _, tt := range tests {
		if got := Compatible(tt.a, tt.b); got != tt.want {
			t.Errorf("Compatible(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := CompatibleKeys(Key(tt.a), Key(tt.b)); got != tt.want {
			t.Errorf("CompatibleKeys(%q, %q) = %v, want %v", Key(tt.a), Key(tt.b), got, tt.want)
		}
	}
}
