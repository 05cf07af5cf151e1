package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/eval"
	"github.com/storyline/storyline/pipeline/nlp"
	"github.com/storyline/storyline/store"
)

func init() {
	extractCommands = append(extractCommands, subcommand{"bench",
		"extract bench [-n N] [-n-slow N] [-corpus FILE] [-fixtures FILE] [-scale N,N...]",
		`Measures, in one run and on the same articles (the fixtures repeated to N,
then every document of -corpus), each in a process of its own so that its
peak RSS is its own:
  1 prose-documented  prose.NewDocument per article, default options (on the
                      first -n-slow articles: it rebuilds its model each call)
  2 prose-cached      prose with its default model built once, one core
  3 prose-tokenize    prose's tokenizer alone, one core: the floor
  4 storyline-extract storyline's extraction stage, all cores
  5 ingest            a loopback HTTP site into a fresh store, with and
                      without extraction
and prints articles/s, MB/s, allocations per article and peak RSS, and the
ratios 4/1, 4/2, 3/4. With -scale it builds synthetic stores of each size
and measures 'extract run -all' on them: time, peak RSS, store size.`, runBench})
}

// benchRow is one measured row; a child process prints it as JSON.
type benchRow struct {
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

func (r benchRow) perSecond() float64 { return float64(r.Articles) / r.Seconds }
func (r benchRow) mbPerSecond() float64 {
	return float64(r.Bytes) / (1 << 20) / r.Seconds
}

var benchRows = []string{"prose-documented", "prose-cached", "prose-tokenize", "storyline-extract", "ingest-no-extract", "ingest"}

func runBench(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	n := fs.Int("n", 200, "articles: the fixtures repeated to this many")
	nSlow := fs.Int("n-slow", 20, "articles for prose-documented, which rebuilds its model per article")
	corpus := fs.String("corpus", "", "also every document of this JSON Lines `file` (the gold/docs format)")
	fixtures := fs.String("fixtures", "fixtures/docs.jsonl", "the fixture documents `file`")
	scale := fs.String("scale", "", "comma-separated store sizes for the 'extract run -all' scaling measurement")
	keep := fs.Bool("keep", false, "with -scale, keep the synthetic stores and print where")
	build := fs.String("build-store", "", "write a synthetic store of -n articles to this `file` (used by -scale)")
	row := fs.String("row", "", "run one row in this process (used by bench itself)")
	if err := fs.Parse(args); err != nil {
		return usageStatus(err)
	}
	if *row != "" {
		return benchChild(ctx, *row, *n, *nSlow, *fixtures, *corpus, stdout, stderr)
	}
	if *build != "" {
		textBytes, err := syntheticStore(*build, *n)
		if err != nil {
			fmt.Fprintln(stderr, "extract bench:", err)
			return exitFailed
		}
		fmt.Fprintln(stdout, textBytes)
		return exitOK
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "extract bench:", err)
		return exitFailed
	}
	if *scale != "" {
		return benchScale(ctx, self, *scale, *keep, stdout, stderr)
	}
	rows := map[string]benchRow{}
	fmt.Fprintf(stdout, "%-18s %8s %8s %10s %8s %14s %10s\n", "row", "articles", "seconds", "articles/s", "MB/s", "allocs/article", "peak RSS")
	for _, name := range benchRows {
		r, err := benchInChild(ctx, self, "-row", name, "-n", strconv.Itoa(*n), "-n-slow", strconv.Itoa(*nSlow),
			"-fixtures", *fixtures, "-corpus", *corpus)
		if err != nil {
			fmt.Fprintf(stderr, "extract bench: %s: %v\n", name, err)
			return exitFailed
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
	return exitOK
}

// benchInChild runs `extract bench args...` and reads its row, with the
// child's peak RSS.
func benchInChild(ctx context.Context, self string, args ...string) (benchRow, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, self, append([]string{"bench"}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return benchRow{}, fmt.Errorf("%v\n%s", err, errb.String())
	}
	var r benchRow
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return benchRow{}, fmt.Errorf("child printed %q: %w", out.String(), err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.PeakRSSKB = ru.Maxrss // kilobytes on Linux
	}
	return r, nil
}

type benchDoc struct {
	text      string
	published time.Time
}

func benchDocs(n int, fixtures, corpus string) ([]benchDoc, error) {
	fix, err := eval.ReadGold(fixtures)
	if err != nil {
		return nil, fmt.Errorf("fixtures: %w (run from the repository root, or give -fixtures)", err)
	}
	toDoc := func(d eval.Doc) benchDoc {
		t, _ := time.Parse(time.DateOnly, d.Published)
		return benchDoc{d.Text, t}
	}
	var docs []benchDoc
	for i := 0; i < n; i++ {
		docs = append(docs, toDoc(fix[i%len(fix)]))
	}
	if corpus != "" {
		more, err := eval.ReadGold(corpus)
		if err != nil {
			return nil, err
		}
		for _, d := range more {
			docs = append(docs, toDoc(d))
		}
	}
	return docs, nil
}

// benchChild measures one row in this process and prints it as JSON.
func benchChild(ctx context.Context, name string, n, nSlow int, fixtures, corpus string, stdout, stderr io.Writer) int {
	docs, err := benchDocs(n, fixtures, corpus)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailed
	}
	var run func([]benchDoc) error
	var storeFile string
	switch name {
	case "prose-documented", "prose-cached", "prose-tokenize":
		b, err := nlp.NewBaseline()
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitFailed
		}
		step := map[string]func(string) (int, error){"prose-documented": b.Documented, "prose-cached": b.CachedModel, "prose-tokenize": b.TokenizeOnly}[name]
		if name == "prose-documented" {
			docs = docs[:min(nSlow, len(docs))]
		}
		run = func(docs []benchDoc) error {
			for _, d := range docs {
				if _, err := step(d.text); err != nil {
					return err
				}
			}
			return nil
		}
	case "storyline-extract":
		x, err := nlp.New()
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitFailed
		}
		run = func(docs []benchDoc) error {
			var g errgroup.Group
			g.SetLimit(runtime.GOMAXPROCS(0))
			for _, d := range docs {
				g.Go(func() error { _, err := x.Extract(d.text, d.published); return err })
			}
			return g.Wait()
		}
	case "ingest", "ingest-no-extract":
		dir, err := os.MkdirTemp("", "storyline-bench-")
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitFailed
		}
		defer os.RemoveAll(dir)
		storeFile = filepath.Join(dir, "news.db")
		srv := benchSite(docs)
		defer srv.Close()
		args := []string{"-db", storeFile, "-delay", "0", "-per-host", "16", "-parallel", "32", srv.URL + "/sitemap.xml"}
		if name == "ingest-no-extract" {
			args = append([]string{"-extract=false"}, args...)
		}
		run = func([]benchDoc) error {
			var errb bytes.Buffer
			if code := Ingest(ctx, args, io.Discard, &errb, IngestOptions{}); code != exitOK {
				return errors.New(errb.String())
			}
			return nil
		}
	default:
		fmt.Fprintf(stderr, "unknown row %q\n", name)
		return exitUsage
	}
	row := benchRow{Name: name, Articles: len(docs)}
	for _, d := range docs {
		row.Bytes += int64(len(d.text))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	if err := run(docs); err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailed
	}
	row.Seconds = time.Since(start).Seconds()
	runtime.ReadMemStats(&after)
	row.Mallocs = after.Mallocs - before.Mallocs
	if storeFile != "" {
		if info, err := os.Stat(storeFile); err == nil {
			row.StoreBytes = info.Size()
		}
		if s, err := store.OpenReadOnly(storeFile); err == nil {
			usage, _ := s.Usage()
			s.Close()
			row.Buckets = map[string]int{}
			for _, u := range usage {
				row.StoreInUse += int64(u.Bytes)
				row.Buckets[u.Name] = u.Bytes
			}
		}
	}
	json.NewEncoder(stdout).Encode(row)
	return exitOK
}

// benchSite serves docs as article pages listed in a sitemap.
func benchSite(docs []benchDoc) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for i := range docs {
			fmt.Fprintf(w, "<url><loc>/a/%d</loc></url>", i)
		}
		fmt.Fprint(w, "</urlset>")
	})
	mux.HandleFunc("/a/{i}", func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.PathValue("i"))
		if err != nil || i < 0 || i >= len(docs) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		lines := strings.Split(strings.TrimSpace(docs[i].text), "\n")
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>%s</title><meta property="article:published_time" content="%s"></head><body><nav>Home News World</nav><article><h1>%s</h1>`,
			html.EscapeString(lines[0]), docs[i].published.Format(time.RFC3339), html.EscapeString(lines[0]))
		for _, l := range lines[1:] {
			if strings.TrimSpace(l) != "" {
				fmt.Fprintf(w, "<p>%s</p>", html.EscapeString(l))
			}
		}
		fmt.Fprintf(w, "<p>Bench copy %d.</p></article><footer>All rights reserved</footer></body></html>", i)
	})
	return httptest.NewServer(mux)
}

// benchScale builds a synthetic store of each size and runs `extract run
// -all` on it in a child process: time, peak RSS, store size against text.
func benchScale(ctx context.Context, self, sizes string, keep bool, stdout, stderr io.Writer) int {
	extractBin := self
	fmt.Fprintf(stdout, "%-9s %9s %12s %10s %12s %12s\n", "articles", "seconds", "articles/s", "peak RSS", "store", "store/text")
	var rss []int64
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			fmt.Fprintf(stderr, "extract bench: -scale %q: want sizes like 10000,100000\n", sizes)
			return exitUsage
		}
		dir, err := os.MkdirTemp("", "storyline-scale-")
		if err != nil {
			fmt.Fprintln(stderr, err)
			return exitFailed
		}
		db := filepath.Join(dir, "news.db")
		// The store is built in a child of its own: Linux counts the peak
		// RSS a process had before exec into its child's, so the process
		// that forks the measured one must stay small.
		out, err := exec.CommandContext(ctx, self, "bench", "-build-store", db, "-n", strconv.Itoa(n)).Output()
		if err != nil {
			os.RemoveAll(dir)
			fmt.Fprintf(stderr, "extract bench: build a store of %d articles: %v\n", n, err)
			return exitFailed
		}
		textBytes, _ := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
		var errb bytes.Buffer
		cmd := exec.CommandContext(ctx, extractBin, "run", "-all", "-db", db)
		cmd.Stderr = &errb
		start := time.Now()
		err = cmd.Run()
		secs := time.Since(start).Seconds()
		if err != nil {
			os.RemoveAll(dir)
			fmt.Fprintf(stderr, "extract bench: extract run -all on %d articles: %v\n%s", n, err, errb.String())
			return exitFailed
		}
		var peak int64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = ru.Maxrss
		}
		rss = append(rss, peak)
		info, _ := os.Stat(db)
		fmt.Fprintf(stdout, "%-9d %9.1f %12.0f %8.0fMB %10.1fMB %11.2f×\n", n, secs, float64(n)/secs, float64(peak)/1024,
			float64(info.Size())/(1<<20), float64(info.Size())/float64(textBytes))
		if s, err := store.OpenReadOnly(db); err == nil {
			usage, _ := s.Usage()
			s.Close()
			var inUse int
			for _, u := range usage {
				inUse += u.Bytes
			}
			fmt.Fprintf(stdout, "          in use %.1fMB, %.2f× the text:", float64(inUse)/(1<<20), float64(inUse)/float64(textBytes))
			for _, u := range usage {
				fmt.Fprintf(stdout, " %s %.1fMB", u.Name, float64(u.Bytes)/(1<<20))
			}
			fmt.Fprintf(stdout, "; text %.1fMB; the rest of the file is free pages\n", float64(textBytes)/(1<<20))
		}
		if keep {
			fmt.Fprintf(stdout, "          kept: %s\n", db)
		} else {
			os.RemoveAll(dir)
		}
	}
	if len(rss) > 1 {
		fmt.Fprintf(stdout, "peak RSS of the largest over the smallest: %.2f×\n", float64(rss[len(rss)-1])/float64(rss[0]))
	}
	return exitOK
}

// syntheticStore writes n distinct news-like articles to a new store and
// returns the bytes of text written.
func syntheticStore(path string, n int) (int64, error) {
	s, err := store.Open(path)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	people := []string{"Sergei Lavrov", "Mevlut Cavusoglu", "Faisal Mekdad", "Hossein Amirabdollahian", "Hulusi Akar", "Vladimir Putin"}
	places := []string{"Syria", "Turkey", "Iran", "Russia", "Saudi Arabia", "Egypt", "Syrian", "Turkish", "Iranian"}
	dates := []string{"on Tuesday", "last week", "earlier this month", "on April 25", "in early May", "next week"}
	words := strings.Fields("talks ties ministers meeting officials security reconciliation agreement relations border troops refugees economy trade energy summit envoy delegation")
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	var total int64
	batch := make([]*storyline.Article, 0, 1000)
	flush := func() error {
		for _, err := range func() []error { _, errs := s.PutArticles(batch); return errs }() {
			if err != nil {
				return err
			}
		}
		batch = batch[:0]
		return nil
	}
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "Report %d on %s and %s\n\n", i, pick(places), pick(places))
		for range 3 {
			fmt.Fprintf(&b, "%s met officials from %s %s to discuss", pick(people), pick(places), pick(dates))
			for range 12 {
				b.WriteString(" " + pick(words))
			}
			fmt.Fprintf(&b, " (item %d-%d).\n", i, rng.IntN(1_000_000))
		}
		a := &storyline.Article{ID: fmt.Sprintf("synthetic-%07d", i), Text: b.String(),
			Published: time.Date(2023, 4, 1+i%28, 0, 0, 0, 0, time.UTC)}
		total += int64(len(a.Text))
		batch = append(batch, a)
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	return total, flush()
}
