package main

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// runTogether returns the words of text that stand in no single text node
// (or meta content) of page and join a small letter to a capital: two
// blocks, cells or lines glued into a word the page never shows
// ("appearanceUkraine", "Kenneth SurinDeleuze"), as collect's
// TestNoRunTogetherWords checks on the test pages. A word without such a
// join ("Economist</a>’s", "<i>a</i>b") is how the page itself is read.
func runTogether(page []byte, text string) []string {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil
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
		if caseJoin.MatchString(w) && !strings.Contains(pieces, w) {
			out = append(out, w)
		}
	}
	return out
}

// caseJoin is a small letter followed by a capital.
var caseJoin = regexp.MustCompile(`\p{Ll}\p{Lu}`)
