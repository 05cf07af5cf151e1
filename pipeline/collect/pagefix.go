package collect

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// fixPage undoes what a page does with styles that a reader never sees in
// its text, before extraction: it drops the hidden copies of words, and
// puts a drop cap back into its word.
func fixPage(doc *html.Node) {
	dropHiddenCopies(doc)
	joinDropCaps(doc)
}

// dropHiddenCopies removes an element the browser does not show (the
// hidden attribute, an inline display:none or visibility:hidden,
// Bootstrap's and Tailwind's hiding classes unless a responsive class shows
// it again, "hidden md:block") when it repeats the words right before it:
// Stack Exchange repeats each user's name in a d-none span for its
// microdata, and the text read "Tom AuTom Au". Other hidden elements stay:
// a gallery's slides and a "read more" are hidden until a script shows
// them, and they are the story (trafilatura-eval lost two snippets of a
// gallery when every hidden element went).
func dropHiddenCopies(n *html.Node) {
	var prev *html.Node
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && prev != nil && isHidden(c) && sameWords(c, prev) {
			n.RemoveChild(c)
		} else {
			dropHiddenCopies(c)
		}
		if c.Type != html.TextNode || strings.TrimSpace(c.Data) != "" {
			prev = c
		}
		c = next
	}
}

// sameWords reports whether a and b hold the same words, and some.
func sameWords(a, b *html.Node) bool {
	wa := strings.Fields(textOf(a))
	return len(wa) > 0 && strings.Join(wa, " ") == strings.Join(strings.Fields(textOf(b)), " ")
}

var (
	hiddenStyle = regexp.MustCompile(`(?i)(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)`)
	// shownAgain is a class that displays an element at some width.
	shownAgain = regexp.MustCompile(`(?:^|[:-])(?:block|inline|inline-block|flex|grid|table)$`)
)

func isHidden(n *html.Node) bool {
	hidden := false
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "style":
			if hiddenStyle.MatchString(a.Val) {
				return true
			}
		case "class":
			for _, c := range strings.Fields(a.Val) {
				if shownAgain.MatchString(c) {
					return false
				}
				hidden = hidden || c == "d-none" || c == "hidden"
			}
		}
	}
	return hidden
}

// joinDropCaps puts the first letter of a paragraph back into it when the
// page sets it apart as a drop cap: an element holding one capital letter
// right before a paragraph that opens in lower case. The Evening Standard's
// <span>T</span><p><a>urkey</a>, Poland … lost its "T" to the extractor,
// which keeps paragraphs, not loose letters between them.
func joinDropCaps(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		letter := lastText(c)
		if letter == nil || !isCapital(strings.TrimSpace(letter.Data)) || strings.TrimSpace(textOf(c)) != strings.TrimSpace(letter.Data) {
			joinDropCaps(c)
			continue
		}
		p := c.NextSibling
		for p != nil && p.Type == html.TextNode && strings.TrimSpace(p.Data) == "" {
			p = p.NextSibling
		}
		if p == nil || p.Type != html.ElementNode || !blockTags[p.Data] {
			continue
		}
		first := firstText(p)
		if first == nil {
			continue
		}
		rest := strings.TrimLeftFunc(first.Data, unicode.IsSpace)
		if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsLower(r) {
			continue
		}
		first.Data = strings.TrimSpace(letter.Data) + rest
		letter.Data = ""
	}
}

// isCapital reports whether s is one capital letter.
func isCapital(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return size == len(s) && unicode.IsUpper(r)
}
