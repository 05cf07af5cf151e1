// Command extract re-extracts, dumps and evaluates the entities of stored
// articles. See internal/cli for the subcommands.
package main

import (
	"context"
	"os"

	"github.com/storyline/storyline/internal/cli"
)

func main() {
	cli.Main(func(ctx context.Context) int { return cli.Extract(ctx, os.Args[1:], os.Stdout, os.Stderr) })
}
