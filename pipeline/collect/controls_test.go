package collect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/storyline/storyline"
)

// TestControlCharactersInMetadata: a title, source or author holding
// control characters (an ESC sequence, a BEL, a C1 CSI, a DEL) loses them,
// from a page, a JSON line or a text file alike; the text of a JSON line or
// a text file is kept byte for byte, controls included.
func TestControlCharactersInMetadata(t *testing.T) {
	const dirty = "Turkey\x1b[31m and Syria\x07 met\u009b2J in\x7f Ankara"
	const clean = "Turkey[31m and Syria met2J in Ankara"
	body := "The ministers of Turkey and Syria met in Ankara on Tuesday.\x1b]0;owned\x07 The talks lasted for hours and the two delegations said they were pleased."

	dir := t.TempDir()
	html := filepath.Join(dir, "page.html")
	jsonl := filepath.Join(dir, "corpus.jsonl")
	text := filepath.Join(dir, "report.txt")
	files := map[string]string{
		html: "<html><head><title>" + dirty + "</title><meta name=\"author\" content=\"Ann\x1b[2J Lee\"></head><body><article><p>" +
			strings.ReplaceAll(body, "\x1b]0;owned\x07", "") + "</p></article></body></html>",
		jsonl: `{"id": "ctl-1", "title": "` + jsonEscape(dirty) + `", "source": "Wire\u0007", "author": "Ann\u001b[2J Lee", "text": "` + jsonEscape(body) + `"}` + "\n",
		text:  dirty + "\n\n" + body,
	}
	for path, data := range files {
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := collectAll(t, html, jsonl, text)
	articles := map[string]*storyline.Article{}
	for _, it := range got {
		if it.Err != nil {
			t.Errorf("%s: %v", it.Input, it.Err)
		} else if it.Article != nil {
			articles[strings.TrimSuffix(it.Input, ":1")] = it.Article
		}
	}
	for path := range files {
		a := articles[path]
		if a == nil {
			t.Errorf("%s: not collected", path)
			continue
		}
		for field, v := range map[string]string{"title": a.Title, "source": a.Source, "author": a.Author} {
			if strings.ContainsFunc(v, unicode.IsControl) {
				t.Errorf("%s: %s %q holds control characters", filepath.Base(path), field, v)
			}
		}
		if a.Title != clean {
			t.Errorf("%s: title %q, want %q", filepath.Base(path), a.Title, clean)
		}
		if path != html && !strings.Contains(a.Text, body) {
			t.Errorf("%s: text %q, want %q kept byte for byte", filepath.Base(path), a.Text, body)
		}
	}
	if a := articles[jsonl]; a != nil && (a.Source != "Wire" || a.Author != "Ann[2J Lee") {
		t.Errorf("corpus.jsonl: source %q, author %q, want Wire and Ann[2J Lee", a.Source, a.Author)
	}
}

// jsonEscape writes s as the inside of a JSON string, its controls as \u
// escapes.
func jsonEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			b.WriteString(`\u00` + strings.ToUpper(string("0123456789abcdef"[r>>4])+string("0123456789abcdef"[r&15])))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
