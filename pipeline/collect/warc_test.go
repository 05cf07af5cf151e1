package collect

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/fixtures"
)

// split sorts what a collection gave into articles by URL, errors and
// skip notes.
func splitWARC(got []storyline.Collected) (map[string]*storyline.Article, []storyline.Collected, []string) {
	articles := map[string]*storyline.Article{}
	var errs []storyline.Collected
	var skips []string
	for _, it := range got {
		switch {
		case it.Err != nil:
			errs = append(errs, it)
		case it.Skipped != "":
			skips = append(skips, it.Skipped)
		case it.Article != nil:
			articles[it.Article.URL] = it.Article
		}
	}
	return articles, errs, skips
}

// TestWARCFixtures: every HTML response of a WARC file, plain or gzipped
// member by member, becomes the article the collector makes of the same
// page fetched from the record's URL; the other records are counted.
func TestWARCFixtures(t *testing.T) {
	for _, gz := range []bool{true, false} {
		name := map[bool]string{true: "news.warc.gz", false: "news.warc"}[gz]
		t.Run(name, func(t *testing.T) {
			file, _ := writeWARC(t, name, gz, fixtureRecords(t))
			articles, errs, skips := splitWARC(collectAll(t, file))
			for _, e := range errs {
				t.Errorf("error: %s: %v", e.Input, e.Err)
			}
			pages, _ := fs.Glob(fixtures.FS, "pages/*.html")
			if len(articles) != len(pages) {
				t.Fatalf("%d articles, want %d", len(articles), len(pages))
			}
			for i, p := range pages {
				uri := "https://news.example.com/" + path.Base(p)
				a := articles[uri]
				if a == nil {
					t.Errorf("no article for %s", uri)
					continue
				}
				body, _ := fs.ReadFile(fixtures.FS, p)
				u, _ := url.Parse(uri)
				want, err := ParseResponse(Response{Requested: uri, Final: u, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
					Body: body, Fetched: crawlDate.Add(time.Duration(i) * time.Minute)})
				if err != nil {
					t.Fatal(err)
				}
				w := *want.Article
				w.ETag, w.LastModified = fmt.Sprintf(`"e%d"`, i), "Wed, 01 Mar 2023 08:00:00 GMT"
				if a.ID != w.ID || a.Title != w.Title || a.Text != w.Text || !a.Published.Equal(w.Published) || a.Source != w.Source ||
					!a.Fetched.Equal(w.Fetched) || a.ETag != w.ETag || a.LastModified != w.LastModified {
					t.Errorf("%s: got %+v\nwant %+v", uri, *a, w)
				}
			}
			want := "14 records not read as articles (1 HTTP 4xx, 5 metadata, 1 not HTML, 5 request, 1 revisit, 1 warcinfo)"
			if len(skips) != 1 || skips[0] != want {
				t.Errorf("skipped %q, want %q", skips, want)
			}
		})
	}
}

// damage returns a copy of data with bytes flipped inside the record that
// starts at start and ends at end, away from its first bytes.
func damage(data []byte, start, end int64) []byte {
	bad := bytes.Clone(data)
	for i := start + (end-start)/2; i < start+(end-start)/2+8; i++ {
		bad[i] ^= 0x55
	}
	return bad
}

// TestWARCDamagedRecord: a record damaged in the middle is reported with
// its file, number and offset and skipped; the records after it are read.
func TestWARCDamagedRecord(t *testing.T) {
	recs := fixtureRecords(t)
	for _, gz := range []bool{true, false} {
		t.Run(fmt.Sprint("gzip=", gz), func(t *testing.T) {
			data, offsets := warcBytes(t, gz, recs)
			// Record 6 is the second page's response.
			p := filepath.Join(t.TempDir(), "bad.warc")
			if err := os.WriteFile(p, damage(data, offsets[5], offsets[6]), 0o644); err != nil {
				t.Fatal(err)
			}
			articles, errs, _ := splitWARC(collectAll(t, p))
			if len(errs) != 1 {
				t.Fatalf("%d errors, want 1: %v", len(errs), errs)
			}
			wantInput := fmt.Sprintf("%s: record 6 at offset %d", p, offsets[5])
			if !errors.Is(errs[0].Err, ErrWARCDamaged) || !strings.HasPrefix(errs[0].Input, wantInput) {
				t.Errorf("error %s: %v, want ErrWARCDamaged at %s", errs[0].Input, errs[0].Err, wantInput)
			}
			if len(articles) != 4 {
				t.Errorf("%d articles, want the 4 undamaged", len(articles))
			}
		})
	}
}

// TestWARCTruncated: a file cut inside a record says where it stopped;
// what came before is collected.
func TestWARCTruncated(t *testing.T) {
	recs := fixtureRecords(t)
	for _, gz := range []bool{true, false} {
		t.Run(fmt.Sprint("gzip=", gz), func(t *testing.T) {
			data, offsets := warcBytes(t, gz, recs)
			// Cut inside record 9, the third page's response.
			p := filepath.Join(t.TempDir(), "cut.warc.gz")
			if err := os.WriteFile(p, data[:offsets[8]+(offsets[9]-offsets[8])/2], 0o644); err != nil {
				t.Fatal(err)
			}
			articles, errs, _ := splitWARC(collectAll(t, p))
			if len(errs) != 1 || !errors.Is(errs[0].Err, ErrWARCTruncated) || errs[0].Input != p {
				t.Fatalf("errors %v, want one ErrWARCTruncated for %s", errs, p)
			}
			if want := fmt.Sprintf("record 9 (offset %d)", offsets[8]); !strings.Contains(errs[0].Err.Error(), want) {
				t.Errorf("error %q does not say %q", errs[0].Err, want)
			}
			if len(articles) != 2 {
				t.Errorf("%d articles, want the 2 before the cut", len(articles))
			}
		})
	}
}

// TestWARCFilters: -since and -until by WARC-Date, -host by the target's
// host and its subdomains.
func TestWARCFilters(t *testing.T) {
	page, _ := fs.ReadFile(fixtures.FS, "pages/000_69aa844a4afd86f8.html")
	day := func(d int) time.Time { return time.Date(2023, 3, d, 12, 0, 0, 0, time.UTC) }
	var recs []testRecord
	for i, host := range []string{"a.example", "www.a.example", "b.example", "a.example", "nota.example"} {
		recs = append(recs, testRecord{typ: gowarc.Response, uri: fmt.Sprintf("https://%s/%d", host, i), date: day(i + 1),
			block: httpMessage(200, string(page), "Content-Type: text/html")})
	}
	file, _ := writeWARC(t, "f.warc.gz", true, recs)
	for _, tc := range []struct {
		name string
		opts Options
		want []int
	}{
		{"none", Options{}, []int{0, 1, 2, 3, 4}},
		{"since", Options{Since: day(3).Truncate(24 * time.Hour)}, []int{2, 3, 4}},
		{"until", Options{Until: day(2).Truncate(24*time.Hour).AddDate(0, 0, 1)}, []int{0, 1}},
		{"host", Options{Hosts: []string{"a.example"}}, []int{0, 1, 3}},
		{"all", Options{Hosts: []string{"a.example", "b.example"}, Since: day(2).Truncate(24 * time.Hour), Until: day(4).Truncate(24 * time.Hour)}, []int{1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			articles, errs, _ := splitWARC(collectWith(t, tc.opts, file))
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			var got []int
			for i, r := range recs {
				if articles[r.uri] != nil {
					got = append(got, i)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("records %v read, want %v", got, tc.want)
			}
		})
	}
}

// TestWARCLimits: a response over the body limit is reported, before any
// of it is buffered, and the next record is read; a large resource record
// (a video) is only counted; a gzip bomb in a page's body is refused.
func TestWARCLimits(t *testing.T) {
	page, _ := fs.ReadFile(fixtures.FS, "pages/001_aa6b1db065f18728.html")
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(bytes.Repeat([]byte("<p>"), 2<<20))
	zw.Close()
	recs := []testRecord{
		{typ: gowarc.Response, uri: "https://x.example/big", date: crawlDate, block: httpMessage(200, strings.Repeat("<p>word ", 100_000), "Content-Type: text/html")},
		{typ: gowarc.Resource, uri: "https://x.example/video", date: crawlDate, block: strings.Repeat("v", 400_000)},
		{typ: gowarc.Response, uri: "https://x.example/bomb", date: crawlDate, block: httpMessage(200, bomb.String(), "Content-Type: text/html", "Content-Encoding: gzip")},
		{typ: gowarc.Response, uri: "https://x.example/ok", date: crawlDate, block: httpMessage(200, string(page), "Content-Type: text/html")},
	}
	for _, gz := range []bool{true, false} {
		t.Run(fmt.Sprint("gzip=", gz), func(t *testing.T) {
			file, offsets := writeWARC(t, "limits.warc.gz", gz, recs)
			articles, errs, skips := splitWARC(collectWith(t, Options{MaxBodyBytes: 200_000}, file))
			if len(errs) != 2 {
				t.Fatalf("errors %v, want 2", errs)
			}
			for i, n := range []int{1, 3} {
				want := fmt.Sprintf("%s: record %d at offset %d", file, n, offsets[n-1])
				if !errors.Is(errs[i].Err, storyline.ErrTooLarge) || !strings.HasPrefix(errs[i].Input, want) {
					t.Errorf("error %s: %v, want ErrTooLarge at %s", errs[i].Input, errs[i].Err, want)
				}
			}
			if articles["https://x.example/ok"] == nil || len(articles) != 1 {
				t.Errorf("articles %v, want the last page", articles)
			}
			if len(skips) != 1 || !strings.Contains(skips[0], "1 resource") {
				t.Errorf("skipped %q, want the resource counted", skips)
			}
		})
	}
}

// TestWARCBodyEncodings: a body kept chunked, gzipped, or in a charset the
// header names is read as the HTTP client and colly read a fetched one.
func TestWARCBodyEncodings(t *testing.T) {
	page, _ := fs.ReadFile(fixtures.FS, "pages/002_004d5950fa2b3328.html")
	var gzBody bytes.Buffer
	zw := gzip.NewWriter(&gzBody)
	zw.Write(page)
	zw.Close()
	chunked := fmt.Sprintf("%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n", 100, page[:100], len(page)-100, page[100:])
	latin := "<html><head><title>Caf\xe9 talks</title></head><body><article><h1>Caf\xe9 talks</h1><p>" +
		strings.Repeat("The minister met the delegation at the caf\xe9 in the old town on Tuesday. ", 6) + "</p></article></body></html>"
	recs := []testRecord{
		{typ: gowarc.Response, uri: "https://x.example/gzip", date: crawlDate, block: httpMessage(200, gzBody.String(), "Content-Type: text/html", "Content-Encoding: gzip")},
		{typ: gowarc.Response, uri: "https://x.example/chunked", date: crawlDate, block: httpMessage(200, chunked, "Content-Type: text/html", "Transfer-Encoding: chunked")},
		{typ: gowarc.Response, uri: "https://x.example/latin", date: crawlDate, block: httpMessage(200, latin, "Content-Type: text/html; charset=ISO-8859-1")},
	}
	file, _ := writeWARC(t, "enc.warc", false, recs)
	articles, errs, _ := splitWARC(collectAll(t, file))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	plain, err := ParseHTML(bytes.NewReader(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"https://x.example/gzip", "https://x.example/chunked"} {
		if a := articles[u]; a == nil || a.Text != plain.Text {
			t.Errorf("%s: article %v, want the page's text", u, a)
		}
	}
	if a := articles["https://x.example/latin"]; a == nil || !strings.Contains(a.Text, "café") {
		t.Errorf("latin-1 page: %v, want café decoded", a)
	}
}

// TestWARCOverHTTP: a WARC file at an http URL is read as it downloads; a
// redirect to another private address is refused as in a crawl, and a
// server that stops sending is cut off after -timeout.
func TestWARCOverHTTP(t *testing.T) {
	data, _ := warcBytes(t, true, fixtureRecords(t))
	stall := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/crawl.warc.gz":
			w.Write(data)
		case "/moved.warc.gz":
			http.Redirect(w, r, "http://localhost:"+r.Host[strings.LastIndex(r.Host, ":")+1:]+"/crawl.warc.gz", http.StatusFound)
		case "/slow.warc.gz":
			w.Write(data[:len(data)/2])
			w.(http.Flusher).Flush()
			<-stall
		}
	}))
	defer srv.Close()
	defer close(stall)

	articles, errs, _ := splitWARC(collectAll(t, srv.URL+"/crawl.warc.gz"))
	if len(errs) > 0 || len(articles) != 5 {
		t.Errorf("download: %d articles, errors %v; want 5 and none", len(articles), errs)
	}
	_, errs, _ = splitWARC(collectAll(t, srv.URL+"/moved.warc.gz"))
	if len(errs) != 1 || !errors.Is(errs[0].Err, ErrPrivateAddress) {
		t.Errorf("redirect to localhost: errors %v, want ErrPrivateAddress", errs)
	}
	start := time.Now()
	articles, errs, _ = splitWARC(collectWith(t, Options{Timeout: 300 * time.Millisecond}, srv.URL+"/slow.warc.gz"))
	if len(errs) != 1 || !strings.Contains(errs[0].Err.Error(), "stalled") || time.Since(start) > 5*time.Second {
		t.Errorf("stalled download: errors %v after %s, want one 'stalled' soon", errs, time.Since(start))
	}
	if len(articles) == 0 {
		t.Errorf("stalled download: no article from the half that came")
	}
}

// TestWARCInterrupt: cancelling the context stops a download that is
// still sending at once.
func TestWARCInterrupt(t *testing.T) {
	data, _ := warcBytes(t, true, fixtureRecords(t))
	stall := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(data[:len(data)/2])
		w.(http.Flusher).Flush()
		<-stall
	}))
	defer srv.Close()
	defer close(stall)
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan storyline.Collected)
	done := make(chan struct{})
	go func() {
		New(Options{}).Collect(ctx, []string{srv.URL + "/x.warc.gz"}, out)
		close(done)
	}()
	n := 0
	for n < 1 {
		<-out
		n++
	}
	cancel()
	go func() {
		for range out {
		}
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Collect still running 3s after cancel")
	}
	close(out)
}

// TestWARCDirectory: the WARC files of a directory are read, plain and
// gzipped, beside its other sources.
func TestWARCDirectory(t *testing.T) {
	page, _ := fs.ReadFile(fixtures.FS, "pages/003_f3404cdb3d03a3cb.html")
	dir := t.TempDir()
	for i, name := range []string{"a.warc.gz", "b.WARC"} {
		data, _ := warcBytes(t, i == 0, []testRecord{{typ: gowarc.Response, uri: fmt.Sprintf("https://x.example/%d", i), date: crawlDate,
			block: httpMessage(200, string(page), "Content-Type: text/html")}})
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	articles, errs, _ := splitWARC(collectAll(t, dir))
	if len(errs) > 0 || articles["https://x.example/0"] == nil || articles["https://x.example/1"] == nil {
		t.Errorf("articles %v, errors %v; want one from each file", articles, errs)
	}
}
