package web_test

import (
	"net/http"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/storyline/storyline/internal/web"
)

// unsafeStore returns a store of testdata/unsafe.jsonl: a report titled
// <script>alert(1)</script>, from a source named as an <img onerror>, at a
// javascript: URL, its text holding markup and names of several-byte
// characters (Çavuşoğlu), and a second report that joins its story.
func unsafeStore(t testing.TB) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "news.db")
	src, err := filepath.Abs("testdata/unsafe.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if err := ingestInto(db, src); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestUnsafeReport: the markup of titles, sources, texts and URLs is
// escaped on every page, and a javascript: URL is never a link.
func TestUnsafeReport(t *testing.T) {
	hs, _ := serve(t, unsafeStore(t), web.Options{})
	s := theStory(t, hs.URL)
	for _, p := range []string{"/", "/stories/" + s.ID, "/reports/xss-1", "/reports/xss-2", "/people/" + url.PathEscape("Sergey Lavrov")} {
		body := get(t, hs.URL, p, http.StatusOK)
		for _, bad := range []string{"<script>alert", "<img src=x", `href="javascript:`, "<a href=\"javascript"} {
			if contains(body, bad) {
				t.Errorf("GET %s: page holds %q unescaped", p, bad)
			}
		}
	}
	body := get(t, hs.URL, "/reports/xss-1", http.StatusOK)
	if !contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || !contains(body, "&lt;img src=x onerror=alert(3)&gt;") {
		t.Error("report page does not show the title and text markup as text")
	}
	if !contains(body, "javascript:alert(2)") {
		t.Error("report page does not show its javascript: URL as text")
	}

	var a struct {
		Text     string
		Entities []struct {
			Text         string
			Start, End   int
			CStart, CEnd int
		}
	}
	getJSON(t, hs.URL, articlePath("xss-1"), &a)
	wide := 0
	chars := []rune(a.Text)
	for _, e := range a.Entities {
		if a.Text[e.Start:e.End] != e.Text || string(chars[e.CStart:e.CEnd]) != e.Text {
			t.Errorf("entity %q at bytes [%d:%d] chars [%d:%d] does not cut its text", e.Text, e.Start, e.End, e.CStart, e.CEnd)
		}
		if e.CStart != e.Start {
			wide++
		}
	}
	if wide == 0 {
		t.Error("no entity after a character of several bytes: the test does not test character offsets")
	}
}
