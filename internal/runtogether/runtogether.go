// Package runtogether finds the words of a page's kept text that the page
// never shows: blocks, cells or lines glued into one word
// ("appearanceUkraine", "Kenneth SurinDeleuze"). The collector's tests and
// scripts/maintext count them the same way.
package runtogether

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Words returns the words of text that join a small letter or a digit to
// a capital and stand in no single text node (or meta content) of page. A
// word with such a join inside one node ("McCain", "iPhone") is how the
// page itself writes it.
func Words(page []byte, text string) ([]string, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data + "\x00")
		case n.Type == html.ElementNode && n.DataAtom == atom.Meta:
			for _, at := range n.Attr {
				if at.Key == "content" {
					b.WriteString(at.Val + "\x00")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	pieces := b.String()
	var out []string
	for _, w := range strings.Fields(text) {
		// Punctuation may stand outside an inline element: "<b>Girona</b>,".
		w = strings.TrimFunc(w, unicode.IsPunct)
		if join.MatchString(w) && !strings.Contains(pieces, w) {
			out = append(out, w)
		}
	}
	return out, nil
}

// join is a small letter or a digit followed by a capital.
var join = regexp.MustCompile(`[\p{Ll}\p{Nd}]\p{Lu}`)
