package brief

import (
	"strings"
	"testing"
)

func TestID(t *testing.T) {
	long := strings.Repeat("x", 40<<10)
	tests := []struct{ id, want string }{
		{"https://example.com/story/1", "https://example.com/story/1"},
		{long, strings.Repeat("x", maxBytes) + "… (40960 bytes)"},
		{"a\x1b[2Jb\x07", `a\x1b[2Jb\x07`},
		{"\u0080", `\x80`},
		// Cut at a character: 199 bytes of x and a 2-byte é do not fit.
		{strings.Repeat("x", maxBytes-1) + "é" + long, strings.Repeat("x", maxBytes-1) + "… (41161 bytes)"},
	}
	for _, tc := range tests {
		if got := ID(tc.id); got != tc.want {
			t.Errorf("ID(%.40q) = %.300q, want %.300q", tc.id, got, tc.want)
		}
	}
}
