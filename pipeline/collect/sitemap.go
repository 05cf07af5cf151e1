package collect

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// XML sitemaps (sitemaps.org), sitemap indexes and Google News sitemaps are
// small and fixed formats: encoding/xml reads them.

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
	News    struct {
		PublicationDate string `xml:"publication_date"`
		Title           string `xml:"title"`
	} `xml:"news"`
}

type sitemapDoc struct {
	XMLName  xml.Name
	URLs     []sitemapURL `xml:"url"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// isSitemap reports whether body is a sitemap or a sitemap index.
func isSitemap(body []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local == "urlset" || se.Name.Local == "sitemapindex"
		}
	}
}

// parseSitemap lists the pages of a sitemap, or the sitemaps of an index,
// with their dates: a news sitemap's publication date, else the last change.
func parseSitemap(body []byte, base *url.URL) ([]Entry, error) {
	var doc sitemapDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("parse sitemap: %w", err)
	}
	var entries []Entry
	for _, u := range append(doc.URLs, doc.Sitemaps...) {
		loc := strings.TrimSpace(u.Loc)
		if loc == "" {
			continue
		}
		ref, err := base.Parse(loc)
		if err != nil {
			continue
		}
		e := Entry{URL: ref.String()}
		for _, d := range []string{u.News.PublicationDate, u.LastMod} {
			if t, ok := parseW3CDate(strings.TrimSpace(d)); ok {
				e.Listed = t
				break
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// parseW3CDate reads the W3C datetime profile sitemaps use.
func parseW3CDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", time.DateOnly, "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
