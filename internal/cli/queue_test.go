package cli

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/storyline/storyline/internal/natstest"
	"github.com/storyline/storyline/internal/testsite"
	"github.com/storyline/storyline/pipeline/queue"
)

func TestQueueFlagsNeedEachOther(t *testing.T) {
	for _, args := range [][]string{
		{"-worker"}, // no queue
		{"-worker", "-queue", "nats://x", "page.html"}, // a worker takes no source
		{"-queue", "nats://x"},                         // nothing to publish
	} {
		var stderr bytes.Buffer
		if status := Ingest(context.Background(), args, &bytes.Buffer{}, &stderr, IngestOptions{}); status != exitUsage {
			t.Errorf("ingest %q = %d, want %d (usage); stderr:\n%s", args, status, exitUsage, stderr.String())
		}
	}
}

// TestQueuedIngestSurvivesKilledWorkers is issue 16's fault target: a
// queued ingest of 2,000 reports from a loopback site, the worker killed
// with SIGKILL ten times at random moments and the NATS server restarted
// once mid-run; afterwards every report is stored once and extracted from
// its stored text, nothing is left queued or dead, and the stories are
// current. bbolt admits one process at a time, so the workers follow one
// another.
func TestQueuedIngestSurvivesKilledWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("kills worker processes for a minute or two (run without -short)")
	}
	const pages, kills = 2000, 10
	ingestBin, extractBin := commands(t)
	site := httptest.NewServer(testsite.Site{N: pages, Page: smallStories}.Handler())
	defer site.Close()
	srv := natstest.Start(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "news.db")
	var urls strings.Builder
	for i := range pages {
		fmt.Fprintf(&urls, "%s/story/%d\n", site.URL, i)
	}
	urlFile := filepath.Join(dir, "urls.txt")
	if err := os.WriteFile(urlFile, []byte(urls.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var stderr bytes.Buffer
	if status := Ingest(ctx, []string{"-queue", srv.URL(), "-urls", urlFile}, &bytes.Buffer{}, &stderr, IngestOptions{}); status != exitOK {
		t.Fatalf("ingest -queue = %d:\n%s", status, stderr.String())
	}
	if want := fmt.Sprintf("%d sources queued", pages); !strings.Contains(stderr.String(), want) {
		t.Fatalf("ingest -queue said %q, want %q", stderr.String(), want)
	}
	worker := func(out *syncBuffer) *exec.Cmd {
		cmd := exec.Command(ingestBin, "-worker", "-queue", srv.URL(), "-db", db,
			"-delay", "0", "-per-host", "16", "-ack-wait", "2s")
		cmd.Stderr = out
		return cmd
	}
	q, err := queue.Open(ctx, srv.URL(), queue.Config{AckWait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 16))
	var logs []string
	for k := range kills {
		out := &syncBuffer{}
		cmd := worker(out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		life := time.Duration(1000+rng.IntN(5000)) * time.Millisecond
		if k == 2 {
			// The server goes away and comes back while the worker runs.
			time.Sleep(life / 2)
			srv.Restart(300 * time.Millisecond)
			time.Sleep(life / 2)
		} else {
			time.Sleep(life)
		}
		cmd.Process.Kill()
		cmd.Wait()
		left, _ := q.Pending(ctx)
		t.Logf("worker %d killed after %v; backlog %+v", k+1, life, left)
		logs = append(logs, out.String())
	}

	out := &syncBuffer{}
	last := worker(out)
	if err := last.Start(); err != nil {
		t.Fatal(err)
	}
	defer last.Process.Kill()
	deadline := time.Now().Add(5 * time.Minute)
	for n, err := q.Pending(ctx); n != (queue.Backlog{}) || err != nil; n, err = q.Pending(ctx) {
		if time.Now().After(deadline) {
			t.Fatalf("%+v still queued (%v); last worker:\n%s", n, err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The stories follow the extractions after a quiet moment: wait until
	// they were brought up to date and no update followed for a while.
	updates := func() int { return strings.Count(out.String(), "worker: stories up to date") }
	for seen, since := updates(), time.Now(); seen == 0 || time.Since(since) < 6*time.Second; {
		if time.Now().After(deadline) {
			t.Fatalf("no story update; last worker:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
		if n := updates(); n != seen {
			seen, since = n, time.Now()
		}
	}
	stopped := time.Now()
	last.Process.Signal(syscall.SIGINT)
	if err := last.Wait(); err != nil {
		t.Errorf("the worker stopped with %v, want status 0:\n%s", err, out.String())
	}
	if d := time.Since(stopped); d > 5*time.Second {
		t.Errorf("the worker took %v to stop", d)
	}
	t.Logf("last worker:\n%s", out.String())
	for i, l := range logs {
		if strings.Contains(l, "panic") || strings.Contains(l, "dead letters") {
			t.Errorf("worker %d:\n%s", i+1, l)
		}
	}

	articles, extractions := verifyStore(t, db)
	if articles != pages || extractions != pages {
		t.Errorf("%d articles, %d current extractions, want %d of each", articles, extractions, pages)
	}
	stories, err := exec.Command(extractBin, "stories", "-db", db).CombinedOutput()
	if err != nil {
		t.Fatalf("extract stories: %v\n%s", err, stories)
	}
	for _, stale := range []string{"stale", "in no story yet", "no stories yet"} {
		if strings.Contains(string(stories), stale) {
			t.Errorf("extract stories says %q after the queued ingest", stale)
		}
	}
	// Fetches were done again after the kills, and stored their articles
	// again (unchanged), but de-duplication queued one extraction each.
	if n, err := q.Accepted(ctx); err != nil || n != 2*pages {
		t.Errorf("the work stream took %d messages (%v), want %d: a source and an extraction per report", n, err, 2*pages)
	}
	if n, err := q.DeadLetters(ctx); err != nil || n != 0 {
		t.Errorf("%d dead letters (%v), want none", n, err)
	}
}

// smallStories is report i of a site that tells many small stories, five
// reports each, a day apart: a realistic load for the story stage, where
// testsite.Story's reports all tell one (its grouping is the slow part).
func smallStories(i int) testsite.Article {
	g := i / 5
	rng := rand.New(rand.NewPCG(uint64(g), 5))
	name := func() string {
		n := ""
		for range 2 + rng.IntN(2) {
			n += syllableWords[rng.IntN(len(syllableWords))]
		}
		return strings.ToUpper(n[:1]) + n[1:]
	}
	a, b, c, d, topic := name(), name(), name(), name(), name()
	words := rand.New(rand.NewPCG(uint64(i), 9))
	var filler []string
	for range 120 {
		filler = append(filler, syllableWords[words.IntN(len(syllableWords))]+syllableWords[words.IntN(len(syllableWords))])
	}
	return testsite.Article{
		Title:     fmt.Sprintf("%s %s meets %s %s over %s", a, b, c, d, topic),
		Published: time.Date(2022, 1, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, g),
		Paragraphs: []string{
			fmt.Sprintf("%s %s met %s %s on Tuesday to discuss the %s accord, report %d says.", a, b, c, d, topic, i),
			strings.Join(filler[:60], " ") + ".",
			strings.Join(filler[60:], " ") + ".",
		},
	}
}

var syllableWords = []string{"ka", "lo", "mi", "ne", "ro", "sa", "tu", "vi", "da", "pe", "zo", "gri", "ban", "tel", "mor", "qua"}
