package nlp

import (
	"testing"

	"github.com/storyline/storyline"
)

// TestV7Quirks pins the values version 7 writes that are no TIMEX3 value
// (datequirks.go): they change only with rulesVersion.
func TestV7Quirks(t *testing.T) {
	tests := []struct {
		text, dct, span, want string
	}{
		{"They met on April 30-31, 2023.", "2023-05-10", "April 30-31, 2023", "2023-04-30/"},
		{"The town was built 1030 years ago.", "2023-05-10", "1030 years ago", "993"},
		{"The town was built 3000 years ago.", "2023-05-10", "3000 years ago", "-977"},
		{"Sales in the 1989 third quarter of 1990 rose.", "1990-11-02", "the 1989 third quarter of 1990", "19891990-Q3"},
	}
	for _, tc := range tests {
		got := found(t, tc.text, tc.dct, storyline.Date)
		if got[tc.span] != tc.want {
			t.Errorf("dates of %q (DCT %s) = %v, want %q → %q", tc.text, tc.dct, got, tc.span, tc.want)
		}
	}
}
