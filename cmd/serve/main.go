// Command serve serves the store's stories as web pages and a JSON API on
// loopback, and runs the ingests of the sources it is given. See
// internal/cli for the flags.
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
		// The first Ctrl-C stops the server cleanly; a second one, while
		// an ingest finishes what it has in hand, ends the process at once.
		<-ctx.Done()
		stop()
	}()
	code := cli.Serve(ctx, os.Args[1:], os.Stdout, os.Stderr, cli.ServeOptions{})
	stop()
	os.Exit(code)
}
