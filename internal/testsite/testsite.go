// Package testsite serves news sites on loopback for tests and for the
// benchmark: the fixtures as their outlets would serve them, and sites of
// many article pages listed in a sitemap. Callers own the server:
// httptest.NewServer(handler).
package testsite

import (
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/storyline/storyline/fixtures"
)

// Fixtures serves the fixture files (pages/*.html, feed.xml, …) and counts
// the requests in hits, which may be nil.
func Fixtures(hits *atomic.Int64) http.Handler {
	files := http.FileServerFS(fixtures.FS)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits != nil {
			hits.Add(1)
		}
		files.ServeHTTP(w, r)
	})
}

// Article is what one page of a Site says.
type Article struct {
	Title      string
	Published  time.Time
	Paragraphs []string
}

// Site serves N article pages, page i at /story/{i}, listed in
// /sitemap.xml with each page's date. Page is asked at every request, so a
// test can change what a page says between two crawls.
type Site struct {
	N    int
	Page func(i int) Article
	// Delay is how long each page takes to answer, as a slow site's do.
	Delay time.Duration
}

// Handler serves the site.
func (s Site) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for i := range s.N {
			fmt.Fprintf(w, "<url><loc>/story/%d</loc><lastmod>%s</lastmod></url>", i, s.Page(i).Published.Format(time.DateOnly))
		}
		fmt.Fprint(w, "</urlset>")
	})
	mux.HandleFunc("/story/{i}", func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.PathValue("i"))
		if err != nil || i < 0 || i >= s.N {
			http.NotFound(w, r)
			return
		}
		if s.Delay > 0 {
			select {
			case <-time.After(s.Delay):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, Render(s.Page(i)))
	})
	return mux
}

// Render writes a as an outlet's page: the story inside navigation and a
// footer that extraction must leave out.
func Render(a Article) string {
	var b strings.Builder
	title := html.EscapeString(a.Title)
	fmt.Fprintf(&b, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title>`, title)
	if !a.Published.IsZero() {
		fmt.Fprintf(&b, `<meta property="article:published_time" content="%s">`, a.Published.Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "</head><body><nav>Home News World</nav><article><h1>%s</h1>\n", title)
	for _, p := range a.Paragraphs {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
	}
	b.WriteString("</article><footer>All rights reserved</footer></body></html>")
	return b.String()
}

var syllables = []string{"ka", "lo", "mi", "ne", "ro", "sa", "tu", "vi", "da", "pe", "zo", "gri", "ban", "tel", "mor", "qua"}

// Story is report i in revision rev: words of its own, so that no two
// reports are copies of each other, and a sentence with a person,
// countries and a date.
func Story(i int, rev int64) Article {
	rng := rand.New(rand.NewPCG(uint64(i), 7))
	a := Article{
		Title:      fmt.Sprintf("Report %d", i),
		Published:  time.Date(2023, 4, 1+i%28, 10, 0, 0, 0, time.UTC),
		Paragraphs: []string{fmt.Sprintf("Russian Foreign Minister Sergei Lavrov met Mevlut Cavusoglu of Turkey in Moscow on Tuesday, report %d says (revision %d).", i, rev)},
	}
	for range 4 {
		var words []string
		for range 45 {
			w := ""
			for range 1 + rng.IntN(3) {
				w += syllables[rng.IntN(len(syllables))]
			}
			words = append(words, w)
		}
		a.Paragraphs = append(a.Paragraphs, strings.Join(words, " ")+".")
	}
	return a
}
