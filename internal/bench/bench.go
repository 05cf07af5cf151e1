// Package bench measures storyline against prose and against itself, for
// `extract bench`: each row in a process of its own, so that each row's peak
// RSS is its own, on the same articles in one run.
//
//	1 prose-documented  prose.NewDocument per article, default options (on
//	                    the first NSlow articles: it rebuilds its model
//	                    each call)
//	2 prose-cached      prose with its default model built once, one core
//	3 prose-tokenize    prose's tokenizer alone, one core: the floor
//	4 storyline-extract storyline's extraction stage, all cores
//	5 ingest            a loopback HTTP site into a fresh store, with and
//	                    without extraction
//
// Scale builds synthetic stores and measures `extract run -all` on each,
// the stories rebuilt alone, and an hourly ingest's story update against
// its extraction.
//
// The measuring processes are this program started again with the
// environment variable RoleEnv naming their role; the command that starts
// them shows no flag for it.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/storyline/storyline/fixtures"
	"github.com/storyline/storyline/internal/eval"
)

// RoleEnv names, in a measuring child process, what it measures:
// "row:NAME", "build-store:FILE", "stories:FILE" or "increment:N:FILE".
const RoleEnv = "STORYLINE_BENCH_ROLE"

// Options say what to measure on.
type Options struct {
	N      int    // articles: the fixtures repeated to this many
	NSlow  int    // articles for prose-documented
	Corpus string // also every document of this JSON Lines file, if set
	// Self is the program to start again for each row: one whose `bench`
	// command calls Child first.
	Self string
	// Ingest runs the ingest command with args, for the ingest rows.
	Ingest func(ctx context.Context, args []string) error
}

// row is one measured row; a child process prints it as JSON.
type row struct {
	Name       string  `json:"name"`
	Articles   int     `json:"articles"`
	Bytes      int64   `json:"bytes"`
	Seconds    float64 `json:"seconds"`
	Mallocs    uint64  `json:"mallocs"`
	PeakRSSKB  int64   `json:"peak_rss_kb"`
	StoreBytes int64   `json:"store_bytes,omitempty"`
	// StoreInUse is what the store's buckets take on their pages; the file
	// is larger by its free pages and bbolt's growth in doubling steps.
	StoreInUse int64          `json:"store_in_use,omitempty"`
	Buckets    map[string]int `json:"buckets,omitempty"`
}

func (r row) perSecond() float64   { return float64(r.Articles) / r.Seconds }
func (r row) mbPerSecond() float64 { return float64(r.Bytes) / (1 << 20) / r.Seconds }

var rowNames = []string{"prose-documented", "prose-cached", "prose-tokenize", "storyline-extract", "ingest-no-extract", "ingest"}

// Rows measures every row, each in a child process, and prints the table
// and the ratios 4/1, 4/2 and 3/4.
func Rows(ctx context.Context, opts Options, stdout io.Writer) error {
	rows := map[string]row{}
	fmt.Fprintf(stdout, "%-18s %8s %8s %10s %8s %14s %10s\n", "row", "articles", "seconds", "articles/s", "MB/s", "allocs/article", "peak RSS")
	for _, name := range rowNames {
		r, err := inChild(ctx, opts, "row:"+name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rows[name] = r
		fmt.Fprintf(stdout, "%-18s %8d %8.2f %10.1f %8.3f %14.0f %8.0fMB\n", name, r.Articles, r.Seconds, r.perSecond(),
			r.mbPerSecond(), float64(r.Mallocs)/float64(r.Articles), float64(r.PeakRSSKB)/1024)
	}
	ratio := func(a, b string) float64 { return rows[a].mbPerSecond() / rows[b].mbPerSecond() }
	fmt.Fprintf(stdout, "\nratios (by MB/s, so rows on different article counts compare):\n")
	fmt.Fprintf(stdout, "  4/1 storyline-extract / prose-documented  %8.1f×\n", ratio("storyline-extract", "prose-documented"))
	fmt.Fprintf(stdout, "  4/2 storyline-extract / prose-cached      %8.2f×\n", ratio("storyline-extract", "prose-cached"))
	fmt.Fprintf(stdout, "  3/4 prose-tokenize / storyline-extract    %8.2f×\n", ratio("prose-tokenize", "storyline-extract"))
	ing := rows["ingest"]
	fmt.Fprintf(stdout, "  ingest pages/s: %.0f without extraction, %.0f with (extraction alone: %.0f articles/s)\n",
		rows["ingest-no-extract"].perSecond(), ing.perSecond(), rows["storyline-extract"].perSecond())
	fmt.Fprintf(stdout, "  store: %.2f× the raw text in use (%d bytes for %d bytes of text: articles %d, extractions %d, fingerprints %d, urls %d, handles %d); the file: %d bytes\n",
		float64(ing.StoreInUse)/float64(ing.Bytes), ing.StoreInUse, ing.Bytes, ing.Buckets["articles"], ing.Buckets["extractions"],
		ing.Buckets["fingerprints"], ing.Buckets["urls"], ing.Buckets["handles"], ing.StoreBytes)
	fmt.Fprintf(stdout, "cores: %d\n", runtime.GOMAXPROCS(0))
	return nil
}

// inChild runs opts.Self in the given role and reads its row, with the
// child's peak RSS.
func inChild(ctx context.Context, opts Options, role string) (row, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, opts.Self, "bench", "-n", strconv.Itoa(opts.N), "-n-slow", strconv.Itoa(opts.NSlow), "-corpus", opts.Corpus)
	cmd.Env = append(os.Environ(), RoleEnv+"="+role)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return row{}, fmt.Errorf("%v\n%s", err, errb.String())
	}
	var r row
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return row{}, fmt.Errorf("child printed %q: %w", out.String(), err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.PeakRSSKB = ru.Maxrss // kilobytes on Linux
	}
	return r, nil
}

// Child does what this process was started for when it is a measuring
// child (RoleEnv is set), printing its result on stdout, and reports
// whether it was one.
func Child(ctx context.Context, opts Options, stdout io.Writer) (bool, error) {
	role := os.Getenv(RoleEnv)
	if role == "" {
		return false, nil
	}
	kind, arg, _ := strings.Cut(role, ":")
	switch kind {
	case "row":
		return true, measureRow(ctx, opts, arg, stdout)
	case "build-store":
		textBytes, err := syntheticStore(ctx, arg, opts.N)
		if err == nil {
			fmt.Fprintln(stdout, textBytes)
		}
		return true, err
	case "stories":
		return true, rebuildStories(ctx, arg, stdout)
	case "increment":
		n, db, _ := strings.Cut(arg, ":")
		size, err := strconv.Atoi(n)
		if err != nil {
			return true, fmt.Errorf("%s=%q: want increment:N:FILE", RoleEnv, role)
		}
		return true, addReports(ctx, db, size, stdout)
	}
	return true, fmt.Errorf("%s=%q: unknown role", RoleEnv, role)
}

// doc is one article to measure on.
type doc struct {
	text      string
	published time.Time
}

// docs are the fixtures repeated to n, then every document of corpus.
func docs(n int, corpus string) ([]doc, error) {
	fix, err := eval.ReadGoldFS(fixtures.FS, "docs.jsonl")
	if err != nil {
		return nil, err
	}
	toDoc := func(d eval.Doc) doc {
		t, _ := time.Parse(time.DateOnly, d.Published)
		return doc{d.Text, t}
	}
	var out []doc
	for i := range n {
		out = append(out, toDoc(fix[i%len(fix)]))
	}
	if corpus != "" {
		more, err := eval.ReadGold(corpus)
		if err != nil {
			return nil, err
		}
		for _, d := range more {
			out = append(out, toDoc(d))
		}
	}
	return out, nil
}

func textBytes(ds []doc) int64 {
	var n int64
	for _, d := range ds {
		n += int64(len(d.text))
	}
	return n
}

// measureRow measures one row in this process and prints it as JSON.
func measureRow(ctx context.Context, opts Options, name string, stdout io.Writer) error {
	ds, err := docs(opts.N, opts.Corpus)
	if err != nil {
		return err
	}
	run, storeFile, cleanup, err := rowRunner(ctx, opts, name, &ds)
	if err != nil {
		return err
	}
	defer cleanup()
	r := row{Name: name, Articles: len(ds), Bytes: textBytes(ds)}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	if err := run(ds); err != nil {
		return err
	}
	r.Seconds = time.Since(start).Seconds()
	runtime.ReadMemStats(&after)
	r.Mallocs = after.Mallocs - before.Mallocs
	if storeFile != "" {
		if err := measureStore(ctx, storeFile, &r); err != nil {
			return err
		}
	}
	return json.NewEncoder(stdout).Encode(r)
}

// Scale builds a synthetic store of each size and runs `extract run -all`
// on it in a child process: time, peak RSS, store size against text.
func Scale(ctx context.Context, opts Options, sizes []int, keep bool, stdout io.Writer) error {
	if len(sizes) == 0 {
		return errors.New("no store sizes")
	}
	return scale(ctx, opts, sizes, keep, stdout)
}
