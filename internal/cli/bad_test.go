package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/storyline/storyline/store/storetest"
)

// TestBadInputCorpus ingests every file of testdata/bad, and the large ones
// it writes here, into a store that already holds the fixtures. Each input
// gets a clear error naming it or a correct result, the batch goes on, and
// nothing stored before changes.
func TestBadInputCorpus(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	if r := ingest(t, "-db", db, fixtureFile(t, "docs.jsonl")); r.code != 0 {
		t.Fatalf("fixtures: %s", r.stderr)
	}
	before := extract(t, "dump", "-db", db, "-text").stdout

	huge := filepath.Join(dir, "huge-line.txt")
	os.WriteFile(huge, []byte(strings.Repeat("Syria and Turkey met again. ", 20<<20/28)), 0o644)
	nested := filepath.Join(dir, "deeply-nested.html")
	os.WriteFile(nested, []byte("<html><body>"+strings.Repeat("<div>", 20000)+
		"<p>The foreign ministers of Russia, Syria, Turkey and Iran met in Moscow on Tuesday for talks on rebuilding ties.</p>"+
		strings.Repeat("</div>", 20000)+"</body></html>"), 0o644)
	feed := filepath.Join(dir, "feed-10000.xml")
	var items strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&items, "<item><title>Item %d</title><link>rtl-mixed.txt</link></item>\n", i)
	}
	abs, _ := filepath.Abs("testdata/bad/rtl-mixed.txt")
	os.WriteFile(feed, []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>`+
		strings.ReplaceAll(items.String(), "rtl-mixed.txt", "file://"+abs)+`</channel></rss>`), 0o644)

	tests := []struct {
		input   string
		wantErr string // "" when the input must be stored
	}{
		{"testdata/bad/invalid-utf8.txt", "not UTF-8 text"},
		{"testdata/bad/nul-bytes.html", ""},
		{"testdata/bad/one-byte.html", "no article text"},
		{"testdata/bad/empty.txt", "no article text"},
		{"testdata/bad/empty-article.html", "no article text"},
		{"testdata/bad/rtl-mixed.txt", ""},
		{"testdata/bad/wrong-types.jsonl:1", `field "id" is a JSON array`},
		{"testdata/bad/wrong-types.jsonl:2", `field "text" is a JSON object`},
		{"testdata/bad/wrong-types.jsonl:3", `field "published" is a JSON number`},
		{"testdata/bad/bad-dates.txt", ""},
		{huge, "larger than"},
		{nested, "no article text"}, // 20,000 nested divs: refused, not parsed forever
		{feed, ""},
	}
	sources := map[string]bool{}
	var args []string
	for _, tc := range tests {
		src, _, _ := strings.Cut(tc.input, ".jsonl:")
		if strings.HasSuffix(tc.input, "jsonl:"+tc.input[len(tc.input)-1:]) {
			src += ".jsonl"
		}
		if !sources[src] {
			sources[src] = true
			args = append(args, src)
		}
	}
	r := ingest(t, append([]string{"-db", db}, args...)...)
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (some inputs failed)", r.code)
	}
	lines := strings.Split(r.stderr, "\n")
	for _, tc := range tests {
		var line string
		for _, l := range lines {
			if strings.HasPrefix(l, "ingest: "+tc.input+": ") && !strings.Contains(l, " new, ") {
				line = l
			}
		}
		switch {
		case tc.wantErr != "" && !strings.Contains(line, tc.wantErr):
			t.Errorf("%s: want an error line with %q, got %q", tc.input, tc.wantErr, line)
		case tc.wantErr == "" && line != "":
			t.Errorf("%s: want it stored, got %q", tc.input, line)
		}
	}

	dump := readDump(t, extract(t, "dump", "-db", db, "-text").stdout)
	stored := map[string]dumpLine{}
	for _, a := range dump {
		stored[filepath.Base(a.ID)] = a
	}
	for _, name := range []string{"nul-bytes.html", "rtl-mixed.txt", "bad-dates.txt"} {
		a, ok := stored[name]
		if !ok {
			t.Errorf("%s was not stored", name)
			continue
		}
		for _, e := range a.Entities {
			if (*a.Text)[e.Start:e.End] != e.Text {
				t.Errorf("%s: entity %+v off its text", name, e)
			}
		}
	}
	if a := stored["rtl-mixed.txt"]; !hasEntity(a, "person", "Bashar al-Assad") || !hasEntity(a, "country", "Turkey") {
		t.Errorf("rtl-mixed.txt: entities %+v, want Bashar al-Assad and Turkey", a.Entities)
	}
	if a := stored["bad-dates.txt"]; hasEntity(a, "date", "February 30") || hasEntity(a, "date", "the 45th") || !hasEntity(a, "date", "Tuesday") {
		t.Errorf("bad-dates.txt: dates %+v, want Tuesday only", a.Entities)
	}

	// Nothing stored before the bad batch changed.
	var after []dumpLine
	for _, a := range dump {
		if !strings.HasPrefix(a.ID, "/") {
			after = append(after, a)
		}
	}
	if !reflect.DeepEqual(readDump(t, before), after) {
		t.Error("the fixtures stored before the bad inputs changed")
	}
}

func hasEntity(a dumpLine, typ, text string) bool {
	for _, e := range a.Entities {
		if string(e.Type) == typ && e.Text == text {
			return true
		}
	}
	return false
}
