package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/internal/eval"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/nlp"
	"github.com/storyline/storyline/pipeline/story"
)

func runExtract(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	db := dbFlag(fs)
	all := fs.Bool("all", false, "re-extract every article, current or not, and rebuild every story")
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	fail := failure(stderr, "extract")
	return withStore(ctx, *db, forWork, fail, func(s Store) int {
		x, err := nlp.New()
		if err != nil {
			return fail(err)
		}
		report, err := pipeline.Extract(ctx, s, x, *all, lineLogger(stderr))
		fmt.Fprintf(stderr, "extract: %d extracted%s, %d current, %d failed (%s)\n", report.Extracted, unsupported(report), report.Current, report.Failed, x.Version())
		if err == nil {
			err = refreshStories(ctx, s, x.Version(), *all, stderr)
		}
		return finishStatus(stderr, "extract", "extractions made so far are stored", err, report.Failed)
	})
}

func runEval(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	asJSON := fs.Bool("json", false, "print one JSON object per gold file instead of tables")
	predPath := fs.String("pred", "", "also write the predictions as JSON Lines to `file` (for another scorer)")
	storiesGold := fs.String("stories", "", "score stories and timelines against the stories gold `file`, the one argument being its documents")
	if err := fs.Parse(args); err != nil {
		return usageStatus(err)
	}
	if *storiesGold != "" {
		if fs.NArg() != 1 {
			fmt.Fprintf(stderr, "extract eval: -stories %s wants one documents file after it, got %d arguments\n", *storiesGold, fs.NArg())
			return exitUsage
		}
		return evalStories(ctx, *storiesGold, fs.Arg(0), *asJSON, *predPath, stdout, stderr)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	fail := failure(stderr, "extract eval")
	x, err := nlp.New()
	if err != nil {
		return fail(err)
	}
	var predOut *bufio.Writer
	if *predPath != "" {
		f, err := os.Create(*predPath)
		if err != nil {
			return fail(err)
		}
		defer f.Close()
		predOut = bufio.NewWriter(f)
	}
	status := exitOK
	for _, path := range fs.Args() {
		gold, err := eval.ReadGold(path)
		if err != nil {
			fmt.Fprintln(stderr, "extract eval:", err)
			status = exitFailed
			continue
		}
		start := time.Now()
		pred, err := predict(ctx, x, gold)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", path, err))
		}
		report := eval.Score(gold, pred)
		if *asJSON {
			json.NewEncoder(stdout).Encode(map[string]any{"gold": path, "extractor": x.Version(), "overall": report.JSON()})
		} else {
			report.WriteTable(stdout, path)
			fmt.Fprintf(stdout, "extractor %s, %d docs in %.1fs\n\n", x.Version(), len(gold), time.Since(start).Seconds())
		}
		if predOut != nil {
			enc := json.NewEncoder(predOut)
			enc.SetEscapeHTML(false)
			for _, d := range gold {
				if err := enc.Encode(map[string]any{"id": d.ID, "entities": pred[d.ID]}); err != nil {
					return fail(fmt.Errorf("-pred %s: %w", *predPath, err))
				}
			}
		}
	}
	if predOut != nil {
		if err := predOut.Flush(); err != nil {
			return fail(fmt.Errorf("-pred %s: %w", *predPath, err))
		}
	}
	return status
}

// predict extracts every gold document's entities, groups the documents
// into stories as the store's build does, and names people as 'extract
// dump' does: the uses of a story's people that a report's extraction
// missed are added, and names are made canonical within each story, then
// across stories by full names that agree.
func predict(ctx context.Context, x *nlp.Extractor, gold []eval.Doc) (map[string][]storyline.Entity, error) {
	ents, err := extractAll(ctx, x, gold)
	if err != nil {
		return nil, err
	}
	reports := reportsOf(gold, ents)
	u, err := story.Build(ctx, reports, story.Version+"+"+x.Version())
	if err != nil {
		return nil, err
	}
	storyOf := map[string]string{}
	for _, s := range u.Put {
		for _, id := range s.Articles {
			storyOf[id] = s.ID
		}
	}
	scopes := make([]string, len(gold))
	byScope := map[string][][]storyline.Entity{}
	for i, d := range gold {
		scopes[i] = identity.Scope(storyOf[d.ID], d.ID)
		byScope[scopes[i]] = append(byScope[scopes[i]], identity.PersonEntities(ents[i]))
	}
	people := identity.NewPeople(byScope)
	for i, d := range gold {
		people.Count(scopes[i], d.Text, ents[i])
	}
	pred := make(map[string][]storyline.Entity, len(gold))
	for i, d := range gold {
		pred[d.ID] = people.Of(scopes[i], d.Text, ents[i])
	}
	return pred, nil
}

// extractAll extracts every document's entities in parallel, in the order
// of docs.
func extractAll(ctx context.Context, x *nlp.Extractor, gold []eval.Doc) ([][]storyline.Entity, error) {
	ents := make([][]storyline.Entity, len(gold))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, d := range gold {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			var published time.Time
			if d.Published != "" {
				t, err := time.Parse(time.DateOnly, d.Published)
				if err != nil {
					return fmt.Errorf("%s: published %q: %w", d.ID, d.Published, err)
				}
				published = t
			}
			if _, supported := x.Language(d.Text); !supported {
				return nil // scored as a report with no entities, as the store would keep it
			}
			found, err := x.Extract(gctx, d.Text, published)
			if err != nil {
				return fmt.Errorf("%s: %w", d.ID, err)
			}
			ents[i] = found
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return ents, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return strings.TrimSpace(many)
}

// unsupported says how many of the extractions made were of languages the
// extractor does not know, or nothing when there were none.
func unsupported(r *pipeline.ExtractReport) string {
	if r.Unsupported == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d in languages not supported: no entities)", r.Unsupported)
}
