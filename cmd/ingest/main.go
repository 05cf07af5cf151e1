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
	go func() {
		// The first Ctrl-C stops the run cleanly; a second one, while it
		// finishes what it has in hand, ends the process at once.
		<-ctx.Done()
		stop()
	}()
	code := cli.Ingest(ctx, os.Args[1:], os.Stdout, os.Stderr, cli.IngestOptions{Stdin: os.Stdin})
	stop()
	os.Exit(code)
}
