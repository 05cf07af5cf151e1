// Package proseinfer runs prose v2's models — its averaged-perceptron
// part-of-speech tagger with the weights prose ships, and an entity
// classifier in prose's maximum-entropy format — with prose's features and
// prose's arithmetic, so that they tag and label as prose does, several
// times faster and with a fraction of the memory.
//
// prose spends most of its time outside the arithmetic: it builds a string
// for every feature of every token and every label, compiles two regular
// expressions per token, scans a word list linearly, and keeps its weights
// in maps of strings that the garbage collector walks on every cycle. Here a
// feature key is built once per token in a reused buffer and looked up as
// bytes in a pointer-free table (table.go).
//
// One behaviour of prose is deliberately not copied: prose's tokenizer hands
// out one shared *Token for every repetition of the same whitespace-delimited
// chunk, so the tag and the label it finally reports for a repeated word are
// those of its last occurrence, and the entity classifier reads those
// overwritten tags as features. Here every token keeps its own tag and
// label. The tests reproduce that sharing to check the two against prose.
package proseinfer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jdkato/prose/v2"
	"github.com/mingrammer/commonregex"
)

// Tagger is prose's part-of-speech tagger (a port of TextBlob's averaged
// perceptron, Penn Treebank tags). It is safe for concurrent use.
type Tagger struct {
	classes []string
	known   map[string]string // words the training data always tagged one way
	weights *weightTable
	digest  string
}

// NewTagger loads the tagger's model from the assets prose embeds.
func NewTagger() (*Tagger, error) {
	var (
		classes []string
		known   map[string]string
		weights map[string]map[string]float64
	)
	digest, err := decodeAll(func(name string) ([]byte, error) { return prose.Asset("model/AveragedPerceptron/" + name) },
		gobFile{"classes.gob", &classes}, gobFile{"tags.gob", &known}, gobFile{"weights.gob", &weights})
	if err != nil {
		return nil, fmt.Errorf("prose tagger: %w", err)
	}
	index := make(map[string]uint8, len(classes))
	for i, c := range classes {
		if i > 255 {
			return nil, fmt.Errorf("prose tagger: %d classes, at most 256 supported", len(classes))
		}
		index[c] = uint8(i)
	}
	table := newWeightTable(len(weights))
	var votes []vote
	for feature, byClass := range weights {
		votes = votes[:0]
		for class, w := range byClass {
			i, ok := index[class]
			if !ok {
				return nil, fmt.Errorf("prose tagger: weight for unknown class %q", class)
			}
			votes = append(votes, vote{i, w})
		}
		table.add(feature, votes)
	}
	return &Tagger{classes: classes, known: known, weights: table, digest: digest}, nil
}

// Digest identifies the tagger's weights, which come with the version of
// prose the build uses.
func (t *Tagger) Digest() string { return t.digest }

// none and keep are prose's patterns for Penn Treebank's empty elements and
// its -LRB-/-RRB- style bracket tokens.
var (
	none = regexp.MustCompile(`^(?:0|\*[\w?]\*|\*\-\d{1,3}|\*[A-Z]+\*\-\d{1,3}|\*)$`)
	keep = regexp.MustCompile(`^\-[A-Z]{3}\-$`)
)

// Tag returns the part-of-speech tag of each word.
func (t *Tagger) Tag(words []string) []string {
	tags := make([]string, len(words))
	ctx := make([]string, len(words)+4)
	ctx[0], ctx[1] = "-START-", "-START2-"
	for i, w := range words {
		ctx[i+2] = normalize(w)
	}
	ctx[len(ctx)-2], ctx[len(ctx)-1] = "-END-", "-END2-"

	p1, p2 := "-START-", "-START2-"
	s := newScratch(len(t.classes))
	for i, w := range words {
		tag, ok := fixedTag(w)
		if !ok {
			if tag, ok = t.known[w]; !ok {
				tag = t.predict(i+2, ctx, w, p1, p2, s)
			}
		}
		tags[i] = tag
		p2, p1 = p1, tag
	}
	return tags
}

// fixedTag is the tag prose gives w without asking its model, checked in
// prose's order. The regular expressions run only on words that could match
// them: a link has a dot, an email address an at sign.
func fixedTag(w string) (string, bool) {
	switch {
	case w == "-":
		return "-", true
	case emoticons[w]:
		return "SYM", true
	case strings.HasPrefix(w, "@"),
		strings.Contains(w, ".") && commonregex.LinkRegex.MatchString(w),
		strings.Contains(w, "@") && commonregex.EmailRegex.MatchString(w):
		return "NN", true
	case (w == "0" || strings.HasPrefix(w, "*")) && none.MatchString(w):
		return "-NONE-", true
	case strings.HasPrefix(w, "-") && keep.MatchString(w):
		return w, true
	}
	return "", false
}

// predict scores the features of the word at ctx[i] as prose's featurize
// names them. Scores are summed in the order the features are listed; prose
// sums them in map order, which differs between runs only in the last bits.
func (t *Tagger) predict(i int, ctx []string, w, p1, p2 string, s *scratch) string {
	s.reset()
	feature := func(parts ...string) {
		s.key = s.key[:0]
		for j, p := range parts {
			if j > 0 {
				s.key = append(s.key, ' ')
			}
			s.key = append(s.key, p...)
		}
		t.weights.addTo(s.key, s.scores, s.voted)
	}
	feature("bias")
	feature("i suffix", suffix(w))
	if w != "" { // prose's tokenizer makes no empty tokens; prose would panic on one
		feature("i pref1", string(rune(w[0]))) // prose converts the first byte, not the first rune
	}
	feature("i-1 tag", p1)
	feature("i-2 tag", p2)
	feature("i tag+i-2 tag", p1, p2)
	feature("i word", ctx[i])
	feature("i-1 tag+i word", p1, ctx[i])
	feature("i-1 word", ctx[i-1])
	feature("i-1 suffix", suffix(ctx[i-1]))
	feature("i-2 word", ctx[i-2])
	feature("i+1 word", ctx[i+1])
	feature("i+1 suffix", suffix(ctx[i+1]))
	feature("i+2 word", ctx[i+2])

	if c := s.best(false); c >= 0 {
		return t.classes[c]
	}
	return "" // as prose: no feature known, no tag
}

// suffix is the last three bytes of s, as prose cuts it.
func suffix(s string) string {
	return s[len(s)-min(len(s), 3):]
}

// normalize is how prose's tagger sees a word in context.
func normalize(w string) string {
	if w == "" {
		return w
	}
	if strings.Contains(w, "-") && w[0] != '-' {
		return "!HYPHEN"
	}
	if _, err := strconv.Atoi(w); err == nil && len(w) == 4 {
		return "!YEAR"
	}
	if '0' <= w[0] && w[0] <= '9' {
		return "!DIGITS"
	}
	return strings.ToLower(w)
}

// setOf returns a set of words.
func setOf(words ...string) map[string]bool {
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
}

// LowerTag is the tag that the tagger's training text gave w written in
// lower case, the word alone: the tag it always had if it was frequent and
// unambiguous, else the tag its own word feature votes for most; "" for a
// word the training never weighed. A capitalised word whose lower case
// comes back NN, VB or RB is an English word ("Sprinkle", "Hence"); a
// surname comes back "" or NNP.
func (t *Tagger) LowerTag(w string) string {
	w = strings.ToLower(w)
	if tag, ok := t.known[w]; ok {
		return tag
	}
	s := newScratch(len(t.classes))
	s.key = append(append(s.key, "i word "...), normalize(w)...)
	if !t.weights.addTo(s.key, s.scores, s.voted) {
		return ""
	}
	return t.classes[s.best(false)]
}
