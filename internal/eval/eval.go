// Package eval scores extracted entities against gold annotations in the
// JSON Lines format of fixtures/FORMAT.md, with the measures that document
// defines and that the reference scorer (shared eval/score) computes:
// per type, strict and relaxed precision, recall and F1, norm accuracy,
// document-level F1 over distinct norms, and for people B-cubed
// canonicalization over the whole set. Countries are scored twice: names
// only, and names with demonyms.
package eval

import (
	"bufio"
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
	var docs []Doc
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var d Doc
		if err := json.Unmarshal(line, &d); err != nil {
			return nil, fmt.Errorf("%s:%d: not a gold document: %w", name, n, err)
		}
		switch {
		case d.ID == "":
			return nil, fmt.Errorf("%s:%d: gold document has no id", name, n)
		case seen[d.ID]:
			return nil, fmt.Errorf("%s:%d: duplicate gold id %q", name, n, d.ID)
		}
		seen[d.ID] = true
		for _, t := range d.Types {
			if !knownType(storyline.EntityType(t)) {
				return nil, fmt.Errorf("%s:%d: unknown type %q in types", name, n, t)
			}
		}
		for k, e := range d.Entities {
			if !knownType(e.Type) {
				return nil, fmt.Errorf("%s:%d: entity %d: unknown type %q", name, n, k, e.Type)
			}
			if !valid(d.Text, e) {
				return nil, fmt.Errorf("%s:%d: entity %d: offsets %d-%d out of range or text %q != text[start:end]", name, n, k, e.Start, e.End, e.Text)
			}
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return docs, nil
}

func knownType(t storyline.EntityType) bool {
	return t == storyline.Person || t == storyline.Country || t == storyline.Date
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
