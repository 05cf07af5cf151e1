package cli

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/storyline/storyline/fixtures"
	"github.com/storyline/storyline/store/storetest"
)

// TestNotModifiedCostsNothing: the second ingest of an unchanged page sends
// its validators, gets a 304, and neither parses nor writes.
func TestNotModifiedCostsNothing(t *testing.T) {
	page, err := fs.ReadFile(fixtures.FS, "pages/001_aa6b1db065f18728.html")
	if err != nil {
		t.Fatal(err)
	}
	var bodies, notModified atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		bodies.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	if r := ingest(t, "-db", db, srv.URL+"/story"); r.code != 0 || !strings.Contains(r.stderr, "1 new") {
		t.Fatalf("first ingest: exit %d\n%s", r.code, r.stderr)
	}
	before, _ := os.ReadFile(db)
	r := ingest(t, "-db", db, srv.URL+"/story")
	if r.code != 0 || !strings.Contains(r.stderr, "0 new, 1 unchanged") {
		t.Fatalf("second ingest: exit %d\n%s", r.code, r.stderr)
	}
	after, _ := os.ReadFile(db)
	if !bytes.Equal(before, after) {
		t.Error("a 304 changed the store file")
	}
	if bodies.Load() != 1 || notModified.Load() != 1 {
		t.Errorf("server sent %d bodies and %d 304s, want 1 and 1", bodies.Load(), notModified.Load())
	}
}

// TestSameReportTwoURLs: tracking parameters do not make a second article.
func TestSameReportTwoURLs(t *testing.T) {
	srv, _ := serveFixtures(t)
	db := filepath.Join(t.TempDir(), "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	page := srv.URL + "/pages/000_69aa844a4afd86f8.html"
	r := ingest(t, "-db", db, page+"?utm_source=twitter&utm_medium=social", page+"?fbclid=IwAR0")
	if r.code != 0 {
		t.Fatalf("ingest: exit %d\n%s", r.code, r.stderr)
	}
	dump := readDump(t, extract(t, "dump", "-db", db).stdout)
	if len(dump) != 1 || dump[0].ID != page {
		t.Errorf("two tracking URLs of one page stored %d articles (%v), want one keyed %s", len(dump), dump, page)
	}
}

// TestMirrorIsDuplicate: the South Front article served again by a mirror,
// with other page furniture, is linked to the first copy.
func TestMirrorIsDuplicate(t *testing.T) {
	original, err := fs.ReadFile(fixtures.FS, "pages/003_f3404cdb3d03a3cb.html")
	if err != nil {
		t.Fatal(err)
	}
	mirror := strings.NewReplacer(
		"South Front", "Mirror Daily",
		`<li><a href="/video">Video</a></li>`, `<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li>`,
		"All rights reserved.", "Republished with permission.",
	).Replace(string(original))
	mux := http.NewServeMux()
	mux.HandleFunc("/southfront/russia-ties.html", func(w http.ResponseWriter, r *http.Request) { w.Write(original) })
	mux.HandleFunc("/mirror/russia-ties-copy.html", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(mirror)) })
	mux.HandleFunc("/other.html", func(w http.ResponseWriter, r *http.Request) {
		data, _ := fs.ReadFile(fixtures.FS, "pages/004_54ff691f75c98e7c.html")
		w.Write(data)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	ingest(t, "-db", db, srv.URL+"/southfront/russia-ties.html", srv.URL+"/other.html")
	r := ingest(t, "-db", db, srv.URL+"/mirror/russia-ties-copy.html")
	if r.code != 0 || !strings.Contains(r.stderr, "1 of the new are copies of stored reports") {
		t.Errorf("mirror ingest: exit %d\n%s", r.code, r.stderr)
	}
	byID := map[string]dumpLine{}
	for _, a := range readDump(t, extract(t, "dump", "-db", db).stdout) {
		byID[a.ID] = a
	}
	first, copyID := srv.URL+"/southfront/russia-ties.html", srv.URL+"/mirror/russia-ties-copy.html"
	if got := byID[copyID].DuplicateOf; got != first {
		t.Errorf("mirror duplicate_of = %q, want %q", got, first)
	}
	if byID[first].DuplicateOf != "" || byID[srv.URL+"/other.html"].DuplicateOf != "" {
		t.Error("an original or an unrelated story is flagged as a duplicate")
	}
}
