package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/nlp"
	"github.com/storyline/storyline/store"
)

// subcommand is one verb of `extract`.
type subcommand struct {
	name, usage, help string
	run               func(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int
}

var extractCommands = []subcommand{
	{"run", "extract run [-db FILE] [-all]",
		"Extracts the entities of stored articles whose extraction is missing or stale\n(made by another extractor version, or from an older text), or of all with -all.\nReads only the store: nothing is fetched.", runExtract},
	{"dump", "extract dump [-db FILE] [-type person|country|date] [-text]",
		"Writes the stored articles and their entities as JSON Lines on stdout, one\narticle a line. Person norms are made canonical across the whole store.", runDump},
}

// Extract runs `extract COMMAND [flags]`.
func Extract(ctx context.Context, args []string, stdout, stderr io.Writer) (status int) {
	defer containPanic("extract", stderr, &status)
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "usage: extract COMMAND [flags]\n\ncommands:")
		for _, c := range extractCommands {
			fmt.Fprintf(w, "  %s\n", c.usage)
		}
		fmt.Fprintln(w, "\nRun 'extract COMMAND -h' for a command's help.")
	}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return exitOK
	}
	i := slices.IndexFunc(extractCommands, func(c subcommand) bool { return c.name == args[0] })
	if i < 0 {
		fmt.Fprintf(stderr, "extract: unknown command %q\n", args[0])
		usage(stderr)
		return exitUsage
	}
	c := extractCommands[i]
	fs := flag.NewFlagSet("extract "+c.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s\n\n%s\n\n", c.usage, c.help)
		fs.PrintDefaults()
	}
	return c.run(ctx, fs, args[1:], stdout, stderr)
}

func runExtract(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	db := fs.String("db", DefaultDB, "store `file`")
	all := fs.Bool("all", false, "re-extract every article, current or not")
	if err := fs.Parse(args); err != nil {
		return usageStatus(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	s, err := store.Open(*db)
	if err != nil {
		fmt.Fprintln(stderr, "extract:", err)
		return exitFailed
	}
	defer s.Close()
	x, err := nlp.New()
	if err != nil {
		fmt.Fprintln(stderr, "extract:", err)
		return exitFailed
	}
	log := func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	report, err := pipeline.Extract(ctx, s, x, nil, *all, log)
	fmt.Fprintf(stderr, "extract: %d extracted, %d current, %d failed (%s)\n", report.Extracted, report.Current, report.Failed, x.Version())
	return finishStatus(stderr, "extract", "extractions made so far are stored", err, report.Failed)
}

// dumpLine is one line of `extract dump`.
type dumpLine struct {
	ID        string `json:"id"`
	URL       string `json:"url,omitempty"`
	Title     string `json:"title,omitempty"`
	Source    string `json:"source,omitempty"`
	Published string `json:"published,omitempty"`
	// DuplicateOf is the first stored copy of the same story, if any.
	DuplicateOf string             `json:"duplicate_of,omitempty"`
	Extractor   string             `json:"extractor,omitempty"`
	Entities    []storyline.Entity `json:"entities"`
	Text        *string            `json:"text,omitempty"`
}

func runDump(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	db := fs.String("db", DefaultDB, "store `file`")
	typ := fs.String("type", "", "only entities of this `type`: person, country or date")
	withText := fs.Bool("text", false, "add each article's stored text")
	if err := fs.Parse(args); err != nil {
		return usageStatus(err)
	}
	switch storyline.EntityType(*typ) {
	case "", storyline.Person, storyline.Country, storyline.Date:
	default:
		fmt.Fprintf(stderr, "extract dump: -type %q: want person, country or date\n", *typ)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	s, err := store.OpenReadOnly(*db)
	if err != nil {
		fmt.Fprintln(stderr, "extract dump:", err)
		return exitFailed
	}
	defer s.Close()

	// First pass: every person name in the store, for canonical names.
	counts := map[string]int{}
	err = s.ForEach(func(_ *storyline.Article, x *storyline.Extraction) error {
		if x != nil {
			countPeople(counts, x.Entities)
		}
		return ctx.Err()
	})
	if err != nil {
		fmt.Fprintln(stderr, "extract dump:", err)
		return exitFailed
	}
	canonical := nlp.CanonicalNames(counts)

	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	missing := 0
	err = s.ForEach(func(a *storyline.Article, x *storyline.Extraction) error {
		line := dumpLine{ID: a.ID, URL: a.URL, Title: a.Title, Source: a.Source, Published: a.PublishedDate(),
			DuplicateOf: a.DuplicateOf, Entities: []storyline.Entity{}}
		if x == nil {
			missing++
		} else {
			line.Extractor = x.Version
			canonicalizePeople(canonical, x.Entities)
			for _, e := range x.Entities {
				if *typ == "" || string(e.Type) == *typ {
					line.Entities = append(line.Entities, e)
				}
			}
		}
		if *withText {
			line.Text = &a.Text
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
		return ctx.Err()
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintln(stderr, "extract dump:", err)
		return exitFailed
	}
	if missing > 0 {
		fmt.Fprintf(stderr, "extract dump: %d %s no extraction yet: run 'extract run'\n", missing, plural(missing, "article has", "articles have"))
	}
	return exitOK
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return strings.TrimSpace(many)
}
