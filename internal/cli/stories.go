package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/store"
)

// refreshStories brings the stored stories up to date, rebuilding every
// one with force, and says on stderr what it did.
func refreshStories(ctx context.Context, s *store.DB, extractorVersion string, force bool, stderr io.Writer) error {
	start := time.Now()
	r, err := pipeline.Stories(ctx, s, extractorVersion, force)
	if err != nil || r.Changed == 0 {
		return err
	}
	how := "grouped again"
	if r.Rebuilt {
		how = "grouped from scratch"
	}
	fmt.Fprintf(stderr, "stories: %d %s %s, %d %s told (%.1fs)\n", r.Changed, plural(r.Changed, "report", "reports"), how,
		r.Told, plural(r.Told, "story", "stories"), time.Since(start).Seconds())
	return nil
}

// storyLine is one line of `extract stories`: a story as fixtures/STORIES.md
// defines prediction lines, and whether it is stale.
type storyLine struct {
	*storyline.Story
	Stale bool `json:"stale,omitempty"`
}

func runStories(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	db := dbFlag(fs)
	only := fs.String("story", "", "only the story with this `id`")
	var minArticles int
	intAtLeast(fs, &minArticles, "min-articles", 1, 1, "only stories of at least `n` reports")
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	fail := failure(stderr, "extract stories")
	return withStore(*db, store.OpenReadOnly, fail, func(s *store.DB) int {
		st, err := s.StoriesState(ctx)
		if err != nil {
			return fail(err)
		}
		w := bufio.NewWriter(stdout)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		found, stale := false, 0
		// Stories made by other story rules are stale, every one.
		otherRules := st.Version != "" && !pipeline.SameStoryRules(st.Version)
		err = s.Stories(ctx, func(story *storyline.Story, isStale bool) error {
			if *only != "" && story.ID != *only || len(story.Articles) < minArticles {
				return nil
			}
			found = true
			isStale = isStale || otherRules
			if isStale {
				stale++
			}
			return enc.Encode(storyLine{story, isStale})
		})
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
		if err != nil {
			return fail(err)
		}
		switch {
		case st.Version == "":
			fmt.Fprintln(stderr, "extract stories: no stories yet: run 'extract run'")
		case !found && *only == "":
			fmt.Fprintf(stderr, "extract stories: none of %d stories has %d reports or more\n", st.Stories, minArticles)
		case otherRules:
			fmt.Fprintf(stderr, "extract stories: the stories were made by %s, not by this storyline's rules: run 'extract run'\n", st.Version)
		case stale > 0 || st.Unassigned > 0:
			fmt.Fprintf(stderr, "extract stories: %d stale %s, %d %s in no story yet: run 'extract run'\n",
				stale, plural(stale, "story", "stories"), st.Unassigned, plural(st.Unassigned, "article", "articles"))
		}
		if *only != "" && !found {
			fmt.Fprintf(stderr, "extract stories: no story %q\n", *only)
			return exitFailed
		}
		return exitOK
	})
}

// storyPeople are the people of the stored reports as 'extract dump' names
// them: each story's full names, whose uses a report's own extraction
// missed are added to it (identity.Story), and one canonical name per
// person (identity.Census): a surname joins a full name of its own story,
// and across stories only full names that agree join. A report in no story
// yet is a scope of its own.
type storyPeople struct {
	stories map[string]*identity.Story
	names   *identity.Names
}

// people returns the entities of a report of scope with the people its
// story knows added and every person's name made canonical.
func (p *storyPeople) people(scope, text string, es []storyline.Entity) []storyline.Entity {
	return p.names.Apply(scope, withStoryPeople(p.stories[scope], text, es))
}

// withStoryPeople adds to es the mentions of the story's people that it
// lacks, in order of start.
func withStoryPeople(st *identity.Story, text string, es []storyline.Entity) []storyline.Entity {
	if st == nil {
		return es
	}
	more := st.Recall(text, es)
	if len(more) == 0 {
		return es
	}
	out := append(slices.Clone(es), more...)
	slices.SortStableFunc(out, func(a, b storyline.Entity) int { return a.Start - b.Start })
	return out
}

// newStoryPeople makes the storyPeople of reports, each given by its
// scope, text and extracted entities.
func newStoryPeople(scopes, texts []string, ents [][]storyline.Entity) *storyPeople {
	byScope := map[string][][]storyline.Entity{}
	for i, sc := range scopes {
		byScope[sc] = append(byScope[sc], ents[i])
	}
	p := &storyPeople{stories: make(map[string]*identity.Story, len(byScope))}
	for sc, es := range byScope {
		p.stories[sc] = identity.NewStory(es)
	}
	census := identity.NewCensus()
	for i, sc := range scopes {
		census.Add(sc, withStoryPeople(p.stories[sc], texts[i], ents[i]))
	}
	p.names = census.Names()
	return p
}

// storyNames makes the storyPeople of the stored reports. It holds their
// person entities and, for the census, reads the texts once more.
func storyNames(ctx context.Context, s *store.DB, storyOf map[string]string) (*storyPeople, error) {
	byScope := map[string][][]storyline.Entity{}
	err := s.ForEach(ctx, func(a *storyline.Article, x *storyline.Extraction) error {
		if x != nil && x.ArticleHash == a.Hash { // a stale extraction's offsets are not this text's
			sc := personScope(storyOf, a.ID)
			byScope[sc] = append(byScope[sc], slices.DeleteFunc(slices.Clone(x.Entities), func(e storyline.Entity) bool { return e.Type != storyline.Person }))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p := &storyPeople{stories: make(map[string]*identity.Story, len(byScope))}
	for sc, es := range byScope {
		p.stories[sc] = identity.NewStory(es)
	}
	census := identity.NewCensus()
	err = s.ForEach(ctx, func(a *storyline.Article, x *storyline.Extraction) error {
		if x != nil && x.ArticleHash == a.Hash { // a stale extraction's offsets are not this text's
			sc := personScope(storyOf, a.ID)
			census.Add(sc, withStoryPeople(p.stories[sc], a.Text, x.Entities))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.names = census.Names()
	return p, nil
}

// personScope is the scope in which a report's people are named: its story,
// or, in none, the report alone (a story ID never starts with a space).
func personScope(storyOf map[string]string, id string) string {
	if st := storyOf[id]; st != "" {
		return st
	}
	return " " + id
}
