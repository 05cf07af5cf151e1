package collect

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storyline/storyline/fixtures"
)

// fixtureDir is a copy of the fixtures on disk, for the tests of local files.
func fixtureDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, fixtures.FS); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writeFeed writes an RSS feed in dir listing links, relative to the feed,
// and returns its path.
func writeFeed(t *testing.T, dir, name string, links ...string) string {
	t.Helper()
	var items strings.Builder
	for _, l := range links {
		fmt.Fprintf(&items, "<item><title>%s</title><link>%s</link></item>\n", l, l)
	}
	path := filepath.Join(dir, name)
	feed := `<?xml version="1.0"?><rss version="2.0"><channel><title>` + name + "</title>\n" + items.String() + "</channel></rss>"
	if err := os.WriteFile(path, []byte(feed), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLocalFilesReadOnce: a feed listing itself, two feeds listing each
// other and a page given twice are each read once in a run, the two cycles
// are reported, and the other entries of those feeds are still collected.
func TestLocalFilesReadOnce(t *testing.T) {
	dir := fixtureDir(t)
	self := writeFeed(t, dir, "self.xml", "self.xml", "pages/000_69aa844a4afd86f8.html")
	a := writeFeed(t, dir, "a.xml", "b.xml", "pages/001_aa6b1db065f18728.html")
	writeFeed(t, dir, "b.xml", "./a.xml", "pages/002_004d5950fa2b3328.html")
	page := filepath.Join(dir, "pages", "003_f3404cdb3d03a3cb.html")
	relPage, err := filepath.Rel(".", page)
	if err != nil {
		relPage = page
	}
	got := collectAll(t, self, a, page, relPage, filepath.Join(dir, "pages", "..", "feed.xml"))
	times, cycles := map[string]int{}, 0
	for _, it := range got {
		if errors.Is(it.Err, ErrListingCycle) {
			cycles++
			continue
		}
		if it.Err != nil {
			t.Errorf("%s: %v", it.Input, it.Err)
			continue
		}
		times[filepath.Base(it.Article.ID)]++
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "pages", "*.html"))
	for _, p := range pages {
		if n := times[filepath.Base(p)]; n != 1 {
			t.Errorf("%s collected %d times, want once", filepath.Base(p), n)
		}
	}
	if cycles != 2 {
		t.Errorf("%d cycles reported, want 2 (self.xml, a.xml and b.xml)", cycles)
	}
	if len(times) != len(pages) {
		t.Errorf("collected %v, want the %d fixture pages once each", times, len(pages))
	}
}

// TestFileKinds holds the order in which a local file's kind is decided:
// its name for text, its content for a feed, then its name or content for a
// page.
func TestFileKinds(t *testing.T) {
	story := page("Story", "Recep Tayyip Erdogan met Vladimir Putin on Tuesday in Sochi for talks.")
	rss := `<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><link>story.html</link></item></channel></rss>`
	tests := []struct{ name, content, want string }{
		{"feed.txt", rss, "feed.txt: <?xml"},
		{"feed.html", rss, "story.html: Story"},
		{"page.xml", story, "page.xml: Story"},
		{"page.bin", story, "page.bin: Story"},
		{"STORY.HTM", story, "STORY.HTM: Story"},
		{"data.xml", "<data/>", "unsupported source: not an HTML page, a feed or a text file"},
		// A directory holding only this file.
		{"notes/notes.md", "", "unsupported source: no .jsonl, .warc, .warc.gz, .txt, .xml, .rss, .atom, .html or .htm files in directory"},
	}
	for _, tc := range tests {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "story.html"), []byte(story), 0o644); err != nil {
			t.Fatal(err)
		}
		src := filepath.Join(dir, tc.name)
		os.MkdirAll(filepath.Dir(src), 0o755)
		if err := os.WriteFile(src, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if filepath.Ext(src) == ".md" {
			src = filepath.Dir(src)
		}
		var got []string
		for _, it := range collectAll(t, src) {
			switch {
			case it.Skipped != "":
				continue // the README of a directory: said, not read
			case it.Err != nil:
				got = append(got, it.Err.Error())
			default:
				got = append(got, filepath.Base(it.Article.ID)+": "+it.Article.Text[:min(5, len(it.Article.Text))])
			}
		}
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("Collect(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
