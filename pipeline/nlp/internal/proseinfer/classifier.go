package proseinfer

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Classifier is an entity classifier in prose's format: a binary
// maximum-entropy model over prose's token features that gives every token
// an IOB label (O, B-PERSON, I-GPE...), reading the labels it gave the
// tokens before. It is safe for concurrent use.
type Classifier struct {
	labels  []string
	weights *weightTable
	digest  string
}

// LoadClassifier loads the classifier that prose's Model.Write wrote to dir
// in fsys (its labels.gob, mapping.gob and weights.gob).
func LoadClassifier(fsys fs.FS, dir string) (*Classifier, error) {
	var (
		labels  []string
		mapping map[string]int
		weights []float64
	)
	digest, err := decodeAll(func(name string) ([]byte, error) { return fs.ReadFile(fsys, path.Join(dir, name)) },
		gobFile{"labels.gob", &labels}, gobFile{"mapping.gob", &mapping}, gobFile{"weights.gob", &weights})
	if err != nil {
		return nil, fmt.Errorf("prose classifier: %w", err)
	}
	if len(labels) == 0 || len(labels) > 256 {
		return nil, fmt.Errorf("prose classifier: %d labels, want 1 to 256", len(labels))
	}
	// prose looks up "feature-value-label" for every label in turn; the table
	// is keyed by "feature-value", and a key's votes are its labels' weights.
	type entry struct {
		prefix string
		vote
	}
	entries := make([]entry, 0, len(mapping))
	for key, wi := range mapping {
		if wi < 0 || wi >= len(weights) {
			return nil, fmt.Errorf("prose classifier: %q has weight %d of %d", key, wi, len(weights))
		}
		label := -1
		for i, l := range labels {
			if strings.HasSuffix(key, "-"+l) {
				if label >= 0 {
					return nil, fmt.Errorf("prose classifier: %q ends in two labels", key)
				}
				label = i
			}
		}
		if label < 0 {
			return nil, fmt.Errorf("prose classifier: %q ends in no label", key)
		}
		entries = append(entries, entry{key[:len(key)-len(labels[label])-1], vote{uint8(label), weights[wi]}})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.prefix, b.prefix) })
	features := 0
	for i, e := range entries {
		if i == len(entries)-1 || entries[i+1].prefix != e.prefix {
			features++
		}
	}
	table := newWeightTable(features)
	var votes []vote
	for i, e := range entries {
		votes = append(votes, e.vote)
		if i == len(entries)-1 || entries[i+1].prefix != e.prefix {
			table.add(e.prefix, votes)
			votes = votes[:0]
		}
	}
	return &Classifier{labels: labels, weights: table, digest: digest}, nil
}

// Digest identifies the classifier's files.
func (c *Classifier) Digest() string { return c.digest }

// featureOrder is the order in which prose adds up a label's weights.
var featureOrder = [...]string{
	"bias", "en-wordlist", "nextpos", "nextword", "pos", "pos+prevtag",
	"prefix3", "prevpos", "prevtag", "prevword", "shape", "shape+prevtag",
	"suffix3", "word", "word+nextpos", "word.lower", "wordlen"}

// Label returns the IOB label of each word, given its part-of-speech tag.
func (c *Classifier) Label(words, tags []string) []string {
	n := len(words)
	labels := make([]string, n)
	shapes := make([]string, n)
	for i, w := range words {
		shapes[i] = shape(w)
	}
	s := newScratch(len(c.labels))
	prevTag := "None" // prose's name for the label before, cut to B, I or O
	for i, w := range words {
		s.reset()
		prevShape := "None"
		if i >= 2 { // sic: prose gives the second token no previous shape
			prevShape = shapes[i-1]
		}
		for _, name := range featureOrder {
			k := append(s.key[:0], name...)
			k = append(k, '-')
			switch name {
			case "bias":
				k = append(k, "True"...)
			case "en-wordlist":
				if basicWords[w] {
					k = append(k, "True"...)
				} else {
					k = append(k, "False"...)
				}
			case "nextpos":
				k = appendNext(k, tags, i)
			case "nextword":
				k = appendNext(k, words, i)
			case "pos":
				k = append(k, tags[i]...)
			case "pos+prevtag":
				k = append(append(append(k, tags[i]...), '+'), prevTag...)
			case "prefix3":
				k = appendLower(k, w[:min(len(w), 3)])
			case "prevpos":
				k = appendPrev(k, tags, i, false)
			case "prevtag":
				k = append(k, prevTag...)
			case "prevword":
				k = appendPrev(k, words, i, true)
			case "shape":
				k = append(k, shapes[i]...)
			case "shape+prevtag":
				k = append(append(append(k, prevShape...), '+'), prevTag...)
			case "suffix3":
				k = appendLower(k, suffix(w))
			case "word":
				k = append(k, w...)
			case "word+nextpos":
				k = appendNext(append(appendLower(k, w), '+'), tags, i)
			case "word.lower":
				k = appendLower(k, w)
			case "wordlen":
				k = strconv.AppendInt(k, int64(len(w)), 10)
			}
			s.key = k
			c.weights.addTo(k, s.scores, s.voted)
		}
		// prose compares every label's total, voted for or not.
		labels[i] = c.labels[s.best(true)]
		prevTag = simplePOS(labels[i])
	}
	return labels
}

// appendNext appends the lower-cased element after i, or "None".
func appendNext(k []byte, of []string, i int) []byte {
	if i == len(of)-1 {
		return append(k, "None"...)
	}
	return appendLower(k, of[i+1])
}

// appendPrev appends the element before i, lower-cased if asked, or "None".
func appendPrev(k []byte, of []string, i int, lower bool) []byte {
	switch {
	case i == 0:
		return append(k, "None"...)
	case lower:
		return appendLower(k, of[i-1])
	}
	return append(k, of[i-1]...)
}

// appendLower appends strings.ToLower(s) without building it when s is
// ASCII, where the two are the same byte for byte.
func appendLower(k []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(k, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		k = append(k, c)
	}
	return k
}

// shape is prose's word shape: number, punct (the last character is not
// an ASCII letter, digit or underscore: prose's `\W+$`), downcase, upcase,
// mixedcase, or other (the empty word).
func shape(w string) string {
	if _, err := strconv.ParseFloat(w, 64); err == nil {
		return "number"
	}
	if w == "" {
		return "other"
	}
	if last, _ := utf8.DecodeLastRuneInString(w); !isWordChar(last) {
		return "punct"
	}
	if strings.ToLower(w) == w {
		return "downcase"
	}
	//lint:ignore SA1019 prose's feature is defined by strings.Title.
	if strings.Title(w) == w {
		return "upcase"
	}
	return "mixedcase"
}

// isWordChar is regexp's \w.
func isWordChar(r rune) bool {
	return r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
}

// simplePOS is prose's history value for a label: B, I or O (v for a
// label that starts with V, which entity labels do not).
func simplePOS(label string) string {
	if strings.HasPrefix(label, "V") {
		return "v"
	}
	before, _, _ := strings.Cut(label, "-")
	return before
}
