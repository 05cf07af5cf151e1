package story

import (
	"bufio"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/eval"
	"github.com/storyline/storyline/pipeline/nlp"
)

func devReports(t *testing.T, docs string) []Report {
	f, err := os.Open(docs)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var reports []Report
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var d struct {
			ID, Text, Published string
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		a := &storyline.Article{ID: d.ID, Text: d.Text}
		if d.Published != "" {
			a.Published, _ = time.Parse(time.DateOnly, d.Published)
		}
		reports = append(reports, Report{Article: a})
	}
	x, err := nlp.New()
	if err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(os.TempDir(), fmt.Sprintf("storyline-dev-%s-%x.gob", filepath.Base(docs), x.Version()))
	ents := map[string][]storyline.Entity{}
	if f, err := os.Open(cache); err == nil {
		gob.NewDecoder(f).Decode(&ents)
		f.Close()
	}
	if len(ents) != len(reports) {
		for _, r := range reports {
			e, err := x.Extract(r.Article.Text, r.Article.Published)
			if err != nil {
				t.Fatal(err)
			}
			ents[r.Article.ID] = e
		}
		f, _ := os.Create(cache)
		gob.NewEncoder(f).Encode(ents)
		f.Close()
	}
	for i := range reports {
		reports[i].Entities = ents[reports[i].Article.ID]
	}
	return reports
}

func corpusIDF(ps []profile) termWeight {
	df := map[string]int{}
	for _, p := range ps {
		for _, w := range p.terms {
			df[w.term]++
		}
	}
	n := float64(len(ps))
	return func(t string) float64 {
		d := df[t]
		if float64(d) > 0.5*n {
			return 0
		}
		return math.Log((n + 1) / float64(d+1))
	}
}

func TestDevClusters(t *testing.T) {
	if os.Getenv("STORYLINE_DEV") == "" {
		t.Skip("STORYLINE_DEV not set")
	}
	reports := devReports(t, "../../../shared/eval/ecbplus-dev-docs.jsonl")
	gold, err := eval.ReadStoryGold("../../../shared/eval/ecbplus-dev-stories.gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	ps := make([]profile, len(reports))
	for i, r := range reports {
		ps[i] = newProfile(r, func(string) float64 { return 1 })
	}
	idf := corpusIDF(ps)
	if os.Getenv("SUBTLEX") != "" {
		idf = everyday()
	}
	for i, r := range reports {
		ps[i] = newProfile(r, idf)
	}
	var grid []params
	for _, n := range []float64{0, 0.1, 0.2, 0.3} {
		for _, pe := range []float64{0, 0.05} {
			for _, y := range []float64{0, 0.05, 0.1} {
				for _, d := range []float64{0, 0.05, 0.1} {
					grid = append(grid, params{n, pe, y, d})
				}
			}
		}
	}
	if os.Getenv("GRID") == "" {
		grid = []params{tuned}
	}
	for _, pr := range grid {
		best, bestT := 0.0, 0.0
		for _, th := range []float64{0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.22, 0.25} {
			edges := candidateEdges(ps, func(a, b *profile) float64 { return similarityWith(a, b, pr) })
			group := averageLink(len(ps), edges, th)
			byGroup := map[int][]string{}
			for i, g := range group {
				byGroup[g] = append(byGroup[g], ps[i].id)
			}
			var pred []eval.Story
			for g, ids := range byGroup {
				sort.Strings(ids)
				pred = append(pred, eval.Story{ID: fmt.Sprint(g), Articles: ids})
			}
			r := eval.ScoreStories(gold, pred)
			if os.Getenv("GRID") == "" && th == 0.2 {
				logMixed(t, gold, pred)
			}
			if os.Getenv("GRID") == "" {
				t.Logf("t=%.2f stories=%d P=%.3f R=%.3f F1=%.3f", th, len(pred), r.Clusters.P, r.Clusters.R, r.Clusters.F1())
			}
			if r.Clusters.F1() > best {
				best, bestT = r.Clusters.F1(), th
			}
		}
		t.Logf("%+v best F1 %.3f at t=%.2f", pr, best, bestT)
	}
}

func logMixed(t *testing.T, gold, pred []eval.Story) {
	goldOf := map[string]string{}
	for _, g := range gold {
		for _, a := range g.Articles {
			goldOf[a] = g.ID
		}
	}
	for _, p := range pred {
		c := map[string]int{}
		for _, a := range p.Articles {
			c[goldOf[a]]++
		}
		if len(c) > 1 {
			t.Logf("mixed %v", c)
		}
	}
}

// reweigh returns the profiles' term vectors weighed again by how rare each
// term is among them (local IDF), normalised.
func reweigh(ps []profile, members []int) [][]weight {
	df := map[string]int{}
	for _, m := range members {
		for _, w := range ps[m].terms {
			df[w.term]++
		}
	}
	n := float64(len(members))
	out := make([][]weight, len(members))
	for k, m := range members {
		var v []weight
		var norm float64
		for _, w := range ps[m].terms {
			d := float64(df[w.term])
			if d < 2 || d > 0.8*n {
				continue
			}
			x := float64(w.w) * math.Log(n/d)
			v = append(v, weight{w.term, float32(x)})
			norm += x * x
		}
		for i := range v {
			v[i].w /= float32(math.Sqrt(norm))
		}
		out[k] = v
	}
	return out
}

func TestDevSplit(t *testing.T) {
	if os.Getenv("STORYLINE_DEV") == "" {
		t.Skip("STORYLINE_DEV not set")
	}
	reports := devReports(t, "../../../shared/eval/ecbplus-dev-docs.jsonl")
	gold, _ := eval.ReadStoryGold("../../../shared/eval/ecbplus-dev-stories.gold.jsonl")
	idf := everyday()
	ps := make([]profile, len(reports))
	for i, r := range reports {
		ps[i] = newProfile(r, idf)
	}
	var edges []edge
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			if s := similarityWith(&ps[i], &ps[j], tuned); s > 0 {
				edges = append(edges, edge{i, j, s})
			}
		}
	}
	for _, t1 := range []float64{0.12, 0.16, 0.2} {
		group := averageLink(len(ps), edges, t1)
		byGroup := map[int][]int{}
		for i, g := range group {
			byGroup[g] = append(byGroup[g], i)
		}
		for _, t2 := range []float64{0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08} {
			for _, minSize := range []int{4, 8} {
				var pred []eval.Story
				for g, members := range byGroup {
					if len(members) < minSize {
						var ids []string
						for _, m := range members {
							ids = append(ids, ps[m].id)
						}
						pred = append(pred, eval.Story{ID: fmt.Sprint(g), Articles: ids})
						continue
					}
					vs := reweigh(ps, members)
					var local []edge
					for i := range members {
						for j := i + 1; j < len(members); j++ {
							if s := cosine(vs[i], vs[j]); s > 0 {
								local = append(local, edge{i, j, s})
							}
						}
					}
					sub := averageLink(len(members), local, t2)
					bySub := map[int][]string{}
					for i, s := range sub {
						bySub[s] = append(bySub[s], ps[members[i]].id)
					}
					for s, ids := range bySub {
						pred = append(pred, eval.Story{ID: fmt.Sprint(g, "-", s), Articles: ids})
					}
				}
				r := eval.ScoreStories(gold, pred)
				t.Logf("t1=%.2f t2=%.2f min=%d stories=%d P=%.3f R=%.3f F1=%.3f", t1, t2, minSize, len(pred), r.Clusters.P, r.Clusters.R, r.Clusters.F1())
			}
		}
	}
}

// candidateEdges are the similarities of the pairs sharing an anchor.
func candidateEdges(ps []profile, sim func(a, b *profile) float64) []edge {
	byAnchor := map[string][]int{}
	for i := range ps {
		for _, a := range anchors(&ps[i]) {
			byAnchor[a] = append(byAnchor[a], i)
		}
	}
	seen := map[[2]int]bool{}
	var edges []edge
	for _, ids := range byAnchor {
		for x, i := range ids {
			for _, j := range ids[x+1:] {
				if seen[[2]int{i, j}] {
					continue
				}
				seen[[2]int{i, j}] = true
				if s := sim(&ps[i], &ps[j]); s > 0 {
					edges = append(edges, edge{min(i, j), max(i, j), s})
				}
			}
		}
	}
	return edges
}
