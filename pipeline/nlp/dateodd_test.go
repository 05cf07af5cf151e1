package nlp

import (
	"testing"

	"github.com/storyline/storyline"
)

// TestNoValueForWhatTIMEX3CannotWrite: a day that does not exist, a year
// of more or fewer than four digits and two years run together give no
// date, rather than a value no reader can parse.
func TestNoValueForWhatTIMEX3CannotWrite(t *testing.T) {
	tests := []struct{ text, dct, span string }{
		{"They met on April 30-31, 2023.", "2023-05-10", "April 30-31, 2023"},
		{"The town was built 1030 years ago.", "2023-05-10", "1030 years ago"},
		{"The town was built 3000 years ago.", "2023-05-10", "3000 years ago"},
		{"Sales in the 1989 third quarter of 1990 rose.", "1990-11-02", "the 1989 third quarter of 1990"},
	}
	for _, tc := range tests {
		if v, ok := found(t, tc.text, tc.dct, storyline.Date)[tc.span]; ok {
			t.Errorf("%q (DCT %s) gives %q → %q, want no date", tc.text, tc.dct, tc.span, v)
		}
	}
}
