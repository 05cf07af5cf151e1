package collect

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/storyline/storyline"
)

// ParseHTML keeps the main text and metadata of an article page, dropping
// navigation, share buttons, teasers and footers. pageURL, when known, is the
// page's address after redirects; it fills the source when the page names no
// site. The returned article has no ID: the caller knows which rule applies.
//
// The text is the title, then each block of the main content (paragraph,
// heading, list item, quote) as one line of collapsed white space, blocks
// separated by a blank line, so that sentences never run together and byte
// offsets into the text stay meaningful.
func ParseHTML(r io.Reader, pageURL *url.URL) (a *storyline.Article, err error) {
	defer func() {
		if p := recover(); p != nil {
			a, err = nil, fmt.Errorf("parse page: %w", storyline.PanicError(p))
		}
	}()
	res, err := trafilatura.Extract(r, trafilatura.Options{
		OriginalURL: pageURL,
		// Balanced, not FavorPrecision: on news pages precision mode drops a
		// standfirst and a last paragraph signed "— Agencies", while teasers
		// and captions stay out either way (see the golden pages in testdata).
		Focus:           trafilatura.Balanced,
		ExcludeComments: true,
		// Fast reads the page's metadata and <time> elements without the
		// slow multilingual parser; a date seen only in running text (the
		// "today" of a header) is not taken for the publication date.
		HtmlDateMode: trafilatura.Fast,
	})
	if err != nil || res == nil || res.ContentNode == nil {
		return nil, fmt.Errorf("%w: no main content found", storyline.ErrNoText)
	}
	meta := res.Metadata
	title := collapse(meta.Title)
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
		Source:       collapse(meta.Sitename),
		Author:       collapse(meta.Author),
		Text:         text,
	}
	if a.Source == "" && pageURL != nil {
		a.Source = pageURL.Hostname()
	}
	if !meta.Date.IsZero() {
		a.Published, a.PublishedFrom = meta.Date, "page"
	}
	return a, nil
}

// blockElements end a line of text: each becomes its own paragraph.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Li: true, atom.Blockquote: true, atom.Pre: true,
	atom.Tr: true, atom.Table: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dd: true,
	atom.Dt: true, atom.Section: true, atom.Article: true, atom.Figure: true, atom.Figcaption: true,
	atom.Header: true, atom.Footer: true, atom.Body: true,
}

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
		if title != "" && blocks[i] == title {
			return blocks[i+1:]
		}
	}
	return blocks
}

// blocks renders the content tree as its blocks of text, in order.
func blocks(root *html.Node) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := collapse(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			switch {
			case n.DataAtom == atom.Br:
				cur.WriteByte(' ')
				return
			case n.DataAtom == atom.Script || n.DataAtom == atom.Style:
				return
			case blockElements[n.DataAtom] || isTrafilaturaBlock(n.Data):
				flush()
				defer flush()
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	flush()
	return out
}

// isTrafilaturaBlock reports the block tags of trafilatura's own tree, which
// converts headings, lists and quotes into these.
func isTrafilaturaBlock(tag string) bool {
	switch tag {
	case "head", "list", "item", "quote", "code", "row", "cell":
		return true
	}
	return false
}

// collapse trims s and folds every run of white space into one space.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// looksLikeHTML reports whether a body with no useful content type is a page.
func looksLikeHTML(body []byte) bool {
	head := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 1024)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html"))
}
