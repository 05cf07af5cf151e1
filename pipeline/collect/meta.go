package collect

import (
	"net"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/publicsuffix"
)

// pageParts are what the metadata extractor does not report: the text of
// the <title> element and of each <h1>, in order.
type pageParts struct {
	title     string
	headlines []string
}

func readPage(doc *html.Node) pageParts {
	var p pageParts
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch strings.ToLower(n.Data) {
			case "title":
				if p.title == "" {
					p.title = collapse(textOf(n))
				}
				return
			case "h1":
				if s := collapse(textOf(n)); s != "" {
					p.headlines = append(p.headlines, s)
				}
				return
			case "script", "style", "template":
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return p
}

// textOf is the text of n's subtree, words of adjacent elements kept apart.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && (blockTags[n.Data] || lineTags[n.Data]) {
			b.WriteByte(' ')
		}
	}
	walk(n)
	return b.String()
}

// siteHost is the host a page's source is checked against and falls back
// to: that of the URL it was fetched from, unless that is an address (a page
// served by a local or archive server), then that of the URL the page
// declares. A leading "www." and any port are dropped.
func siteHost(pageURL *url.URL, declared string) string {
	host := ""
	if pageURL != nil {
		host = pageURL.Hostname()
	}
	if host == "" || isAddress(host) {
		if d, err := url.Parse(declared); err == nil && d.Hostname() != "" && !isAddress(d.Hostname()) {
			host = d.Hostname()
		}
	}
	return wwwPrefix.ReplaceAllString(strings.ToLower(host), "")
}

// wwwPrefix is the "www." (or "www3.") that tells nothing of a site.
var wwwPrefix = regexp.MustCompile(`^www\d*\.`)

func isAddress(host string) bool {
	return net.ParseIP(host) != nil || strings.EqualFold(host, "localhost")
}

// sourceName is the name of the site a page belongs to: the name its
// metadata gives (og:site_name, a publisher, a domain in the <title>) when
// that is a name, else a <title> suffix that names the host's site
// ("… | ZDNet" on zdnet.com), else a domain the metadata gives, else the
// host. A metadata name is refused when it is a URL (a publisher's Facebook
// page), an address or another site's domain, a copyright line (its holder
// is kept: "© 2019 Pacific Daily News"), a single word that is not the
// host's ("Hosted", "U.S."), a dateline in capitals that is not ("ST.
// LOUIS", "NEW YORK"), or the page's title; a tagline after the name is
// dropped.
func sourceName(sitename string, titles []string, host string) string {
	name := siteNameOf(sitename, host)
	for _, t := range titles {
		// A page that puts its headline in the site's name.
		if name != "" && fold(name) == fold(t) && !agreesWithHost(name, host) {
			name = ""
		}
	}
	if name != "" && !domainLike.MatchString(name) {
		return name
	}
	// A domain is the metadata extractor's last resort: the <title> may
	// spell the site's name.
	for _, t := range titles {
		if _, suffix := splitTitleSuffix(collapse(t)); suffix != "" && agreesWithHost(suffix, host) {
			return suffix
		}
	}
	if name != "" {
		return name
	}
	return host
}

var (
	// copyrightLead is a copyright mark and its years before the holder's name.
	copyrightLead = regexp.MustCompile(`(?i)^(?:©|\(c\)|copyright\b|\s|\d{4}(?:\s*[-–]\s*\d{4})?|,)+`)
	// copyrightTail ends a copyright line: years, a reservation.
	copyrightTail = regexp.MustCompile(`(?i)(?:[\s.,;]|\d{4}(?:\s*[-–]\s*\d{4})?|all rights reserved)*$`)
	// domainLike is a bare host name.
	domainLike = regexp.MustCompile(`(?i)^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$`)
	// withPort is a host and a port: "127.0.0.1:18181", "localhost:8080".
	withPort = regexp.MustCompile(`^[^\s:]+:\d+$`)
)

// siteNameOf is raw as a site's name for a page on host, or "" when it
// names no site (see sourceName).
func siteNameOf(raw, host string) string {
	// go-trafilatura joins the names of several publishers with "; ".
	s, _, _ := strings.Cut(raw, "; ")
	s = strings.TrimPrefix(collapse(s), "@")
	if s == "" || strings.Contains(s, "://") || strings.Contains(s, "/") || strings.HasPrefix(strings.ToLower(s), "www.") {
		return ""
	}
	// The lead holds a mark only when it is a copyright line's, not a
	// name that starts with a year.
	if lead := copyrightLead.FindString(s); strings.ContainsAny(strings.ToLower(lead), "©c") {
		s = copyrightTail.ReplaceAllString(s[len(lead):], "")
	}
	if !strings.ContainsFunc(s, unicode.IsLetter) {
		return ""
	}
	// A name and its tagline: "Frollein Herr | Information und Inspiration".
	if head := firstTitlePart(s); head != s && (agreesWithHost(head, host) || domainLike.MatchString(head)) {
		s = head
	}
	if withPort.MatchString(s) || isAddress(s) {
		return ""
	}
	if domainLike.MatchString(s) {
		if host == "" || sameSite(&url.URL{Host: s}, &url.URL{Host: host}) {
			return s
		}
		return ""
	}
	if agreesWithHost(s, host) {
		return s
	}
	if host == "" {
		return s
	}
	if len(strings.Fields(s)) == 1 || inCapitals(s) {
		return ""
	}
	return s
}

// inCapitals reports whether s has capital letters and no small ones; a
// script without case ("বৃটেনে") is not in capitals.
func inCapitals(s string) bool {
	return strings.ContainsFunc(s, unicode.IsUpper) && !strings.ContainsFunc(s, unicode.IsLower)
}

// hostLabel is the name a host is registered under, folded: "zdnet" for
// www.zdnet.com, "bbc" for news.bbc.co.uk; "" for an address.
func hostLabel(host string) string {
	if host == "" || isAddress(host) {
		return ""
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return ""
	}
	suffix, _ := publicsuffix.PublicSuffix(reg)
	return fold(strings.TrimSuffix(strings.TrimSuffix(reg, suffix), "."))
}

// agreesWithHost reports whether name, a short name of at most
// siteNameWords words, is the host's site by its letters: one of the folded
// name and the host's label holds the other ("The Guardian" and
// theguardian.com, "CNN Politics" and cnn.com), both at least three letters
// long so that "U.S." agrees with no usnews.com; or it is a label of the
// host's subdomain, the site of a blog on a shared host ("Sladisworld" and
// sladisworld.wordpress.com).
func agreesWithHost(name, host string) bool {
	f, l := fold(name), hostLabel(host)
	if len(f) < 3 || len(l) < 3 || len(strings.Fields(name)) > siteNameWords {
		return false
	}
	if strings.Contains(f, l) || strings.Contains(l, f) {
		return true
	}
	for _, label := range strings.Split(host, ".") {
		if fold(label) == f {
			return true
		}
	}
	return false
}

// siteNameWords is the most words a name agreeing with a host may have: a
// headline that mentions the site ("CNN anchor leaves CNN") is no site name.
const siteNameWords = 3

// fold keeps the lower-cased letters and digits of s.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// titleSeparators part a headline from a site's or section's name.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " · ", " • ", " » ", " :: "}

// firstTitlePart is title up to its first separator.
func firstTitlePart(title string) string {
	end := len(title)
	for _, s := range titleSeparators {
		if i := strings.Index(title, s); i > 0 && i < end {
			end = i
		}
	}
	return title[:end]
}

// siteSuffixAt is where the site's name and whatever follows it begin in
// title: at the first separator after which the site is named, else at
// the end.
func siteSuffixAt(title, source, host string) int {
	for i := 1; i < len(title); i++ {
		for _, sep := range titleSeparators {
			if strings.HasPrefix(title[i:], sep) && namesSite(firstTitlePart(title[i+len(sep):]), source, host) {
				return i
			}
		}
	}
	return len(title)
}

// splitTitleSuffix splits title at its last separator, or returns it whole
// with an empty suffix.
func splitTitleSuffix(title string) (head, suffix string) {
	at, sep := -1, ""
	for _, s := range titleSeparators {
		if i := strings.LastIndex(title, s); i > at {
			at, sep = i, s
		}
	}
	if at <= 0 {
		return title, ""
	}
	return strings.TrimSpace(title[:at]), strings.TrimSpace(title[at+len(sep):])
}

// isSiteName reports whether s is exactly the site's name: the source's,
// the host's or the host's label, folded.
func isSiteName(s, source, host string) bool {
	f := fold(s)
	return f != "" && (f == fold(source) || f == fold(host) || f == hostLabel(host))
}

// namesSite reports whether s, a part of a title, names the site: exactly,
// or by agreeing with its host ("BBC News" on bbc.co.uk).
func namesSite(s, source, host string) bool {
	return isSiteName(s, source, host) || agreesWithHost(s, host)
}

// articleTitle is title without the site's name after it ("… – TechCrunch",
// "… | ZDNet", "… - WSVN 7News | Miami News, Weather, Sports"); a title that
// is only the site's name gives way to the first headline (<h1>) that is
// not.
func articleTitle(title, source, host string, headlines []string) string {
	title = strings.TrimSpace(title[:siteSuffixAt(title, source, host)])
	if title == "" || isSiteName(title, source, host) {
		for _, h := range headlines {
			if !isSiteName(h, source, host) {
				return h
			}
		}
	}
	return title
}
