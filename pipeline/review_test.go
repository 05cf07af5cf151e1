package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store"
	"github.com/storyline/storyline/store/storetest"
)

// These tests hold what a second review of the stages found: each failed
// before its fix.

const wireText = `Russian Foreign Minister Sergei Lavrov met his Turkish, Syrian and Iranian counterparts in Moscow on Wednesday
to discuss a roadmap for restoring relations between Ankara and Damascus, the Russian foreign ministry said in a statement
after talks that lasted more than three hours and ended with an agreement to keep meeting at the level of deputy ministers.`

const otherText = `Football: the match between the two northern clubs ended in a goalless draw on a cold and windy night,
with the home side missing a penalty in the last minute of added time and the visitors finishing the game with ten men
after a second yellow card for their captain, who had already been warned twice by the referee in the first half.`

func ingestAll(t *testing.T, s Store, arts ...*storyline.Article) {
	t.Helper()
	if _, err := Ingest(context.Background(), sliceCollector(arts), s, nil, []string{"src"}, t.Logf, nil); err != nil {
		t.Fatal(err)
	}
}

// failOnce is a store that fails one ID's put once, as a full disk would.
type failOnce struct {
	*store.DB
	mu   sync.Mutex
	id   string
	done bool
}

func (f *failOnce) PutArticles(ctx context.Context, puts []storyline.ArticlePut) []storyline.Stored {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]storyline.Stored, len(puts))
	var keep []storyline.ArticlePut
	var at []int
	for i, p := range puts {
		if p.Article.ID == f.id && !f.done {
			f.done = true
			out[i].Err = errors.New("no space left on device")
			continue
		}
		keep, at = append(keep, p), append(at, i)
	}
	for k, st := range f.DB.PutArticles(ctx, keep) {
		out[at[k]] = st
	}
	return out
}

// TestFailedFirstCopyIsNamedByNone: a first copy that fails to be stored is
// not named by its copy of the same batch, and, stored later, is a copy of
// that copy, never of itself.
func TestFailedFirstCopyIsNamedByNone(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	ingestAll(t, &failOnce{DB: db, id: "A"}, &storyline.Article{ID: "A", Text: wireText}, &storyline.Article{ID: "B", Text: "Moscow (Reuters) - " + wireText})
	if b, err := db.Article(ctx, "B"); err != nil || b.DuplicateOf != "" {
		t.Errorf("B = %+v, %v; want stored as a first copy, A not being stored", b, err)
	}
	ingestAll(t, db, &storyline.Article{ID: "A", Text: wireText})
	if a, err := db.Article(ctx, "A"); err != nil || a.DuplicateOf != "B" {
		t.Errorf("A stored later = %+v, %v; want a copy of B", a, err)
	}
}

// TestUpdatedCopyIsDecidedAgain: a copy whose page now tells other news is
// no longer a copy, and passes no first copy on.
func TestUpdatedCopyIsDecidedAgain(t *testing.T) {
	db := storetest.Open(t)
	ingestAll(t, db, &storyline.Article{ID: "A", Text: wireText})
	ingestAll(t, db, &storyline.Article{ID: "B", Text: "Moscow (Reuters) - " + wireText})
	ingestAll(t, db, &storyline.Article{ID: "B", Text: otherText}) // the outlet replaced the page
	ingestAll(t, db, &storyline.Article{ID: "C", Text: otherText + " Read more."})
	for id, want := range map[string]string{"B": "", "C": "B"} {
		if a, err := db.Article(context.Background(), id); err != nil || a.DuplicateOf != want {
			t.Errorf("%s.DuplicateOf = %q (%v), want %q", id, a.DuplicateOf, err, want)
		}
	}
}

// slowExtractor takes its time, so that an article can change meanwhile.
type slowExtractor struct{ d time.Duration }

func (slowExtractor) Language(string) (string, bool) { return "en", true }
func (slowExtractor) Version() string                { return "slow-1" }

func (x slowExtractor) Extract(context.Context, string, time.Time) ([]storyline.Entity, error) {
	time.Sleep(x.d)
	return []storyline.Entity{}, nil
}

// pausedCollector sends its batches with a pause between them.
type pausedCollector [][]*storyline.Article

func (c pausedCollector) Collect(ctx context.Context, sources []string, out chan<- storyline.Collected) {
	for _, batch := range c {
		for _, a := range batch {
			out <- storyline.Collected{Source: sources[0], Input: a.ID, Article: a}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestUpdatedInTheSameRunIsExtractedFromItsLastText: stored, handed to
// extraction, then updated while it is extracted: the run ends with the
// extraction of the last text.
func TestUpdatedInTheSameRunIsExtractedFromItsLastText(t *testing.T) {
	db := storetest.Open(t)
	c := pausedCollector{{{ID: "X", Text: "Iran, version one."}}, {{ID: "X", Text: "Syria, version two."}}}
	if _, err := Ingest(context.Background(), c, db, func() (Extractor, error) { return slowExtractor{300 * time.Millisecond}, nil }, []string{"src"}, t.Logf, nil); err != nil {
		t.Fatal(err)
	}
	a, _ := db.Article(context.Background(), "X")
	x, err := db.Extraction(context.Background(), "X")
	if err != nil || x.Stale(a, "slow-1") {
		t.Errorf("extraction of X after the run: %+v, %v; want one made from %s", x, err, a.Hash)
	}
}

// TestLoadErrorIsToldOnInterrupt: the model fails to load, then the run is
// interrupted: the load error is still told.
func TestLoadErrorIsToldOnInterrupt(t *testing.T) {
	db := storetest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	var lines logLines
	go func() { time.Sleep(200 * time.Millisecond); cancel() }()
	_, err := Ingest(ctx, slowCollector{[]*storyline.Article{{ID: "a", Text: "Iran."}}, 10 * time.Second}, db,
		func() (Extractor, error) { return nil, errors.New("model damaged") }, []string{"src"}, lines.log, nil)
	if logged := lines.all(); !errors.Is(err, context.Canceled) || !strings.Contains(strings.Join(logged, "\n"), "model damaged") {
		t.Errorf("Ingest = %v, log %q; want interrupted, and the load error logged", err, logged)
	}
}

// TestLoadPanicIsAnError: a panic while loading the model is the run's
// error, not the end of the process.
func TestLoadPanicIsAnError(t *testing.T) {
	db := storetest.Open(t)
	_, err := Ingest(context.Background(), sliceCollector{{ID: "a", Text: "Iran."}}, db,
		func() (Extractor, error) { panic("model asset missing") }, []string{"src"}, t.Logf, nil)
	if !errors.Is(err, storyline.ErrPanic) {
		t.Errorf("Ingest = %v, want an error wrapping ErrPanic", err)
	}
}

// bulky makes extractions of many incompressible norms, so that writing
// them grows the store's file ahead of its memory map.
type bulky struct{}

func (bulky) Language(string) (string, bool) { return "en", true }
func (bulky) Version() string                { return "bulky-1" }

func (bulky) Extract(_ context.Context, text string, _ time.Time) ([]storyline.Entity, error) {
	rng := rand.New(rand.NewPCG(uint64(len(text)), 1))
	ents := make([]storyline.Entity, 400)
	for i := range ents {
		ents[i] = storyline.Entity{Type: storyline.Person, Start: 0, End: 3, Norm: fmt.Sprint(rng.Uint64(), rng.Uint64())}
	}
	return ents, nil
}

// TestWalkOfAGrowingStore: extract run over a store past 16 MB that grows
// while it is walked goes through every article (releasing the mapped
// pages once asked for more than the map held, and stopped the walk).
func TestWalkOfAGrowingStore(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a store of some 40 MB")
	}
	db := storetest.Open(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var arts sliceCollector
	for i := range 3000 {
		var text strings.Builder
		for range 800 { // words of random letters: text that compresses little
			for range 3 + rng.IntN(6) {
				text.WriteByte(byte('a' + rng.IntN(26)))
			}
			text.WriteByte(' ')
		}
		arts = append(arts, &storyline.Article{ID: fmt.Sprintf("a%05d", i), Text: text.String()})
	}
	ingestAll(t, db, arts...)
	report, err := Extract(context.Background(), db, bulky{}, true, t.Logf)
	info, _ := os.Stat(db.Path())
	if err != nil || report.Extracted != len(arts) {
		t.Errorf("Extract over a %d MB store = %+v, %v; want all %d extracted", info.Size()>>20, *report, err, len(arts))
	}
}
