package cli

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unicode"

	"github.com/storyline/storyline/store/storetest"
)

// hostileCorpus copies testdata/hostile into a new directory and adds the
// faults of issue 14 that cannot be kept in git: a named pipe, a device, a
// file of random bytes, a 65 MB JSON line and a page of a million
// paragraphs. It returns the directory.
func hostileCorpus(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hostile")
	if err := os.CopyFS(dir, os.DirFS("testdata/hostile")); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Opening a named pipe blocks until a writer comes; /dev/urandom never
	// ends.
	if err := syscall.Mkfifo(filepath.Join(dir, "named-pipe.jsonl"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/urandom", filepath.Join(dir, "urandom.jsonl")); err != nil {
		t.Fatal(err)
	}
	// The same random bytes in a regular file: bad line after bad line.
	// Each line starts with a byte that is not space, so that no line is
	// blank (a blank line is not a bad one) and line 100 is always the
	// hundredth bad line.
	noise := make([]byte, 1<<20)
	rand.Read(noise)
	for i := range noise {
		if i == 0 || noise[i-1] == '\n' {
			noise[i] = 0xff
		}
	}
	write("random-bytes.jsonl", noise)
	// Line 2 of 65 MB, over the limit of one line; lines 1, 3 and 4 good.
	var long bytes.Buffer
	long.WriteString(`{"id": "long-line-1", "text": "Turkey and Syria met in Ankara on Tuesday."}` + "\n")
	long.WriteString(`{"id": "long-line-2", "text": "` + strings.Repeat("Syria ", 65<<20/6) + `"}` + "\n")
	long.WriteString(`{"id": "long-line-3", "text": "Iran and Russia met in Tehran on Monday."}` + "\n")
	long.WriteString(`{"id": "long-line-4", "text": "Egypt and Oman met in Cairo on Sunday."}` + "\n")
	write("long-line.jsonl", long.Bytes())
	// 1,000,000 paragraphs, 9 MB: under the body cap, over the parse bounds.
	write("million-paragraphs.html", []byte("<html><body>"+strings.Repeat("<p>x</p>", 1_000_000)+"</body></html>"))
	return dir
}

// TestHostileCorpus ingests the hostile corpus as one directory, with a
// bare host name beside it, into a store that already holds the fixtures.
// Each fault gets one clear error naming its input, or is read correctly;
// the rest of the batch goes on; the exit status says that some inputs
// failed; the store passes bbolt's check and what it held is unchanged.
func TestHostileCorpus(t *testing.T) {
	corpus := hostileCorpus(t)
	db := filepath.Join(t.TempDir(), "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	if r := ingest(t, "-db", db, fixtureFile(t, "docs.jsonl")); r.code != 0 {
		t.Fatalf("fixtures: %s", r.stderr)
	}
	before := extract(t, "dump", "-db", db).stdout

	r := ingest(t, "-db", db, "-v", corpus, "www.example.com")
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (some inputs failed)", r.code)
	}
	in := func(name string) string { return filepath.Join(corpus, name) }
	faults := []struct {
		input, want string
	}{
		{in("feed-self.xml"), "feed or sitemap cycle: " + in("feed-self.xml") + " lists itself"},
		{in("feed-loop-b.xml"), "lists " + in("feed-loop-a.xml") + ", which led to it"},
		{in("feed-chain-5.xml"), "feeds and sitemaps nested too deep"},
		{in("duplicate-ids.jsonl:3"), `duplicate id: "hostile-dup", given on line 1, again on line 3: skipped`},
		{in("long-id.jsonl:1"), "key too large"},
		{in("long-line.jsonl:2"), "JSON line too long: 68157471 bytes"},
		{in("million-paragraphs.html"), "the page has more than 100000 elements"},
		{in("named-pipe.jsonl"), "not a regular file (named pipe), skipped"},
		{in("urandom.jsonl"), "not a regular file (device), skipped"},
		{in("random-bytes.jsonl:100"), "not a JSON Lines corpus: 100 bad lines in a row"},
		{"www.example.com", "not an http(s) URL or a file (did you mean https://www.example.com?)"},
		{in("report.pdf"), "skipped"},
		{in("image.png"), "skipped"},
		{in("README-no-extension"), "skipped"},
	}
	for _, f := range faults {
		var got []string
		for line := range strings.Lines(r.stderr) {
			if strings.HasPrefix(line, "ingest: "+f.input+": ") && !strings.Contains(line, " new, ") {
				got = append(got, strings.TrimSpace(line))
			}
		}
		// The 100th random line has its own error before the one that
		// ends the file.
		if len(got) == 0 || len(got) > 2 || !strings.Contains(got[len(got)-1], f.want) {
			t.Errorf("%s: want one line with %q, got %.2000q", f.input, f.want, got)
		}
		// A 40 KB id is named by its first 200 bytes, not repeated whole.
		for _, line := range got {
			if len(line) > len(f.input)+600 {
				t.Errorf("%s: an error line of %d bytes: %.300s…", f.input, len(line), line)
			}
		}
	}
	if !strings.Contains(r.stderr, "ingest: "+corpus+": 11 new, 0 unchanged, 0 updated, 110 failed, 3 files skipped\n") {
		t.Errorf("no summary of 11 new, 110 failed (the 100 random lines among them), 3 skipped:\n%s", tail(r.stderr))
	}

	// The rest of the batch: every good input is stored, read right.
	stored := map[string]dumpLine{}
	for _, a := range readDump(t, extract(t, "dump", "-db", db, "-text").stdout) {
		stored[a.ID] = a
	}
	want := map[string]string{ // id: a piece of its title or text
		"hostile-bom-1":                  "A corpus saved with a byte order mark",
		in("bom.txt"):                    "First line: a title after a byte order mark",
		in("utf16-no-bom.txt"):           "Title in UTF-16 without a byte order mark",
		in("windows-1252-declared.html"): "a café in Ankara",
		in("latin1-undeclared.html"):     "the café of the hotel",
		in("control-chars.txt"):          "Turkey",
		"hostile-dup":                    "Turkey and Syria met on Monday.", // the first of the two
		"hostile-other":                  "Iran and Russia",
		"long-line-1":                    "Ankara",
		"long-line-3":                    "Tehran",
		"long-line-4":                    "Cairo",
	}
	for id, piece := range want {
		a, ok := stored[id]
		if !ok {
			t.Errorf("%s was not stored", id)
			continue
		}
		// Control characters are kept in a text file's text (the dump
		// escapes them), never in a title; a NUL after every character is
		// UTF-16 misread.
		if strings.ContainsFunc(a.Title, unicode.IsControl) {
			t.Errorf("%s: title %q holds control characters", id, a.Title)
		}
		text := a.Title + "\n" + *a.Text
		if !strings.Contains(text, piece) || strings.ContainsRune(text, '\uFEFF') || id != in("control-chars.txt") && strings.ContainsRune(text, 0) {
			t.Errorf("%s: title and text %q, want %q in them and no NUL or byte order mark", id, text, piece)
		}
	}
	if n := len(stored) - len(readDump(t, before)); n != len(want) {
		t.Errorf("%d reports stored from the corpus, want %d", n, len(want))
	}
	// What the store held before is unchanged.
	after := extract(t, "dump", "-db", db).stdout
	for line := range strings.Lines(before) {
		if !strings.Contains(after, line) {
			t.Errorf("a fixture changed: %.200s", line)
		}
	}
}

// tail is the end of a long stderr, for a failure message.
func tail(s string) string {
	return s[max(0, len(s)-2000):]
}
