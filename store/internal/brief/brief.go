// Package brief writes an article ID for an error message. An ID is any
// string a corpus gives: a bbolt error for a 40 KB ID repeated the whole
// ID, and one with an ESC in it would reach the terminal of whoever reads
// the message.
package brief

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxBytes is the most of an ID a message keeps: enough to tell IDs (and
// URLs) apart, short enough to read.
const maxBytes = 200

// ID is id for a message: its first maxBytes bytes, cut at a character,
// then "…" and its length; its control characters escaped.
func ID(id string) string {
	short := id
	if len(id) > maxBytes {
		short = id[:maxBytes]
		for !utf8.ValidString(short) && len(short) > maxBytes-utf8.UTFMax {
			short = short[:len(short)-1]
		}
	}
	if strings.ContainsFunc(short, unicode.IsControl) {
		var b strings.Builder
		for _, r := range short {
			if unicode.IsControl(r) {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				b.WriteRune(r)
			}
		}
		short = b.String()
	}
	if len(id) > maxBytes {
		return fmt.Sprintf("%s… (%d bytes)", short, len(id))
	}
	return short
}
