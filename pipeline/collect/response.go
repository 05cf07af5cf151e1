package collect

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/storyline/storyline"
)

// Response is a successful HTTP response, fetched by the collector or kept
// in an archive, with what the collector knew when it asked for it.
type Response struct {
	// Requested is the URL as asked for, which becomes the article's URL.
	Requested string
	// Final is the URL after redirects (required): links and the page's
	// canonical URL are resolved against it.
	Final  *url.URL
	Header http.Header
	Body   []byte
	// Listed is the date the feed or sitemap that listed Requested gave
	// it, or zero.
	Listed time.Time
	// Fetched is when the response arrived.
	Fetched time.Time
}

// Parsed is what a response or a file holds: an article, or the pages a
// feed or sitemap lists.
type Parsed struct {
	Article *storyline.Article
	Entries []Entry
}

// Entry is one page listed by a feed or a sitemap.
type Entry struct {
	URL string
	// Listed is the listing's date for the page, or zero; the page's own
	// date, when it has one, is preferred.
	Listed time.Time
}

// ParseResponse reads a response as a sitemap, a feed or an article page,
// judging by the body before the content type, which servers often get
// wrong. An article's ID is its canonical URL (see canonicalURL); its date
// is the page's own, else the listing's, never the fetch time.
//
// The error wraps storyline.ErrUnsupported for content that is none of
// those, storyline.ErrNoText for a page without an article's text, and
// storyline.ErrPanic when a parser panicked.
func ParseResponse(r Response) (Parsed, error) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case isSitemap(r.Body):
		entries, err := parseSitemap(r.Body, r.Final)
		return Parsed{Entries: entries}, err
	case isFeed(r.Body):
		entries, err := parseFeed(r.Body, r.Final)
		return Parsed{Entries: entries}, err
	case mediaType == "text/html" || mediaType == "application/xhtml+xml" || looksLikeHTML(r.Body):
		a, err := ParseHTML(bytes.NewReader(r.Body), r.Final)
		if err != nil {
			return Parsed{}, err
		}
		a.URL = r.Requested
		a.CanonicalURL = canonicalURL(r.Final, a.CanonicalURL)
		a.ID = a.CanonicalURL
		a.ETag, a.LastModified = r.Header.Get("ETag"), r.Header.Get("Last-Modified")
		if a.Published.IsZero() && !r.Listed.IsZero() {
			a.Published, a.PublishedFrom = r.Listed, "feed"
		}
		a.Fetched = r.Fetched.UTC()
		return Parsed{Article: a}, nil
	default:
		return Parsed{}, fmt.Errorf("%w: content type %q is neither a page, a feed nor a sitemap", storyline.ErrUnsupported, mediaType)
	}
}
