package cli

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline/fixtures"
	"github.com/storyline/storyline/internal/bench"
	"github.com/storyline/storyline/store/storetest"
)

// fixtureWARC writes the fixture pages to a gzipped WARC file, each page
// captured at https://news.example.com/NAME, and returns the file.
func fixtureWARC(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "fixtures.warc.gz")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := bench.NewWARCWriter(f, true)
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := fs.Glob(fixtures.FS, "pages/*.html")
	for _, p := range pages {
		body, err := fs.ReadFile(fixtures.FS, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(bench.WARCPage{URI: "https://news.example.com/" + path.Base(p), Date: time.Date(2023, 3, 2, 10, 0, 0, 0, time.UTC),
			Header: []string{"Content-Type: text/html; charset=utf-8"}, Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	return file
}

// storiesWithoutKeys is what `extract stories` prints, with the article
// keys each source gives its reports (a file's path, a record's URL)
// replaced by the page's file name and without the story IDs made of
// them, so that the stories of two sources of the same pages can be
// compared.
func storiesWithoutKeys(t *testing.T, db string) []any {
	t.Helper()
	r := extract(t, "stories", "-db", db)
	if r.code != 0 {
		t.Fatalf("extract stories: exit %d\n%s", r.code, r.stderr)
	}
	var out []any
	for line := range strings.Lines(r.stdout) {
		var v any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("stories line is not JSON: %v: %s", err, line)
		}
		if m, ok := v.(map[string]any); ok {
			delete(m, "story")
		}
		out = append(out, rekey(v))
	}
	return out
}

// rekey replaces every string naming a fixture page (a path, a file or an
// https URL) with the page's file name.
func rekey(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = rekey(e)
		}
	case []any:
		for i, e := range x {
			x[i] = rekey(e)
		}
	case string:
		if strings.HasSuffix(x, ".html") && strings.Contains(x, "/") {
			return path.Base(filepath.ToSlash(x))
		}
	}
	return v
}

// TestIngestWARC: a WARC file of the fixture pages gives the same stories
// as the pages themselves, re-ingesting it writes nothing, and a -host
// that none of its records has collects nothing.
func TestIngestWARC(t *testing.T) {
	file := fixtureWARC(t)
	dir := t.TempDir()
	fromWARC, fromPages := filepath.Join(dir, "warc.db"), filepath.Join(dir, "pages.db")
	t.Cleanup(func() { storetest.CheckFile(t, fromWARC); storetest.CheckFile(t, fromPages) })

	r := ingest(t, "-db", fromWARC, "-v", file)
	if r.code != 0 || !strings.Contains(r.stderr, "5 new, 0 unchanged, 0 updated, 0 failed") ||
		!strings.Contains(r.stderr, "11 records not read as articles (5 metadata, 5 request, 1 warcinfo)") {
		t.Fatalf("ingest %s: exit %d\n%s", file, r.code, r.stderr)
	}
	before, _ := os.ReadFile(fromWARC)
	if r = ingest(t, "-db", fromWARC, file); r.code != 0 || !strings.Contains(r.stderr, "0 new, 5 unchanged, 0 updated, 0 failed, 11 WARC records skipped (-v names them)") {
		t.Fatalf("second ingest: exit %d\n%s", r.code, r.stderr)
	}
	if after, _ := os.ReadFile(fromWARC); string(before) != string(after) {
		t.Error("second ingest of the same WARC file changed the store file")
	}

	pages := filepath.Join(t.TempDir(), "pages")
	sub, _ := fs.Sub(fixtures.FS, "pages")
	if err := os.CopyFS(pages, sub); err != nil {
		t.Fatal(err)
	}
	if r = ingest(t, "-db", fromPages, pages); r.code != 0 {
		t.Fatalf("ingest pages: exit %d\n%s", r.code, r.stderr)
	}
	got, want := storiesWithoutKeys(t, fromWARC), storiesWithoutKeys(t, fromPages)
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if len(got) == 0 || string(gotJSON) != string(wantJSON) {
		t.Errorf("stories from the WARC file:\n%s\nfrom the pages:\n%s", gotJSON, wantJSON)
	}

	r = ingest(t, "-db", filepath.Join(dir, "none.db"), "-host", "other.example", "-until", "2023-03-01", file)
	if r.code != 0 || !strings.Contains(r.stderr, "0 new, 0 unchanged, 0 updated, 0 failed") {
		t.Errorf("ingest -host other.example: exit %d\n%s", r.code, r.stderr)
	}
}
