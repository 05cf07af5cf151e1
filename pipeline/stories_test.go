package pipeline

import "testing"

func TestSameStoryRules(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    bool
	}{
		{StoriesVersion("nlp-8+x"), true},
		{"story-0+nlp-8+x", false},
		{"", false},
	} {
		if got := SameStoryRules(tc.version); got != tc.want {
			t.Errorf("SameStoryRules(%q) = %v, want %v", tc.version, got, tc.want)
		}
	}
}
