package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/nlp"
	"github.com/storyline/storyline/pipeline/story"
	"github.com/storyline/storyline/store"
)

// increment is how many new reports the incremental row ingests into a
// store of each size: an hourly crawl's worth.
const increment = 500

// storiesRow is what a story child measures.
type storiesRow struct {
	Reports        int     `json:"reports"`
	Stories        int     `json:"stories"`
	Seconds        float64 `json:"seconds"`
	ExtractSeconds float64 `json:"extract_seconds,omitempty"`
	PeakRSSKB      int64   `json:"-"`
}

func scale(ctx context.Context, opts Options, sizes []int, keep bool, stdout io.Writer) error {
	fmt.Fprintf(stdout, "%-9s %9s %12s %10s %12s %12s\n", "articles", "seconds", "articles/s", "peak RSS", "store", "store/text")
	var rss, storyRSS []int64
	for _, n := range sizes {
		dir, err := os.MkdirTemp("", "storyline-scale-")
		if err != nil {
			return err
		}
		db := filepath.Join(dir, "news.db")
		if err := scaleOne(ctx, opts, db, n, stdout, &rss, &storyRSS); err != nil {
			os.RemoveAll(dir)
			return err
		}
		if keep {
			fmt.Fprintf(stdout, "          kept: %s\n", db)
		} else {
			os.RemoveAll(dir)
		}
	}
	if len(rss) > 1 {
		fmt.Fprintf(stdout, "peak RSS of the largest over the smallest: 'extract run -all' %.2f×, stories alone %.2f×\n",
			float64(rss[len(rss)-1])/float64(rss[0]), float64(storyRSS[len(storyRSS)-1])/float64(storyRSS[0]))
	}
	return nil
}

// scaleOne measures a store of n synthetic reports at db: 'extract run
// -all' (extraction and a rebuild of the stories), the rebuild of the
// stories alone, and an hourly ingest's extraction against its story
// update.
func scaleOne(ctx context.Context, opts Options, db string, n int, stdout io.Writer, rss, storyRSS *[]int64) error {
	// The store is built in a child of its own: Linux counts the peak RSS
	// a process had before exec into its child's, so the process that
	// forks the measured one must stay small.
	build := exec.CommandContext(ctx, opts.Self, "bench", "-n", strconv.Itoa(n))
	build.Env = append(os.Environ(), RoleEnv+"=build-store:"+db)
	out, err := build.Output()
	if err != nil {
		return fmt.Errorf("build a store of %d articles: %w", n, err)
	}
	textBytes, _ := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	var errb bytes.Buffer
	cmd := exec.CommandContext(ctx, opts.Self, "run", "-all", "-db", db)
	cmd.Stderr = &errb
	start := time.Now()
	err = cmd.Run()
	secs := time.Since(start).Seconds()
	if err != nil {
		return fmt.Errorf("extract run -all on %d articles: %w\n%s", n, err, errb.String())
	}
	peak := maxRSS(cmd)
	*rss = append(*rss, peak)
	info, err := os.Stat(db)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-9d %9.1f %12.0f %8.0fMB %10.1fMB %11.2f×\n", n, secs, float64(n)/secs, float64(peak)/1024,
		float64(info.Size())/(1<<20), float64(info.Size())/float64(textBytes))
	var r row
	if err := measureStore(ctx, db, &r); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "          in use %.1fMB, %.2f× the text:", float64(r.StoreInUse)/(1<<20), float64(r.StoreInUse)/float64(textBytes))
	for _, name := range []string{"meta", "articles", "extractions", "urls", "fingerprints", "handles", "stories", "story_keys", "anchors", "story_profiles"} {
		fmt.Fprintf(stdout, " %s %.1fMB", name, float64(r.Buckets[name])/(1<<20))
	}
	fmt.Fprintf(stdout, "; text %.1fMB; the rest of the file is free pages\n", float64(textBytes)/(1<<20))

	rebuilt, err := storyChild(ctx, opts, "stories:"+db)
	if err != nil {
		return fmt.Errorf("stories of %d articles: %w", n, err)
	}
	*storyRSS = append(*storyRSS, rebuilt.PeakRSSKB)
	fmt.Fprintf(stdout, "          stories from scratch: %d reports in %d stories in %.1fs (%.0f reports/s), peak RSS %.0fMB\n",
		rebuilt.Reports, rebuilt.Stories, rebuilt.Seconds, float64(rebuilt.Reports)/rebuilt.Seconds, float64(rebuilt.PeakRSSKB)/1024)
	inc, err := storyChild(ctx, opts, fmt.Sprintf("increment:%d:%s", n, db))
	if err != nil {
		return fmt.Errorf("increment a store of %d articles: %w", n, err)
	}
	fmt.Fprintf(stdout, "          %d new reports: extraction %.2fs, story update %.2fs (%d stories told): %.0f%% of extraction\n",
		inc.Reports, inc.ExtractSeconds, inc.Seconds, inc.Stories, 100*inc.Seconds/inc.ExtractSeconds)
	return nil
}

// storyChild runs a story measurement in a child process of its own.
func storyChild(ctx context.Context, opts Options, role string) (storiesRow, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, opts.Self, "bench")
	cmd.Env = append(os.Environ(), RoleEnv+"="+role)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return storiesRow{}, fmt.Errorf("%v\n%s", err, errb.String())
	}
	var r storiesRow
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return r, fmt.Errorf("child printed %q: %w", out.String(), err)
	}
	r.PeakRSSKB = maxRSS(cmd)
	return r, nil
}

func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss // kilobytes on Linux
	}
	return 0
}

// rebuildStories groups every report of the store at db from scratch, as
// 'extract run -all' does after extracting, and prints what it took.
func rebuildStories(ctx context.Context, db string, stdout io.Writer) error {
	s, err := store.Open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	// The stories were made after extraction: their version names the
	// extractor's, which saves loading its models just to learn it.
	version, err := s.StoriesVersion(ctx)
	if err != nil {
		return err
	}
	extractor, ok := strings.CutPrefix(version, story.Version+"+")
	if !ok {
		return fmt.Errorf("%s: stories made by %q, not by this storyline", db, version)
	}
	start := time.Now()
	r, err := pipeline.Stories(ctx, s, extractor, true)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(storiesRow{Reports: r.Changed, Stories: r.Told, Seconds: time.Since(start).Seconds()})
}

// addReports stores the next increment reports after the first n in the
// store at db, extracts them and brings the stories up to date, timing
// extraction and the story update apart.
func addReports(ctx context.Context, db string, n int, stdout io.Writer) error {
	s, err := store.Open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	var total int64
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	if _, err := pipeline.Ingest(ctx, synthetic{first: n, n: increment, bytes: &total}, s, nil, []string{"synthetic"}, logf, nil); err != nil {
		return err
	}
	x, err := nlp.New()
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := pipeline.Extract(ctx, s, x, false, logf); err != nil {
		return err
	}
	extracted := time.Since(start).Seconds()
	start = time.Now()
	r, err := pipeline.Stories(ctx, s, x.Version(), false)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(storiesRow{Reports: r.Changed, Stories: r.Told,
		Seconds: time.Since(start).Seconds(), ExtractSeconds: extracted})
}

// syntheticStore stores n synthetic articles in a new store at path, as
// ingest would without extraction, and returns the bytes of text written.
func syntheticStore(ctx context.Context, path string, n int) (int64, error) {
	s, err := store.Open(path)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	var total int64
	report, err := pipeline.Ingest(ctx, synthetic{n: n, bytes: &total}, s, nil, []string{"synthetic"},
		func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }, nil)
	if err != nil {
		return 0, err
	}
	if failed := report.Failed(); failed > 0 {
		return 0, fmt.Errorf("%d synthetic articles failed", failed)
	}
	return total, nil
}
