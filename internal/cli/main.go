package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Main runs a command as a process: run gets a context that the first
// Ctrl-C (or SIGTERM) cancels, so that the command stops cleanly; a second
// one, while it finishes what it has in hand, ends the process at once.
// The process exits with run's status.
func Main(run func(ctx context.Context) int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // the next signal gets Go's default: the process ends
	}()
	code := run(ctx)
	stop()
	os.Exit(code)
}
