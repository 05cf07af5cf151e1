package collect

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storyline/storyline"
)

// TestListedSchemes: a feed or a sitemap, fetched or local, may list links
// of any scheme. Only http(s) links are fetched, and a local listing's
// file: links read; each other link gets one error naming its scheme. A
// fetched listing never leads to a local file, listed or redirected to.
func TestListedSchemes(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.txt")
	const secretText = "SECRET local file: Turkey and Syria met in Ankara on Tuesday to sign a treaty."
	if err := os.WriteFile(secret, []byte(secretText), 0o644); err != nil {
		t.Fatal(err)
	}
	others := []string{"ftp://ftp.example.com/story.html", "javascript:alert(document.cookie)",
		"mailto:desk@example.com", "data:text/html,<p>Turkey and Syria met in Ankara</p>", "gopher://example.com/1"}
	fileURL := "file://" + filepath.ToSlash(secret)
	mux := http.NewServeMux()
	mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page("A good page", "Sergei Lavrov met Mevlut Cavusoglu on Tuesday in Moscow to talk."))
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, fileURL, http.StatusFound)
	})
	remote := append([]string{fileURL, "/good", "/to-file"}, others...)
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, escapedRSS(remote...))
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, urlset(remote...))
	})
	srv := serve(t, mux)
	// A local feed may list local files: its own directory is the user's.
	local := filepath.Join(dir, "feed.xml")
	if err := os.WriteFile(local, []byte(escapedRSS(append([]string{fileURL, srv.URL + "/good"}, others...)...)), 0o644); err != nil {
		t.Fatal(err)
	}

	for name, src := range map[string]string{"remote feed": srv.URL + "/feed.xml", "remote sitemap": srv.URL + "/sitemap.xml", "local feed": local} {
		t.Run(name, func(t *testing.T) {
			got := collectWith(t, Options{RetryBackoff: 1, AllowPrivate: true}, src)
			arts, errs := split(got, srv.URL)
			if len(got) != len(arts)+len(errs) {
				t.Errorf("%d results, %d articles and %d errors: %+v", len(got), len(arts), len(errs), got)
			}
			if arts["/good"] == nil {
				t.Errorf("the http page was not collected: %v", errs["/good"])
			}
			for _, link := range others {
				scheme, _, _ := strings.Cut(link, ":")
				if err := errs[link]; !errors.Is(err, storyline.ErrUnsupported) || !strings.Contains(err.Error(), "a "+scheme+": URL") {
					t.Errorf("%s: error %v, want one saying it is a %s: URL, not fetched", link, err, scheme)
				}
			}
			for input, a := range arts {
				if strings.Contains(a.Text, "SECRET") && src != local {
					t.Errorf("%s: a fetched listing read the local file %s", input, secret)
				}
			}
			if src == local {
				if arts[secret] == nil {
					t.Errorf("a local feed's file: link was not read: %v", errs[secret])
				}
				return
			}
			if err := errs[fileURL]; !errors.Is(err, storyline.ErrUnsupported) {
				t.Errorf("%s listed by %s: error %v, want not an http(s) URL", fileURL, src, err)
			}
			if err := errs["/to-file"]; err == nil || !strings.Contains(err.Error(), "unsupported protocol scheme") {
				t.Errorf("a redirect to %s: error %v, want it refused", fileURL, err)
			}
		})
	}
}

// escapedRSS is an RSS feed of links, escaped for XML.
func escapedRSS(links ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Links</title>`)
	for i, l := range links {
		fmt.Fprintf(&b, "<item><title>Item %d</title><link>%s</link></item>\n", i, xmlEscape(l))
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// urlset is a sitemap of links, escaped for XML.
func urlset(links ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, l := range links {
		fmt.Fprintf(&b, "<url><loc>%s</loc></url>\n", xmlEscape(l))
	}
	b.WriteString("</urlset>")
	return b.String()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
