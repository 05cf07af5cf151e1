package collect

import (
	"encoding/json"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-shiori/dom"
	"github.com/markusmobius/go-htmldate"
	"golang.org/x/net/html"
)

// publishedDay is the day a page says it was published, or the zero time.
// Every relative date of the report is resolved against it, and stories are
// grouped by it, so no date is better than a guessed one.
//
// In order: what the page declares as its publication (JSON-LD
// datePublished, article:published_time and its kin, itemprop=datePublished,
// <time pubdate>), never a modified date; then the date in its URL's path;
// then go-htmldate's reading of the page (bylines, date classes, <time>),
// with comments and scripts taken out and without a result that is a year
// alone, a modification or a 1 January with no time of day (a placeholder
// such as a recipe's dateCreated 01/01/2004). A declared day and the URL's
// day one apart are one moment in two time zones: the URL's is the
// publisher's own ("/2020/02/24/" for 2020-02-25T02:25Z), as is a declared
// instant the page writes again in its own offset.
func publishedDay(doc *html.Node, pageURL *url.URL, title string) time.Time {
	urlDay := urlDate(pageURL)
	if urlDay.IsZero() {
		urlDay = urlDate(declaredURL(doc))
	}
	d := readDeclared(doc)
	if !d.published.IsZero() {
		day := localDay(d.published, d.stamps)
		if !urlDay.IsZero() && absDays(day.Sub(urlDay)) <= 1 {
			return urlDay
		}
		return day
	}
	if !urlDay.IsZero() {
		return urlDay
	}
	if t := headlineDay(doc, title); !t.IsZero() {
		return t
	}
	return guessedDay(doc, d.modified)
}

// declaredURL is the page's own address, <link rel=canonical> or og:url,
// for a page read without one (a saved file).
func declaredURL(doc *html.Node) *url.URL {
	for _, n := range dom.QuerySelectorAll(doc, `link[rel="canonical"], meta[property="og:url"]`) {
		if u, err := url.Parse(firstAttr(n, "href", "content")); err == nil && u.Path != "" {
			return u
		}
	}
	return nil
}

// declared is what a page's markup says of its dates.
type declared struct {
	// published is the first publication date declared, as written (its
	// own offset kept).
	published time.Time
	// stamps are all the timestamps the markup carries (JSON-LD dates,
	// meta contents, <time datetime>), for the offset the page writes.
	stamps []time.Time
	// modified holds the raw text of each modification date, which the
	// heuristic reading must not return as a publication.
	modified map[string]bool
}

// publishedMeta are the <meta> names and properties that declare a
// publication, not a modification or a generic "date" (National
// Geographic's "date" was its modified time, 3 days after publication).
var publishedMeta = map[string]bool{
	"article:published_time": true, "og:article:published_time": true, "article:published": true,
	"og:published_time": true, "published_time": true, "parsely-pub-date": true, "pubdate": true,
	"og:pubdate": true, "publish_date": true, "publish-date": true, "publishdate": true,
	"datepublished": true, "date_published": true, "dc.date.issued": true, "dcterms.issued": true,
	"citation_publication_date": true, "prism.publicationdate": true, "dcsext.articlefirstpublished": true,
}

// modifiedName tells a meta name, property or JSON-LD key of a modification.
var modifiedName = regexp.MustCompile(`(?i)modif|updated|revision|lastmod`)

// readDeclared walks the page once for its declared dates. Of several, the
// first in the page wins within each kind, and the kinds rank JSON-LD, then
// <meta>, then itemprop, then <time pubdate>: a related-articles list further
// down carries itemprops and <time> elements of its own.
func readDeclared(doc *html.Node) declared {
	d := declared{modified: map[string]bool{}}
	var ld, meta, item, pub time.Time
	for _, n := range dom.GetElementsByTagName(doc, "*") {
		switch n.Data {
		case "script":
			if strings.Contains(strings.ToLower(dom.GetAttribute(n, "type")), "ld+json") {
				t := readJSONLD(dom.TextContent(n), &d)
				if ld.IsZero() {
					ld = t
				}
			}
			continue
		case "meta":
			key := strings.ToLower(firstAttr(n, "property", "name", "itemprop"))
			content := strings.TrimSpace(dom.GetAttribute(n, "content"))
			if content == "" || key == "" {
				continue
			}
			t := parseStamp(content)
			switch {
			case modifiedName.MatchString(key):
				d.modified[content] = true
			case publishedMeta[key] && meta.IsZero():
				meta = t
			}
			if !t.IsZero() {
				d.stamps = append(d.stamps, t)
			}
		case "time":
			t := parseStamp(dom.GetAttribute(n, "datetime"))
			if !t.IsZero() {
				d.stamps = append(d.stamps, t)
			}
			if dom.HasAttribute(n, "pubdate") && pub.IsZero() {
				pub = t
			}
		}
		if n.Data != "meta" && strings.EqualFold(dom.GetAttribute(n, "itemprop"), "datePublished") && item.IsZero() {
			item = parseStamp(firstAttr(n, "content", "datetime"))
		}
	}
	for _, t := range []time.Time{ld, meta, item, pub} {
		if !t.IsZero() {
			d.published = t
			break
		}
	}
	return d
}

// readJSONLD returns the datePublished of the first object of a JSON-LD
// script that has one (a top-level object or a member of its @graph), and
// notes every date of the script in d. Nested objects (an author, a
// video, a comment) publish nothing of the page's.
func readJSONLD(text string, d *declared) time.Time {
	var v any
	if json.Unmarshal([]byte(strings.TrimSpace(text)), &v) != nil {
		return time.Time{}
	}
	var tops []map[string]any
	var collect func(v any, top bool)
	collect = func(v any, top bool) {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				collect(e, top)
			}
		case map[string]any:
			if top {
				tops = append(tops, v)
				if g, ok := v["@graph"]; ok {
					collect(g, true)
				}
			}
			// In key order: the offsets found decide a day (localDay), and
			// the same page must give the same day every time.
			for _, k := range slices.Sorted(maps.Keys(v)) {
				e := v[k]
				if s, ok := e.(string); ok && strings.HasPrefix(strings.ToLower(k), "date") {
					if t := parseStamp(s); !t.IsZero() {
						d.stamps = append(d.stamps, t)
					}
					if modifiedName.MatchString(k) {
						d.modified[strings.TrimSpace(s)] = true
					}
				} else if k != "@graph" {
					collect(e, false)
				}
			}
		}
	}
	collect(v, true)
	for _, o := range tops {
		if s, ok := o["datePublished"].(string); ok {
			if t := parseStamp(s); !t.IsZero() {
				return t
			}
		}
	}
	return time.Time{}
}

func firstAttr(n *html.Node, names ...string) string {
	for _, a := range names {
		if v := strings.TrimSpace(dom.GetAttribute(n, a)); v != "" {
			return v
		}
	}
	return ""
}

// stampLayouts are the timestamp forms pages declare: ISO 8601 with and
// without seconds, fractions, a colon in the offset or a zone at all, and
// the RFC 1123 and JavaScript forms a few CMSs print.
var stampLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00", "2006-01-02T15:04Z0700", "2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02", "2006/01/02",
	time.RFC1123Z, time.RFC1123, "Mon Jan 02 2006 15:04:05 GMT-0700",
}

// jsDateTail is what a JavaScript date string adds after its offset:
// " (Central European Standard Time)".
var jsDateTail = regexp.MustCompile(`\s*\([^)]*\)\s*$`)

// parseStamp reads a declared timestamp, or returns the zero time for one
// that is not a full date (a month alone, "2017/01") or that falls outside
// the web's years.
func parseStamp(s string) time.Time {
	s = jsDateTail.ReplaceAllString(strings.TrimSpace(s), "")
	for _, layout := range stampLayouts {
		if t, err := time.Parse(layout, s); err == nil && plausible(t) {
			return t
		}
	}
	return time.Time{}
}

func plausible(t time.Time) bool {
	return t.Year() >= 1995 && t.Before(time.Now().AddDate(0, 0, 2))
}

// localDay is the day of published in the offset the page itself writes
// it in: a UTC instant whose same moment the page also stamps with an
// offset of its own (St Lucia Times: published 02:08Z on 29 April, shown
// as 22:08-04:00 on 28 April).
func localDay(published time.Time, stamps []time.Time) time.Time {
	if _, off := published.Zone(); off == 0 {
		for _, s := range stamps {
			if _, o := s.Zone(); o != 0 && s.Equal(published) {
				published = s
				break
			}
		}
	}
	return dayOf(published)
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func absDays(d time.Duration) int {
	n := int(d.Hours() / 24)
	if n < 0 {
		return -n
	}
	return n
}

// urlDay finds a whole date in a URL's path: /2019/07/19/, /2019-07-19-slug,
// /20190719/. A year and month alone (/2020/01/) is no day.
var urlDay = regexp.MustCompile(`/((?:19|20)\d\d)(?:([/-])(\d\d?)[/-](\d\d?)|(\d\d)(\d\d))(?:[/_-]|\.html?$|$)`)

func urlDate(u *url.URL) time.Time {
	if u == nil {
		return time.Time{}
	}
	m := urlDay.FindStringSubmatch(u.Path)
	if m == nil {
		return time.Time{}
	}
	y, _ := strconv.Atoi(m[1])
	mo, day := m[3], m[4]
	if m[2] == "" {
		mo, day = m[5], m[6]
	}
	mon, _ := strconv.Atoi(mo)
	d, _ := strconv.Atoi(day)
	t := time.Date(y, time.Month(mon), d, 0, 0, 0, 0, time.UTC)
	if t.Month() != time.Month(mon) || t.Day() != d || !plausible(t) {
		return time.Time{}
	}
	return t
}

// headlineReadLines is how many lines of text after the headline may
// hold its dateline, and headlineLineMax how long one may be: past a
// kicker, a byline and a caption the story has begun.
const (
	headlineReadLines = 8
	headlineLineMax   = 200
)

// dateline is a line that opens with a date, after a label at most:
// "January 22, 2014", "Written: 2023-11-07 15:03:30 / Updated: …",
// "Posted on 8 Jan. 2020".
var dateline = regexp.MustCompile(`(?i)^(?:(?:written|published|posted(?:\s+on)?|date)\s*:?\s*)?(?:(\d{4})-(\d\d)-(\d\d)\b|([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b|(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})\b)`)

// headlineDay is the date of a line that stands right under the page's
// headline (<h1>) and opens with a date: the dateline of a page that
// declares none, which go-htmldate passes by when it holds more than a
// date (KBS's "Written: … Updated: …") or has no date class (a blog's
// bare <p>January 22, 2014</p>), to take a related story's date instead.
func headlineDay(doc *html.Node, title string) time.Time {
	h1s := dom.QuerySelectorAll(doc, "body h1")
	if len(h1s) == 0 {
		return time.Time{}
	}
	// A site's logo may be an <h1> too, and its name in the <title>: the
	// headline is the longest <h1> the title holds, else the longest.
	var headline *html.Node
	bestInTitle, bestWords := false, -1
	for _, h := range h1s {
		text := dom.TextContent(h)
		f := fold(text)
		inTitle := f != "" && strings.Contains(fold(title), f)
		words := len(strings.Fields(text))
		if inTitle && !bestInTitle || inTitle == bestInTitle && words > bestWords {
			headline, bestInTitle, bestWords = h, inTitle, words
		}
	}
	return datelineAfter(headline)
}

// datelineAfter is the day of the first of the lines after h1 that opens
// with a date.
func datelineAfter(h1 *html.Node) time.Time {
	lines := 0
	for n := next(h1, h1); n != nil && lines < headlineReadLines; {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || inCommentBox(n)) {
			n = skip(n)
			continue
		}
		if n.Type == html.TextNode && strings.TrimSpace(n.Data) != "" {
			line := strings.Join(strings.Fields(n.Data), " ")
			if len(line) > headlineLineMax {
				break
			}
			lines++
			if t := datelineDay(line); !t.IsZero() {
				return t
			}
		}
		n = next(n, nil)
	}
	return time.Time{}
}

// next is the node after n in document order, leaving n's subtree when
// from is n (the headline's own words are no dateline).
func next(n, from *html.Node) *html.Node {
	if n != from && n.FirstChild != nil {
		return n.FirstChild
	}
	return skip(n)
}

// skip is the node after n's subtree in document order.
func skip(n *html.Node) *html.Node {
	for ; n != nil; n = n.Parent {
		if n.NextSibling != nil {
			return n.NextSibling
		}
	}
	return nil
}

func datelineDay(line string) time.Time {
	m := dateline.FindStringSubmatch(line)
	if m == nil {
		return time.Time{}
	}
	var y, d int
	var mon time.Month
	switch {
	case m[1] != "":
		y, _ = strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		mon = time.Month(n)
		d, _ = strconv.Atoi(m[3])
	case m[4] != "":
		mon = monthNamed(m[4])
		d, _ = strconv.Atoi(m[5])
		y, _ = strconv.Atoi(m[6])
	default:
		d, _ = strconv.Atoi(m[7])
		mon = monthNamed(m[8])
		y, _ = strconv.Atoi(m[9])
	}
	t := time.Date(y, mon, d, 0, 0, 0, 0, time.UTC)
	if mon == 0 || t.Month() != mon || t.Day() != d || !plausible(t) {
		return time.Time{}
	}
	return t
}

// monthNamed is the month an English name or its abbreviation ("Sept")
// names, or 0.
func monthNamed(s string) time.Month {
	s = strings.ToLower(s)
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if s == name || (len(s) >= 3 && strings.HasPrefix(name, s) && len(s) <= 4) {
			return m
		}
	}
	return 0
}

// commentBox is the id or a class of a page's comment section, whose dates
// are readers', not the page's (fifplay's one date was a comment's).
var commentBox = regexp.MustCompile(`(?i)^(?:comments?|commentlist|comment-(?:list|body|content|meta|metadata|author|respond|section|wrapper|thread|area|\d+)|comments-(?:area|list|section|wrapper|container)|disqus_thread|respond)$`)

func inCommentBox(n *html.Node) bool {
	for _, v := range append(strings.Fields(dom.GetAttribute(n, "class")), dom.GetAttribute(n, "id")) {
		if commentBox.MatchString(v) {
			return true
		}
	}
	return false
}

// notPublication is what the text of a date read from the page says when
// the date is not its publication: "last modified on", "last edited",
// "Updated".
var notPublication = regexp.MustCompile(`(?i)\b(?:modified|edited|updated)\b`)

// yearAlone is a source that gave a year only, which go-htmldate makes 1
// January (a copyrightYear).
var yearAlone = regexp.MustCompile(`^\s*\d{4}\s*$`)

// timeOfDay is a clock time in a date's source text.
var timeOfDay = regexp.MustCompile(`\d:\d\d`)

// guessedDay is go-htmldate's fast reading of a page that declares no
// publication: bylines, date classes, <time> elements, the page's text
// patterns, without its comments and scripts (a session's expiry date in
// Reddit's state blob became the page's).
func guessedDay(doc *html.Node, modified map[string]bool) time.Time {
	page := dom.Clone(doc, true)
	for _, n := range dom.GetElementsByTagName(page, "*") {
		drop := n.Data == "script" || n.Data == "noscript" || n.Data == "template" || n.Data == "style"
		if (drop || inCommentBox(n)) && n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
	res, err := htmldate.FromDocument(page, htmldate.Options{UseOriginalDate: true, SkipExtensiveSearch: true})
	if err != nil || res.IsZero() {
		return time.Time{}
	}
	src := strings.TrimSpace(res.SrcString)
	t := res.DateTime
	switch {
	case modified[src], yearAlone.MatchString(src), notPublication.MatchString(src):
		return time.Time{}
	case t.Month() == time.January && t.Day() == 1 && !timeOfDay.MatchString(src):
		return time.Time{}
	}
	return dayOf(t)
}
