package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/storyline/storyline/internal/bench"
)

func runBench(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	opts := bench.Options{Ingest: func(ctx context.Context, args []string) error {
		var errb strings.Builder
		if code := Ingest(ctx, args, io.Discard, &errb, IngestOptions{}); code != exitOK {
			return errors.New(errb.String())
		}
		return nil
	}}
	intAtLeast(fs, &opts.N, "n", 200, 1, "`articles`: the fixtures repeated to this many")
	intAtLeast(fs, &opts.NSlow, "n-slow", 20, 1, "`articles` for prose-documented, which rebuilds its model per article")
	fs.StringVar(&opts.Corpus, "corpus", "", "also every document of this JSON Lines `file` (the gold/docs format)")
	scale := fs.String("scale", "", "comma-separated store sizes for the 'extract run -all' scaling measurement")
	keep := fs.Bool("keep", false, "with -scale, keep the synthetic stores and print where")
	if err := fs.Parse(args); err != nil {
		return usageStatus(err)
	}
	fail := failure(stderr, "extract bench")
	if child, err := bench.Child(ctx, opts, stdout); child {
		if err != nil {
			return fail(err)
		}
		return exitOK
	}
	self, err := os.Executable()
	if err != nil {
		return fail(err)
	}
	opts.Self = self
	if *scale == "" {
		if err := bench.Rows(ctx, opts, stdout); err != nil {
			return fail(err)
		}
		return exitOK
	}
	var sizes []int
	for _, f := range strings.Split(*scale, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			fmt.Fprintf(stderr, "extract bench: -scale %q: want sizes like 10000,100000\n", *scale)
			return exitUsage
		}
		sizes = append(sizes, n)
	}
	if err := bench.Scale(ctx, opts, sizes, *keep, stdout); err != nil {
		return fail(err)
	}
	return exitOK
}
