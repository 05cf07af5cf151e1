package cli

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storyline/storyline/fixtures"
)

// TestAllowPrivateFlag: a local feed listing a loopback page that no
// source names does not make ingest fetch it, unless -allow-private says so.
func TestAllowPrivateFlag(t *testing.T) {
	page, err := fs.ReadFile(fixtures.FS, "pages/001_aa6b1db065f18728.html")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer srv.Close()
	dir := t.TempDir()
	feed := filepath.Join(dir, "feed.xml")
	rss := `<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><link>` + srv.URL + `/story</link></item></channel></rss>`
	if err := os.WriteFile(feed, []byte(rss), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "news.db")
	if r := ingest(t, "-db", db, "-extract=false", feed); r.code != 1 || !strings.Contains(r.stderr, "refused to connect to a private address") {
		t.Errorf("without -allow-private: exit %d, want 1 and the refusal\n%s", r.code, r.stderr)
	}
	if r := ingest(t, "-db", db, "-extract=false", "-allow-private", feed); r.code != 0 || !strings.Contains(r.stderr, "1 new") {
		t.Errorf("with -allow-private: exit %d, want 0 and 1 new\n%s", r.code, r.stderr)
	}
}
