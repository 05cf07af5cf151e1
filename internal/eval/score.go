package eval

import (
	"math"
	"slices"
	"strings"

	"github.com/storyline/storyline"
)

// Where FORMAT.md leaves room, these choices are the reference scorer's:
//
//   - Matching: per document and row, candidate pairs are overlapping spans
//     of the row's type, taken greedily, exact spans first, then the largest
//     overlap (ties: earlier gold, then earlier prediction), each mention at
//     most once. Strict TP = the exact pairs, relaxed TP = all pairs.
//   - A prediction whose offsets are out of range or whose text is not
//     text[start:end] never matches: a false positive, left out of doc sets.
//   - Norm accuracy: over relaxed pairs whose gold norm is set; countries
//     and places (by name) compare case-insensitively, dates exactly; not
//     reported for people.
//   - Doc-level country and date: the sets of distinct non-empty norms.
//   - Doc-level person: a mention's key is its lowercased norm; one without
//     a norm takes the key of the longest mention of the document whose words
//     include all its words, when that key is unique, else its lowercased
//     text. Relaxed pairs link predicted to gold keys, matched one to one,
//     greedily by number of links.
//   - B-cubed: over relaxed person pairs whose gold norm is set, across the
//     whole set; gold cluster = gold norm, predicted cluster = lowercased
//     predicted norm (or text when the norm is empty).

// Row is the score of one variant (a type, or countries by names only).
type Row struct {
	Name                 string
	Docs, Gold, Pred     int
	Strict, Relaxed, Doc PRF
	NormOK, NormN        int
}

// NormAcc is the share of relaxed matches (with a gold norm) whose norm is
// right.
func (r *Row) NormAcc() float64 { return ratio(r.NormOK, r.NormN) }

// BCubed is the person canonicalization score.
type BCubed struct {
	N    int // mentions scored
	P, R float64
}

// F1 is the harmonic mean of P and R.
func (b BCubed) F1() float64 {
	if b.N == 0 || b.P+b.R == 0 {
		return math.NaN()
	}
	return 2 * b.P * b.R / (b.P + b.R)
}

// Report is the score of a set of documents.
type Report struct {
	Docs    int
	Rows    []*Row  // only variants whose type some document is annotated for
	BCubed  *BCubed // nil where no gold person has a norm (CoNLL)
	Invalid int     // predictions failing the offset/text check
	Missing int     // gold documents without predictions

	pairs  [][2]string // (gold norm, predicted key) of relaxed person pairs
	normed bool
}

// Row returns the row of the given name, or nil.
func (r *Report) Row(name string) *Row {
	i := slices.IndexFunc(r.Rows, func(row *Row) bool { return row.Name == name })
	if i < 0 {
		return nil
	}
	return r.Rows[i]
}

// Row names.
const (
	RowPerson      = "person"
	RowCountryName = "country (name)"
	RowCountryAll  = "country (all)"
	RowDate        = "date"
	RowPlace       = "place"
)

type variant struct {
	name     string
	typ      storyline.EntityType
	nameOnly bool // countries: gold form "name", predictions not "demonym"
}

var variants = []variant{
	{RowPerson, storyline.Person, false},
	{RowCountryName, storyline.Country, true},
	{RowCountryAll, storyline.Country, false},
	{RowDate, storyline.Date, false},
	{RowPlace, storyline.Place, false},
}

func (v variant) keep(e storyline.Entity, gold bool) bool {
	if e.Type != v.typ {
		return false
	}
	if !v.nameOnly {
		return true
	}
	if gold {
		return e.Form == storyline.FormName || e.Form == ""
	}
	return e.Form != storyline.FormDemonym
}

// Score scores predictions (by document ID; a document without an entry is
// scored as predicting nothing) against gold.
func Score(gold []Doc, pred map[string][]storyline.Entity) *Report {
	r := &Report{}
	for _, v := range variants {
		r.Rows = append(r.Rows, &Row{Name: v.name})
	}
	for _, d := range gold {
		p, ok := pred[d.ID]
		r.Docs++
		if !ok {
			r.Missing++
		}
		r.scoreDoc(d, p)
	}
	r.Rows = slices.DeleteFunc(r.Rows, func(row *Row) bool { return row.Docs == 0 })
	r.finishBCubed()
	return r
}

func (r *Report) scoreDoc(d Doc, pred []storyline.Entity) {
	for _, e := range pred {
		if !valid(d.Text, e) {
			r.Invalid++
		}
	}
	for vi, v := range variants {
		if !slices.Contains(d.Types, string(v.typ)) {
			continue
		}
		var g, p []storyline.Entity
		for _, e := range d.Entities {
			if v.keep(e, true) {
				g = append(g, e)
			}
		}
		for _, e := range pred {
			if v.keep(e, false) {
				p = append(p, e)
			}
		}
		ok := make([]bool, len(p))
		for j, e := range p {
			ok[j] = valid(d.Text, e)
		}
		pairs := match(g, p, ok)
		row := r.Rows[vi]
		row.Docs++
		row.Gold += len(g)
		row.Pred += len(p)
		exact := 0
		for _, pr := range pairs {
			ge, pe := g[pr[0]], p[pr[1]]
			if ge.Start == pe.Start && ge.End == pe.End {
				exact++
			}
			if ge.Norm != "" && v.typ != storyline.Person {
				row.NormN++
				if normKey(v.typ, ge.Norm) == normKey(v.typ, pe.Norm) {
					row.NormOK++
				}
			}
		}
		row.Strict.add(exact, len(p), len(g))
		row.Relaxed.add(len(pairs), len(p), len(g))
		if v.typ == storyline.Person {
			r.personDoc(row, g, p, ok, pairs)
			continue
		}
		gs, ps := map[string]bool{}, map[string]bool{}
		for _, e := range g {
			if k := normKey(v.typ, e.Norm); k != "" {
				gs[k] = true
			}
		}
		for j, e := range p {
			if k := normKey(v.typ, e.Norm); ok[j] && k != "" {
				ps[k] = true
			}
		}
		tp := 0
		for k := range ps {
			if gs[k] {
				tp++
			}
		}
		row.Doc.add(tp, len(ps), len(gs))
	}
}

func normKey(typ storyline.EntityType, n string) string {
	n = strings.TrimSpace(n)
	switch typ {
	case storyline.Country:
		return strings.ToUpper(n)
	case storyline.Place:
		return strings.ToLower(n)
	}
	return n
}

// Match pairs gold and predicted mentions of one type one to one, as the
// scores do, and returns (gold index, prediction index) pairs.
func Match(g, p []storyline.Entity) [][2]int {
	ok := make([]bool, len(p))
	for j := range ok {
		ok[j] = true
	}
	return match(g, p, ok)
}

func match(g, p []storyline.Entity, ok []bool) [][2]int {
	type cand struct {
		i, j, overlap int
		exact         bool
	}
	var cs []cand
	for i, ge := range g {
		for j, pe := range p {
			if !ok[j] {
				continue
			}
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
	pairs := make([][2]int, len(cs))
	for k, c := range cs {
		pairs[k] = [2]int{c.i, c.j}
	}
	return oneToOne(pairs)
}

// oneToOne keeps, of candidate (gold, predicted) pairs sorted best first,
// each pair whose two sides are both still free: a greedy one-to-one
// matching.
func oneToOne(cands [][2]int) [][2]int {
	usedG, usedP := map[int]bool{}, map[int]bool{}
	var out [][2]int
	for _, c := range cands {
		if !usedG[c[0]] && !usedP[c[1]] {
			usedG[c[0]], usedP[c[1]] = true, true
			out = append(out, c)
		}
	}
	return out
}

// predKey is a predicted person's B-cubed cluster.
func predKey(e storyline.Entity) string {
	if k := strings.ToLower(strings.TrimSpace(e.Norm)); k != "" {
		return k
	}
	return strings.ToLower(strings.TrimSpace(e.Text))
}

// docKeys gives each person mention of one document its doc-level key.
func docKeys(es []storyline.Entity, own func(storyline.Entity) string) []string {
	words := func(e storyline.Entity) []string { return strings.Fields(strings.ToLower(e.Text)) }
	key := func(e storyline.Entity) string {
		if k := own(e); k != "" {
			return "norm:" + k
		}
		return "text:" + strings.Join(words(e), " ")
	}
	keys := make([]string, len(es))
	for i, e := range es {
		keys[i] = key(e)
		if own(e) != "" {
			continue
		}
		w := words(e)
		best, n := "", len(w)
	others:
		for _, o := range es {
			ow := words(o)
			if len(ow) <= len(w) {
				continue
			}
			for _, x := range w {
				if !slices.Contains(ow, x) {
					continue others
				}
			}
			switch k := key(o); {
			case len(ow) > n:
				best, n = k, len(ow)
			case len(ow) == n && k != best:
				best = "\x00" // two different longest names: ambiguous
			}
		}
		if best != "" && best != "\x00" {
			keys[i] = best
		}
	}
	return keys
}

func (r *Report) personDoc(row *Row, g, p []storyline.Entity, ok []bool, pairs [][2]int) {
	for _, e := range g {
		r.normed = r.normed || e.Norm != ""
	}
	gk := docKeys(g, func(e storyline.Entity) string { return e.Norm })
	var vp []storyline.Entity // valid predictions
	vi := make([]int, len(p))
	for j, e := range p {
		if ok[j] {
			vi[j] = len(vp)
			vp = append(vp, e)
		}
	}
	pk := docKeys(vp, func(e storyline.Entity) string { return strings.ToLower(strings.TrimSpace(e.Norm)) })
	golds, preds := map[string]bool{}, map[string]bool{}
	for _, k := range gk {
		golds[k] = true
	}
	for _, k := range pk {
		preds[k] = true
	}
	links := map[[2]string]int{}
	for _, pr := range pairs {
		links[[2]string{pk[vi[pr[1]]], gk[pr[0]]}]++
		if n := g[pr[0]].Norm; n != "" {
			r.pairs = append(r.pairs, [2]string{n, predKey(p[pr[1]])})
		}
	}
	type link struct {
		k [2]string
		n int
	}
	var ls []link
	for k, n := range links {
		ls = append(ls, link{k, n})
	}
	slices.SortFunc(ls, func(a, b link) int {
		if a.n != b.n {
			return b.n - a.n
		}
		if c := strings.Compare(a.k[0], b.k[0]); c != 0 {
			return c
		}
		return strings.Compare(a.k[1], b.k[1])
	})
	usedP, usedG, tp := map[string]bool{}, map[string]bool{}, 0
	for _, l := range ls {
		if !usedP[l.k[0]] && !usedG[l.k[1]] {
			usedP[l.k[0]], usedG[l.k[1]] = true, true
			tp++
		}
	}
	row.Doc.add(tp, len(preds), len(golds))
}

func (r *Report) finishBCubed() {
	if !r.normed {
		return
	}
	both, byGold, byPred := map[[2]string]int{}, map[string]int{}, map[string]int{}
	for _, pr := range r.pairs {
		both[pr]++
		byGold[pr[0]]++
		byPred[pr[1]]++
	}
	var p, rec float64
	for _, pr := range r.pairs {
		p += float64(both[pr]) / float64(byPred[pr[1]])
		rec += float64(both[pr]) / float64(byGold[pr[0]])
	}
	n := len(r.pairs)
	r.BCubed = &BCubed{N: n, P: p / float64(n), R: rec / float64(n)} // NaN when n == 0
}
