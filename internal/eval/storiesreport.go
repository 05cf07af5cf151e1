package eval

import (
	"fmt"
	"io"
)

// WriteTable prints the stories report under a title: the clustering, then
// the timelines of the gold stories that have one.
func (r *StoriesReport) WriteTable(w io.Writer, title string) {
	c, t := r.Clusters, r.Timelines
	fmt.Fprintf(w, "== %s: %d docs, %d gold stories ==\n", title, c.Docs, c.GoldStories)
	fmt.Fprintf(w, "stories   B-cubed P %s  R %s  F1 %s   %d predicted stories over the gold docs\n",
		f3(c.P), f3(c.R), f3(c.F1()), c.PredStories)
	if t.Stories == 0 {
		fmt.Fprintln(w, "timeline  no gold timelines")
		return
	}
	fmt.Fprintf(w, "timeline  date P %s  R %s  F1 %s   %d of %d gold entries matched, %d kept, %d of %d stories paired\n",
		f3(t.DateP()), f3(t.DateR()), f3(t.DateF1()), t.Matched, t.Entries, t.Kept, t.Paired, t.Stories)
	fmt.Fprintf(w, "          reports recall %s  people F1 %s  countries F1 %s  places %s (%d/%d)\n",
		f3(t.Reports()), f3(t.People.F1()), f3(t.Countries.F1()), f3(t.Places()), t.PlacesOK, t.PlacesN)
}

// JSON is the report as one JSON object.
func (r *StoriesReport) JSON() map[string]any {
	c, t := r.Clusters, r.Timelines
	return map[string]any{
		"stories": map[string]any{"docs": c.Docs, "gold": c.GoldStories, "pred": c.PredStories,
			"p": num(c.P), "r": num(c.R), "f1": num(c.F1())},
		"timelines": map[string]any{"stories": t.Stories, "paired": t.Paired, "entries": t.Entries,
			"kept": t.Kept, "matched": t.Matched, "date_p": num(t.DateP()), "date_r": num(t.DateR()),
			"date_f1": num(t.DateF1()), "reports": num(t.Reports()), "people": prfJSON(t.People),
			"countries": prfJSON(t.Countries), "places": num(t.Places())},
	}
}
