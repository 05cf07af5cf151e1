package collect

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/storyline/storyline"
)

// collectFile writes content to a file of that name and collects it.
func collectFile(t *testing.T, name, content string) []storyline.Collected {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return collectAll(t, path)
}

// outcomes lists what came of each input of a file, in order: "line: title"
// for an article, "line: error" for a failure.
func outcomes(got []storyline.Collected) []string {
	var out []string
	for _, it := range got {
		where := it.Input[strings.LastIndexByte(it.Input, '/')+1:]
		if it.Err != nil {
			out = append(out, where+": "+it.Err.Error())
		} else {
			out = append(out, where+": "+it.Article.Title)
		}
	}
	return out
}

func jsonLine(id, title string) string {
	return `{"id":"` + id + `","title":"` + title + `","text":"Vladimir Putin met Recep Tayyip Erdogan in Sochi."}` + "\n"
}

// utf16Text encodes s in UTF-16, little or big endian.
func utf16Text(s string, bigEndian bool) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return string(b)
}

// TestLongJSONLine: a line over the limit is reported with its number and
// skipped, and the lines after it are still read; so is a last line without
// a newline.
func TestLongJSONLine(t *testing.T) {
	old := maxLine
	maxLine = 1000
	t.Cleanup(func() { maxLine = old })
	long := `{"id":"2","text":"` + strings.Repeat("word ", 1000) + `"}` + "\n"
	got := outcomes(collectFile(t, "c.jsonl", jsonLine("1", "One")+long+jsonLine("3", "Three")+strings.TrimSpace(jsonLine("4", "Four"))))
	want := []string{"c.jsonl:1: One", "c.jsonl:2: JSON line too long: 5020 bytes, limit 1000: skipped",
		"c.jsonl:3: Three", "c.jsonl:4: Four"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestTextEncodings: a UTF-8 byte order mark is dropped from a .jsonl and a
// .txt, and UTF-16 text, with or without its byte order mark, is decoded
// rather than kept with a NUL after every character.
func TestTextEncodings(t *testing.T) {
	const text = "Talks in Sochi\n\nVladimir Putin met Recep Tayyip Erdogan in Sochi on Tuesday."
	lines := jsonLine("1", "One") + jsonLine("2", "Two")
	tests := []struct{ name, content, want string }{
		{"bom.jsonl", "\uFEFF" + lines, "bom.jsonl:1: One|bom.jsonl:2: Two"},
		{"utf16le.jsonl", utf16Text(lines, false), "utf16le.jsonl:1: One|utf16le.jsonl:2: Two"},
		{"utf16be-bom.jsonl", utf16Text("\uFEFF"+lines, true), "utf16be-bom.jsonl:1: One|utf16be-bom.jsonl:2: Two"},
		{"bom.txt", "\uFEFF" + text, "bom.txt: Talks in Sochi"},
		{"utf16le.txt", utf16Text(text, false), "utf16le.txt: Talks in Sochi"},
		{"utf16le-bom.txt", utf16Text("\uFEFF"+text, false), "utf16le-bom.txt: Talks in Sochi"},
		{"utf16be.txt", utf16Text(text, true), "utf16be.txt: Talks in Sochi"},
	}
	for _, tc := range tests {
		got := collectFile(t, tc.name, tc.content)
		if s := strings.Join(outcomes(got), "|"); s != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, s, tc.want)
		}
		for _, it := range got {
			if a := it.Article; a != nil && (strings.ContainsAny(a.Text+a.Title, "\x00\uFEFF") || a.Text == "") {
				t.Errorf("%s: text %q kept a NUL or a byte order mark", tc.name, a.Text)
			}
			if a := it.Article; a != nil && strings.HasSuffix(tc.name, ".txt") && a.Text != text {
				t.Errorf("%s: text %q, want %q", tc.name, a.Text, text)
			}
		}
	}
}

// TestJSONLinesDuplicateIDs: a line repeating the id of an earlier line of
// the file is reported naming both lines, and the first is kept.
func TestJSONLinesDuplicateIDs(t *testing.T) {
	got := outcomes(collectFile(t, "d.jsonl", jsonLine("1", "First")+jsonLine("2", "Two")+jsonLine("1", "Second")))
	want := []string{"d.jsonl:1: First", "d.jsonl:2: Two", `d.jsonl:3: duplicate id: "1", given on line 1, again on line 3: skipped`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestJSONLinesBadRun: maxBadLines bad lines in a row end the source with
// one more error (99 bad lines, then 100: 99 + 100 + 1 errors, and the
// last article not read); fewer, between good lines, do not.
func TestJSONLinesBadRun(t *testing.T) {
	garbage := strings.Repeat("\x8f\x01garbage\n", maxBadLines-1)
	content := jsonLine("1", "One") + garbage + jsonLine("2", "Two") + garbage + "more garbage\n" + jsonLine("3", "Three")
	var titles []string
	var errs []error
	for _, it := range collectFile(t, "r.jsonl", content) {
		if it.Err != nil {
			errs = append(errs, it.Err)
		} else {
			titles = append(titles, it.Article.Title)
		}
	}
	if strings.Join(titles, ",") != "One,Two" {
		t.Errorf("articles %q, want One and Two", titles)
	}
	if n := len(errs); n != 2*maxBadLines || !errors.Is(errs[n-1], ErrNotJSONLines) {
		t.Errorf("%d errors ending with %v, want %d ending with %v", n, errs[n-1], 2*maxBadLines, ErrNotJSONLines)
	}
}
