package cli

import (
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/fixtures"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/store/storetest"
	"github.com/storyline/storyline/timex"
)

// queryStore makes a store of the fixtures and two other stories, grouped,
// plus what the index must keep track of: a report changed since its
// extraction (stale), one stored without extraction, one without a date
// that mentions dates.
func queryStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	docs, err := fs.ReadFile(fixtures.FS, "docs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	others, err := os.ReadFile("testdata/otherstories.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	corpus := filepath.Join(dir, "reports.jsonl")
	undated, _ := json.Marshal(map[string]string{"id": "undated", "text": "Turkish Defence Minister Hulusi Akar met " +
		"Sergei Lavrov in Moscow on 25 April 2023. Akar said the talks went well."})
	write := func(path string, data ...[]byte) {
		t.Helper()
		if err := os.WriteFile(path, append(slices.Concat(data...), '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(corpus, docs, []byte("\n"), others, []byte("\n"), undated)
	if r := ingest(t, "-db", db, corpus); r.code != exitOK {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	// quake-1 changes and is not extracted again; a new report is not
	// extracted at all.
	first, _, _ := strings.Cut(string(others), "\n")
	var quake map[string]string
	if err := json.Unmarshal([]byte(first), &quake); err != nil {
		t.Fatal(err)
	}
	quake["text"] += "\nSergei Lavrov sent his condolences to Tehran."
	changed, _ := json.Marshal(quake)
	fresh, _ := json.Marshal(map[string]string{"id": "fresh", "published": "2023-04-25", "text": "Sergei Lavrov in Ankara."})
	later := filepath.Join(dir, "later.jsonl")
	write(later, changed, []byte("\n"), fresh)
	if r := ingest(t, "-db", db, "-extract=false", later); r.code != exitOK {
		t.Fatalf("ingest -extract=false: exit %d: %s", r.code, r.stderr)
	}
	return db
}

// answers reports whether dump line l answers the query flags args, as
// README says: an independent reading of the flags over a full dump.
func answers(t *testing.T, l dumpLine, args []string) bool {
	t.Helper()
	has := func(typ storyline.EntityType, ok func(norm string) bool) bool {
		return slices.ContainsFunc(l.Entities, func(e dumpEntity) bool { return e.Type == typ && ok(e.Norm) })
	}
	var from, to string
	for i := 0; i < len(args); i += 2 {
		v := args[i+1]
		switch args[i] {
		case "-person":
			key := identity.Key
			if !strings.Contains(v, " ") {
				key = identity.SurnameKey
			}
			if !has(storyline.Person, func(n string) bool { return key(n) == key(v) }) {
				return false
			}
		case "-country":
			if !has(storyline.Country, func(n string) bool { return n == v }) {
				return false
			}
		case "-place":
			if !has(storyline.Place, func(n string) bool { return strings.EqualFold(n, v) }) {
				return false
			}
		case "-story":
			if l.Story != v {
				return false
			}
		case "-from":
			from = v
		case "-to":
			to = v
		default:
			t.Fatalf("flag %s", args[i])
		}
	}
	if from == "" && to == "" {
		return true
	}
	within := func(start, end time.Time) bool { // [start, end) inside [from, to]
		f, _ := time.Parse(time.DateOnly, from)
		e, _ := time.Parse(time.DateOnly, to)
		return (from == "" || !start.Before(f)) && (to == "" || !end.After(e.AddDate(0, 0, 1)))
	}
	if l.Published != "" {
		d, _ := time.Parse(time.DateOnly, l.Published)
		return within(d, d.AddDate(0, 0, 1))
	}
	return has(storyline.Date, func(n string) bool {
		v, err := timex.Parse(n)
		if err != nil {
			return false
		}
		start, end, ok := v.Span()
		return ok && within(start, end)
	})
}

// TestDumpQueriesFromTheIndex asks every question the store's own
// entities suggest — each person by full name and by surname, each
// country, place and story, dates, and pairs of them — and checks that
// the dump answered from the index writes exactly the lines of the full
// dump (a walk of every report) that answer it, byte for byte: the same
// reports, and the same canonical names. It asks again after 'extract run
// -all' has extracted the stale report again and rebuilt the stories.
func TestDumpQueriesFromTheIndex(t *testing.T) {
	db := queryStore(t)
	if stale := checkAnswers(t, db); stale != 1 {
		t.Fatalf("the store has %d stale reports, want 1", stale)
	}
	if r := extract(t, "run", "-all", "-db", db); r.code != exitOK {
		t.Fatalf("extract run -all: exit %d: %s", r.code, r.stderr)
	}
	if stale := checkAnswers(t, db); stale != 0 {
		t.Fatalf("after extract run -all, %d stale reports", stale)
	}
}

// checkAnswers compares the answers of the store at db to its full dump,
// and returns how many reports that dump marks stale.
func checkAnswers(t *testing.T, db string) (stale int) {
	t.Helper()
	r := extract(t, "dump", "-db", db)
	if r.code != exitOK {
		t.Fatalf("dump: exit %d: %s", r.code, r.stderr)
	}
	full := strings.SplitAfter(r.stdout, "\n")
	lines := readDump(t, r.stdout)
	values := map[string]map[string]bool{}
	add := func(flag, v string) {
		if values[flag] == nil {
			values[flag] = map[string]bool{}
		}
		values[flag][v] = true
	}
	for _, l := range lines {
		if l.Stale {
			stale++
		}
		if l.Story != "" {
			add("-story", l.Story)
		}
		for _, e := range l.Entities {
			switch e.Type {
			case storyline.Person:
				add("-person", e.Norm)
				add("-person", e.Text)
				ws := strings.Fields(e.Norm)
				add("-person", ws[len(ws)-1])
			case storyline.Country:
				add("-country", e.Norm)
			case storyline.Place:
				add("-place", strings.ToUpper(e.Norm))
			}
		}
	}
	if len(values["-story"]) < 3 {
		t.Fatalf("the store has %d stories, want 3 or more", len(values["-story"]))
	}
	var queries [][]string
	for _, flag := range slices.Sorted(maps.Keys(values)) {
		for _, v := range slices.Sorted(maps.Keys(values[flag])) {
			queries = append(queries, []string{flag, v})
		}
	}
	queries = append(queries,
		[]string{"-from", "2023-04-01", "-to", "2023-04-30"}, []string{"-from", "2023-05-01"}, []string{"-to", "2023-04-25"},
		[]string{"-from", "2024-01-01", "-to", "2024-12-31"},
		[]string{"-person", "Sergei Lavrov", "-country", "TR", "-from", "2023-05-01", "-to", "2023-05-31"},
		[]string{"-person", "Akar", "-place", "moscow"}, []string{"-country", "IR", "-story", slices.Sorted(maps.Keys(values["-story"]))[0]},
		[]string{"-person", "Nobody Known"}, []string{"-country", "ZZ"})
	found := 0
	for _, q := range queries {
		var want []string
		for i, l := range lines {
			if answers(t, l, q) {
				want = append(want, full[i])
			}
		}
		r := extract(t, append([]string{"dump", "-db", db}, q...)...)
		got := strings.SplitAfter(r.stdout, "\n")
		got = got[:len(got)-1]
		if r.code != exitOK || !slices.Equal(got, want) {
			t.Errorf("dump %q: exit %d, %d lines; want the %d lines of the full dump that answer it\n%s", q, r.code, len(got), len(want), r.stderr)
		}
		found += len(want)
	}
	if found < len(queries) {
		t.Errorf("%d queries found %d lines in all: the test asks too little", len(queries), found)
	}
	return stale
}
