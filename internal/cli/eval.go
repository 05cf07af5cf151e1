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
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/eval"
	"github.com/storyline/storyline/pipeline/nlp"
)

func runEval(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	asJSON := fs.Bool("json", false, "print one JSON object per gold file instead of tables")
	predPath := fs.String("pred", "", "also write the predictions as JSON Lines to `file` (for another scorer)")
	if err := fs.Parse(args); err != nil {
		return usageStatus(err)
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
		defer predOut.Flush()
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
				enc.Encode(map[string]any{"id": d.ID, "entities": pred[d.ID]})
			}
		}
	}
	return status
}

// predict extracts every gold document's entities in parallel, then makes
// person names canonical across the file.
func predict(ctx context.Context, x *nlp.Extractor, gold []eval.Doc) (map[string][]storyline.Entity, error) {
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
			found, err := x.Extract(d.Text, published)
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
	counts := map[string]int{}
	for _, es := range ents {
		countPeople(counts, es)
	}
	canonical := nlp.CanonicalNames(counts)
	pred := make(map[string][]storyline.Entity, len(gold))
	for i, d := range gold {
		canonicalizePeople(canonical, ents[i])
		pred[d.ID] = ents[i]
	}
	return pred, nil
}

// countPeople adds the person norms of es to counts.
func countPeople(counts map[string]int, es []storyline.Entity) {
	for _, e := range es {
		if e.Type == storyline.Person {
			counts[e.Norm]++
		}
	}
}

// canonicalizePeople replaces person norms by their canonical names.
func canonicalizePeople(canonical map[string]string, es []storyline.Entity) {
	for i := range es {
		if es[i].Type == storyline.Person {
			es[i].Norm = canonical[es[i].Norm]
		}
	}
}
