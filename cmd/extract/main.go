// Command extract re-extracts, dumps and evaluates the entities of stored
// articles. See internal/cli for the subcommands.
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
	code := cli.Extract(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
