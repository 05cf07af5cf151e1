package story

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/internal/eval"
	"github.com/storyline/storyline/pipeline/nlp"
)

// TestDevSets scores timelines built over the gold stories of the fixtures
// and of ECB+ dev (../shared/eval), with the extractor's entities (cached
// in the temporary directory by extractor version). It runs only with
// STORYLINE_DEV=1; STORYLINE_DEV_DUMP=1 prints each story's gold and kept
// entries.
func TestDevSets(t *testing.T) {
	if os.Getenv("STORYLINE_DEV") == "" {
		t.Skip("STORYLINE_DEV not set")
	}
	x, err := nlp.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []struct{ name, docs, gold string }{
		{"fixtures", "../../fixtures/docs.jsonl", "../../fixtures/stories.gold.jsonl"},
		{"ecbplus-dev", "../../../shared/eval/ecbplus-dev-docs.jsonl", "../../../shared/eval/ecbplus-dev-stories.gold.jsonl"},
	} {
		if _, err := os.Stat(set.docs); err != nil {
			t.Logf("%s: %v", set.name, err)
			continue
		}
		arts := readDevDocs(t, set.docs)
		ents := cachedEntities(t, x, set.name, arts)
		gold, err := eval.ReadStoryGold(set.gold)
		if err != nil {
			t.Fatal(err)
		}
		var pred []eval.Story
		var storyTime time.Duration
		for _, g := range gold {
			started := time.Now()
			p := predictStory(g, arts, ents)
			storyTime += time.Since(started)
			pred = append(pred, p)
			if os.Getenv("STORYLINE_DEV_DUMP") != "" && len(g.Timeline) > 0 {
				dumpStory(g, p)
			}
			if os.Getenv("STORYLINE_DEV_MENTIONS") == g.ID {
				dumpMentions(g, arts, ents)
			}
		}
		if path := os.Getenv("STORYLINE_DEV_PRED"); path != "" {
			writeDevPredictions(t, path+"-"+set.name+".jsonl", pred)
		}
		rep := eval.ScoreStories(gold, pred)
		// Recall with every entry kept: gold padded with entries that never
		// match, so that N covers the whole prediction.
		padded := slices.Clone(gold)
		for i := range padded {
			if len(padded[i].Timeline) > 0 {
				padded[i].Timeline = slices.Clone(padded[i].Timeline)
				for range 200 {
					padded[i].Timeline = append(padded[i].Timeline, eval.Entry{When: "XXXX"})
				}
			}
		}
		if os.Getenv("STORYLINE_DEV_TUNE") != "" {
			tune(set.name, gold, arts, ents)
		}
		all := eval.ScoreStories(padded, pred).Timelines
		fmt.Printf("%s: recall with all %d entries kept: %.3f\n", set.name, all.Kept, float64(all.Matched)/float64(rep.Timelines.Entries))
		tl := rep.Timelines
		fmt.Printf("%s: date F1 %.3f (P %.3f R %.3f; %d/%d kept, %d gold) reports %.3f people F1 %.3f (P %.3f R %.3f) countries F1 %.3f (P %.3f R %.3f) places %.3f (%d/%d); story stage %v\n",
			set.name, tl.DateF1(), tl.DateP(), tl.DateR(), tl.Matched, tl.Kept, tl.Entries, tl.Reports(),
			tl.People.F1(), tl.People.P(), tl.People.R(), tl.Countries.F1(), tl.Countries.P(), tl.Countries.R(),
			tl.Places(), tl.PlacesOK, tl.PlacesN, storyTime)
	}
}

// predict builds gold story g's timeline from its articles.
func predictStory(g eval.Story, arts map[string]*storyline.Article, ents map[string][]storyline.Entity) eval.Story {
	census := identity.NewCensus()
	for _, id := range g.Articles {
		census.Add(g.ID, ents[id])
	}
	names := census.Names()
	var as []*storyline.Article
	ms := map[string][]storyline.Mention{}
	for _, id := range g.Articles {
		a := arts[id]
		as = append(as, a)
		ms[id] = Mentions(a, names.Apply(g.ID, ents[id]))
	}
	p := eval.Story{ID: g.ID, Articles: g.Articles}
	for _, e := range Timeline(as, ms) {
		w := e.Weight
		p.Timeline = append(p.Timeline, eval.Entry{When: e.When, Weight: &w, What: e.What, Articles: e.Articles,
			People: e.People, Countries: e.Countries, Places: e.Places})
	}
	return p
}

// dumpMentions prints the mentions of each article of gold story g, with
// the gold entries that list the article.
func dumpMentions(g eval.Story, arts map[string]*storyline.Article, ents map[string][]storyline.Entity) {
	census := identity.NewCensus()
	for _, id := range g.Articles {
		census.Add(g.ID, ents[id])
	}
	names := census.Names()
	for _, id := range g.Articles {
		a := arts[id]
		var in []string
		for _, e := range g.Timeline {
			if slices.Contains(e.Articles, id) {
				in = append(in, e.When)
			}
		}
		fmt.Printf("-- %s published %s gold %v\n", id, a.Published.Format(time.DateOnly), in)
		for _, m := range Mentions(a, names.Apply(g.ID, ents[id])) {
			date := ""
			if m.DateEnd > m.DateStart {
				date = a.Text[m.DateStart:m.DateEnd]
			}
			fmt.Printf("   %-12s %-9s %-12q %q %v %v %v | %.100s\n", m.When, m.Dated, m.Trigger, date, m.People, m.Countries, m.Places,
				strings.Join(strings.Fields(a.Text[m.Start:m.End]), " "))
		}
	}
}

func dumpStory(g, p eval.Story) {
	kept := slices.Clone(p.Timeline)
	sort.SliceStable(kept, func(a, b int) bool { return *kept[a].Weight > *kept[b].Weight })
	matched := func(g eval.Story, tl []eval.Entry) int {
		q := p
		q.Timeline = tl
		return eval.ScoreStories([]eval.Story{g}, []eval.Story{q}).Timelines.Matched
	}
	top := kept[:min(len(kept), len(g.Timeline))]
	all := matched(g, top)
	fmt.Printf("== %s (%d articles) matched %d of %d\n", g.ID, len(g.Articles), all, len(g.Timeline))
	for j, e := range g.Timeline {
		// a gold entry is matched when blanking its date loses a match
		h := g
		h.Timeline = slices.Clone(g.Timeline)
		h.Timeline[j].When = "XXXX"
		mark := "-"
		if matched(h, top) < all {
			mark = "+"
		}
		fmt.Printf(" %sgold %-22s %2d %v %v %v | %.70s\n", mark, e.When, len(e.Articles), e.People, e.Countries, e.Places, e.What)
	}
	for i, e := range kept {
		mark := " "
		if i < len(g.Timeline) {
			mark = "*"
			if matched(g, slices.Delete(slices.Clone(top), i, i+1)) == all {
				mark = "x"
			}
		}
		if i >= len(g.Timeline)+5 {
			break
		}
		fmt.Printf("  %spred %-22s %5.2f %2d %v %v %v | %.90s\n", mark, e.When, *e.Weight, len(e.Articles), e.People, e.Countries, e.Places, e.What)
	}
}

// writeDevPredictions writes the predicted stories as prediction lines,
// for the reference scorer.
func writeDevPredictions(t *testing.T, path string, pred []eval.Story) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, p := range pred {
		type entry struct {
			When      string   `json:"when"`
			Weight    float64  `json:"weight"`
			What      string   `json:"what"`
			Articles  []string `json:"articles"`
			People    []string `json:"people"`
			Countries []string `json:"countries"`
			Places    []string `json:"places"`
		}
		line := struct {
			Story    string   `json:"story"`
			Articles []string `json:"articles"`
			Timeline []entry  `json:"timeline"`
		}{Story: p.ID, Articles: p.Articles}
		for _, e := range p.Timeline {
			line.Timeline = append(line.Timeline, entry{e.When, *e.Weight, e.What, e.Articles, e.People, e.Countries, e.Places})
		}
		if err := enc.Encode(line); err != nil {
			t.Fatal(err)
		}
	}
}

func readDevDocs(t *testing.T, path string) map[string]*storyline.Article {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]*storyline.Article{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var d struct{ ID, Text, Published string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		a := &storyline.Article{ID: d.ID, Text: d.Text}
		if d.Published != "" {
			a.Published, _ = time.Parse(time.DateOnly, d.Published[:10])
		}
		out[d.ID] = a
	}
	return out
}

func cachedEntities(t *testing.T, x *nlp.Extractor, name string, arts map[string]*storyline.Article) map[string][]storyline.Entity {
	v := strings.NewReplacer("/", "_", "+", "_").Replace(x.Version())
	path := filepath.Join(os.TempDir(), "storyline-dev-"+name+"-"+v+".json")
	out := map[string][]storyline.Entity{}
	if data, err := os.ReadFile(path); err == nil && json.Unmarshal(data, &out) == nil {
		return out
	}
	started := time.Now()
	for id, a := range arts {
		ents, err := x.Extract(context.Background(), a.Text, a.Published)
		if err != nil {
			fmt.Printf("%s: %s: %v\n", name, id, err)
		}
		out[id] = ents
	}
	fmt.Printf("%s: extracted %d articles in %v\n", name, len(arts), time.Since(started))
	data, _ := json.Marshal(out)
	os.WriteFile(path, data, 0o644)
	return out
}

// tune prints the date F1 of a grid of rank weights, best last.
func tune(name string, gold []eval.Story, arts map[string]*storyline.Article, ents map[string][]storyline.Entity) {
	saved := rankTuned
	defer func() { rankTuned = saved }()
	type result struct {
		w  rankWeights
		f1 float64
	}
	var results []result
	for _, tr := range []float64{0, 0.5, 1} {
		for _, who := range []float64{0, 0.25, 0.5} {
			for _, pr := range []float64{0, 0.5, 1, 2} {
				for _, early := range []float64{0, 1, 2} {
					for _, later := range []float64{0.3, 1} {
						rankTuned = rankWeights{Reports: 1, Triggered: tr, Who: who, Precise: pr, Early: early, Later: later, Echo: saved.Echo, Again: saved.Again}
						var pred []eval.Story
						for _, g := range gold {
							pred = append(pred, predictStory(g, arts, ents))
						}
						results = append(results, result{rankTuned, eval.ScoreStories(gold, pred).Timelines.DateF1()})
					}
				}
			}
		}
	}
	sort.SliceStable(results, func(a, b int) bool { return results[a].f1 < results[b].f1 })
	for _, r := range results[len(results)-15:] {
		fmt.Printf("%s tune: %.3f %+v\n", name, r.f1, r.w)
	}
}
