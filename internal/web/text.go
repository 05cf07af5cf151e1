package web

import (
	"html"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/storyline/storyline"
)

// span is a run of text on a page, marked with the type of entity it is,
// or plain ("").
type span struct {
	Text string
	Type storyline.EntityType
	Norm string
}

// mark cuts text[start:end] into spans, the entities of es that lie within
// it marked. Entity offsets are byte offsets into text; an entity that does
// not fit text, cuts a UTF-8 character, or overlaps one marked before it
// is left plain, so a stale or damaged extraction never breaks the page.
func mark(text string, start, end int, es []storyline.Entity) []span {
	if start < 0 || end > len(text) || start > end {
		return nil
	}
	sorted := slices.Clone(es)
	slices.SortStableFunc(sorted, func(a, b storyline.Entity) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End // the longer first
	})
	var out []span
	at := start
	for _, e := range sorted {
		if e.Start < at || e.End > end || e.Start >= e.End || !boundary(text, e.Start) || !boundary(text, e.End) {
			continue
		}
		if e.Start > at {
			out = append(out, span{Text: text[at:e.Start]})
		}
		out = append(out, span{Text: text[e.Start:e.End], Type: e.Type, Norm: e.Norm})
		at = e.End
	}
	if at < end {
		out = append(out, span{Text: text[at:end]})
	}
	return out
}

// boundary reports whether byte offset i of text starts a character (or
// is its end).
func boundary(text string, i int) bool {
	return i == len(text) || i >= 0 && i < len(text) && utf8.RuneStart(text[i])
}

// runes converts byte offsets into text to character (code point)
// offsets, for clients that slice by character (jq, Python). It counts on
// from the last offset asked for, so that a report's entities in order
// cost one pass over its text.
type runes struct {
	text          string
	byteAt, runes int
}

// at returns the character offset of byte offset b; an offset before the
// last one asked for counts again from the start.
func (r *runes) at(b int) int {
	if b < r.byteAt {
		r.byteAt, r.runes = 0, 0
	}
	b = min(b, len(r.text))
	r.runes += utf8.RuneCountInString(r.text[r.byteAt:b])
	r.byteAt = b
	return r.runes
}

// markup writes spans as HTML, each entity a <mark> of its type titled
// with its norm. Every piece of text is escaped here: the template engine
// escaping each span of a page of reports took most of the page's time.
func markup(spans []span) template.HTML {
	var b strings.Builder
	for _, s := range spans {
		if s.Type == "" {
			b.WriteString(html.EscapeString(s.Text))
			continue
		}
		b.WriteString(`<mark class="`)
		b.WriteString(html.EscapeString(string(s.Type)))
		b.WriteString(`" title="`)
		b.WriteString(html.EscapeString(s.Norm))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(s.Text))
		b.WriteString(`</mark>`)
	}
	return template.HTML(b.String())
}

// count puts n before the singular or the plural noun as n asks: "1
// report", "3 reports", "0 reports". Templates use it wherever a number
// precedes a noun, so that no page says "1 events".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
