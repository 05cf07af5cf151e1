package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/pipeline"
)

// refreshStories brings the stored stories up to date, rebuilding every
// one with force, and says on stderr what it did.
func refreshStories(ctx context.Context, s Store, extractorVersion string, force bool, stderr io.Writer) error {
	start := time.Now()
	r, err := pipeline.Stories(ctx, s, extractorVersion, force)
	switch {
	case err != nil:
		return err
	case r.Rebuilt && r.Changed == 0:
		// The first grouping of an empty store writes no story but does
		// set the stories up: silence here left 'extract stories' to
		// say "none of 0 stories", as if some had been looked at.
		fmt.Fprintf(stderr, "stories: grouped from scratch: no reports to group yet, no story told (%.1fs)\n", time.Since(start).Seconds())
		return nil
	case r.Changed == 0:
		return nil // nothing new since the last grouping
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
	return withStore(ctx, *db, forReading, fail, func(s Store) int {
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
		case st.Stories == 0 && st.Unassigned == 0 && *only == "":
			fmt.Fprintln(stderr, "extract stories: no stories: no extracted reports to group yet")
		case !found && *only == "":
			fmt.Fprintf(stderr, "extract stories: none of %d %s has %d %s or more\n", st.Stories, plural(st.Stories, "story", "stories"),
				minArticles, plural(minArticles, "report", "reports"))
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

// storyNames names the people of the stored reports as identity.People
// does. It holds their person entities and, for the census, reads the
// texts once more.
func storyNames(ctx context.Context, s Store, storyOf map[string]string) (*identity.People, error) {
	byScope := map[string][][]storyline.Entity{}
	err := s.ForEach(ctx, func(a *storyline.Article, x *storyline.Extraction) error {
		if x != nil && x.ArticleHash == a.Hash { // a stale extraction's offsets are not this text's
			sc := identity.Scope(storyOf[a.ID], a.ID)
			byScope[sc] = append(byScope[sc], identity.PersonEntities(x.Entities))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p := identity.NewPeople(byScope)
	err = s.ForEach(ctx, func(a *storyline.Article, x *storyline.Extraction) error {
		if x != nil && x.ArticleHash == a.Hash {
			p.Count(identity.Scope(storyOf[a.ID], a.ID), a.Text, x.Entities)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
