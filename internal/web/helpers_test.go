package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/storyline/storyline/fixtures"
	"github.com/storyline/storyline/internal/cli"
	"github.com/storyline/storyline/internal/web"
	"github.com/storyline/storyline/store"
	"github.com/storyline/storyline/store/storetest"
)

// made is a store of the fixture pages, ingested once per test binary;
// each test works on a copy.
var made struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if made.dir != "" {
		os.RemoveAll(made.dir)
	}
	os.Exit(code)
}

// ingestInto ingests sources into the store at db; any failed input is
// an error.
func ingestInto(db string, sources ...string) error {
	var stderr bytes.Buffer
	if code := cli.Ingest(context.Background(), append([]string{"-db", db}, sources...), io.Discard, &stderr, cli.IngestOptions{}); code != 0 {
		return fmt.Errorf("ingest %v: status %d\n%s", sources, code, stderr.String())
	}
	return nil
}

// fixtureStore returns the path of a fresh copy of a store holding the
// five fixture pages, extracted and grouped into their story.
func fixtureStore(t testing.TB) string {
	t.Helper()
	made.once.Do(func() {
		made.dir, made.err = os.MkdirTemp("", "storyline-web-")
		if made.err != nil {
			return
		}
		pages := filepath.Join(made.dir, "pages")
		made.err = os.CopyFS(pages, mustSub(fixtures.FS, "pages"))
		if made.err == nil {
			made.err = ingestInto(filepath.Join(made.dir, "news.db"), pages)
		}
	})
	if made.err != nil {
		t.Fatal(made.err)
	}
	data, err := os.ReadFile(filepath.Join(made.dir, "news.db"))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "news.db")
	if err := os.WriteFile(db, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return db
}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// serve opens the store at db and serves it on a loopback test server;
// the store is integrity-checked once the test ends.
func serve(t testing.TB, db string, opts web.Options) (*httptest.Server, *web.Server) {
	t.Helper()
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(context.Background(), s, opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		s.Close()
		storetest.CheckFile(t, db)
	})
	return hs, srv
}

// get fetches path and returns the body, failing on a status other than
// want.
func get(t testing.TB, base, path string, want int) []byte {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d: %.300s", path, resp.StatusCode, want, body)
	}
	return body
}

func getJSON(t testing.TB, base, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(get(t, base, path, http.StatusOK), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// storyJSON is what the tests read of /api/stories/{id}.
type storyJSON struct {
	ID        string      `json:"story"`
	Title     string      `json:"title"`
	Articles  []string    `json:"articles"`
	People    []string    `json:"people"`
	Countries []string    `json:"countries"`
	Timeline  []eventJSON `json:"timeline"`
	Evidence  [][]struct {
		Article      string `json:"article"`
		Start, End   int
		CStart, CEnd int
		Text         string `json:"text"`
	} `json:"evidence"`
}

type eventJSON struct {
	When     string   `json:"when"`
	Articles []string `json:"articles"`
	People   []string `json:"people"`
}

// theStory returns the fixtures' one story as the API gives it.
func theStory(t testing.TB, base string) storyJSON {
	t.Helper()
	var list struct {
		Stories []struct {
			ID string `json:"story"`
		} `json:"stories"`
	}
	getJSON(t, base, "/api/stories", &list)
	if len(list.Stories) != 1 {
		t.Fatalf("the fixtures make %d stories, want 1", len(list.Stories))
	}
	var s storyJSON
	getJSON(t, base, "/api/stories/"+list.Stories[0].ID, &s)
	return s
}

func articlePath(id string) string { return "/api/articles/" + url.PathEscape(id) }

func contains(body []byte, s string) bool { return strings.Contains(string(body), s) }
