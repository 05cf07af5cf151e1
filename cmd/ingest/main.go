// Command ingest collects news articles into the store and extracts their
// entities. See internal/cli for the flags.
package main

import (
	"context"
	"os"

	"github.com/storyline/storyline/internal/cli"
)

func main() {
	cli.Main(func(ctx context.Context) int {
		return cli.Ingest(ctx, os.Args[1:], os.Stdout, os.Stderr, cli.IngestOptions{Stdin: os.Stdin})
	})
}
