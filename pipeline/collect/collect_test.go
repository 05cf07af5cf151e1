package collect

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/fixtures"
	"github.com/storyline/storyline/internal/testsite"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestParseHTMLGolden holds the text and metadata kept of each fixture page:
// testdata/golden/NAME.txt is the expected result of fixtures/pages/NAME.html.
func TestParseHTMLGolden(t *testing.T) {
	pages, err := fs.Glob(fixtures.FS, "pages/*.html")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no fixture pages: %v", err)
	}
	for _, page := range pages {
		name := strings.TrimSuffix(path.Base(page), ".html")
		a, err := parseFixture(name)
		if err != nil {
			t.Errorf("ParseHTML(%s): %v", name, err)
			continue
		}
		got := "title: " + a.Title + "\nsource: " + a.Source + "\npublished: " + a.PublishedDate() + "\n\n" + a.Text + "\n"
		golden := filepath.Join("testdata/golden", name+".txt")
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("ParseHTML(%s) differs from %s:\n--- got\n%s\n--- want\n%s", name, golden, got, want)
		}
	}
}

// parseFixture parses fixtures/pages/NAME.html.
func parseFixture(name string) (*storyline.Article, error) {
	f, err := fixtures.FS.Open("pages/" + name + ".html")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseHTML(f, nil)
}

func TestParseJSONLine(t *testing.T) {
	tests := []struct {
		line    string
		wantID  string
		wantErr string
	}{
		{`{"id":"a1","text":"Iran and Turkey met.","published":"2023-03-28"}`, "a1", ""},
		{`{"url":"https://example.com/x","text":"Text","published":"2023-03-28T10:00:00+03:00"}`, "https://example.com/x", ""},
		{`{"id":"a1","text":"  "}`, "", "empty"},
		{`{"text":"no key"}`, "", "neither"},
		{`{"id":7,"text":"x"}`, "", `field "id" is a JSON number`},
		{`{"id":"a","text":"x","published":"Tuesday"}`, "", "neither YYYY-MM-DD nor RFC 3339"},
		{`[1,2]`, "", "not a JSON object"},
		{`{"id":"a","text":"x"`, "", "not a JSON object"},
	}
	for _, tc := range tests {
		a, err := ParseJSONLine([]byte(tc.line))
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("ParseJSONLine(%s) error = %v, want one containing %q", tc.line, err, tc.wantErr)
		case tc.wantErr == "" && err != nil:
			t.Errorf("ParseJSONLine(%s): %v", tc.line, err)
		case tc.wantErr == "" && a.ID != tc.wantID:
			t.Errorf("ParseJSONLine(%s).ID = %q, want %q", tc.line, a.ID, tc.wantID)
		}
	}
	// The text is kept byte for byte.
	a, err := ParseJSONLine([]byte(`{"id":"x","text":"  two  spaces\n\nand “quotes”  "}`))
	if err != nil || a.Text != "  two  spaces\n\nand “quotes”  " {
		t.Errorf("text not kept as given: %q, %v", a.Text, err)
	}
}

// collectAll runs the collector with test options (no politeness delay)
// over sources and returns what it sent.
func collectAll(t *testing.T, sources ...string) []storyline.Collected {
	t.Helper()
	return collectWith(t, Options{RetryBackoff: time.Millisecond}, sources...)
}

func collectWith(t *testing.T, opts Options, sources ...string) []storyline.Collected {
	t.Helper()
	out := make(chan storyline.Collected)
	var got []storyline.Collected
	done := make(chan struct{})
	go func() {
		for it := range out {
			if it.Queued == 0 { // a note for progress, no result
				got = append(got, it)
			}
		}
		close(done)
	}()
	New(opts).Collect(context.Background(), sources, out)
	close(out)
	<-done
	return got
}

func TestCollectOverHTTP(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/", testsite.Fixtures(nil))
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
	})
	mux.HandleFunc("/report.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4 not a page"))
	})
	privateHits := 0
	mux.HandleFunc("/private/page.html", func(w http.ResponseWriter, r *http.Request) { privateHits++ })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	got := collectAll(t, srv.URL+"/feed.xml", srv.URL+"/report.pdf", srv.URL+"/private/page.html")
	articles, failures := 0, map[string]error{}
	for _, it := range got {
		if it.Err != nil {
			failures[strings.TrimPrefix(it.Input, srv.URL)] = it.Err
			continue
		}
		articles++
		a := it.Article
		if a.ID != a.CanonicalURL || !strings.HasPrefix(a.ID, srv.URL+"/pages/") || a.Title == "" || !utf8.ValidString(a.Text) {
			t.Errorf("article from feed: id %q, canonical %q, title %q", a.ID, a.CanonicalURL, a.Title)
		}
		if it.Source != srv.URL+"/feed.xml" {
			t.Errorf("article %s reports source %q, want the feed", a.ID, it.Source)
		}
	}
	if articles != 5 {
		t.Errorf("collected %d articles from the feed, want 5", articles)
	}
	if err := failures["/report.pdf"]; !errors.Is(err, storyline.ErrUnsupported) {
		t.Errorf("PDF: error %v, want ErrUnsupported", err)
	}
	if err := failures["/private/page.html"]; err == nil || !strings.Contains(err.Error(), "robots.txt") {
		t.Errorf("page disallowed by robots.txt: error %v", err)
	}
	if privateHits != 0 {
		t.Errorf("fetched a page robots.txt disallows %d times", privateHits)
	}
}

func TestCollectLocal(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("Headline here\n\nIran and Turkey met on Tuesday."), 0o644)
	// Not at the start: there FF FE is UTF-16's byte order mark.
	os.WriteFile(filepath.Join(dir, "b.txt"), []byte("not \xff\xfe utf-8"), 0o644)
	os.WriteFile(filepath.Join(dir, "ignored.png"), []byte("png"), 0o644)
	got := collectAll(t, dir, filepath.Join(dir, "missing.txt"), filepath.Join(fixtureDir(t), "feed.xml"))
	var ok, failed, skipped int
	for _, it := range got {
		if it.Err != nil {
			failed++
			continue
		}
		if it.Skipped != "" {
			skipped++
			if filepath.Base(it.Input) != "ignored.png" || !strings.Contains(it.Skipped, ".html") {
				t.Errorf("skipped %s: %q, want ignored.png, not a known kind of file", it.Input, it.Skipped)
			}
			continue
		}
		ok++
		if !filepath.IsAbs(it.Article.ID) {
			t.Errorf("local article ID %q is not an absolute path", it.Article.ID)
		}
	}
	// a.txt and the five pages of the local feed; b.txt and missing.txt
	// fail; ignored.png is skipped, and said to be.
	if ok != 6 || failed != 2 || skipped != 1 {
		t.Errorf("collected %d articles, %d failures, %d skipped, want 6, 2 and 1: %+v", ok, failed, skipped, got)
	}
}

// FuzzParseHTML seeds with small pages only: go-trafilatura's generated
// lexers make each run of a full page take seconds under the fuzzer's
// coverage instrumentation. The fixture pages are held by the golden test,
// a deeply nested page by the bad-input corpus.
func FuzzParseHTML(f *testing.F) {
	f.Add([]byte("<html><body><article><p>x</p></article></body></html>"))
	f.Add([]byte(`<html><head><meta property="article:published_time" content="2023-04-25"><title>T</title></head><body><nav>Home</nav><article><h1>T</h1><p>Sergei Lavrov met Mevlut Cavusoglu in Moscow on Tuesday to discuss ties between Ankara and Damascus.</p></article></body></html>`))
	f.Add([]byte("<<<>>>"))
	f.Add([]byte("<html><head><title>A \ue000 title</title></head><body><article><h1>A <b>bold</b>\ue001 <br>head</h1><table><tr><td><b>x</b><br> <i>y</i> z\ue000</td><td>Sergei Lavrov met Mevlut Cavusoglu in Moscow on Tuesday to discuss ties between Ankara and Damascus.</td></tr></table></article></body></html>"))
	f.Fuzz(func(t *testing.T, page []byte) {
		a, err := ParseHTML(strings.NewReader(string(page)), nil)
		if err == nil && (a == nil || strings.TrimSpace(a.Text) == "") {
			t.Fatalf("ParseHTML returned no error and no text")
		}
		// The marks put in the page for the extractor never leave it.
		if err == nil && strings.ContainsAny(a.Text+a.Title+a.Source+a.Author, boundary+space) {
			t.Fatalf("ParseHTML left a boundary mark in %+v", a)
		}
	})
}

func FuzzParseJSONLine(f *testing.F) {
	f.Add([]byte(`{"id":"a1","text":"Iran and Turkey met.","published":"2023-03-28"}`))
	f.Add([]byte(`{"id":1}`))
	f.Add([]byte(`{"url":"u","text":"t","published":"2023-03-28T10:00:00Z"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		a, err := ParseJSONLine(line)
		if err == nil && (a.ID == "" || strings.TrimSpace(a.Text) == "") {
			t.Fatalf("ParseJSONLine(%q) accepted an article without key or text", line)
		}
	})
}

// TestMainTextOverlap scores the text kept of each fixture page against the
// article as a reader would cut it from the page (testdata/maintext: the
// headline and the story's paragraphs, no navigation, captions, teasers or
// share buttons), by the F1 of their word bags. Precision falls when
// furniture leaks in, recall when paragraphs are lost.
func TestMainTextOverlap(t *testing.T) {
	const floor = 0.97
	expected, _ := filepath.Glob("testdata/maintext/*.txt")
	if len(expected) == 0 {
		t.Fatal("no expected texts")
	}
	for _, exp := range expected {
		name := strings.TrimSuffix(filepath.Base(exp), ".txt")
		want, err := os.ReadFile(exp)
		if err != nil {
			t.Fatal(err)
		}
		a, err := parseFixture(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p, r, f1 := wordOverlap(a.Text, string(want))
		t.Logf("%s: word overlap P %.3f R %.3f F1 %.3f", name, p, r, f1)
		if f1 < floor {
			t.Errorf("%s: main text word F1 %.3f, want >= %.2f", name, f1, floor)
		}
	}
}

// wordOverlap is the precision, recall and F1 of got's words against want's,
// as bags of lower-cased words.
func wordOverlap(got, want string) (p, r, f1 float64) {
	bag := func(s string) map[string]int {
		m := map[string]int{}
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			m[w]++
		}
		return m
	}
	g, w := bag(got), bag(want)
	common, ng, nw := 0, 0, 0
	for word, n := range g {
		common += min(n, w[word])
		ng += n
	}
	for _, n := range w {
		nw += n
	}
	if ng == 0 || nw == 0 {
		return 0, 0, 0
	}
	p, r = float64(common)/float64(ng), float64(common)/float64(nw)
	return p, r, 2 * p * r / (p + r)
}

// BenchmarkParseHTML is the main-text and metadata extraction of one
// fixture page.
func BenchmarkParseHTML(b *testing.B) {
	pages, _ := fs.Glob(fixtures.FS, "pages/*.html")
	var data [][]byte
	var n int64
	for _, p := range pages {
		d, err := fs.ReadFile(fixtures.FS, p)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
		n += int64(len(d))
	}
	b.SetBytes(n / int64(len(data)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ParseHTML(bytes.NewReader(data[i%len(data)]), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPagesTooBigToParse: a page of a million paragraphs, or one nested
// thousands deep, is refused at once with a clear error, before the parser
// builds its tree; a page of many blocks within the bounds is parsed.
func TestPagesTooBigToParse(t *testing.T) {
	para := "<p>The foreign ministers of Russia, Syria, Turkey and Iran met in Moscow on Tuesday.</p>"
	for _, tc := range []struct {
		name, page, wantErr string
	}{
		{"a million paragraphs", "<html><body>" + strings.Repeat("<p>x</p>", 1_000_000) + "</body></html>", "more than 100000 elements"},
		{"nested 5,000 deep", "<html><body>" + strings.Repeat("<div>", 5000) + para + strings.Repeat("</div>", 5000) + "</body></html>", "more than 1000 deep"},
		{"many blocks, within bounds", "<html><body><article>" + strings.Repeat(para, 2000) + "</article></body></html>", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := ParseHTML(strings.NewReader(tc.page), nil)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("ParseHTML: %v, want an article", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, storyline.ErrNoText)):
				t.Errorf("ParseHTML error %v, want ErrNoText saying %q", err, tc.wantErr)
			}
			t.Logf("%v", time.Since(start))
		})
	}
}
