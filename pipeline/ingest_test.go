package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store/storetest"
)

// panicky stands for a library that panics on one input.
type panicky struct{}

func (panicky) Language(string) (string, bool) { return "en", true }
func (panicky) Version() string                { return "test-1" }

func (panicky) Extract(_ context.Context, text string, _ time.Time) ([]storyline.Entity, error) {
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
	db := storetest.Open(t)
	var arts sliceCollector
	for i := range 5 {
		text := fmt.Sprintf("Iran and Turkey, report %d.", i)
		if i == 2 {
			text = "Iran boom"
		}
		arts = append(arts, &storyline.Article{ID: fmt.Sprintf("a%d", i), Text: text})
	}
	var lines logLines
	ctx := context.Background()
	report, err := Ingest(ctx, arts, db, func() (Extractor, error) { return panicky{}, nil }, []string{"src"}, lines.log, nil)
	if err != nil {
		t.Fatal(err)
	}
	if report.Extraction.Extracted != 4 || report.Extraction.Failed != 1 {
		t.Errorf("extracted %d, failed %d; want 4 and 1", report.Extraction.Extracted, report.Extraction.Failed)
	}
	if logged := lines.all(); len(logged) != 1 || !strings.Contains(logged[0], "a2") || !strings.Contains(logged[0], "panic") {
		t.Errorf("log = %q, want one line naming a2 and the panic", logged)
	}
	if _, err := db.Extraction(ctx, "a2"); !errors.Is(err, storyline.ErrNotFound) {
		t.Errorf("the article that panicked has an extraction: %v", err)
	}
	if _, err := extractOne(ctx, db, panicky{}, "a2", true); !errors.Is(err, storyline.ErrPanic) {
		t.Errorf("extractOne of the article that panics: %v, want an error wrapping ErrPanic", err)
	}
}

// TestModelThatFailsToLoadKeepsTheArticles: when the extractor cannot be
// had, the articles stay stored and the error is returned.
func TestModelThatFailsToLoadKeepsTheArticles(t *testing.T) {
	db := storetest.Open(t)
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
		if _, err := db.Article(context.Background(), a.ID); err != nil {
			t.Errorf("article %s: %v", a.ID, err)
		}
	}
}

// slowCollector sends its articles, then keeps its source open, as a long
// crawl does, until ctx is cancelled or patience runs out.
type slowCollector struct {
	arts     []*storyline.Article
	patience time.Duration
}

func (c slowCollector) Collect(ctx context.Context, sources []string, out chan<- storyline.Collected) {
	for _, a := range c.arts {
		out <- storyline.Collected{Source: sources[0], Input: a.ID, Article: a}
	}
	select {
	case <-ctx.Done():
	case <-time.After(c.patience):
	}
}

// countingExtractor counts its calls and tells when it reached n.
type countingExtractor struct {
	calls   atomic.Int32
	n       int32
	reached func()
}

func (*countingExtractor) Language(string) (string, bool) { return "en", true }
func (*countingExtractor) Version() string                { return "count-1" }

func (x *countingExtractor) Extract(_ context.Context, text string, _ time.Time) ([]storyline.Entity, error) {
	if x.calls.Add(1) == x.n {
		x.reached()
	}
	return nil, nil
}

// TestExtractionOverlapsCollection: articles are extracted while the crawl
// goes on, so an interrupted ingest has extracted what it stored.
func TestExtractionOverlapsCollection(t *testing.T) {
	db := storetest.Open(t)
	arts := []*storyline.Article{{ID: "a0", Text: "Iran."}, {ID: "a1", Text: "Syria."}, {ID: "a2", Text: "Turkey."}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	x := &countingExtractor{n: int32(len(arts)), reached: cancel} // the analyst's Ctrl-C, once all are extracted
	start := time.Now()
	report, err := Ingest(ctx, slowCollector{arts, 10 * time.Second}, db, func() (Extractor, error) { return x, nil }, []string{"src"}, t.Logf, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Ingest = %v, want it interrupted", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("nothing was extracted until the crawl ended (%v)", waited)
	}
	if report.Sources[0].New != 3 || report.Extraction.Extracted != 3 {
		t.Errorf("stored %d, extracted %d; want 3 and 3", report.Sources[0].New, report.Extraction.Extracted)
	}
	for _, a := range arts {
		if _, err := db.Extraction(context.Background(), a.ID); err != nil {
			t.Errorf("extraction of %s after the interrupt: %v", a.ID, err)
		}
	}
}
