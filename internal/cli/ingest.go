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

	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/collect"
	"github.com/storyline/storyline/pipeline/nlp"
	"github.com/storyline/storyline/store"
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

// IngestOptions let tests point the collector at a test server.
type IngestOptions struct {
	Collect collect.Options
}

// Ingest runs `ingest [-db FILE] SOURCE...`.
func Ingest(ctx context.Context, args []string, stdout, stderr io.Writer, opts IngestOptions) int {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", DefaultDB, "store `file`")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: ingest [-db FILE] SOURCE...

Collects articles into the store and extracts their entities. A SOURCE is an
http(s) URL of an article page or of a feed (RSS, Atom, JSON Feed: each item
is fetched), a local .html, .txt, .jsonl or feed file, or a directory of them.
Re-ingesting an unchanged article writes nothing.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageStatus(err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	s, err := store.Open(*db)
	if err != nil {
		fmt.Fprintln(stderr, "ingest:", err)
		return exitFailed
	}
	defer s.Close()
	x, err := nlp.New()
	if err != nil {
		fmt.Fprintln(stderr, "ingest:", err)
		return exitFailed
	}
	log := func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	report, err := pipeline.Ingest(ctx, collect.New(opts.Collect), s, x, fs.Args(), log)
	for _, src := range report.Sources {
		fmt.Fprintf(stderr, "ingest: %s: %d new, %d unchanged, %d updated, %d failed\n",
			src.Source, src.New, src.Unchanged, src.Updated, src.Failed)
	}
	xr := report.Extraction
	fmt.Fprintf(stderr, "extract: %d extracted, %d current, %d failed (%s)\n", xr.Extracted, xr.Current, xr.Failed, x.Version())
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "ingest: interrupted; what was collected so far is stored")
		return exitStopped
	case err != nil:
		fmt.Fprintln(stderr, "ingest:", err)
		return exitFailed
	case report.Failed() > 0:
		return exitFailed
	}
	return exitOK
}

func usageStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}
