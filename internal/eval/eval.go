// Package eval scores extracted entities against gold annotations in the
// JSON Lines format of fixtures/FORMAT.md, pairing mentions the way the
// reference scorer does: per document and type, overlapping spans matched
// greedily, exact spans first, then the largest overlap.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/storyline/storyline"
)

// Doc is one gold document.
type Doc struct {
	ID        string             `json:"id"`
	Source    string             `json:"source"`
	Text      string             `json:"text"`
	Published string             `json:"published"`
	Types     []string           `json:"types"`
	Entities  []storyline.Entity `json:"entities"`
}

// ReadGold reads a gold (or docs) JSON Lines file.
func ReadGold(path string) ([]Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var docs []Doc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var d Doc
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		docs = append(docs, d)
	}
	return docs, sc.Err()
}

// PRF counts true positives, false positives and false negatives.
type PRF struct{ TP, FP, FN int }

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// P is precision, R recall, F1 their harmonic mean; NaN when undefined.
func (c PRF) P() float64  { return ratio(c.TP, c.TP+c.FP) }
func (c PRF) R() float64  { return ratio(c.TP, c.TP+c.FN) }
func (c PRF) F1() float64 { return ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

// Row is the score of one entity type.
type Row struct {
	Type            storyline.EntityType
	Gold, Pred      int
	Strict, Relaxed PRF
	NormOK, NormN   int
}

// NormAcc is the share of relaxed matches whose norm equals the gold norm.
func (r Row) NormAcc() float64 { return ratio(r.NormOK, r.NormN) }

// Score scores predictions (by document ID) per entity type, over the
// documents annotated for that type.
func Score(gold []Doc, pred map[string][]storyline.Entity) map[storyline.EntityType]*Row {
	rows := map[storyline.EntityType]*Row{}
	for _, d := range gold {
		for _, t := range d.Types {
			typ := storyline.EntityType(t)
			row := rows[typ]
			if row == nil {
				row = &Row{Type: typ}
				rows[typ] = row
			}
			g := ofType(d.Entities, typ)
			p := ofType(pred[d.ID], typ)
			pairs := Match(g, p)
			exact := 0
			for _, pr := range pairs {
				ge, pe := g[pr[0]], p[pr[1]]
				if ge.Start == pe.Start && ge.End == pe.End {
					exact++
				}
				if typ != storyline.Person && ge.Norm != "" {
					row.NormN++
					if strings.EqualFold(ge.Norm, pe.Norm) {
						row.NormOK++
					}
				}
			}
			row.Gold += len(g)
			row.Pred += len(p)
			add(&row.Strict, exact, len(p), len(g))
			add(&row.Relaxed, len(pairs), len(p), len(g))
		}
	}
	return rows
}

func add(c *PRF, tp, pred, gold int) { c.TP += tp; c.FP += pred - tp; c.FN += gold - tp }

func ofType(es []storyline.Entity, t storyline.EntityType) []storyline.Entity {
	var out []storyline.Entity
	for _, e := range es {
		if e.Type == t {
			out = append(out, e)
		}
	}
	return out
}

// Match pairs gold and predicted mentions one to one: overlapping spans,
// exact ones first, then by largest overlap, ties to the earlier gold and
// then the earlier prediction. It returns (gold index, pred index) pairs.
func Match(g, p []storyline.Entity) [][2]int {
	type cand struct {
		i, j, overlap int
		exact         bool
	}
	var cs []cand
	for i, ge := range g {
		for j, pe := range p {
			if ov := min(ge.End, pe.End) - max(ge.Start, pe.Start); ov > 0 {
				cs = append(cs, cand{i, j, ov, ge.Start == pe.Start && ge.End == pe.End})
			}
		}
	}
	slices.SortStableFunc(cs, func(x, y cand) int {
		switch {
		case x.exact != y.exact:
			if x.exact {
				return -1
			}
			return 1
		case x.overlap != y.overlap:
			return y.overlap - x.overlap
		case x.i != y.i:
			return x.i - y.i
		}
		return x.j - y.j
	})
	usedG, usedP := map[int]bool{}, map[int]bool{}
	var out [][2]int
	for _, c := range cs {
		if !usedG[c.i] && !usedP[c.j] {
			usedG[c.i], usedP[c.j] = true, true
			out = append(out, [2]int{c.i, c.j})
		}
	}
	return out
}
