package nlp

import (
	"slices"
	"strings"
)

type tense int

const (
	past tense = iota
	present
	future
)

// tense reads the tense of the clause around pos from the nearest verb in
// its sentence: "will", "would" or "may" make it future, a past form past, a
// present form present. News mostly reports what happened, so past is the
// default.
func (c *dateContext) tense(pos int) tense {
	i, _ := slices.BinarySearchFunc(c.toks, pos, func(t token, p int) int { return t.start - p })
	best, bestDist := past, 1<<30
	found := false
	for dir := -1; dir <= 1; dir += 2 {
		for k, dist := i, 0; k >= 0 && k < len(c.toks) && dist < 12; k, dist = k+dir, dist+1 {
			if dir == 1 && k == i && dist == 0 && k < len(c.toks) && c.toks[k].start < pos {
				continue
			}
			t := c.toks[k]
			if t.text == "." || t.text == "?" || t.text == "!" || t.text == ";" {
				break
			}
			// A subordinate clause has its own verb: "told on Monday that
			// the meeting would take place".
			if dist > 0 && (t.tag == "WDT" || t.tag == "WP" || strings.EqualFold(t.text, "that")) {
				break
			}
			var v tense
			lower := strings.ToLower(t.text)
			switch {
			case (t.tag == "VBZ" || t.tag == "VBP") && (lower == "forecast" || lower == "forecasts"),
				lower == "forecast" && t.tag != "VBD" && dist <= 2:
				// "forecasts the weather to return", a headline's
				// "Forecast for Wed.": what is to come.
				v = future
			case lower == "must" && !c.nextIs(k, "have"):
				// "must self-isolate from Saturday"; "must have left" is past.
				v = future
			case t.tag == "MD" && !slices.Contains([]string{"could", "might", "can", "must"}, lower):
				// will, shall, would, may: what is still to happen.
				v = future
			case t.tag == "VBD":
				v = past
			case (t.tag == "VBZ" || t.tag == "VBP") && c.nextIs(k, expectations...) && (dir < 0 || dist <= 1):
				// "is expected on Monday", "Wednesday is forecast to be
				// colder"; not a next clause's ("lows on Tuesday,
				// Wednesday is forecast").
				v = future
			case t.tag == "VBZ" || t.tag == "VBP":
				v = present
			default:
				continue
			}
			// On a tie the verb before the date governs it: "said on
			// Tuesday they would meet".
			if dist < bestDist {
				best, bestDist, found = v, dist, true
			}
			break
		}
	}
	if !found {
		return past
	}
	return best
}

// expectations, after "is" or "are", make a clause tell what is to come.
var expectations = []string{"expected", "forecast", "set", "due", "scheduled", "slated", "poised", "likely"}

// nextIs reports whether the token after the k-th is one of words, in any
// case.
func (c *dateContext) nextIs(k int, words ...string) bool {
	return k+1 < len(c.toks) && slices.Contains(words, strings.ToLower(c.toks[k+1].text))
}
