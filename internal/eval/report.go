package eval

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// num is a score for JSON: rounded to 4 decimals, null when undefined.
type num float64

func (x num) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(x)) {
		return []byte("null"), nil
	}
	return []byte(fmt.Sprintf("%.4f", float64(x))), nil
}

func prfJSON(c PRF) map[string]any {
	return map[string]any{"tp": c.TP, "fp": c.FP, "fn": c.FN, "p": num(c.P()), "r": num(c.R()), "f1": num(c.F1())}
}

// JSON is the report in the shape of the reference scorer's -json output.
func (r *Report) JSON() map[string]any {
	var rows []map[string]any
	for _, row := range r.Rows {
		m := map[string]any{"name": row.Name, "docs": row.Docs, "gold": row.Gold, "pred": row.Pred,
			"strict": prfJSON(row.Strict), "relaxed": prfJSON(row.Relaxed), "doc": prfJSON(row.Doc),
			"norm_acc": num(row.NormAcc()), "norm_n": row.NormN}
		if row.Name == RowPerson {
			m["norm_acc"] = nil // person norms are judged by B-cubed
		}
		rows = append(rows, m)
	}
	out := map[string]any{"docs": r.Docs, "rows": rows, "missing_docs": r.Missing,
		"invalid_pred_entities": r.Invalid, "person_bcubed": nil}
	if b := r.BCubed; b != nil {
		out["person_bcubed"] = map[string]any{"n": b.N, "p": num(b.P), "r": num(b.R), "f1": num(b.F1())}
	}
	return out
}

func f3(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.3f", x)
}

// WriteTable prints the report as a table under a title.
func (r *Report) WriteTable(w io.Writer, title string) {
	fmt.Fprintf(w, "== %s: %d docs ==\n", title, r.Docs)
	gap := map[int]bool{3: true, 6: true, 7: true, 10: true} // between column groups
	line := func(name string, cols ...string) {
		var b strings.Builder
		fmt.Fprintf(&b, "%-16s", name)
		for i, c := range cols {
			if gap[i] {
				b.WriteString("  ")
			}
			fmt.Fprintf(&b, "%6s", c)
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	center := func(s string) string { return fmt.Sprintf("%*s", -18, fmt.Sprintf("%*s", (18+len(s))/2+2, s)) }
	fmt.Fprintf(w, "%16s%s  %s  %6s  %s\n", "", center("strict"), center("relaxed"), "norm", strings.TrimRight(center("doc-level"), " "))
	line("type", "P", "R", "F1", "P", "R", "F1", "acc", "P", "R", "F1", "gold")
	for _, row := range r.Rows {
		acc := f3(row.NormAcc())
		if row.Name == RowPerson {
			acc = "n/a"
		}
		line(row.Name, f3(row.Strict.P()), f3(row.Strict.R()), f3(row.Strict.F1()),
			f3(row.Relaxed.P()), f3(row.Relaxed.R()), f3(row.Relaxed.F1()), acc,
			f3(row.Doc.P()), f3(row.Doc.R()), f3(row.Doc.F1()), fmt.Sprint(row.Gold))
		if row.Name == RowPerson {
			if b := r.BCubed; b != nil {
				fmt.Fprintf(w, "  person canonicalization, B-cubed over %d matched mentions: P %s  R %s  F1 %s\n",
					b.N, f3(b.P), f3(b.R), f3(b.F1()))
			} else {
				fmt.Fprintln(w, "  person canonicalization: n/a (no gold person norms)")
			}
		}
	}
	fmt.Fprintf(w, "%d gold docs without a prediction line (scored as empty); %d predicted entities out of range or text != doc.text[start:end] (counted as FP)\n",
		r.Missing, r.Invalid)
}
