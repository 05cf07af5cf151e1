package collect

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/storyline/storyline"
)

// TestHostileServers: answers a hostile or broken server gives. Each gets
// one error naming its URL, or an article read right, in bounded time;
// none reads a local file or expands entities without end.
func TestHostileServers(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte("SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := page("A good page", "Sergei Lavrov met Mevlut Cavusoglu on Tuesday in Moscow to talk.")
	raw := func(head string, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n" + head + "\r\n" + body)
			buf.Flush()
		}
	}
	var laughs strings.Builder
	laughs.WriteString(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">`)
	prev := "lol"
	for i := range 9 {
		name := fmt.Sprintf("lol%d", i)
		fmt.Fprintf(&laughs, `<!ENTITY %s "%s">`, name, strings.Repeat("&"+prev+";", 10))
		prev = name
	}
	laughs.WriteString(`<!ENTITY xxe SYSTEM "file://` + secret + `">]><rss version="2.0"><channel><title>&` + prev + `;</title>` +
		`<item><title>&xxe;</title><link>http://x.invalid/&xxe;</link></item></channel></rss>`)
	cases := []struct {
		name    string
		handler http.HandlerFunc
		wantErr string // "" when an article must be collected
		// listing: a feed, which gives no result of its own; what it lists
		// must not hold an entity's expansion or a local file.
		listing bool
	}{
		{"content-length longer than the body", raw(fmt.Sprintf("Content-Length: %d\r\n", len(good)+5000), good), "unexpected EOF", false},
		{"content-length shorter than the body", raw("Content-Length: 40\r\n", good), "no article text", false},
		{"content-length of a terabyte", raw("Content-Length: 1099511627776\r\n", good), "too large", false},
		{"no content-length, closed midway", raw("", good[:len(good)/2]), "", false},
		{"headers of 2 MB", raw("X-Junk: "+strings.Repeat("a", 2<<20)+"\r\n", good), "", false},
		{"headers of 11 MB", raw("X-Junk: "+strings.Repeat("a", 11<<20)+"\r\n", good), "headers exceeded", false},
		{"billion laughs and an external entity", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, laughs.String())
		}, "", true},
		// Kept whole; go-trafilatura's fallback extractors take about 2 s of
		// CPU a MB of title, so a longer one would slow the test only.
		{"a 100 KB title", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, page(strings.Repeat("Long title ", 100<<10/11), "Sergei Lavrov met Mevlut Cavusoglu on Tuesday in Moscow to talk."))
		}, "", false},
		{"redirects without end", func(w http.ResponseWriter, r *http.Request) {
			n := 0
			fmt.Sscan(r.URL.Query().Get("n"), &n)
			http.Redirect(w, r, fmt.Sprintf("%s?n=%d", r.URL.Path, n+1), http.StatusFound)
		}, "stopped after 10 redirects", false},
		{"a redirect to a local file", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "file://"+secret, http.StatusFound)
		}, "unsupported protocol scheme \"file\"", false},
	}
	mux := http.NewServeMux()
	var sources []string
	for i, tc := range cases {
		path := fmt.Sprintf("/case%d", i)
		mux.HandleFunc(path, tc.handler)
		sources = append(sources, path)
	}
	srv := serve(t, mux)
	for i := range sources {
		sources[i] = srv.URL + sources[i]
	}
	start := time.Now()
	got := collectWith(t, Options{Retries: 0, Timeout: 10 * time.Second, MaxBodyBytes: 10 << 20}, sources...)
	t.Logf("%d hostile answers in %v", len(cases), time.Since(start))
	for _, it := range got {
		if s := fmt.Sprint(it.Input, it.Err); strings.Contains(s, "SECRET") || strings.Contains(s, "lollollol") {
			t.Errorf("%.300s: an entity was expanded, or a local file read", s)
		}
	}
	arts, errs := split(got, srv.URL)
	for i, tc := range cases {
		path := fmt.Sprintf("/case%d", i)
		a, err := arts[path], errs[path]
		switch {
		case tc.listing && (a != nil || err != nil):
			t.Errorf("%s: article %v, error %v, want neither", tc.name, a, err)
		case tc.wantErr == "" && a == nil && !tc.listing:
			t.Errorf("%s: no article: %v", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: error %v, want one with %q", tc.name, err, tc.wantErr)
		case a != nil && (strings.Contains(a.Text, "SECRET") || !utf8.ValidString(a.Text)):
			t.Errorf("%s: text %.200q", tc.name, a.Text)
		}
		if err != nil && len(err.Error()) > 1000 {
			t.Errorf("%s: an error of %d bytes: %.300s…", tc.name, len(err.Error()), err)
		}
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the hostile answers took %v", d)
	}
}

// TestInvalidUTF8InJSONLines: bytes that are not UTF-8 in a JSON line's
// fields become U+FFFD, as JSON decoding defines; the article is stored
// valid UTF-8 and the lines around it are read.
func TestInvalidUTF8InJSONLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "corpus.jsonl")
	lines := `{"id": "a", "text": "Turkey and Syria met in Ankara on Tuesday."}` + "\n" +
		"{\"id\": \"b\xff\", \"title\": \"Caf\xe9 talks\", \"text\": \"Turkey and Syria met in a caf\xe9 in Ankara\xc3 on Tuesday.\"}\n" +
		`{"id": "c", "text": "Iran and Russia met in Tehran on Monday."}` + "\n"
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	got := collectAll(t, path)
	ids := map[string]*storyline.Article{}
	for _, it := range got {
		if it.Err != nil {
			t.Errorf("%s: %v", it.Input, it.Err)
		} else if it.Article != nil {
			ids[it.Article.ID] = it.Article
		}
	}
	b := ids["b\uFFFD"]
	if len(ids) != 3 || b == nil || b.Title != "Caf\uFFFD talks" || b.Text != "Turkey and Syria met in a caf\uFFFD in Ankara\uFFFD on Tuesday." {
		t.Errorf("articles %v, want a, c and b\\uFFFD with U+FFFD for each bad byte", ids)
	}
}

// TestSitemapOf60000URLs: a sitemap over the protocol's 50,000 URLs is read
// whole, each page fetched once, and the heap stays bounded while 60,000
// requests wait for their host's slot.
func TestSitemapOf60000URLs(t *testing.T) {
	if testing.Short() {
		t.Skip("60,000 requests (run without -short)")
	}
	const n = 60000
	hits := make([]int32, n)
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sitemap.xml" {
			bw := bufio.NewWriter(w)
			bw.WriteString(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
			for i := range n {
				fmt.Fprintf(bw, "<url><loc>/p/%d</loc></url>\n", i)
			}
			bw.WriteString("</urlset>")
			bw.Flush()
			return
		}
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/p/%d", &i); err == nil {
			hits[i]++ // one request in flight to the host: no race
		}
		http.Error(w, "gone", http.StatusGone)
	}))
	peak := heapPeak(t)
	got := collectWith(t, Options{PerHost: 1, Retries: 0, MaxBodyBytes: 50 << 20}, srv.URL+"/sitemap.xml")
	heap := peak()
	failed := 0
	for _, it := range got {
		if it.Err != nil && errors.Is(it.Err, it.Err) && strings.Contains(it.Err.Error(), "410") {
			failed++
		}
	}
	if failed != n {
		t.Errorf("%d pages answered 410, want %d", failed, n)
	}
	for i, h := range hits {
		if h != 1 {
			t.Fatalf("page %d fetched %d times", i, h)
		}
	}
	t.Logf("60,000 URLs of one sitemap: heap at most %d MB", heap>>20)
	if heap > 250<<20 {
		t.Errorf("heap reached %d MB with 60,000 URLs queued", heap>>20)
	}
}

// heapPeak samples the heap in use until the function it returns is
// called, which returns the most seen.
func heapPeak(t *testing.T) func() uint64 {
	t.Helper()
	stop, peak := make(chan struct{}), make(chan uint64)
	go func() {
		var m runtime.MemStats
		var top uint64
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			top = max(top, m.HeapInuse)
			select {
			case <-stop:
				peak <- top
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(stop); return <-peak }
}
