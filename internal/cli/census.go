package cli

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/nlp"
	"github.com/storyline/storyline/store"
	"github.com/storyline/storyline/store/postgres"
)

// tally is one line of `extract people` or `extract countries`: who or
// what, in how many reports and stories, written how.
type tally struct {
	Name      string         `json:"name"`
	Reports   int            `json:"reports"`
	Stories   int            `json:"stories"`
	Spellings map[string]int `json:"spellings"` // text as written → mentions
	reports   map[string]bool
	stories   map[string]bool
}

// currentEntities calls fn with each article's entities of the current
// extraction, person names made canonical within its story.
func currentEntities(ctx context.Context, s Store, fn func(a *storyline.Article, story string, ents []storyline.Entity)) error {
	storyOf, err := s.StoryOf(ctx)
	if err != nil {
		return err
	}
	names, err := storyNames(ctx, s, storyOf)
	if err != nil {
		return err
	}
	return s.ForEach(ctx, func(a *storyline.Article, x *storyline.Extraction) error {
		if x != nil && x.ArticleHash == a.Hash {
			fn(a, storyOf[a.ID], names.Of(identity.Scope(storyOf[a.ID], a.ID), a.Text, x.Entities))
		}
		return nil
	})
}

// runTally writes one tally per key of the entities of type typ, most
// reported first.
func runTally(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer, cmd string, typ storyline.EntityType,
	key func(storyline.Entity) string) int {
	db := dbFlag(fs)
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	fail := failure(stderr, cmd)
	return withStore(ctx, *db, forReading, fail, func(s Store) int {
		tallies := map[string]*tally{}
		names := map[string]map[string]int{} // key → canonical names → mentions
		err := currentEntities(ctx, s, func(a *storyline.Article, st string, ents []storyline.Entity) {
			for _, e := range ents {
				if e.Type != typ {
					continue
				}
				k := key(e)
				t := tallies[k]
				if t == nil {
					t = &tally{Spellings: map[string]int{}, reports: map[string]bool{}, stories: map[string]bool{}}
					tallies[k] = t
					names[k] = map[string]int{}
				}
				t.Spellings[e.Text]++
				names[k][e.Norm]++
				t.reports[a.ID] = true
				if st != "" {
					t.stories[st] = true
				}
			}
		})
		if err != nil {
			return fail(err)
		}
		out := slices.Collect(maps.Values(tallies))
		for k, t := range tallies {
			t.Name = identity.MostUsed(names[k])
			t.Reports, t.Stories = len(t.reports), len(t.stories)
		}
		slices.SortFunc(out, func(a, b *tally) int {
			return cmp.Or(b.Reports-a.Reports, b.Stories-a.Stories, strings.Compare(a.Name, b.Name))
		})
		w := bufio.NewWriter(stdout)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, t := range out {
			if err := enc.Encode(t); err != nil {
				return fail(err)
			}
		}
		if err := w.Flush(); err != nil {
			return fail(err)
		}
		return exitOK
	})
}

func runPeople(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	// Across stories, people are one when their full names agree
	// (identity.Key): "Sergei Lavrov" of one story and "Sergey Lavrov" of
	// another; a surname alone is its story's business.
	return runTally(ctx, fs, args, stdout, stderr, "extract people", storyline.Person,
		func(e storyline.Entity) string { return identity.Key(e.Norm) })
}

func runCountries(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	return runTally(ctx, fs, args, stdout, stderr, "extract countries", storyline.Country,
		func(e storyline.Entity) string { return e.Norm })
}

// runList writes one line per report: id, published date, story, title,
// separated by tabs.
func runList(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	db := dbFlag(fs)
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	fail := failure(stderr, "extract list")
	return withStore(ctx, *db, forReading, fail, func(s Store) int {
		storyOf, err := s.StoryOf(ctx)
		if err != nil {
			return fail(err)
		}
		w := bufio.NewWriter(stdout)
		err = s.ForEach(ctx, func(a *storyline.Article, _ *storyline.Extraction) error {
			title := strings.Join(strings.Fields(a.Title), " ")
			_, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", a.ID, cmp.Or(a.PublishedDate(), "-"), cmp.Or(storyOf[a.ID], "-"), title)
			return err
		})
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
		if err != nil {
			return fail(err)
		}
		return exitOK
	})
}

// runVersion prints the versions that stamp what storyline stores.
func runVersion(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	x, err := nlp.New()
	if err != nil {
		return failure(stderr, "extract version")(err)
	}
	fmt.Fprintf(stdout, "extractor  %s\nstories    %s\nstore      schema %s (bbolt), %d (postgres)\ngo         %s\n",
		x.Version(), pipeline.StoriesVersion(x.Version()), store.SchemaVersion, postgres.SchemaVersion, runtime.Version())
	return exitOK
}
