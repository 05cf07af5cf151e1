package cli

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/fixtures"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/internal/eval"
)

// fixtureStore ingests the fixtures' gold texts into a new store and
// returns it with their gold.
func fixtureStore(t *testing.T) (db string, gold []eval.Doc) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "news.db")
	if r := ingest(t, "-db", db, fixtureFile(t, "docs.jsonl")); r.code != exitOK {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	gold, err := eval.ReadGoldFS(fixtures.FS, "gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return db, gold
}

// TestDumpQueries asks the fixtures' store the questions an analyst asks,
// and checks each answer against what the gold says of the five reports.
func TestDumpQueries(t *testing.T) {
	db, gold := fixtureStore(t)
	// want lists the gold reports for which keep holds.
	want := func(keep func(g eval.Doc) bool) []string {
		var ids []string
		for _, g := range gold {
			if keep(g) {
				ids = append(ids, g.ID)
			}
		}
		return ids
	}
	mentions := func(g eval.Doc, typ string, ok func(norm string) bool) bool {
		return slices.ContainsFunc(g.Entities, func(e storyline.Entity) bool { return string(e.Type) == typ && ok(e.Norm) })
	}
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"a person by another spelling", []string{"-person", "Sergei Lavrov"},
			want(func(g eval.Doc) bool {
				return mentions(g, "person", func(n string) bool { return identity.Key(n) == identity.Key("Sergey Lavrov") })
			})},
		{"a surname", []string{"-person", "Akar"},
			want(func(g eval.Doc) bool {
				return mentions(g, "person", func(n string) bool { return strings.HasSuffix(n, "Akar") })
			})},
		{"a country and a month", []string{"-country", "tr", "-from", "2023-04-01", "-to", "2023-04-30"},
			want(func(g eval.Doc) bool {
				// A report without a date is in the month when it mentions a day of it.
				inApril := strings.HasPrefix(g.Published, "2023-04") ||
					g.Published == "" && mentions(g, "date", func(n string) bool { return strings.HasPrefix(n, "2023-04-") })
				return inApril && mentions(g, "country", func(n string) bool { return n == "TR" })
			})},
		{"two countries", []string{"-country", "OM", "-person", "Hulusi Akar"},
			want(func(g eval.Doc) bool {
				return mentions(g, "country", func(n string) bool { return n == "OM" }) &&
					mentions(g, "person", func(n string) bool { return n == "Hulusi Akar" })
			})},
		{"words", []string{"-q", "Defence MINISTERS"},
			want(func(g eval.Doc) bool { return strings.Contains(strings.ToLower(g.Text), "defence ministers") })},
		{"nothing", []string{"-person", "Nobody Atall"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := extract(t, append([]string{"dump", "-db", db}, tc.args...)...)
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var got []string
			for _, l := range readDump(t, r.stdout) {
				got = append(got, l.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("dump %v = %v, want %v", tc.args, got, tc.want)
			}
		})
	}

	t.Run("csv with snippets", func(t *testing.T) {
		r := extract(t, "dump", "-db", db, "-format", "csv", "-snippets", "-type", "person")
		rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
		if err != nil || r.code != exitOK {
			t.Fatalf("exit %d, %v: %s", r.code, err, r.stderr)
		}
		if !slices.Equal(rows[0], csvHeader) {
			t.Errorf("header %v, want %v", rows[0], csvHeader)
		}
		var all []dumpLine
		for _, l := range readDump(t, extract(t, "dump", "-db", db, "-type", "person").stdout) {
			all = append(all, l)
		}
		n := 0
		for _, l := range all {
			n += len(l.Entities)
		}
		if len(rows)-1 != n {
			t.Errorf("%d rows, want one per person mention: %d", len(rows)-1, n)
		}
		for _, row := range rows[1:] {
			if !strings.Contains(row[11], row[5]) {
				t.Errorf("snippet %q does not hold its mention %q", row[11], row[5])
			}
		}
	})

	for _, bad := range [][]string{{"-country", "Turkey"}, {"-from", "2023-13-01"}, {"-from", "2023-05-01", "-to", "2023-04-01"}, {"-format", "xml"}} {
		if r := extract(t, append([]string{"dump", "-db", db}, bad...)...); r.code != exitUsage {
			t.Errorf("dump %v: exit %d, want %d", bad, r.code, exitUsage)
		}
	}
}

// TestCharacterOffsets checks cstart and cend where bytes and characters
// part: names with diacritics and text in other scripts before them.
func TestCharacterOffsets(t *testing.T) {
	text := "Çavuşoğlu met Lavrov. Здравствуйте, said Mevlüt Çavuşoğlu in Moscow."
	var ents []dumpEntity
	line, _ := json.Marshal(charOffsets(text, entitiesAt(text, "Çavuşoğlu", "Lavrov", "Mevlüt Çavuşoğlu", "Moscow"), true))
	if err := json.Unmarshal(line, &ents); err != nil {
		t.Fatal(err)
	}
	chars := []rune(text)
	for _, e := range ents {
		if got := string(chars[e.CStart:e.CEnd]); got != e.Text {
			t.Errorf("chars[%d:%d] = %q, want %q", e.CStart, e.CEnd, got, e.Text)
		}
		if !strings.Contains(e.Snippet, e.Text) || strings.Count(e.Snippet, ".") > 1 {
			t.Errorf("snippet of %q = %q, want its one sentence", e.Text, e.Snippet)
		}
	}
}

// entitiesAt makes an entity of each of words, at its first occurrence
// after the one before.
func entitiesAt(text string, words ...string) []storyline.Entity {
	var out []storyline.Entity
	from := 0
	for _, w := range words {
		i := from + strings.Index(text[from:], w)
		out = append(out, storyline.Entity{Type: storyline.Person, Text: w, Start: i, End: i + len(w)})
		from = i + len(w)
	}
	return out
}

// TestPeopleCountriesList checks the store's census against the gold: how
// many reports name each person and country, and one line per report.
func TestPeopleCountriesList(t *testing.T) {
	db, gold := fixtureStore(t)
	reportsOf := func(typ storyline.EntityType, key func(string) string) map[string]int {
		n := map[string]int{}
		for _, g := range gold {
			seen := map[string]bool{}
			for _, e := range g.Entities {
				if e.Type == typ && !seen[key(e.Norm)] {
					seen[key(e.Norm)] = true
					n[key(e.Norm)]++
				}
			}
		}
		return n
	}
	for _, tc := range []struct {
		verb string
		typ  storyline.EntityType
		key  func(string) string
		name string
	}{
		{"people", storyline.Person, identity.Key, "Bashar al-Assad"},
		{"countries", storyline.Country, func(s string) string { return s }, "TR"},
	} {
		r := extract(t, tc.verb, "-db", db)
		if r.code != exitOK {
			t.Fatalf("%s: exit %d: %s", tc.verb, r.code, r.stderr)
		}
		want := reportsOf(tc.typ, tc.key)
		found, last := false, 1<<30
		for line := range strings.Lines(r.stdout) {
			var got tally
			if err := json.Unmarshal([]byte(line), &got); err != nil {
				t.Fatalf("%s: %v: %s", tc.verb, err, line)
			}
			if got.Reports > last {
				t.Errorf("%s: %s (%d reports) after one of %d: not most reported first", tc.verb, got.Name, got.Reports, last)
			}
			last = got.Reports
			if tc.key(got.Name) == tc.key(tc.name) {
				found = true
				if got.Reports != want[tc.key(tc.name)] || got.Stories != 1 || len(got.Spellings) == 0 {
					t.Errorf("%s: %+v, want %d reports in 1 story, with its spellings", tc.verb, got, want[tc.key(tc.name)])
				}
			}
		}
		if !found {
			t.Errorf("%s: no line for %s", tc.verb, tc.name)
		}
	}
	r := extract(t, "list", "-db", db)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != exitOK || len(lines) != len(gold) {
		t.Fatalf("list: exit %d, %d lines, want %d", r.code, len(lines), len(gold))
	}
	for _, l := range lines {
		if f := strings.Split(l, "\t"); len(f) != 4 || f[2] == "-" {
			t.Errorf("list line %q: want id, date, story and title", l)
		}
	}
}
