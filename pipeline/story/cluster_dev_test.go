package story

import (
	"bufio"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/fixtures"
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

// devConfig is one point of the dev grid.
type devConfig struct {
	p params
	c contrastParams
	t float64
}

func (c devConfig) String() string {
	return fmt.Sprintf("names=%.2f people=%.2f years=%.2f days=%.2f contrast=%.2f/%.1f/%.1f/both=%v/numbers=%v/mult=%v t=%.2f",
		c.p.names, c.p.people, c.p.years, c.p.days, c.c.weight, c.c.share, c.c.scale, c.c.both, c.c.numbers, c.c.mult, c.t)
}

// devGrid is the tuned configuration, or with GRID set a grid around it.
func devGrid() []devConfig {
	if os.Getenv("GRID") == "" {
		return []devConfig{{tuned, tunedContrast, threshold}}
	}
	var grid []devConfig
	for _, y := range []float64{0.1} {
		for _, mult := range []bool{false, true} {
			cws := []float64{0.1, 0.15, 0.2}
			if mult {
				cws = []float64{0.3, 0.5, 0.7, 0.9}
			}
			for _, cw := range cws {
				for _, sc := range []float64{0, 10, 20, 40} {
					for _, both := range []bool{false, true} {
						for _, share := range []float64{0.6, 0.7} {
							for _, th := range []float64{0.1, 0.12, 0.14, 0.16, 0.18, 0.2} {
								grid = append(grid, devConfig{params{tuned.names, tuned.people, y, tuned.days}, contrastParams{cw, share, sc, both, sc == 0, true, mult}, th})
							}
						}
					}
				}
			}
		}
	}
	return grid
}

// stories turns groups into predicted stories.
func stories(ps []profile, group []int) []eval.Story {
	byGroup := map[int][]string{}
	for i, g := range group {
		byGroup[g] = append(byGroup[g], ps[i].id)
	}
	var pred []eval.Story
	for g, ids := range byGroup {
		sort.Strings(ids)
		pred = append(pred, eval.Story{ID: fmt.Sprint(g), Articles: ids})
	}
	return pred
}

// restrict keeps the articles of the given gold topics.
func restrict(stories []eval.Story, keep map[string]bool) []eval.Story {
	var out []eval.Story
	for _, s := range stories {
		var ids []string
		for _, a := range s.Articles {
			if keep[a] {
				ids = append(ids, a)
			}
		}
		if len(ids) > 0 {
			out = append(out, eval.Story{ID: s.ID, Articles: ids})
		}
	}
	return out
}

// topic is a gold story's topic: t7 of t7-ecb and t7-ecbplus.
func topic(story string) string {
	t, _, _ := strings.Cut(story, "-")
	return t
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
		ps[i] = newProfile(r, everyday())
	}
	grid := devGrid()
	preds := make([][]eval.Story, len(grid))
	bestF1, best := 0.0, 0
	edgesOf := map[params][]edge{}
	for i, c := range grid {
		edges, ok := edgesOf[c.p]
		if !ok {
			edges = candidateEdges(ps, func(a, b *profile) float64 { return similarityWith(a, b, c.p) })
			edgesOf[c.p] = edges
		}
		preds[i] = stories(ps, clusterWith(ps, edges, c.t, c.c))
		r := eval.ScoreStories(gold, preds[i])
		if f := r.Clusters.F1(); f > bestF1+1e-9 {
			bestF1, best = f, i
		}
	}
	r := eval.ScoreStories(gold, preds[best])
	t.Logf("best %v: stories=%d P=%.3f R=%.3f F1=%.3f", grid[best], len(preds[best]), r.Clusters.P, r.Clusters.R, r.Clusters.F1())
	logMixed(t, gold, preds[best])

	// Leave one topic out: each topic is scored with the configuration
	// best on the other topics.
	topics := map[string]map[string]bool{}
	for _, g := range gold {
		if topics[topic(g.ID)] == nil {
			topics[topic(g.ID)] = map[string]bool{}
		}
		for _, a := range g.Articles {
			topics[topic(g.ID)][a] = true
		}
	}
	var held []eval.Story
	for name, docs := range topics {
		train := map[string]bool{}
		for other, d := range topics {
			if other != name {
				for a := range d {
					train[a] = true
				}
			}
		}
		f, pick := 0.0, 0
		for i := range grid {
			r := eval.ScoreStories(restrict(gold, train), restrict(preds[i], train))
			if r.Clusters.F1() > f+1e-9 {
				f, pick = r.Clusters.F1(), i
			}
		}
		for _, s := range restrict(preds[pick], docs) {
			s.ID = name + "/" + s.ID
			held = append(held, s)
		}
	}
	r = eval.ScoreStories(gold, held)
	t.Logf("leave one topic out (%d configurations): stories=%d P=%.3f R=%.3f F1=%.3f", len(grid), len(held), r.Clusters.P, r.Clusters.R, r.Clusters.F1())
}

// TestFixtureStories clusters the fixtures, which are one story.
func TestFixtureStories(t *testing.T) {
	if os.Getenv("STORYLINE_DEV") == "" {
		t.Skip("STORYLINE_DEV not set")
	}
	dir := t.TempDir()
	for _, name := range []string{"docs.jsonl", "stories.gold.jsonl"} {
		b, err := fixtures.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reports := devReports(t, filepath.Join(dir, "docs.jsonl"))
	gold, err := eval.ReadStoryGold(filepath.Join(dir, "stories.gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	ps := make([]profile, len(reports))
	for i, r := range reports {
		ps[i] = newProfile(r, everyday())
	}
	pred := stories(ps, cluster(ps, candidateEdges(ps, similarity)))
	r := eval.ScoreStories(gold, pred)
	t.Logf("fixtures: stories=%d P=%.3f R=%.3f F1=%.3f", len(pred), r.Clusters.P, r.Clusters.R, r.Clusters.F1())
	if r.Clusters.F1() < 1 {
		t.Errorf("fixtures: stories B-cubed F1 %.3f, want 1", r.Clusters.F1())
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

func TestDevExplore(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip()
	}
	reports := devReports(t, "../../../shared/eval/ecbplus-dev-docs.jsonl")
	gold, _ := eval.ReadStoryGold("../../../shared/eval/ecbplus-dev-stories.gold.jsonl")
	idx := map[string]int{}
	ps := make([]profile, len(reports))
	for i, r := range reports {
		ps[i] = newProfile(r, everyday())
		idx[r.Article.ID] = i
	}
	for _, g := range gold {
		df := map[string]int{}
		for _, a := range g.Articles {
			for _, w := range ps[idx[a]].terms {
				if w.term[0] >= '0' && w.term[0] <= '9' {
					df[w.term]++
				}
			}
		}
		type kv struct {
			k string
			v int
		}
		var l []kv
		for k, v := range df {
			if float64(v) >= 0.4*float64(len(g.Articles)) {
				l = append(l, kv{k, v})
			}
		}
		sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v })
		t.Logf("%s n=%d %v", g.ID, len(g.Articles), l)
		t.Logf("   first: %.150q", reports[idx[g.Articles[0]]].Article.Text)
	}
}

// tracer reports the merges that join two gold stories.
type tracer struct {
	t       *testing.T
	inner   *nameGroups
	members map[int][]int
	goldOf  func(i int) string
	ps      []profile
	sim     map[[2]int]float64
}

func (tr *tracer) contrast(a, b int) float64    { return tr.inner.contrast(a, b) }
func (tr *tracer) lower(avg, c float64) float64 { return tr.inner.lower(avg, c) }
func (tr *tracer) merge(a, b int) {
	ga, gb := map[string]int{}, map[string]int{}
	var s float64
	for _, i := range tr.members[a] {
		ga[tr.goldOf(i)]++
		for _, j := range tr.members[b] {
			s += tr.sim[[2]int{min(i, j), max(i, j)}]
		}
	}
	for _, j := range tr.members[b] {
		gb[tr.goldOf(j)]++
	}
	pure := func(m map[string]int) string {
		if len(m) == 1 {
			for k := range m {
				return k
			}
		}
		return ""
	}
	if pa, pb := pure(ga), pure(gb); pa != "" && pb != "" && pa != pb {
		var ma, mb []string
		for _, w := range tr.inner.marksOf(a) {
			ma = append(ma, w.term)
		}
		for _, w := range tr.inner.marksOf(b) {
			mb = append(mb, w.term)
		}
		tr.t.Logf("merge %v + %v: avg %.3f contrast %.3f\n   marks A %v\n   marks B %v", ga, gb, s/float64(len(tr.members[a])*len(tr.members[b])), tr.inner.contrast(a, b), ma, mb)
	}
	tr.inner.merge(a, b)
	tr.members[a] = append(tr.members[a], tr.members[b]...)
	delete(tr.members, b)
}

func TestDevTrace(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip()
	}
	reports := devReports(t, "../../../shared/eval/ecbplus-dev-docs.jsonl")
	gold, _ := eval.ReadStoryGold("../../../shared/eval/ecbplus-dev-stories.gold.jsonl")
	g := map[string]string{}
	for _, s := range gold {
		for _, a := range s.Articles {
			g[a] = s.ID
		}
	}
	ps := make([]profile, len(reports))
	for i, r := range reports {
		ps[i] = newProfile(r, everyday())
	}
	edges := candidateEdges(ps, similarity)
	tr := &tracer{t: t, inner: newNameGroups(ps, tunedContrast), members: map[int][]int{}, goldOf: func(i int) string { return g[ps[i].id] }, ps: ps, sim: map[[2]int]float64{}}
	for i := range ps {
		tr.members[i] = []int{i}
	}
	for _, e := range edges {
		tr.sim[[2]int{e.a, e.b}] = e.sim
	}
	averageLink(len(ps), edges, threshold, tr)
}

func TestDevSplits(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip()
	}
	reports := devReports(t, "../../../shared/eval/ecbplus-dev-docs.jsonl")
	gold, _ := eval.ReadStoryGold("../../../shared/eval/ecbplus-dev-stories.gold.jsonl")
	g := map[string]string{}
	for _, s := range gold {
		for _, a := range s.Articles {
			g[a] = s.ID
		}
	}
	ps := make([]profile, len(reports))
	for i, r := range reports {
		ps[i] = newProfile(r, everyday())
	}
	edges := candidateEdges(ps, similarity)
	sim := map[[2]int]float64{}
	for _, e := range edges {
		sim[[2]int{e.a, e.b}] = e.sim
	}
	c := tunedContrast
	if w := os.Getenv("CW"); w != "" {
		fmt.Sscan(w, &c.weight)
	}
	ng := newNameGroups(ps, c)
	tr := &tracer{t: t, inner: ng, members: map[int][]int{}, goldOf: func(i int) string { return g[ps[i].id] }, ps: ps, sim: sim}
	for i := range ps {
		tr.members[i] = []int{i}
	}
	averageLink(len(ps), edges, threshold, tr)
	var roots []int
	for r := range tr.members {
		roots = append(roots, r)
	}
	sort.Ints(roots)
	for x, a := range roots {
		for _, b := range roots[x+1:] {
			ga, gb := tr.goldOf(a), tr.goldOf(b)
			if ga != gb {
				continue
			}
			var s float64
			for _, i := range tr.members[a] {
				for _, j := range tr.members[b] {
					s += sim[[2]int{min(i, j), max(i, j)}]
				}
			}
			avg := s / float64(len(tr.members[a])*len(tr.members[b]))
			var ma, mb []string
			for _, w := range ng.marksOf(a) {
				if ng.uses(b, w.term) == 0 {
					ma = append(ma, w.term)
				}
			}
			for _, w := range ng.marksOf(b) {
				if ng.uses(a, w.term) == 0 {
					mb = append(mb, w.term)
				}
			}
			t.Logf("split %s %d|%d avg %.3f contrast %.3f  A-only %v  B-only %v", ga, len(tr.members[a]), len(tr.members[b]), avg, ng.contrast(a, b), ma, mb)
		}
	}
}
