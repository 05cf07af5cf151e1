package nlp

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRuleNeedDropsNoMatch holds that a rule's need words only spare it
// windows where it finds nothing: over the dates of testdata/dates.txt, the
// fixtures' reports and texts where the lower-case triggers stand in other
// words, each rule finds the same matches with its need as without, and
// every one of them holds a need word.
func TestRuleNeedDropsNoMatch(t *testing.T) {
	texts := []string{
		"The market decided in March to sell, and the marshal's decree of 3 Mar 21 followed.",
		"Today the Monday market, a holiday sale: Junior players met on 4 Sept. 2019 and Sept. 5.",
		"may maybe May 2020; the decade; decisions of Dec. 3 to 4, and Nov. 1-2, 2021.",
		"Birthdays today: octopus, November. Sunday morning, last Saturday, the 24th of April.",
	}
	for _, tc := range readDates(t) {
		texts = append(texts, tc.text)
	}
	f, err := os.Open(filepath.Join("..", "..", "fixtures", "docs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var d struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, d.Text)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var checked, found int
	for i, r := range dateRules {
		if r.need == nil {
			continue
		}
		checked++
		unneeded := r
		unneeded.need = nil
		for _, text := range texts {
			lower := strings.ToLower(text)
			got, want := r.matches(text, lower), unneeded.matches(text, lower)
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("rule %d (%s) in %q: %v with its need, %v without", i, r.re, text, got, want)
			}
			for _, loc := range want {
				found++
				if !containsAny(text[loc[0]:loc[1]], r.need) {
					t.Errorf("rule %d (%s): match %q holds none of %q", i, r.re, text[loc[0]:loc[1]], r.need)
				}
			}
		}
	}
	if checked == 0 || found == 0 {
		t.Fatalf("%d rules with a need, %d matches: the test checks nothing", checked, found)
	}
}
