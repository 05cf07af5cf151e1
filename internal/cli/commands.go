// Package cli holds storyline's commands, so that tests run a whole command
// in-process with arguments, stdout and stderr of their choosing. The mains
// in cmd/ only wire signals and the process's streams to these.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/storyline/storyline"
)

// DefaultDB is the store file used when -db is not given.
const DefaultDB = "news.db"

// Exit statuses.
const (
	exitOK      = 0
	exitFailed  = 1 // some input failed; the others were done
	exitUsage   = 2
	exitStopped = 130 // interrupted; what was done is stored
)

// subcommand is one verb of `extract`.
type subcommand struct {
	name, usage, help string
	run               func(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int
}

// extractCommands are the verbs of `extract`, in the order a user meets
// them: make the extractions, read them, measure their quality, measure
// their speed.
var extractCommands = []subcommand{
	{"run", "extract run [-db FILE] [-all]",
		`Extracts the entities of stored articles whose extraction is missing or stale
(made by another extractor version, or from an older text), or of all with -all;
then groups the reports into stories again when any changed (always with -all).
Reads only the store: nothing is fetched.`, runExtract},
	{"stories", "extract stories [-db FILE] [-story ID] [-min-articles N]",
		`Writes the stored stories as JSON Lines on stdout, one story a line, as
fixtures/STORIES.md defines prediction lines: id, title, articles, first and
last dates, people, countries and places, the timeline (each entry with its
date, weight, what happened, reports, participants and evidence offsets) and
who met whom (pairs of people and of countries with the timeline entries that join
them). 'extract run' and 'ingest' build the stories; a story whose reports
changed since is marked "stale": true.`, runStories},
	{"dump", "extract dump [-db FILE] [-type person|country|place|date] [-text] [-snippets] [-format jsonl|csv]\n" +
		"               [-person NAME] [-country CC] [-place NAME] [-from DATE] [-to DATE] [-story ID] [-q WORDS]",
		`Writes the stored articles and their entities as JSON Lines on stdout, one
article a line, with the story each is in; or, with -format csv, one row per
entity. Each entity has its offsets in bytes (start, end) and in characters
(cstart, cend). Person norms are made canonical within each story (a surname
joins the full name of its own story), and across the articles in no story
yet. -person, -country, -place, -from, -to, -story and -q keep the reports
that answer all of them.`, runDump},
	{"people", "extract people [-db FILE]",
		`Writes who appears in the store, one person a JSON line, most reported first:
the name, how many reports and stories, and every spelling seen with its count.
Within a story a surname joins its full name; across stories, names are one
person when their full names agree.`, runPeople},
	{"countries", "extract countries [-db FILE]",
		`Writes the countries mentioned in the store, one a JSON line, most reported
first: the ISO code, how many reports and stories, and every spelling seen.`, runCountries},
	{"list", "extract list [-db FILE]",
		`Writes one line per stored report: id, published date, story and title,
separated by tabs ("-" where unknown).`, runList},
	{"eval", "extract eval [-json] [-pred FILE] GOLD.jsonl... | extract eval -stories GOLD-STORIES.jsonl DOCS.jsonl",
		`Runs the extraction of 'extract run' on each document of each gold file (its
text and published date), makes person names canonical across the file as
'extract dump' does across the store, and prints per type strict and relaxed
precision, recall and F1, norm accuracy, document-level F1 and, for people,
B-cubed canonicalization, as fixtures/FORMAT.md defines them. Countries are
scored twice: names only, and names with demonyms.
With -stories, extracts the documents of DOCS.jsonl, groups them into stories
and tells each as 'extract run' does, and scores the stories and timelines
against the stories gold as fixtures/STORIES.md defines: B-cubed over the
documents, then per gold timeline date, reports, people, countries, places.`, runEval},
	{"bench", "extract bench [-n N] [-n-slow N] [-corpus FILE] [-scale N,N...] [-keep]",
		`Measures, in one run and on the same articles (the fixtures repeated to N,
then every document of -corpus), each in a process of its own so that its
peak RSS is its own:
  1 prose-documented  prose.NewDocument per article, default options (on the
                      first -n-slow articles: it rebuilds its model each call)
  2 prose-cached      prose with its default model built once, one core
  3 prose-tokenize    prose's tokenizer alone, one core: the floor
  4 storyline-extract storyline's extraction stage, all cores
  5 ingest            a loopback HTTP site into a fresh store, with and
                      without extraction
and prints articles/s, MB/s, allocations per article and peak RSS, and the
ratios 4/1, 4/2, 3/4. With -scale it builds synthetic stores of each size
and measures 'extract run -all' on them: time, peak RSS, store size.`, runBench},
	{"version", "extract version",
		`Prints the versions that stamp what storyline stores: the extractor's, the
story rules', the store's schema, and Go's.`, runVersion},
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

// finishStatus is the exit status of a run that ended with err after failed
// inputs: 130 when interrupted (what was done is stored, as stopped says),
// 1 on an error or any failed input, else 0.
func finishStatus(stderr io.Writer, cmd, stopped string, err error, failed int) int {
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "%s: interrupted; %s\n", cmd, stopped)
		return exitStopped
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitFailed
	case failed > 0:
		return exitFailed
	}
	return exitOK
}

// containPanic turns a panic that escaped every stage into an error line and
// exit status 1: a user never sees a stack trace.
func containPanic(cmd string, stderr io.Writer, status *int) {
	if r := recover(); r != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, storyline.PanicError(r))
		*status = exitFailed
	}
}

// dbFlag defines the -db flag every command that opens the store has.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", DefaultDB, "the store: a bbolt `file`, or a PostgreSQL database's postgres:// URL")
}

// parseNoArgs parses the flags of a command that takes no other
// arguments; when it returns false, the command ends with status.
func parseNoArgs(fs *flag.FlagSet, args []string) (status int, ok bool) {
	if err := fs.Parse(args); err != nil {
		return usageStatus(err), false
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage, false
	}
	return exitOK, true
}

// failure returns what a command does on an error that ends it: one line
// naming the command, exit status 1.
func failure(stderr io.Writer, cmd string) func(error) int {
	return func(err error) int {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitFailed
	}
}

// lineLogger writes each line whole to w, from any goroutine.
func lineLogger(w io.Writer) func(format string, args ...any) {
	var mu sync.Mutex
	return func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, format+"\n", args...)
	}
}

func usageStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}
