package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/eval"
	"github.com/storyline/storyline/pipeline/nlp"
	"github.com/storyline/storyline/pipeline/story"
)

// evalStories extracts the documents of docsPath, makes their stories as
// the store's build does, and scores them against the stories gold.
func evalStories(ctx context.Context, goldPath, docsPath string, asJSON bool, predPath string, stdout, stderr io.Writer) int {
	fail := failure(stderr, "extract eval")
	gold, err := eval.ReadStoryGold(goldPath)
	if err != nil {
		return fail(err)
	}
	docs, err := eval.ReadGold(docsPath)
	if err != nil {
		return fail(err)
	}
	x, err := nlp.New()
	if err != nil {
		return fail(err)
	}
	start := time.Now()
	ents, err := extractAll(ctx, x, docs)
	if err != nil {
		return fail(fmt.Errorf("%s: %w", docsPath, err))
	}
	reports := reportsOf(docs, ents)
	u, err := story.Build(ctx, reports, story.Version+"+"+x.Version())
	if err != nil {
		return fail(err)
	}
	stories := u.Put
	if predPath != "" {
		if err := writeStories(predPath, stories); err != nil {
			return fail(fmt.Errorf("-pred: %w", err))
		}
	}
	report := eval.ScoreStories(gold, predictions(stories))
	if asJSON {
		json.NewEncoder(stdout).Encode(map[string]any{"gold": goldPath, "docs": docsPath,
			"version": story.Version + "+" + x.Version(), "overall": report.JSON()})
		return exitOK
	}
	report.WriteTable(stdout, goldPath)
	fmt.Fprintf(stdout, "%s+%s, %d docs in %.1fs\n", story.Version, x.Version(), len(docs), time.Since(start).Seconds())
	return exitOK
}

// predictions are stories as the scorer reads prediction lines.
func predictions(stories []storyline.Story) []eval.Story {
	out := make([]eval.Story, len(stories))
	for i, s := range stories {
		p := eval.Story{ID: s.ID, Articles: s.Articles, Line: i + 1}
		for _, e := range s.Timeline {
			p.Timeline = append(p.Timeline, eval.Entry{When: e.When, Weight: &e.Weight, What: e.What,
				Articles: e.Articles, People: e.People, Countries: e.Countries, Places: e.Places})
		}
		out[i] = p
	}
	return out
}

// writeStories writes stories to path as 'extract stories' does.
func writeStories(path string, stories []storyline.Story) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range stories {
		if err := enc.Encode(storyLine{Story: &stories[i]}); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// reportsOf makes the documents and their entities reports for the story
// stage.
func reportsOf(docs []eval.Doc, ents [][]storyline.Entity) memReports {
	reports := make(memReports, len(docs))
	for i, d := range docs {
		a := &storyline.Article{ID: d.ID, Text: d.Text, Source: d.Source}
		if d.Published != "" {
			a.Published, _ = time.Parse(time.DateOnly, d.Published) // extractAll checked it
		}
		reports[d.ID] = story.Report{Article: a, Entities: ents[i]}
	}
	return reports
}

// memReports are reports held in memory, by ID.
type memReports map[string]story.Report

func (m memReports) Dated(ctx context.Context, fn func(id string, published time.Time) error) error {
	for id, r := range m {
		if err := fn(id, r.Article.Published); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (m memReports) Reports(ctx context.Context, ids []string) ([]story.Report, error) {
	out := make([]story.Report, 0, len(ids))
	for _, id := range ids {
		out = append(out, m[id])
	}
	return out, ctx.Err()
}
