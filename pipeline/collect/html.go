package collect

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-shiori/dom"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/unicode/norm"

	"github.com/storyline/storyline"
)

// ParseHTML keeps the main text and metadata of an article page, dropping
// navigation, share buttons, teasers and footers. pageURL, when known, is the
// page's address after redirects; the source is checked against its host and
// falls back to it. The returned article has no ID: the caller knows which rule applies.
//
// The text is the title, then each block of the main content (paragraph,
// heading, list item, quote, table row), blocks separated by a blank line;
// within a block, a table cell or a line the page breaks with <br> ends in a
// newline, and other white space is collapsed to one space. So the words of
// two blocks never run together and byte offsets into the text stay
// meaningful.
//
// The title loses a suffix naming the site ("| ZDNet"), and a title that is
// only the site's name gives way to the page's headline; the source is the
// site's name, else its host (see sourceName).
func ParseHTML(r io.Reader, pageURL *url.URL) (a *storyline.Article, err error) {
	defer func() {
		if p := recover(); p != nil {
			a, err = nil, fmt.Errorf("parse page: %w", storyline.PanicError(p))
		}
	}()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read page: %w", err)
	}
	if err := checkPageSize(data); err != nil {
		return nil, err
	}
	doc, err := parsePage(data)
	if err != nil {
		return nil, fmt.Errorf("%w: parse page: %w", storyline.ErrNoText, err)
	}
	page := readPage(doc)
	published := publishedDay(doc, pageURL, page.title)
	fixPage(doc)
	markBoundaries(doc) // after readPage: the headlines are read unmarked
	res, err := trafilatura.ExtractDocument(doc, trafilatura.Options{
		OriginalURL: pageURL,
		// Balanced, not FavorPrecision: on news pages precision mode drops a
		// standfirst and a last paragraph signed "— Agencies", while teasers
		// and captions stay out either way (see the golden pages in testdata).
		Focus:           trafilatura.Balanced,
		ExcludeComments: true,
		// When its own pass finds little, go-trafilatura compares the
		// readability and DOM distiller extractions: on trafilatura-eval
		// that rescues pages whose story it missed (recall 0.939 -> 0.955,
		// precision 0.890 -> 0.889) for about 60% more parsing time.
		EnableFallback: true,
		// The publication date is read before the page is marked, by
		// publishedDay.
		HtmlDateMode: trafilatura.Disabled,
	})
	if err != nil || res == nil || res.ContentNode == nil {
		return nil, fmt.Errorf("%w: no main content found", storyline.ErrNoText)
	}
	meta := res.Metadata
	for _, f := range []*string{&meta.Title, &meta.Author, &meta.Sitename} {
		*f = strings.ReplaceAll(strings.ReplaceAll(*f, boundary, " "), space, " ")
	}
	host := siteHost(pageURL, meta.URL)
	source := sourceName(meta.Sitename, []string{meta.Title, page.title}, host)
	title := articleTitle(collapse(meta.Title), source, host, page.headlines)
	blocks := dropHeadline(blocks(res.ContentNode), title)
	if n := len(strings.Fields(strings.Join(blocks, " "))); n < minArticleWords {
		return nil, fmt.Errorf("%w: main content has %d words, fewer than an article's %d", storyline.ErrNoText, n, minArticleWords)
	}
	if title != "" {
		blocks = append([]string{title}, blocks...)
	}
	text := strings.Join(blocks, "\n\n")
	a = &storyline.Article{
		// The page's own <link rel=canonical> or og:url; the caller decides
		// whether to trust it.
		CanonicalURL: meta.URL,
		Title:        title,
		Source:       source,
		Author:       collapse(meta.Author),
		Text:         text,
	}
	if !published.IsZero() {
		a.Published, a.PublishedFrom = published, "page"
	}
	return a, nil
}

// parsePage decodes and parses a page. A page that is valid UTF-8 is read as
// UTF-8 whatever its bytes suggest to a charset detector, which takes a page
// with a single "©" for Latin-1. Any other page is read in the charset its
// <meta> names, else left to the detector go-trafilatura itself uses: on a
// page in KOI8-R beside a paragraph in English the detector guessed
// Latin-1, whatever the page declared.
func parsePage(data []byte) (*html.Node, error) {
	if enc := declaredCharset(data); enc != nil && !utf8.Valid(data) {
		if decoded, err := enc.NewDecoder().Bytes(data); err == nil {
			data = decoded
		}
	}
	if !utf8.Valid(data) {
		return dom.Parse(bytes.NewReader(data))
	}
	// As the detector's reader does: composed characters, no soft hyphens.
	data = norm.NFC.Bytes(bytes.ReplaceAll(data, []byte("\u00ad"), nil))
	return html.Parse(bytes.NewReader(data))
}

// declaredCharset is the encoding a page's <meta> names, or nil. UTF-8 is
// not taken at its word (the page is not UTF-8), nor windows-1252: the
// prescan's default when nothing is declared, and the detector reads
// Latin-1 pages well.
func declaredCharset(data []byte) encoding.Encoding {
	enc, name, _ := charset.DetermineEncoding(data, "")
	if name == "utf-8" || name == "windows-1252" {
		return nil
	}
	return enc
}

// blockTags end a block of text: each becomes its own paragraph. They are
// matched by name, not atom: go-trafilatura builds its output tree with
// elements that carry only a name (its own "list", "item", "row", "cell" and
// "head", and "li", "td" or "dt" too), and a table or a list matched by
// atom came out as one run of words ("Last appearanceUkraine").
var blockTags = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"li": true, "blockquote": true, "pre": true, "tr": true, "table": true, "ul": true, "ol": true,
	"dl": true, "dd": true, "dt": true, "section": true, "article": true, "main": true, "aside": true,
	"figure": true, "figcaption": true, "header": true, "footer": true, "body": true, "hr": true,
	"address": true, "details": true, "summary": true, "caption": true,
	// go-trafilatura's own block tags.
	"head": true, "list": true, "item": true, "quote": true, "code": true, "row": true,
}

// lineTags end a line within a block: a line break, a table cell. A cell is
// not a paragraph of its own (a row of a results table stays together), but
// its words never join the next cell's.
var lineTags = map[string]bool{"br": true, "lb": true, "td": true, "th": true, "cell": true}

// minArticleWords is the least main text a page needs to count as an
// article: a page of navigation or a cookie wall yields a word or two, the
// shortest wire brief a few dozen.
const minArticleWords = 15

// headlineReach is how far into the content the headline may stand: after a
// section kicker or a breadcrumb, never deep in the story.
const headlineReach = 3

// dropHeadline removes the headline from the start of the content, with the
// kicker above it ("News", "Middle East"); the title leads the text anyway.
func dropHeadline(blocks []string, title string) []string {
	for i := 0; i < min(headlineReach, len(blocks)); i++ {
		// A headline broken with <br> is one line in the title.
		if title != "" && collapse(blocks[i]) == title {
			return blocks[i+1:]
		}
	}
	return blocks
}

// boundary marks, in a page before extraction, where a line ends.
// go-trafilatura drops a <br> among other elements in a table cell, and a
// cell's end, with the white space around them, which glued "Rutgers
// University" to "Martin Amis"; a private-use character is no white space to
// trim, and blocks reads it as the end of a line (one the page itself holds
// too).
const boundary = "\ue000"

// markBoundaries ends the last text before each <br> and <hr> and the last
// text of each table cell with a boundary, and keeps the white space beside
// inline elements (see markSpace). It adds no text node of its own: an
// element without text stays without, and the text of a link stays in the
// link, so the extractor's measures of text and link density do not move.
// Paragraphs, headings and list items are left unmarked: the extractor keeps
// them as elements, and marked ones escaped its boilerplate filters on
// trafilatura-eval ("Mehr zum Thema:").
func markBoundaries(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			switch c.Data {
			case "head", "script", "style", "template", "svg", "math":
				continue
			}
		}
		markBoundaries(c)
	}
	if n.Type == html.TextNode {
		markSpace(n)
		return
	}
	if n.Type != html.ElementNode {
		return
	}
	markAdjacent(n)
	var last *html.Node
	switch {
	case n.Data == "br" || n.Data == "hr":
		for s := n.PrevSibling; s != nil && last == nil; s = s.PrevSibling {
			last = lastText(s)
		}
	case n.Data == "td" || n.Data == "th":
		last = lastText(n)
	}
	if last != nil && !strings.HasSuffix(last.Data, boundary) {
		last.Data += boundary
	}
}

// space stands for the white space between two inline elements, which
// go-trafilatura trims ("entitled <i>Beautiful</i>" came out
// "entitledBeautiful"); blocks reads it as a space.
const space = "\ue001"

var inlineTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "span": true, "mark": true,
	"code": true, "small": true, "sup": true, "sub": true, "u": true, "abbr": true, "cite": true,
	"q": true, "time": true, "font": true, "s": true, "del": true, "ins": true,
}

// isInline reports whether n is an inline element, or one HTML does not
// know (a journal's <contrib-group> around each author, which joined
// "Medlock J" and "and Galvani" into "JandGalvani"): a browser shows an
// unknown element inline.
func isInline(n *html.Node) bool {
	return n != nil && n.Type == html.ElementNode && (inlineTags[n.Data] || n.DataAtom == 0)
}

// markSpace keeps the white space of text node n that borders an inline
// element: its leading space after one, its trailing space before one.
func markSpace(n *html.Node) {
	if isInline(n.PrevSibling) && n.NextSibling != nil && strings.TrimSpace(n.Data) == "" {
		if n.Data != "" {
			n.Data = space
		}
		return
	}
	if isInline(n.PrevSibling) {
		if t := strings.TrimLeftFunc(n.Data, unicode.IsSpace); len(t) < len(n.Data) {
			n.Data = space + t
		}
	}
	if isInline(n.NextSibling) {
		if t := strings.TrimRightFunc(n.Data, unicode.IsSpace); len(t) < len(n.Data) {
			n.Data = t + space
		}
	}
}

// markAdjacent ends the last text of inline element n with a space when
// the next inline element follows with no text between and both hold words
// at the seam: such elements are set apart by the page's style (a recipe
// card's <span>Course: Main</span><span>Cuisine: Chinese</span>, a
// reference's <a>Crossref</a><a>Medline</a>), which the extractor does not
// read. An editor also splits one word into elements: those are alike in
// every attribute (<span class="s5">Ch</span><span class="s5">â</span>…),
// or leave a single letter at the seam (a drop cap, "onlin" and "e").
func markAdjacent(n *html.Node) {
	next := n.NextSibling
	if !isInline(n) || !isInline(next) || inCode(n) || sameElement(n, next) {
		return
	}
	last, first := lastText(n), firstText(next)
	if last == nil || first == nil {
		return
	}
	before := strings.Fields(last.Data)
	after := strings.Fields(first.Data)
	if len(before) == 0 || len(after) == 0 || unicode.IsSpace(lastRune(last.Data)) || unicode.IsSpace(firstRune(first.Data)) {
		return
	}
	if seamWord(before[len(before)-1], true) && seamWord(after[0], false) {
		last.Data += space
	}
}

// seamWord reports whether w, the word on one side of a seam, ends (or
// starts) in a letter or digit and has at least two of them.
func seamWord(w string, atEnd bool) bool {
	r := firstRune(w)
	if atEnd {
		r = lastRune(w)
	}
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && utf8.RuneCountInString(strings.TrimFunc(w, unicode.IsPunct)) >= 2
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// sameElement reports whether a and b are one tag with the same attributes.
func sameElement(a, b *html.Node) bool {
	if a.Data != b.Data || len(a.Attr) != len(b.Attr) {
		return false
	}
	for i, at := range a.Attr {
		if b.Attr[i] != at {
			return false
		}
	}
	return true
}

// inCode reports whether n stands in code, whose highlighting spans split
// one identifier as often as they part two.
func inCode(n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && (n.Data == "pre" || n.Data == "code") {
			return true
		}
	}
	return false
}

// firstText and lastText are the first and the last text node of n's
// subtree that is not all white space, or nil.
func firstText(n *html.Node) *html.Node { return edgeText(n, false) }
func lastText(n *html.Node) *html.Node  { return edgeText(n, true) }

func edgeText(n *html.Node, fromEnd bool) *html.Node {
	if n.Type == html.TextNode {
		if strings.TrimSpace(n.Data) != "" {
			return n
		}
		return nil
	}
	if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
		return nil
	}
	c := n.FirstChild
	if fromEnd {
		c = n.LastChild
	}
	for c != nil {
		if t := edgeText(c, fromEnd); t != nil {
			return t
		}
		if fromEnd {
			c = c.PrevSibling
		} else {
			c = c.NextSibling
		}
	}
	return nil
}

// blocks renders the content tree as its blocks of text, in order: the
// lines of a block (cells, lines broken by <br>) end in "\n", and within a
// line every run of white space is one space.
func blocks(root *html.Node) []string {
	var out, lines []string
	var cur strings.Builder
	endLine := func() {
		if s := collapse(cur.String()); s != "" {
			lines = append(lines, s)
		}
		cur.Reset()
	}
	endBlock := func() {
		endLine()
		if len(lines) > 0 {
			out = append(out, strings.Join(lines, "\n"))
		}
		lines = lines[:0]
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			for i, part := range strings.Split(n.Data, boundary) {
				if i > 0 {
					endLine()
				}
				cur.WriteString(strings.ReplaceAll(part, space, " "))
			}
			return
		case html.ElementNode:
			tag := strings.ToLower(n.Data)
			switch {
			case tag == "script" || tag == "style":
				return
			case blockTags[tag]:
				endBlock()
				defer endBlock()
			case lineTags[tag]:
				endLine()
				defer endLine()
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	endBlock()
	return out
}

// collapse trims s, folds every run of white space into one space and
// drops the other control characters (C0, DEL, C1): titles and metadata
// are printed, and an ESC or a BEL in a title would reach the terminal of
// whoever reads them.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if unicode.IsControl(r) {
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// looksLikeHTML reports whether a body with no useful content type is a page.
func looksLikeHTML(body []byte) bool {
	head := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 1024)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html"))
}
