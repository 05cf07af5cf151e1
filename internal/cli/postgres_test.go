package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/fixtures"
	"github.com/storyline/storyline/store/postgres"
	"github.com/storyline/storyline/store/postgres/pgtest"
)

// The commands give the same answers on PostgreSQL as on bbolt.
func TestPostgresLikeBbolt(t *testing.T) {
	t.Parallel()
	pg, file := pgtest.URL(t), filepath.Join(t.TempDir(), "news.db")
	pages := fixtureDir(t)
	for _, db := range []string{pg, file} {
		if r := ingest(t, "-db", db, pages); r.code != 0 || !strings.Contains(r.stderr, "5 new, 0 unchanged") {
			t.Fatalf("ingest -db %s: exit %d\n%s", db, r.code, r.stderr)
		}
	}
	if r := ingest(t, "-db", pg, pages); r.code != 0 || !strings.Contains(r.stderr, "0 new, 5 unchanged, 0 updated") {
		t.Errorf("second ingest into PostgreSQL: exit %d\n%s", r.code, r.stderr)
	}
	for _, cmd := range [][]string{{"stories"}, {"dump", "-snippets"}, {"people"}, {"countries"}, {"list"}} {
		want := extract(t, append(cmd, "-db", file)...)
		got := extract(t, append(cmd, "-db", pg)...)
		if got.code != 0 || got.stdout != want.stdout || got.stderr != want.stderr {
			t.Errorf("extract %s: PostgreSQL gives exit %d, %d bytes (stderr %q); bbolt %d bytes (stderr %q)",
				cmd[0], got.code, len(got.stdout), got.stderr, len(want.stdout), want.stderr)
		}
	}
	if r := extract(t, "run", "-db", pg); r.code != 0 || !strings.Contains(r.stderr, "0 extracted, 5 current") {
		t.Errorf("extract run on a current PostgreSQL store: exit %d\n%s", r.code, r.stderr)
	}
}

// The dump answers its query flags from PostgreSQL's query index as it
// does from bbolt's: the lines of the full dump that answer, byte for byte.
func TestPostgresDumpQueriesFromTheIndex(t *testing.T) {
	t.Parallel()
	db := fillQueryStore(t, pgtest.URL(t))
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

// fixtureDir writes the fixture pages to a directory and returns it.
func fixtureDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := fs.ReadDir(fixtures.FS, "pages")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(fixtures.FS, "pages/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestConcurrentWriters runs several ingests at once into one PostgreSQL
// store, each with its own pool as a process on another machine would,
// each storing its own copy of every report at the same moment. The first
// copy stored must win on every machine: of the copies of each report,
// one is the first and every other names it. And the stories, which each
// ingest brings up to date at its end, must be those a rebuild makes.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	const writers = 3
	docs := fixtureDocs(t)
	dir := t.TempDir()
	var files []string
	for w := range writers {
		// Each writer has a copy of every report, from an outlet of its
		// own, in an order of its own.
		var b strings.Builder
		for i := range docs {
			d := docs[(i+w)%len(docs)]
			line, err := json.Marshal(map[string]string{"id": fmt.Sprintf("%s-outlet-%d", d["id"], w),
				"text": d["text"] + fmt.Sprintf("\nCarried by outlet %d.", w), "published": d["published"], "source": fmt.Sprintf("outlet %d", w)})
			if err != nil {
				t.Fatal(err)
			}
			b.Write(append(line, '\n'))
		}
		files = append(files, filepath.Join(dir, fmt.Sprintf("writer-%d.jsonl", w)))
		if err := os.WriteFile(files[w], []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The store exists before the writers start, as it would in a
	// deployment: they race on the articles, not on the schema.
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make([]run, writers)
	for w := range writers {
		wg.Go(func() {
			<-start
			results[w] = ingest(t, "-db", url, files[w])
		})
	}
	close(start)
	wg.Wait()
	for w, r := range results {
		if r.code != 0 {
			t.Fatalf("writer %d: exit %d\n%s", w, r.code, r.stderr)
		}
	}

	// First copy wins: per report, one copy names none, the others it.
	s, err := postgres.OpenReadOnly(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	copies := map[string][]*storyline.Article{}
	err = s.ForEach(context.Background(), func(a *storyline.Article, _ *storyline.Extraction) error {
		base, _, _ := strings.Cut(a.ID, "-outlet-")
		copies[base] = append(copies[base], a)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(copies) != len(docs) {
		t.Fatalf("%d reports stored, want %d", len(copies), len(docs))
	}
	for base, as := range copies {
		var first []string
		for _, a := range as {
			if a.DuplicateOf == "" {
				first = append(first, a.ID)
			}
		}
		if len(as) != writers || len(first) != 1 {
			t.Errorf("report %s: %d copies, first copies %v; want %d copies, one first", base, len(as), first, writers)
			continue
		}
		for _, a := range as {
			if a.DuplicateOf != "" && a.DuplicateOf != first[0] {
				t.Errorf("copy %s names %s, not the first copy %s", a.ID, a.DuplicateOf, first[0])
			}
		}
	}

	// The stories the writers left are those a rebuild makes.
	before := extract(t, "stories", "-db", url)
	if before.code != 0 || before.stderr != "" || before.stdout == "" {
		t.Fatalf("extract stories after the writers: exit %d, %d bytes\n%s", before.code, len(before.stdout), before.stderr)
	}
	if r := extract(t, "run", "-all", "-db", url); r.code != 0 {
		t.Fatalf("extract run -all: exit %d\n%s", r.code, r.stderr)
	}
	after := extract(t, "stories", "-db", url)
	if after.stdout != before.stdout {
		t.Errorf("stories after concurrent writers differ from a rebuild:\n%s\nrebuild:\n%s", before.stdout, after.stdout)
	}
}

// fixtureDocs reads fixtures/docs.jsonl.
func fixtureDocs(t *testing.T) []map[string]string {
	t.Helper()
	f, err := fixtures.FS.Open("docs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []map[string]string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d map[string]any
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for k, v := range d {
			if s, ok := v.(string); ok {
				m[k] = s
			}
		}
		docs = append(docs, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(docs, func(a, b map[string]string) int { return strings.Compare(a["id"], b["id"]) })
	return docs
}

// Killed ingests and extract runs leave a PostgreSQL store with every
// article whole, and a last run stores each article once, extracted.
func TestKilledIngestLosesNothingPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes for a minute (run without -short)")
	}
	t.Parallel()
	killIngests(t, pgtest.URL(t), 10, 3)
}
