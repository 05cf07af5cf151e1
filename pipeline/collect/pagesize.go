package collect

import (
	"bytes"
	"fmt"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/storyline/storyline"
)

// Bounds of a page worth parsing. A news page has a few thousand elements
// a few dozen deep; a page of a million paragraphs took 5 minutes and 6.9
// GB to parse and extract, far more than its 9 MB of bytes suggest.
const (
	maxPageElements = 100_000
	maxPageDepth    = 1_000
)

// checkPageSize refuses, in one pass of the tokenizer, a page with more
// elements or deeper nesting than an article page has.
func checkPageSize(data []byte) error {
	z := html.NewTokenizer(bytes.NewReader(data))
	elements, depth := 0, 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return nil // io.EOF, or a tokenizer error the parser will meet too
		case html.StartTagToken:
			elements++
			name, _ := z.TagName()
			if !void[atom.Lookup(name)] {
				depth++
			}
		case html.SelfClosingTagToken:
			elements++
		case html.EndTagToken:
			depth = max(0, depth-1)
		}
		switch {
		case elements > maxPageElements:
			return fmt.Errorf("%w: the page has more than %d elements, more than an article page has", storyline.ErrNoText, maxPageElements)
		case depth > maxPageDepth:
			return fmt.Errorf("%w: the page nests elements more than %d deep, deeper than an article page does", storyline.ErrNoText, maxPageDepth)
		}
	}
}

// void elements have no end tag.
var void = map[atom.Atom]bool{atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true,
	atom.Hr: true, atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true, atom.Source: true,
	atom.Track: true, atom.Wbr: true}
