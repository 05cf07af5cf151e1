package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/testsite"
	"github.com/storyline/storyline/store/postgres"
)

// These tests run the real commands as child processes and kill, interrupt
// or race them. They build the commands once per test binary.

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func commands(t *testing.T) (ingestBin, extractBin string) {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "storyline-bin-")
		if buildErr != nil {
			return
		}
		for _, name := range []string{"ingest", "extract"} {
			out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, name), "github.com/storyline/storyline/cmd/"+name).CombinedOutput()
			if err != nil {
				buildErr = fmt.Errorf("go build %s: %v\n%s", name, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, "ingest"), filepath.Join(binDir, "extract")
}

// newsSite serves n distinct article pages listed in /sitemap.xml, each
// after delay, in the revision that *revision holds (nil: 0).
func newsSite(t *testing.T, n int, delay time.Duration, revision ...*atomic.Int64) *httptest.Server {
	t.Helper()
	site := testsite.Site{N: n, Delay: delay, Page: func(i int) testsite.Article {
		rev := int64(0)
		if len(revision) > 0 {
			rev = revision[0].Load()
		}
		return testsite.Story(i, rev)
	}}
	srv := httptest.NewServer(site.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// verifyStore checks a store after a kill: bbolt's consistency check, every
// article whole, every extraction whole and either made from its article's
// text or stale (made from an earlier revision, to be made again). It
// returns the number of articles and of current extractions.
func verifyStore(t *testing.T, db string) (articles, extractions int) {
	t.Helper()
	ctx := context.Background()
	if _, err := os.Stat(db); os.IsNotExist(err) && !postgres.IsURL(db) {
		return 0, 0 // killed before the store was created
	}
	s, err := openStore(ctx, db, forReading)
	if errors.Is(err, postgres.ErrNoStore) {
		return 0, 0 // killed before the store was created
	}
	if err != nil {
		t.Fatalf("open store after kill: %v", err)
	}
	defer s.Close()
	// bbolt's consistency check; a database checks its own pages.
	if c, ok := s.(interface{ Check(context.Context) error }); ok {
		if err := c.Check(ctx); err != nil {
			t.Fatalf("consistency check after kill: %v", err)
		}
	}
	err = s.ForEach(ctx, func(a *storyline.Article, x *storyline.Extraction) error {
		articles++
		if a.Text == "" || a.Title == "" || a.Published.IsZero() || a.ContentHash() != a.Hash {
			t.Errorf("article %s is not whole: title %q, published %v", a.ID, a.Title, a.Published)
		}
		if x != nil && x.ArticleHash == a.Hash {
			extractions++
			if x.Version == "" {
				t.Errorf("extraction of %s has no version", a.ID)
			}
			for _, e := range x.Entities {
				if e.End > len(a.Text) || a.Text[e.Start:e.End] != e.Text {
					t.Errorf("extraction of %s: entity %+v off its text", a.ID, e)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return articles, extractions
}

// killAt starts cmd, kills it with SIGKILL after d, and waits for it.
func killAt(t *testing.T, cmd *exec.Cmd, d time.Duration) (finished bool) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return false
	}
}

func TestKilledIngestLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes for a minute (run without -short)")
	}
	killIngests(t, filepath.Join(t.TempDir(), "news.db"), 22, 6)
}

// killIngests kills real ingests into the store db ingestKills times, and
// extract runs extractKills times, checking the store after each kill, and
// then that a last run leaves every article stored once and extracted.
func killIngests(t *testing.T, db string, ingestKills, extractKills int) {
	const pages = 300
	ingestBin, extractBin := commands(t)
	// Each round serves a new revision of every page, so that every run has
	// all of its writes and extractions to do when it is killed.
	var revision atomic.Int64
	srv := newsSite(t, pages, 0, &revision)
	ingestArgs := []string{"-db", db, "-delay", "0", "-per-host", "4", srv.URL + "/sitemap.xml"}
	rng := rand.New(rand.NewPCG(2026, 11))
	// One run to the end says how long a run takes, so that every kill can
	// land mid-work however fast the machine or the extraction is.
	revision.Store(-1)
	start := time.Now()
	if out, err := exec.Command(ingestBin, ingestArgs...).CombinedOutput(); err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	took := time.Since(start)
	window := max(took*2/3, 100*time.Millisecond)
	t.Logf("a whole run took %v: kills land in its first %v", took.Round(time.Millisecond), window.Round(time.Millisecond))
	killed := 0
	for k := range ingestKills {
		revision.Store(int64(k))
		d := 30*time.Millisecond + time.Duration(rng.Int64N(int64(window)))
		if killAt(t, exec.Command(ingestBin, ingestArgs...), d) {
			continue // finished before its kill
		}
		killed++
		a, x := verifyStore(t, db)
		t.Logf("ingest kill %2d at %4dms: %3d articles, %3d current extractions, consistent", k+1, d.Milliseconds(), a, x)
	}
	if killed < ingestKills-2 {
		t.Errorf("only %d of %d ingest runs were killed before finishing", killed, ingestKills)
	}
	out, err := exec.Command(ingestBin, ingestArgs...).CombinedOutput()
	if err != nil {
		t.Fatalf("rerun after kills: %v\n%s", err, out)
	}
	if a, x := verifyStore(t, db); a != pages || x != pages {
		t.Fatalf("after the rerun: %d articles and %d extractions, want %d of each", a, x, pages)
	}

	// Re-extraction killed midway leaves every extraction whole too.
	for k := range extractKills {
		d := 30*time.Millisecond + time.Duration(rng.Int64N(int64(window)))
		finished := killAt(t, exec.Command(extractBin, "run", "-db", db, "-all"), d)
		a, x := verifyStore(t, db)
		t.Logf("extract run -all kill %d at %4dms (finished: %v): %d articles, %d extractions, consistent", k+1, d.Milliseconds(), finished, a, x)
	}
	if out, err := exec.Command(extractBin, "run", "-db", db).CombinedOutput(); err != nil {
		t.Fatalf("extract run after kills: %v\n%s", err, out)
	}
	if a, x := verifyStore(t, db); a != pages || x != pages {
		t.Errorf("at the end: %d articles and %d extractions, want %d of each", a, x, pages)
	}
	dump, err := exec.Command(extractBin, "dump", "-db", db).Output()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, a := range readDump(t, string(dump)) {
		if ids[a.ID] || a.DuplicateOf != "" {
			t.Errorf("article %s stored twice or taken for a copy", a.ID)
		}
		ids[a.ID] = true
	}
}

func TestInterruptStopsCleanly(t *testing.T) {
	ingestBin, _ := commands(t)
	// Pages are counted as they are served, so that the interrupt lands
	// midway however slowly a loaded machine starts the command.
	var served atomic.Int64
	site := testsite.Site{N: 200, Delay: 20 * time.Millisecond, Page: func(i int) testsite.Article {
		served.Add(1)
		return testsite.Story(i, 0)
	}}
	srv := httptest.NewServer(site.Handler())
	t.Cleanup(srv.Close)
	db := filepath.Join(t.TempDir(), "news.db")
	cmd := exec.Command(ingestBin, "-db", db, "-delay", "0", srv.URL+"/sitemap.xml")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for served.Load() < 200+30 && time.Since(start) < time.Minute { // the sitemap asks for all 200 first
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	exit, ok := err.(*exec.ExitError)
	if !ok || exit.ExitCode() != 130 {
		t.Fatalf("ingest after SIGINT: %v, want exit status 130\n%s", err, stderr.String())
	}
	// One summary accounts for every entry of the sitemap: collected,
	// failed, cut short or not started, exactly.
	m := regexp.MustCompile(`ingest: interrupted; (\d+) collected, (\d+) extracted, (\d+) failed, (\d+) cut short, (\d+) not started \(`).
		FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("stderr does not say how far it got:\n%s", stderr.String())
	}
	n := make([]int, len(m))
	for i := 1; i < len(m); i++ {
		n[i], _ = strconv.Atoi(m[i])
	}
	collected, extracted, failed, cut, notStarted := n[1], n[2], n[3], n[4], n[5]
	if sum := collected + failed + cut + notStarted; sum != 200 || notStarted == 0 {
		t.Errorf("%d collected + %d failed + %d cut short + %d not started = %d, want 200 with some not started", collected, failed, cut, notStarted, sum)
	}
	a, x := verifyStore(t, db)
	if a == 0 || a == 200 {
		t.Errorf("%d articles stored when interrupted midway", a)
	}
	if x != a || a != collected || x != extracted {
		t.Errorf("%d articles stored, %d of them extracted, summary %d collected, %d extracted: an interrupted ingest extracts what it stored, and says so", a, x, collected, extracted)
	}
	t.Logf("interrupted after %v: %d of 200 articles stored, %d extracted, exit 130:\n%s", time.Since(start).Round(time.Millisecond), a, x, stderr.String())
}

// TestSecondWriterIsTurnedAway: while one ingest holds the store, a second
// ingest, 'extract run' and 'extract dump' each exit 1 saying the store is
// in use, rather than wait for the lock. The first ingest holds the store
// for as long as the test needs it, whatever the machine's load: its pages
// do not answer until it is killed. Only a hang is bounded, generously.
func TestSecondWriterIsTurnedAway(t *testing.T) {
	ingestBin, extractBin := commands(t)
	site := newsSite(t, 20, 0)
	fetching := make(chan struct{})
	var once sync.Once
	held := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/story/") {
			site.Config.Handler.ServeHTTP(w, r) // robots.txt, the sitemap
			return
		}
		// The store is open by now: ingest opens it before fetching. The
		// page never comes; the ingest waits holding the store.
		once.Do(func() { close(fetching) })
		<-r.Context().Done()
	}))
	t.Cleanup(held.Close)
	db := filepath.Join(t.TempDir(), "news.db")
	first := exec.Command(ingestBin, "-db", db, "-delay", "0", "-timeout", "10m", "-retries", "0", held.URL+"/sitemap.xml")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { first.Process.Kill(); first.Wait() }()
	const hang = 2 * time.Minute // no limit on speed: only a process that never ends
	select {
	case <-fetching:
	case <-time.After(hang):
		t.Fatal("the first ingest never asked for a page")
	}
	for _, args := range [][]string{
		{ingestBin, "-db", db, site.URL + "/story/1"},
		{extractBin, "run", "-db", db},
		{extractBin, "dump", "-db", db},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), hang)
		start := time.Now()
		out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
		cancel()
		if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 || !strings.Contains(string(out), "in use by another storyline process") {
			t.Errorf("%s while another process writes: %v\n%s", filepath.Base(args[0]), err, out)
		}
		t.Logf("%s %s turned away after %v: %s", filepath.Base(args[0]), args[1], time.Since(start).Round(time.Millisecond), strings.TrimSpace(string(out)))
	}
}
