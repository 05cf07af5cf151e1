package pipeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/pipeline/story"
)

// StoryStore is what building stories needs of the store: the articles
// with their extractions, and a place for the stories.
type StoryStore interface {
	ForEach(ctx context.Context, fn func(a *storyline.Article, x *storyline.Extraction) error) error
	Article(ctx context.Context, id string) (*storyline.Article, error)
	Extraction(ctx context.Context, id string) (*storyline.Extraction, error)
	PutStories(ctx context.Context, version string, stories []storyline.Story) error
}

// StoriesVersion is the version of the stories that extractor version
// extractorVersion's extractions give: stories are stale when either the
// story rules or the extractions change.
func StoriesVersion(extractorVersion string) string {
	return story.Version + "+" + extractorVersion
}

// BuildStories groups every stored article whose extraction is current
// into stories, tells each, and stores them in place of the old ones in one
// write. Syndicated copies (articles with DuplicateOf) are not grouped: each
// joins the story of its first copy. It returns the number of stories.
func BuildStories(ctx context.Context, s StoryStore, extractorVersion string) (int, error) {
	src := storedReports{s: s, version: extractorVersion, copies: map[string][]string{}}
	var stories []storyline.Story
	err := story.Build(ctx, &src, func(st storyline.Story) error {
		stories = append(stories, st)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("build stories: %w", err)
	}
	for i := range stories {
		st := &stories[i]
		for _, id := range st.Articles {
			st.Articles = append(st.Articles, src.copies[id]...)
		}
		slices.Sort(st.Articles)
	}
	if err := s.PutStories(ctx, StoriesVersion(extractorVersion), stories); err != nil {
		return 0, err
	}
	return len(stories), nil
}

// storedReports reads the store as story.Reports: the articles whose
// extraction is current, copies set aside.
type storedReports struct {
	s       StoryStore
	version string
	copies  map[string][]string // first copy's ID → its copies' IDs
}

func (r *storedReports) ForEach(ctx context.Context, fn func(story.Report) error) error {
	return r.s.ForEach(ctx, func(a *storyline.Article, x *storyline.Extraction) error {
		switch {
		case x.Stale(a, r.version):
			return nil // not extracted yet: the next build takes it
		case a.DuplicateOf != "":
			r.copies[a.DuplicateOf] = append(r.copies[a.DuplicateOf], a.ID)
			return nil
		}
		return fn(story.Report{Article: a, Entities: x.Entities})
	})
}

func (r *storedReports) Reports(ctx context.Context, ids []string) ([]story.Report, error) {
	out := make([]story.Report, 0, len(ids))
	for _, id := range ids {
		a, err := r.s.Article(ctx, id)
		if err != nil {
			return nil, err
		}
		x, err := r.s.Extraction(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, story.Report{Article: a, Entities: x.Entities})
	}
	return out, nil
}
