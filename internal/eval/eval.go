// Package eval scores extracted entities against gold annotations in the
// JSON Lines format of fixtures/FORMAT.md, with the measures that document
// defines and that the reference scorer (shared eval/score) computes:
// per type, strict and relaxed precision, recall and F1, norm accuracy,
// document-level F1 over distinct norms, and for people B-cubed
// canonicalization over the whole set. Countries are scored twice: names
// only, and names with demonyms.
package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"

	"github.com/storyline/storyline"
)

// Doc is one gold document (or one input document, without entities).
type Doc struct {
	ID        string             `json:"id"`
	Source    string             `json:"source"`
	Text      string             `json:"text"`
	Published string             `json:"published,omitempty"`
	Types     []string           `json:"types"`
	Entities  []storyline.Entity `json:"entities"`
}

// ReadGold reads a gold JSON Lines file. It checks what the scores depend
// on: ids present and unique, known types, offsets that match the text.
func ReadGold(path string) ([]Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readGold(f, path)
}

// ReadGoldFS reads the gold JSON Lines file name of fsys, as ReadGold does
// (the embedded fixtures, say).
func ReadGoldFS(fsys fs.FS, name string) ([]Doc, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	return readGold(bytes.NewReader(data), name)
}

func readGold(r io.Reader, name string) ([]Doc, error) {
	seen := map[string]bool{}
	return readLines(r, name, func(_ int, line []byte) (Doc, error) { return readDoc(line, seen) })
}

// readDoc decodes and checks one gold document; seen holds the ids of the
// lines before.
func readDoc(line []byte, seen map[string]bool) (Doc, error) {
	var d Doc
	if err := json.Unmarshal(line, &d); err != nil {
		return d, fmt.Errorf("not a gold document: %w", err)
	}
	switch {
	case d.ID == "":
		return d, fmt.Errorf("gold document has no id")
	case seen[d.ID]:
		return d, fmt.Errorf("duplicate gold id %q", d.ID)
	}
	seen[d.ID] = true
	for _, t := range d.Types {
		if !knownType(storyline.EntityType(t)) {
			return d, fmt.Errorf("unknown type %q in types", t)
		}
	}
	for k, e := range d.Entities {
		if !knownType(e.Type) {
			return d, fmt.Errorf("entity %d: unknown type %q", k, e.Type)
		}
		if !valid(d.Text, e) {
			return d, fmt.Errorf("entity %d: offsets %d-%d out of range or text %q != text[start:end]", k, e.Start, e.End, e.Text)
		}
	}
	return d, nil
}

func knownType(t storyline.EntityType) bool {
	return t == storyline.Person || t == storyline.Country || t == storyline.Date || t == storyline.Place
}

func valid(text string, e storyline.Entity) bool {
	return e.Start >= 0 && e.Start < e.End && e.End <= len(text) && text[e.Start:e.End] == e.Text
}

// PRF counts true positives, false positives and false negatives.
type PRF struct{ TP, FP, FN int }

func (c *PRF) add(tp, pred, gold int) { c.TP += tp; c.FP += pred - tp; c.FN += gold - tp }

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// P is precision, R recall and F1 = 2TP/(2TP+FP+FN); each NaN when undefined.
func (c PRF) P() float64  { return ratio(c.TP, c.TP+c.FP) }
func (c PRF) R() float64  { return ratio(c.TP, c.TP+c.FN) }
func (c PRF) F1() float64 { return ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }
