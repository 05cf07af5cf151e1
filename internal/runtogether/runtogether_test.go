package runtogether

import (
	"slices"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		page, text string
		want       []string
	}{
		{"<p>appearance</p><p>Ukraine</p>", "appearanceUkraine", []string{"appearanceUkraine"}},
		{"<p>appearance</p><p>Ukraine</p>", "appearance Ukraine", nil},
		{"<p>John McCain and the iPhone.</p>", "John McCain and the iPhone.", nil},
		{"<table><tr><td>2023</td><td>Paris</td></tr></table>", "2023Paris,", []string{"2023Paris"}},
		{`<meta content="PlayStation"><p>x</p>`, "PlayStation x", nil},
	}
	for _, tt := range tests {
		got, err := Words([]byte(tt.page), tt.text)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Words(%q, %q) = %q, want %q", tt.page, tt.text, got, tt.want)
		}
	}
}
