// Command serve serves the store's stories as web pages and a JSON API on
// loopback, and runs the ingests of the sources it is given. See
// internal/cli for the flags.
package main

import (
	"context"
	"os"

	"github.com/storyline/storyline/internal/cli"
)

func main() {
	cli.Main(func(ctx context.Context) int {
		return cli.Serve(ctx, os.Args[1:], os.Stdout, os.Stderr, cli.ServeOptions{})
	})
}
