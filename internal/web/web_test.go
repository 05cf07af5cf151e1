package web_test

import (
	"crypto/sha256"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/storyline/storyline/fixtures"
	"github.com/storyline/storyline/internal/web"
)

// TestStoryAPIOffsets: every evidence sentence of the fixtures' story is
// the text its byte offsets cut from the report, and the same text its
// character offsets cut from the report's characters.
func TestStoryAPIOffsets(t *testing.T) {
	hs, _ := serve(t, fixtureStore(t), web.Options{})
	s := theStory(t, hs.URL)
	if len(s.Timeline) < 10 || len(s.Evidence) != len(s.Timeline) {
		t.Fatalf("story has %d timeline entries and %d evidence lists, want 10 or more and as many", len(s.Timeline), len(s.Evidence))
	}
	if !slices.IsSortedFunc(s.Timeline, func(a, b eventJSON) int { return strings.Compare(a.When[:4], b.When[:4]) }) {
		t.Errorf("timeline not in the order of its years")
	}
	texts := map[string]string{}
	nonASCII := false
	for _, ev := range s.Evidence {
		for _, e := range ev {
			text, ok := texts[e.Article]
			if !ok {
				var a struct{ Text string }
				getJSON(t, hs.URL, articlePath(e.Article), &a)
				text, texts[e.Article] = a.Text, a.Text
			}
			if got := text[e.Start:e.End]; got != e.Text {
				t.Errorf("%s[%d:%d] = %q, want %q", e.Article, e.Start, e.End, got, e.Text)
			}
			if got := string([]rune(text)[e.CStart:e.CEnd]); got != e.Text {
				t.Errorf("%s chars [%d:%d] = %q, want %q", e.Article, e.CStart, e.CEnd, got, e.Text)
			}
			nonASCII = nonASCII || e.CStart != e.Start
		}
	}
	if !nonASCII {
		t.Error("no evidence sentence comes after a character of several bytes: the test does not test character offsets")
	}
}

// TestArticleAPIOffsets: each entity's byte and character offsets cut its
// text out of the report (TestUnsafeReport has entities of several-byte
// characters).
func TestArticleAPIOffsets(t *testing.T) {
	hs, _ := serve(t, fixtureStore(t), web.Options{})
	s := theStory(t, hs.URL)
	for _, id := range s.Articles {
		var a struct {
			Text     string
			Story    string
			Entities []struct {
				Type, Text, Norm string
				Start, End       int
				CStart, CEnd     int
			}
		}
		getJSON(t, hs.URL, articlePath(id), &a)
		if a.Story != s.ID {
			t.Errorf("%s: story %q, want %q", id, a.Story, s.ID)
		}
		if len(a.Entities) == 0 {
			t.Errorf("%s: no entities", id)
		}
		chars := []rune(a.Text)
		for _, e := range a.Entities {
			if a.Text[e.Start:e.End] != e.Text || string(chars[e.CStart:e.CEnd]) != e.Text {
				t.Errorf("%s: entity %q at bytes [%d:%d] chars [%d:%d] does not cut its text", id, e.Text, e.Start, e.End, e.CStart, e.CEnd)
			}
		}
	}
	get(t, hs.URL, articlePath("no such report"), http.StatusNotFound)
	get(t, hs.URL, "/reports/"+url.PathEscape("no such report"), http.StatusNotFound)
}

// TestStoriesFilter: the list's filters, each alone, as the API answers
// them.
func TestStoriesFilter(t *testing.T) {
	hs, _ := serve(t, fixtureStore(t), web.Options{})
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"", 1},
		{"person=Sergey+Lavrov", 1},
		{"person=Sergei+Lavrov", 1}, // another spelling of the same name
		{"person=Joe+Biden", 0},
		{"country=TR", 1},
		{"country=tr", 1},
		{"country=US", 0},
		{"place=Moscow", 1},
		{"place=Paris", 0},
		{"from=2023-04-01&to=2023-04-30", 1},
		{"from=2023-06-01", 0},
		{"to=2023-03-01", 0},
		{"q=constructive+talks", 1},
		{"q=volcano", 0},
		{"person=Sergey+Lavrov&country=US", 0},
	} {
		var list struct{ Stories []struct{ Title string } }
		getJSON(t, hs.URL, "/api/stories?"+tc.query, &list)
		if len(list.Stories) != tc.want {
			t.Errorf("/api/stories?%s: %d stories, want %d", tc.query, len(list.Stories), tc.want)
		}
		page := get(t, hs.URL, "/?"+tc.query, http.StatusOK)
		if got := strings.Count(string(page), `class="story-item"`); got != tc.want {
			t.Errorf("/?%s: %d stories listed, want %d", tc.query, got, tc.want)
		}
	}
	var win struct {
		Total   int
		Stories []struct{ Title string }
	}
	getJSON(t, hs.URL, "/api/stories?offset=1", &win)
	if win.Total != 1 || len(win.Stories) != 0 {
		t.Errorf("/api/stories?offset=1: total %d, %d stories; want 1, 0", win.Total, len(win.Stories))
	}
	getJSON(t, hs.URL, "/api/stories?limit=0", &win)
	if win.Total != 1 || len(win.Stories) != 0 {
		t.Errorf("/api/stories?limit=0: total %d, %d stories; want 1, 0", win.Total, len(win.Stories))
	}
	get(t, hs.URL, "/api/stories?limit=many", http.StatusBadRequest)
	get(t, hs.URL, "/api/stories?offset=-1", http.StatusBadRequest)
	get(t, hs.URL, "/api/stories?from=April", http.StatusBadRequest)
	get(t, hs.URL, "/?to=2023-4-1", http.StatusBadRequest)
}

// TestPersonAPI: a person is found under any spelling, with the stories,
// reports and people met.
func TestPersonAPI(t *testing.T) {
	hs, _ := serve(t, fixtureStore(t), web.Options{})
	var p struct {
		Name      string
		Spellings []string
		Stories   []string
		Reports   []string
		Met       []string
	}
	getJSON(t, hs.URL, "/api/people/"+url.PathEscape("Mevlüt Çavuşoğlu"), &p)
	if p.Name != "Mevlut Cavusoglu" || len(p.Stories) != 1 || len(p.Reports) == 0 {
		t.Errorf("person Mevlüt Çavuşoğlu = %+v, want Mevlut Cavusoglu in 1 story with reports", p)
	}
	getJSON(t, hs.URL, "/api/people/"+url.PathEscape("Sergey Shoigu"), &p)
	if !slices.Contains(p.Met, "Hulusi Akar") {
		t.Errorf("Sergey Shoigu met %v, want Hulusi Akar among them", p.Met)
	}
	body := get(t, hs.URL, "/people/"+url.PathEscape("Sergey Shoigu"), http.StatusOK)
	if !contains(body, "Hulusi Akar") || !contains(body, "Shoigu") {
		t.Errorf("person page lacks the people met or the spellings")
	}
	get(t, hs.URL, "/api/people/Nobody+Known", http.StatusNotFound)
}

// TestPagesAreSafe: every response has the Content-Security-Policy, a
// GET leaves the store's bytes as they were, a POST to a page is refused,
// a request naming another host is refused (DNS rebinding), and so is a
// cross-site POST of an ingest.
func TestPagesAreSafe(t *testing.T) {
	db := fixtureStore(t)
	before := fileHash(t, db)
	hs, _ := serve(t, db, web.Options{})
	s := theStory(t, hs.URL)
	paths := []string{"/", "/?q=talks", "/stories/" + s.ID, "/reports/" + url.PathEscape(s.Articles[0]),
		"/people/Sergey%20Lavrov", "/api/stories", "/api/stories/" + s.ID, articlePath(s.Articles[0]),
		"/api/people/Sergey%20Lavrov", "/api/ingest", "/static/style.css", "/static/app.js", "/nowhere"}
	for _, p := range paths {
		resp, err := http.Get(hs.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("GET %s: Content-Security-Policy %q", p, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", p)
		}
		resp, err = http.Post(hs.URL+p, "application/x-www-form-urlencoded", strings.NewReader("x=1"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if p != "/nowhere" && !strings.HasPrefix(p, "/api/ingest") && resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: status %d, want 405", p, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest("GET", hs.URL+"/api/stories", nil)
	req.Host = "attacker.example:8080"
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("GET with Host attacker.example: %v %v, want 421", resp.Status, err)
	}
	req, _ = http.NewRequest("POST", hs.URL+"/api/ingest", nil)
	req.Header.Set("Origin", "https://attacker.example")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin POST /api/ingest: %v %v, want 403", resp.Status, err)
	}
	hs.Close()
	if after := fileHash(t, db); after != before {
		t.Error("serving GETs changed the store file")
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// TestPagesCountInWords: a story of one report is "1 report" on the list
// and on its page, with "1 timeline entry" or "1 event" where there is
// one, never "1 reports"; the template's count does the plurals.
func TestPagesCountInWords(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "one.html")
	body, err := fs.ReadFile(fixtures.FS, "pages/001_aa6b1db065f18728.html")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, body, 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "news.db")
	if err := ingestInto(db, page); err != nil {
		t.Fatal(err)
	}
	hs, _ := serve(t, db, web.Options{})
	s := theStory(t, hs.URL)
	wrong := regexp.MustCompile(`\b1 (reports|events|timeline entries|stories)\b`)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/", []string{"1 report<"}},
		{"/stories/" + s.ID, []string{"· 1 report ·", "1 report</span>"}},
	} {
		got := string(get(t, hs.URL, tc.path, http.StatusOK))
		if m := wrong.FindString(got); m != "" {
			t.Errorf("GET %s says %q", tc.path, m)
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("GET %s: no %q in the page", tc.path, w)
			}
		}
	}
}
