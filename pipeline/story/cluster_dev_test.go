package story

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/storyline/storyline/internal/eval"
	"github.com/storyline/storyline/pipeline/nlp"
)

// devReports reads a dev set's documents and their entities, extracted
// once per extractor version (readDevDocs, cachedEntities), in ID order.
func devReports(t *testing.T, name, docs string) []Report {
	if _, err := os.Stat(docs); err != nil {
		t.Skip(err)
	}
	x, err := nlp.New()
	if err != nil {
		t.Fatal(err)
	}
	arts := readDevDocs(t, docs)
	ents := cachedEntities(t, x, name, arts)
	var reports []Report
	for _, id := range slices.Sorted(maps.Keys(arts)) {
		reports = append(reports, Report{Article: arts[id], Entities: ents[id]})
	}
	return reports
}

// devConfig is one point of the dev grid.
type devConfig struct {
	c contrastParams
	t float64
}

func (c devConfig) String() string {
	return fmt.Sprintf("contrast=%.2f/%.1f/%.0f/%d t=%.2f", c.c.weight, c.c.share, c.c.scale, c.c.least, c.t)
}

// devGrid is the tuned configuration, or with GRID set a grid around it.
func devGrid() []devConfig {
	if os.Getenv("GRID") == "" {
		return []devConfig{{tunedContrast, threshold}}
	}
	var grid []devConfig
	for _, least := range []int{2, 3, 4, 5, 6, 8} {
		for _, cw := range []float64{0.5, 0.7, 0.9} {
			for _, th := range []float64{0.1, 0.12, 0.14} {
				for _, scale := range []float64{5, 10, 20} {
					grid = append(grid, devConfig{contrastParams{weight: cw, share: tunedContrast.share, scale: scale, least: least}, th})
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
	reports := devReports(t, "ecbplus-dev", "../../../shared/eval/ecbplus-dev-docs.jsonl")
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
	slices.SortFunc(ps, func(a, b profile) int { return strings.Compare(a.id, b.id) })
	edges := candidates(ps)
	for i, c := range grid {
		preds[i] = stories(ps, clusterWith(ps, edges, c.t, c.c))
		r := eval.ScoreStories(gold, preds[i])
		if f := r.Clusters.F1(); f > bestF1+1e-9 {
			bestF1, best = f, i
		}
	}
	if len(grid) > 1 {
		logTop(t, gold, grid, preds)
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

// logTop logs the ten best configurations of the grid.
func logTop(t *testing.T, gold []eval.Story, grid []devConfig, preds [][]eval.Story) {
	type scored struct {
		c devConfig
		r *eval.StoriesReport
	}
	var all []scored
	for i, c := range grid {
		all = append(all, scored{c, eval.ScoreStories(gold, preds[i])})
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(b.r.Clusters.F1(), a.r.Clusters.F1()) })
	for _, s := range all[:min(10, len(all))] {
		t.Logf("%v: P=%.3f R=%.3f F1=%.3f", s.c, s.r.Clusters.P, s.r.Clusters.R, s.r.Clusters.F1())
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
