package story

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

func report(id, published, text string, people ...string) Report {
	a := &storyline.Article{ID: id, Text: text}
	if published != "" {
		a.Published, _ = time.Parse(time.DateOnly, published)
	}
	r := Report{Article: a}
	for _, p := range people {
		r.Entities = append(r.Entities, storyline.Entity{Type: storyline.Person, Norm: p})
	}
	return r
}

func TestSimilarity(t *testing.T) {
	rahman := report("a", "2008-12-13", "Wladimir Klitschko stopped Hasim Rahman in the seventh round on Saturday to keep his IBF and WBO heavyweight titles in Mannheim.", "Wladimir Klitschko", "Hasim Rahman")
	rahman2 := report("b", "2008-12-14", "Klitschko defended his heavyweight titles against Hasim Rahman, stopping the former champion in Mannheim.", "Wladimir Klitschko", "Hasim Rahman")
	thompson := report("c", "2012-07-08", "Wladimir Klitschko stopped Tony Thompson in the sixth round in Bern to keep his heavyweight titles.", "Wladimir Klitschko", "Tony Thompson")
	quake := report("d", "2008-09-10", "An earthquake of magnitude 5.6 shook the island of Qeshm in southern Iran.")
	tests := []struct {
		a, b     Report
		min, max float64
	}{
		{rahman, rahman, 0.99, 1.2},
		{rahman, rahman2, 0.3, 1},
		{rahman, thompson, 0.05, 0.6},
		{rahman, quake, -1, 0.05},
	}
	for _, tt := range tests {
		pa, pb := newProfile(tt.a, everyday()), newProfile(tt.b, everyday())
		s := similarity(&pa, &pb)
		if math.IsNaN(s) || s < tt.min || s > tt.max {
			t.Errorf("similarity(%s, %s) = %.3f, want in [%.2f, %.2f]", tt.a.Article.ID, tt.b.Article.ID, s, tt.min, tt.max)
		}
		if r := similarity(&pb, &pa); math.Abs(r-s) > 1e-9 {
			t.Errorf("similarity(%s, %s) = %.3f, but %.3f the other way", tt.a.Article.ID, tt.b.Article.ID, s, r)
		}
	}
	pa, pb, pc := newProfile(rahman, everyday()), newProfile(rahman2, everyday()), newProfile(thompson, everyday())
	if same, other := similarity(&pa, &pb), similarity(&pa, &pc); same <= other {
		t.Errorf("similarity of two Rahman reports %.3f <= of Rahman and Thompson %.3f", same, other)
	}
}

func TestMarks(t *testing.T) {
	p := newProfile(report("a", "", "On Friday the quake of magnitude 5.6 hit Qeshm in 2008, AFP said at 10 GMT."), everyday())
	want := map[uint64]string{key("5.6"): "5.6", key("qeshm"): "qeshm", key("10"): "10"}
	for _, m := range p.marks {
		if want[m.key] == "" {
			t.Errorf("a mark other than %v", want)
		}
		delete(want, m.key)
	}
	if len(want) > 0 {
		t.Errorf("marks lack %v", want)
	}
}

// mentions returns r with a person entity for each name at each place its
// text uses it, normed to norm.
func mentions(r Report, norm string, names ...string) Report {
	for _, n := range names {
		for at := 0; ; {
			i := strings.Index(r.Article.Text[at:], n)
			if i < 0 {
				break
			}
			r.Entities = append(r.Entities, storyline.Entity{Type: storyline.Person, Start: at + i, End: at + i + len(n), Text: n, Norm: norm})
			at += i + len(n)
		}
	}
	return r
}

// TestNamesakes checks that a surname two reports share counts only when
// the people it names can be one.
func TestNamesakes(t *testing.T) {
	const trial = "A jury found Elena Ortega guilty of fraud. Ortega had stolen pension savings, and Ortega will appeal."
	const quake = "An earthquake killed 12 people. Karen Ortega led the rescue teams; Ortega warned of aftershocks."
	const verdict = "Ortega, convicted of fraud, will appeal against the verdict. Ortega stole pension savings."
	elena := mentions(report("trial", "2023-05-02", trial), "Elena Ortega", "Elena Ortega", "Ortega")
	karen := mentions(report("quake", "2023-05-02", quake), "Karen Ortega", "Karen Ortega", "Ortega")
	eOrtega := mentions(report("quake2", "2023-05-02", strings.ReplaceAll(quake, "Karen", "E.")), "E. Ortega", "E. Ortega", "Ortega")
	bare := mentions(report("verdict", "2023-05-03", verdict), "Ortega", "Ortega")
	tests := []struct {
		a, b      Report
		namesakes bool // the surname is left out of the similarity
	}{
		{elena, karen, true},
		{elena, eOrtega, false}, // an initial can be Elena's
		{elena, bare, false},    // a surname alone may be anyone's
		{karen, bare, false},
	}
	for _, tt := range tests {
		pa, pb := newProfile(tt.a, everyday()), newProfile(tt.b, everyday())
		share := namesakeShare(&pa, &pb)
		if got := share > 0; got != tt.namesakes {
			t.Errorf("namesakeShare(%s, %s) = %.3f, want it > 0: %v", tt.a.Article.ID, tt.b.Article.ID, share, tt.namesakes)
		}
		if s, c := similarity(&pa, &pb), cosine(pa.terms, pb.terms); tt.namesakes && s >= c || !tt.namesakes && s < c {
			t.Errorf("similarity(%s, %s) = %.3f beside a cosine of %.3f", tt.a.Article.ID, tt.b.Article.ID, s, c)
		}
	}
}
