package collect

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// rss is an RSS feed listing links.
func rss(links ...string) string {
	var items strings.Builder
	for _, l := range links {
		fmt.Fprintf(&items, "<item><title>%s</title><link>%s</link></item>\n", l, l)
	}
	return `<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>` + items.String() + "</channel></rss>"
}

// sitemapIndex is a sitemap index listing locs.
func sitemapIndex(locs ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, l := range locs {
		fmt.Fprintf(&b, "<sitemap><loc>%s</loc></sitemap>", l)
	}
	return b.String() + "</sitemapindex>"
}

// TestListingCycles: feeds and sitemap indexes that list themselves or each
// other, local or remote, end with one error naming the cycle, and chains
// of them (300 long, as a hostile site serves) end after maxListingDepth
// levels with one error, while the pages listed on the way are collected.
func TestListingCycles(t *testing.T) {
	const chainLen = 300
	var listingsAsked atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/page/{n}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Page "+r.PathValue("n"), "Recep Tayyip Erdogan met Vladimir Putin on Tuesday in Sochi for talks."))
	})
	mux.HandleFunc("/self.xml", func(w http.ResponseWriter, r *http.Request) {
		listingsAsked.Add(1)
		fmt.Fprint(w, rss("/self.xml", "/page/self"))
	})
	mux.HandleFunc("/a.xml", func(w http.ResponseWriter, r *http.Request) {
		listingsAsked.Add(1)
		fmt.Fprint(w, rss("/b.xml", "/page/a"))
	})
	mux.HandleFunc("/b.xml", func(w http.ResponseWriter, r *http.Request) {
		listingsAsked.Add(1)
		fmt.Fprint(w, rss("/a.xml", "/page/b"))
	})
	mux.HandleFunc("/feed/{n}", func(w http.ResponseWriter, r *http.Request) {
		listingsAsked.Add(1)
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n < chainLen {
			fmt.Fprint(w, rss(fmt.Sprintf("/feed/%d", n+1), fmt.Sprintf("/page/f%d", n)))
		}
	})
	mux.HandleFunc("/index/{n}", func(w http.ResponseWriter, r *http.Request) {
		listingsAsked.Add(1)
		w.Header().Set("Content-Type", "application/xml")
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n < chainLen {
			fmt.Fprint(w, sitemapIndex(fmt.Sprintf("/index/%d", n+1)))
		}
	})
	srv := serve(t, mux)

	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("story.html", page("Story", "Recep Tayyip Erdogan met Vladimir Putin on Tuesday in Sochi for talks."))
	for n := range chainLen {
		write(fmt.Sprintf("chain%d.xml", n), rss(fmt.Sprintf("chain%d.xml", n+1)))
	}

	tests := []struct {
		name, source string
		wantErr      error
		wantPages    int
		maxListings  int32
	}{
		{"local feed lists itself", write("self.xml", rss("self.xml", "story.html")), ErrListingCycle, 1, 0},
		{"local feeds list each other", write("a.xml", rss("b.xml", "story.html")), ErrListingCycle, 1, 0},
		{"local chain of feeds", filepath.Join(dir, "chain0.xml"), ErrListingDepth, 0, 0},
		{"remote feed lists itself", srv.URL + "/self.xml", ErrListingCycle, 1, 1},
		{"remote feeds list each other", srv.URL + "/a.xml", ErrListingCycle, 2, 2},
		{"remote chain of feeds", srv.URL + "/feed/0", ErrListingDepth, maxListingDepth, maxListingDepth + 1},
		{"remote chain of sitemap indexes", srv.URL + "/index/0", ErrListingDepth, 0, maxListingDepth + 1},
	}
	write("b.xml", rss("a.xml"))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			listingsAsked.Store(0)
			got := collectWith(t, Options{RetryBackoff: time.Millisecond}, tc.source)
			var errs []error
			pages := 0
			for _, it := range got {
				switch {
				case it.Err != nil:
					errs = append(errs, it.Err)
				case it.Article != nil:
					pages++
				}
			}
			if len(errs) != 1 || !errors.Is(errs[0], tc.wantErr) {
				t.Errorf("errors %v, want one %v", errs, tc.wantErr)
			}
			if pages != tc.wantPages {
				t.Errorf("%d pages collected, want %d", pages, tc.wantPages)
			}
			if n := listingsAsked.Load(); n > tc.maxListings {
				t.Errorf("%d feeds or sitemaps fetched, want at most %d", n, tc.maxListings)
			}
		})
	}
}
