package collect

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/fixtures"
)

// page is a small article page with enough words to count as one.
func page(title, body string) string {
	return fmt.Sprintf(`<!DOCTYPE html><html><head><title>%s</title></head><body><nav>Home News</nav>
<article><h1>%s</h1><p>%s</p><p>The foreign ministers of Russia, Syria, Turkey and Iran met in Moscow for talks on
rebuilding ties between Ankara and Damascus after years of animosity during the war.</p></article>
<footer>All rights reserved</footer></body></html>`, title, title, body)
}

func serve(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// split separates the articles and the errors, keyed by input path.
func split(got []storyline.Collected, base string) (map[string]*storyline.Article, map[string]error) {
	arts, errs := map[string]*storyline.Article{}, map[string]error{}
	for _, it := range got {
		key := strings.TrimPrefix(it.Input, base)
		if it.Err != nil {
			errs[key] = it.Err
		} else if it.Article != nil {
			arts[key] = it.Article
		}
	}
	return arts, errs
}

// TestPerHostLimit fetches many pages from two hosts (127.0.0.1 and
// localhost are two hosts to colly) and counts the requests in flight on
// each: never over PerHost, while both hosts are served at once.
func TestPerHostLimit(t *testing.T) {
	var mu sync.Mutex
	inFlight, peak := map[string]int{}, map[string]int{}
	total, peakTotal := 0, 0
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := strings.Split(r.Host, ":")[0]
		mu.Lock()
		inFlight[host]++
		total++
		peak[host] = max(peak[host], inFlight[host])
		peakTotal = max(peakTotal, total)
		mu.Unlock()
		time.Sleep(30 * time.Millisecond)
		mu.Lock()
		inFlight[host]--
		total--
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("Page "+r.URL.Path, "Sergei Lavrov met Mevlut Cavusoglu on Tuesday in Moscow to talk."))
	}))
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	var sources []string
	for i := range 12 {
		sources = append(sources, fmt.Sprintf("http://127.0.0.1:%s/a%d", port, i), fmt.Sprintf("http://localhost:%s/b%d", port, i))
	}
	got := collectWith(t, Options{PerHost: 2, RetryBackoff: time.Millisecond}, sources...)
	if len(got) != 24 {
		t.Fatalf("collected %d results, want 24", len(got))
	}
	for host, n := range peak {
		t.Logf("host %s: at most %d requests in flight (limit 2)", host, n)
		if n > 2 {
			t.Errorf("host %s had %d requests in flight, limit 2", host, n)
		}
	}
	if peakTotal < 3 {
		t.Errorf("at most %d requests in flight over both hosts: the limit is per host, not global", peakTotal)
	}
}

// TestDelay: with one request at a time to a host, each waits the delay
// after the one before.
func TestDelay(t *testing.T) {
	const delay = 200 * time.Millisecond
	var mu sync.Mutex
	var starts []time.Time
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/p") {
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
		}
		fmt.Fprint(w, page("Page "+r.URL.Path, "Sergei Lavrov met Mevlut Cavusoglu on Tuesday in Moscow to talk."))
	}))
	got := collectWith(t, Options{PerHost: 1, Delay: delay, RetryBackoff: time.Millisecond}, srv.URL+"/p1", srv.URL+"/p2", srv.URL+"/p3")
	if len(got) != 3 {
		t.Fatalf("collected %d results, want 3", len(got))
	}
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < delay {
			t.Errorf("request %d came %v after the one before, want at least %v", i+1, gap, delay)
		}
	}
}

func TestRetries(t *testing.T) {
	var tooMany, unavailable atomic.Int32
	var firstAsk, secondAsk time.Time
	mux := http.NewServeMux()
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		if tooMany.Add(1) == 1 {
			firstAsk = time.Now()
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		secondAsk = time.Now()
		fmt.Fprint(w, page("Busy", "Hulusi Akar met Sergey Shoigu in Moscow on April 25 for talks."))
	})
	mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) {
		unavailable.Add(1)
		http.Error(w, "down", http.StatusServiceUnavailable)
	})
	srv := serve(t, mux)
	arts, errs := split(collectWith(t, Options{Retries: 2, RetryBackoff: time.Millisecond}, srv.URL+"/busy", srv.URL+"/down"), srv.URL)
	if arts["/busy"] == nil {
		t.Errorf("429 then 200: no article (%v)", errs["/busy"])
	}
	if waited := secondAsk.Sub(firstAsk); waited < 900*time.Millisecond {
		t.Errorf("asked again %v after a 429 with Retry-After: 1", waited)
	}
	err := errs["/down"]
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "3 attempts") {
		t.Errorf("503 three times: error %v, want one naming the status and the attempts", err)
	}
	if n := unavailable.Load(); n != 3 {
		t.Errorf("503: asked %d times, want 3 (one and two retries)", n)
	}
}

func TestRedirectsCanonicalAndTracking(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/old", http.RedirectHandler("/moved", http.StatusMovedPermanently))
	mux.Handle("/moved", http.RedirectHandler("/story?id=7&utm_source=feed&fbclid=abc", http.StatusFound))
	mux.HandleFunc("/story", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Replace(page("Story", "Faisal Mekdad spoke with Sergey Lavrov in Moscow on Wednesday."),
			"<head>", `<head><link rel="canonical" href="/news/story-7">`, 1))
	})
	mux.HandleFunc("/foreign", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Replace(page("Foreign", "Faisal Mekdad spoke with Sergey Lavrov in Moscow on Wednesday."),
			"<head>", `<head><link rel="canonical" href="https://another-site.example/stolen">`, 1))
	})
	mux.Handle("/loop1", http.RedirectHandler("/loop2", http.StatusFound))
	mux.Handle("/loop2", http.RedirectHandler("/loop1", http.StatusFound))
	srv := serve(t, mux)
	arts, errs := split(collectAll(t, srv.URL+"/old", srv.URL+"/foreign?utm_medium=email", srv.URL+"/loop1"), srv.URL)
	if a := arts["/old"]; a == nil || a.ID != srv.URL+"/news/story-7" {
		t.Errorf("redirect chain to a page with rel=canonical: %+v %v", a, errs["/old"])
	}
	if a := arts["/foreign?utm_medium=email"]; a == nil || a.ID != srv.URL+"/foreign" {
		t.Errorf("another site's canonical URL must be ignored and tracking stripped: %+v", a)
	}
	if err := errs["/loop1"]; err == nil || !strings.Contains(err.Error(), "redirect loop") {
		t.Errorf("redirect loop: error %v", err)
	}
}

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ final, declared, want string }{
		{"https://News.Example.com:443/a?utm_source=x&id=1#top", "", "https://news.example.com/a?id=1"},
		{"https://news.example.com/a?id=1&fbclid=z&gclid=y", "", "https://news.example.com/a?id=1"},
		{"https://news.example.com/a?x=1", "/canonical/a", "https://news.example.com/canonical/a"},
		{"https://m.example.co.uk/a", "https://www.example.co.uk/a", "https://www.example.co.uk/a"},
		{"https://example.com/a", "https://evil.example.org/a", "https://example.com/a"},
		{"http://example.com", "", "http://example.com/"},
	}
	for _, tc := range tests {
		final, _ := mustParse(tc.final)
		if got := canonicalURL(final, tc.declared); got != tc.want {
			t.Errorf("canonicalURL(%s, %q) = %s, want %s", tc.final, tc.declared, got, tc.want)
		}
	}
}

func TestSitemapsAndFeeds(t *testing.T) {
	mux := http.NewServeMux()
	for _, p := range []string{"/new-1", "/new-2", "/old-1", "/atom-1", "/json-1"} {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, page("Page "+p, "Recep Tayyip Erdogan met Vladimir Putin on Tuesday in Sochi for talks."))
		})
	}
	mux.HandleFunc("/sitemap_index.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>/sitemap-news.xml</loc><lastmod>2023-05-10</lastmod></sitemap>
  <sitemap><loc>/sitemap-2019.xml</loc><lastmod>2019-01-31</lastmod></sitemap>
</sitemapindex>`)
	})
	mux.HandleFunc("/sitemap-news.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>/new-1</loc><news:news><news:publication_date>2023-05-10T16:40:05+00:00</news:publication_date><news:title>One</news:title></news:news></url>
  <url><loc>/new-2</loc><lastmod>2023-05-09</lastmod></url>
  <url><loc>/old-1</loc><lastmod>2022-01-01</lastmod></url>
</urlset>`)
	})
	var oldSitemapAsked atomic.Bool
	mux.HandleFunc("/sitemap-2019.xml", func(w http.ResponseWriter, r *http.Request) { oldSitemapAsked.Store(true) })
	mux.HandleFunc("/atom.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>One</title><link href="/atom-1"/><id>1</id><updated>2023-05-10T00:00:00Z</updated></entry></feed>`)
	})
	mux.HandleFunc("/feed.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/feed+json")
		fmt.Fprint(w, `{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"/json-1","date_published":"2023-05-10T00:00:00Z"}]}`)
	})
	srv := serve(t, mux)
	since, _ := time.Parse(time.DateOnly, "2023-01-01")
	got := collectWith(t, Options{Since: since, RetryBackoff: time.Millisecond},
		srv.URL+"/sitemap_index.xml", srv.URL+"/atom.xml", srv.URL+"/feed.json")
	arts, errs := split(got, srv.URL)
	for _, want := range []string{"/new-1", "/new-2", "/atom-1", "/json-1"} {
		if arts[want] == nil {
			t.Errorf("%s not collected (%v)", want, errs[want])
		}
	}
	if arts["/old-1"] != nil || oldSitemapAsked.Load() {
		t.Error("-since did not skip the entries dated before it")
	}
	if a := arts["/new-1"]; a != nil && (a.PublishedDate() != "2023-05-10" || a.PublishedFrom != "feed") {
		t.Errorf("news sitemap date not used for a page without one: %s from %q", a.PublishedDate(), a.PublishedFrom)
	}
}

func TestLimits(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := bytes.Repeat([]byte("<p>filler text </p>\n"), 1<<10)
		for sent := 0; sent < 50<<20; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the client hung up: good
			}
		}
	})
	bomb := gzipBomb(t, 100<<20)
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	})
	mux.HandleFunc("/paper.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write(bytes.Repeat([]byte("%PDF"), 1<<20))
	})
	srv := serve(t, mux)
	start := time.Now()
	_, errs := split(collectAll(t, srv.URL+"/huge", srv.URL+"/bomb", srv.URL+"/paper.pdf"), srv.URL)
	for _, p := range []string{"/huge", "/bomb"} {
		if !errors.Is(errs[p], storyline.ErrTooLarge) {
			t.Errorf("%s: error %v, want ErrTooLarge", p, errs[p])
		}
	}
	if !errors.Is(errs["/paper.pdf"], storyline.ErrUnsupported) {
		t.Errorf("PDF: error %v, want ErrUnsupported", errs["/paper.pdf"])
	}
	t.Logf("50 MB body, 100 MB gzip bomb (%d KB on the wire) and a PDF refused in %v", len(bomb)>>10, time.Since(start))
}

func gzipBomb(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range size >> 20 {
		zw.Write(zeros)
	}
	zw.Close()
	return buf.Bytes()
}

// TestMetadataGolden holds the publication date, source and author that
// the collector reads from small pages, each carrying the date one way.
func TestMetadataGolden(t *testing.T) {
	tests := []struct {
		file, path, published, from, author string
	}{
		{"meta-tag.html", "/a", "2023-04-25", "page", "Jane Doe"},
		{"json-ld.html", "/b", "2023-05-10", "page", "Al Jazeera Staff"},
		{"time-element.html", "/c", "2023-04-26", "page", ""},
		{"url-date.html", "/2023/03/28/talks", "2023-03-28", "page", ""}, // the URL's date path
		{"header-today.html", "/d", "", "", ""},
	}
	mux := http.NewServeMux()
	for _, tc := range tests {
		data, err := os.ReadFile("testdata/meta/" + tc.file)
		if err != nil {
			t.Fatal(err)
		}
		mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(data)
		})
	}
	srv := serve(t, mux)
	var sources []string
	for _, tc := range tests {
		sources = append(sources, srv.URL+tc.path)
	}
	arts, errs := split(collectAll(t, sources...), srv.URL)
	for _, tc := range tests {
		a := arts[tc.path]
		if a == nil {
			t.Errorf("%s: no article: %v", tc.file, errs[tc.path])
			continue
		}
		if a.PublishedDate() != tc.published || a.PublishedFrom != tc.from || a.Author != tc.author || a.Source == "" {
			t.Errorf("%s: published %q from %q, author %q, source %q; want %q from %q, author %q",
				tc.file, a.PublishedDate(), a.PublishedFrom, a.Author, a.Source, tc.published, tc.from, tc.author)
		}
	}
}

func mustParse(s string) (*url.URL, error) { return url.Parse(s) }

func TestDepth(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Replace(page("Start", "Sergey Lavrov met Hossein Amirabdollahian in Moscow on Monday."),
			"</article>", `<a href="/next#comments">next</a> <a href="https://elsewhere.example/x">away</a></article>`, 1))
	})
	mux.HandleFunc("/next", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Next", "Faisal Mekdad met Mevlut Cavusoglu in Moscow on Wednesday."))
	})
	srv := serve(t, mux)
	for depth, want := range []int{1, 2} {
		arts, errs := split(collectWith(t, Options{Depth: depth, RetryBackoff: time.Millisecond}, srv.URL+"/start"), srv.URL)
		if len(arts) != want || len(errs) != 0 {
			t.Errorf("-depth %d: %d articles %v, errors %v; want %d, following only same-site links", depth, len(arts), arts, errs, want)
		}
	}
}

func FuzzParseFeedOrSitemap(f *testing.F) {
	data, err := fs.ReadFile(fixtures.FS, "feed.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`<?xml version="1.0"?><urlset><url><loc>/a</loc><lastmod>2023-05-10</lastmod></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc>http://x/s.xml</loc></sitemap></sitemapindex>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"url":"/j"}]}`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/a"/></entry></feed>`))
	base, _ := url.Parse("http://news.example/feeds/main.xml")
	f.Fuzz(func(t *testing.T, body []byte) {
		var entries []Entry
		var err error
		switch {
		case isSitemap(body):
			entries, err = parseSitemap(body, base)
		case isFeed(body):
			entries, err = parseFeed(body, base)
		default:
			return
		}
		if err != nil {
			return
		}
		for _, e := range entries {
			if u, err := url.Parse(e.URL); err != nil || !u.IsAbs() {
				t.Fatalf("entry link %q is not absolute", e.URL)
			}
		}
	})
}

// TestKnown: a stored page is asked for conditionally, a page not stored
// unconditionally, and a page the store cannot answer for fails without
// being fetched.
func TestKnown(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]http.Header{}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked[r.URL.Path] = r.Header.Clone()
		mu.Unlock()
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, page("Page "+r.URL.Path, "Sergei Lavrov met Mevlut Cavusoglu on Tuesday in Moscow to talk."))
	}))
	storeDown := errors.New("store: disk on fire")
	known := func(ctx context.Context, u string) (Validators, error) {
		switch strings.TrimPrefix(u, srv.URL) {
		case "/stored":
			return Validators{ID: "stored-id", ETag: `"v1"`, LastModified: "Tue, 25 Apr 2023 10:00:00 GMT"}, nil
		case "/broken":
			return Validators{}, storeDown
		}
		return Validators{}, fmt.Errorf("store: validators of %s: %w", u, storyline.ErrNotFound)
	}
	got := collectWith(t, Options{Known: known, RetryBackoff: time.Millisecond}, srv.URL+"/stored", srv.URL+"/new", srv.URL+"/broken")
	results := map[string]storyline.Collected{}
	for _, it := range got {
		results[strings.TrimPrefix(it.Input, srv.URL)] = it
	}
	mu.Lock()
	defer mu.Unlock()
	if it := results["/stored"]; !it.NotModified || it.KnownID != "stored-id" {
		t.Errorf("stored page: %+v, want not modified, known as stored-id", it)
	}
	if h := asked["/stored"]; h.Get("If-None-Match") != `"v1"` || h.Get("If-Modified-Since") == "" {
		t.Errorf("stored page asked for with %v, want its validators", h)
	}
	if it := results["/new"]; it.Article == nil || it.Article.ETag != `"v1"` {
		t.Errorf("page not stored: %+v, want an article", it)
	}
	if h := asked["/new"]; h == nil || h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" {
		t.Errorf("page not stored asked for with %v, want unconditionally", h)
	}
	if err := results["/broken"].Err; !errors.Is(err, storeDown) || !strings.Contains(err.Error(), srv.URL+"/broken") {
		t.Errorf("store failing: error %v, want one naming the URL and wrapping the store's", err)
	}
	if _, ok := asked["/broken"]; ok {
		t.Error("fetched a page the store could not answer for")
	}
}

// TestDepthCapsLinks: a page of 50,000 same-site links follows the first
// maxLinksPerPage of them and says so, instead of queueing them all.
func TestDepthCapsLinks(t *testing.T) {
	var fetched atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
		var links strings.Builder
		for i := range 50_000 {
			fmt.Fprintf(&links, `<a href="/p/%d">%d</a> `, i, i)
		}
		fmt.Fprint(w, strings.Replace(page("Start", "Sergey Lavrov met Hossein Amirabdollahian in Moscow on Monday."), "</article>", links.String()+"</article>", 1))
	})
	mux.HandleFunc("/p/", func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		http.NotFound(w, r)
	})
	srv := serve(t, mux)
	got := collectWith(t, Options{Depth: 1, RetryBackoff: time.Millisecond, PerHost: 16, Parallel: 16}, srv.URL+"/start")
	capped := 0
	for _, it := range got {
		if errors.Is(it.Err, ErrLinksCapped) {
			capped++
			if !strings.Contains(it.Err.Error(), "50000 pages") {
				t.Errorf("cap error %q does not say how many links the page has", it.Err)
			}
		}
	}
	if capped != 1 || fetched.Load() != maxLinksPerPage {
		t.Errorf("%d cap errors, %d links fetched; want 1 and %d", capped, fetched.Load(), maxLinksPerPage)
	}
}
