package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/web"
	"github.com/storyline/storyline/pipeline/collect"
)

// DefaultAddr is where serve listens when -addr is not given: loopback.
const DefaultAddr = "127.0.0.1:8080"

// ServeOptions let tests learn the address a server listens on (with
// -addr 127.0.0.1:0) and tune the collector of its ingests.
type ServeOptions struct {
	Listening func(addr net.Addr)
	Collect   *collect.Options
}

// Serve runs `serve [-db FILE] [-addr HOST:PORT] [-every D] [SOURCE...]`.
func Serve(ctx context.Context, args []string, stdout, stderr io.Writer, opts ServeOptions) (status int) {
	defer containPanic("serve", stderr, &status)
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs)
	addr := fs.String("addr", DefaultAddr, "listen on this `host:port`; a host that is not loopback must be named here")
	var every time.Duration
	durationFlag(fs, &every, "every", 0, 0, false, "ingest the SOURCEs at start and then every `duration` (0: only on POST /api/ingest)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: serve [flags] [SOURCE...]

Serves the store's stories, timelines, reports and people as web pages and
a JSON API. With SOURCEs (as ingest takes them), serve is also the store's
writer: it ingests them on POST /api/ingest and, with -every, on a schedule,
while the pages go on being served. Without, it opens the store read-only.

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageStatus(err)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || host == "" {
		fmt.Fprintf(stderr, "serve: -addr %q: want HOST:PORT with the host named (127.0.0.1:8080; 0.0.0.0:8080 to listen on every interface)\n", *addr)
		return exitUsage
	}
	if every > 0 && fs.NArg() == 0 {
		fmt.Fprintln(stderr, "serve: -every needs SOURCEs to ingest")
		return exitUsage
	}
	fail := failure(stderr, "serve")
	mode, sources := forReading, fs.Args()
	if len(sources) > 0 {
		mode = forWriting
	}
	s, err := openStore(ctx, *db, mode)
	if errors.Is(err, storyline.ErrStoreInUse) {
		return fail(fmt.Errorf("%w: stop the other writer, or let serve run the ingests (serve -every 1h SOURCE...)", err))
	}
	if err != nil {
		return fail(err)
	}
	defer s.Close()

	log := slog.New(slog.NewTextHandler(stderr, nil))
	wopts := web.Options{Log: log}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(stderr, "serve: listening on %s, which is not loopback: the store is readable from the network\n", host)
		wopts.Hosts = []string{host}
		if ip != nil && ip.IsUnspecified() {
			wopts.AnyHost = true
		}
	}
	if len(sources) > 0 {
		co := collect.Options{}
		if opts.Collect != nil {
			co = *opts.Collect
		}
		model := loadModel()
		wopts.Ingest = func(ctx context.Context) (web.IngestResult, error) {
			report, err := ingestInto(ctx, s, co, sources, model, true, stderr)
			var r web.IngestResult
			for _, src := range report.Sources {
				r.New += src.New
				r.Updated += src.Updated
				r.Unchanged += src.Unchanged
				r.Failed += src.Failed
			}
			return r, err
		}
	}
	srv, err := web.New(ctx, s, wopts)
	if err != nil {
		return fail(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(err)
	}
	if opts.Listening != nil {
		opts.Listening(ln.Addr())
	}
	fmt.Fprintf(stderr, "serve: http://%s/\n", ln.Addr())
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}

	runCtx, stopRun := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		srv.Run(runCtx, every)
	}()
	if every > 0 {
		srv.Ingest() // the first run now; the queue is empty, so it cannot be busy
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err = <-served:
	case <-ctx.Done():
		// Requests under way get a few seconds to finish; connections
		// still open after that are cut.
		shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		if hs.Shutdown(shut) != nil {
			hs.Close()
		}
		cancel()
		err = nil
	}
	// An ingest under way is stopped and leaves the store consistent, as
	// an interrupted ingest does.
	stopRun()
	<-ran
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fail(err)
	}
	return exitOK
}
