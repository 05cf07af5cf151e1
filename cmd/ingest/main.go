// Command ingest collects news articles into the store and extracts their
// entities. See internal/cli for the flags.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/storyline/storyline/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Ingest(ctx, os.Args[1:], os.Stdout, os.Stderr, cli.IngestOptions{})
	stop()
	os.Exit(code)
}
