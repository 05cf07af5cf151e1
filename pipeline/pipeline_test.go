package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store"
)

// panicky stands for a library that panics on one input.
type panicky struct{}

func (panicky) Version() string { return "test-1" }

func (panicky) Extract(text string, _ time.Time) ([]storyline.Entity, error) {
	if strings.Contains(text, "boom") {
		panic("index out of range in a library")
	}
	return []storyline.Entity{{Type: storyline.Country, Text: text[:4], Start: 0, End: 4, Norm: "IR"}}, nil
}

// sliceCollector yields fixed articles.
type sliceCollector []*storyline.Article

func (c sliceCollector) Collect(ctx context.Context, sources []string, out chan<- storyline.Collected) {
	for _, a := range c {
		out <- storyline.Collected{Source: sources[0], Input: a.ID, Article: a}
	}
}

func TestPanicIsContainedToItsArticle(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "news.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var arts sliceCollector
	for i := range 5 {
		text := fmt.Sprintf("Iran and Turkey, report %d.", i)
		if i == 2 {
			text = "Iran boom"
		}
		arts = append(arts, &storyline.Article{ID: fmt.Sprintf("a%d", i), Text: text})
	}
	var logged []string
	log := func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) }
	report, err := Ingest(context.Background(), arts, db, func() (Extractor, error) { return panicky{}, nil }, []string{"src"}, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	if report.Extraction.Extracted != 4 || report.Extraction.Failed != 1 {
		t.Errorf("extracted %d, failed %d; want 4 and 1", report.Extraction.Extracted, report.Extraction.Failed)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "a2") || !strings.Contains(logged[0], "panic") {
		t.Errorf("log = %q, want one line naming a2 and the panic", logged)
	}
	if _, err := db.Extraction("a2"); !errors.Is(err, storyline.ErrNotFound) {
		t.Errorf("the article that panicked has an extraction: %v", err)
	}
	if err := db.Check(); err != nil {
		t.Error(err)
	}
}

// TestModelThatFailsToLoadKeepsTheArticles: the extractor is asked for only
// after collection, and when it cannot be had the articles stay stored.
func TestModelThatFailsToLoadKeepsTheArticles(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "news.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	arts := sliceCollector{{ID: "a0", Text: "Iran and Turkey."}, {ID: "a1", Text: "Syria and Russia."}}
	loadErr := errors.New("model damaged")
	asked := false
	report, err := Ingest(context.Background(), arts, db, func() (Extractor, error) {
		asked = true
		return nil, loadErr
	}, []string{"src"}, t.Logf, nil)
	if !asked || !errors.Is(err, loadErr) {
		t.Fatalf("asked %v, err %v; want the load error", asked, err)
	}
	if n := report.Sources[0].New; n != 2 {
		t.Errorf("%d new articles, want 2", n)
	}
	for _, a := range arts {
		if _, err := db.Article(a.ID); err != nil {
			t.Errorf("article %s: %v", a.ID, err)
		}
	}
}
