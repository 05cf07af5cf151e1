package pipeline

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/pipeline/story"
)

// StoryStore is what grouping reports into stories needs of the store: the
// articles with their extractions, the story index, and a place for the
// stories.
type StoryStore interface {
	Extracted(ctx context.Context, version string, fn func(id string, published time.Time) error) error
	Article(ctx context.Context, id string) (*storyline.Article, error)
	Extraction(ctx context.Context, id string) (*storyline.Extraction, error)
	story.Index
	StoryWork(ctx context.Context) ([]string, error)
	StoriesVersion(ctx context.Context) (string, error)
	UpdateStories(ctx context.Context, u storyline.StoryUpdate) error
	// ReplaceStories replaces every story with those build puts, part by
	// part, and the old stories stay whole if it fails.
	ReplaceStories(ctx context.Context, version string, build func(put func(storyline.StoryUpdate) error) error) error
}

// StoriesVersion is the version of the stories that extractor version
// extractorVersion's extractions give: stories are stale when either the
// story rules or the extractions change.
func StoriesVersion(extractorVersion string) string {
	return story.Version + "+" + extractorVersion
}

// SameStoryRules reports whether stories made by version storiesVersion
// were made by this storyline's story rules (whatever the extractor).
func SameStoryRules(storiesVersion string) bool {
	return strings.HasPrefix(storiesVersion, story.Version+"+")
}

// StoriesReport counts what a story update did.
type StoriesReport struct {
	Rebuilt bool // every story was made anew
	Changed int  // reports grouped again because they were new or changed
	Told    int  // stories made
}

// Stories brings the stored stories up to date with the extractions made by
// extractorVersion. It groups again only the reports that are new or
// changed, with the stories they may join; it rebuilds every story from
// scratch when all is set, when the stories were made by another version,
// or when there are none yet. Both give the same stories. On a shared
// store, one process at a time brings the stories up to date.
func Stories(ctx context.Context, s StoryStore, extractorVersion string, all bool) (report StoriesReport, err error) {
	err = exclusively(ctx, s, sectionStories, func(ctx context.Context) error {
		report, err = stories(ctx, s, extractorVersion, all)
		return err
	})
	return report, err
}

func stories(ctx context.Context, s StoryStore, extractorVersion string, all bool) (StoriesReport, error) {
	version := StoriesVersion(extractorVersion)
	src := storedReports{s: s, version: extractorVersion}
	stored, err := s.StoriesVersion(ctx)
	if err != nil {
		return StoriesReport{}, err
	}
	report := StoriesReport{Rebuilt: all || stored != version}
	if report.Rebuilt {
		// Each part is written as it is told: memory holds the reports of
		// a window of days, not every story of the store.
		err := s.ReplaceStories(ctx, version, func(put func(storyline.StoryUpdate) error) error {
			return story.BuildInParts(ctx, src, func(u storyline.StoryUpdate) error {
				report.Changed += len(u.Keys)
				report.Told += len(u.Put)
				return put(u)
			})
		})
		if err != nil {
			return report, fmt.Errorf("stories: %w", err)
		}
		return report, nil
	}
	work, err := s.StoryWork(ctx)
	if err != nil || len(work) == 0 {
		return report, err
	}
	report.Changed = len(work)
	u, err := story.Update(ctx, src, s, work, version)
	if err != nil {
		return report, fmt.Errorf("stories: %w", err)
	}
	report.Told = len(u.Put)
	return report, s.UpdateStories(ctx, u)
}

// storedReports reads the store as story.Reports: the articles whose
// extraction this extractor version made from their current text.
type storedReports struct {
	s       StoryStore
	version string
}

// Dated lists the reports whose extraction is current, with their
// publication times: the others are left for the next update.
func (r storedReports) Dated(ctx context.Context, fn func(id string, published time.Time) error) error {
	return r.s.Extracted(ctx, r.version, fn)
}

// minReaders is the fewest goroutines that read reports: a shared store
// answers each read after a network round trip, and with one reader per
// core a story update of ten thousand reports on 2 cores spent most of its
// time waiting on the network.
const minReaders = 8

// Reports returns the reports ids whose extraction is current, in order,
// and drops the store's pages it read from memory. It reads as readAll
// does: decoding the stored text and entities is much of a rebuild's time.
func (r storedReports) Reports(ctx context.Context, ids []string) ([]story.Report, error) {
	read := make([]*story.Report, len(ids))
	err := r.readAll(ctx, len(ids), func(ctx context.Context, i int) (err error) {
		read[i], err = r.report(ctx, ids[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]story.Report, 0, len(ids))
	for _, rep := range read {
		if rep != nil {
			out = append(out, *rep)
		}
	}
	return out, nil
}

// Entities returns the entities of the reports ids that have an
// extraction of the version, without their text (nor the check that the
// text is the one extracted, which needs it): what a rebuild's first pass needs to
// learn whom each report is about. It reads as Reports does.
func (r storedReports) Entities(ctx context.Context, ids []string) (map[string][]storyline.Entity, error) {
	read := make([][]storyline.Entity, len(ids))
	err := r.readAll(ctx, len(ids), func(ctx context.Context, i int) error {
		x, err := r.s.Extraction(ctx, ids[i])
		if errors.Is(err, storyline.ErrNotFound) || err == nil && x.Version != r.version {
			return nil
		}
		if err != nil {
			return err
		}
		read[i] = x.Entities
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]storyline.Entity, len(ids))
	for i, es := range read {
		out[ids[i]] = es
	}
	return out, nil
}

// readAll calls read for 0 to n-1 on every core, in at least minReaders
// goroutines, then drops the store's pages it read from memory.
func (r storedReports) readAll(ctx context.Context, n int, read func(ctx context.Context, i int) error) error {
	if rel, ok := r.s.(interface{ ReleaseMapped() error }); ok {
		// Failing to drop pages costs memory, not stories: no failure.
		defer func() { _ = rel.ReleaseMapped() }()
	}
	workers := min(max(runtime.GOMAXPROCS(0), minReaders), n)
	g, gctx := errgroup.WithContext(ctx)
	for w := range workers {
		g.Go(func() error {
			for i := w; i < n; i += workers {
				if err := read(gctx, i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// report reads report id, or nil when it has no current extraction.
func (r storedReports) report(ctx context.Context, id string) (*story.Report, error) {
	a, err := r.s.Article(ctx, id)
	if errors.Is(err, storyline.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	x, err := r.s.Extraction(ctx, id)
	if errors.Is(err, storyline.ErrNotFound) || err == nil && x.Stale(a, r.version) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &story.Report{Article: a, Entities: x.Entities}, nil
}
