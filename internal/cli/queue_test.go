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
	"strconv"
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

// queuedRun is a queued ingest under test: a loopback site of many small
// stories, its pages listed in a file, a NATS server, a store.
type queuedRun struct {
	t          *testing.T
	ingest     string // the ingest command
	srv        *natstest.Server
	q          *queue.Queue
	db         string
	urlFile    string
	pages      int
	workerArgs []string
}

func newQueuedRun(t *testing.T, pages int) *queuedRun {
	ingestBin, _ := commands(t)
	site := httptest.NewServer(testsite.Site{N: pages, Page: smallStories}.Handler())
	t.Cleanup(site.Close)
	dir := t.TempDir()
	var urls strings.Builder
	for i := range pages {
		fmt.Fprintf(&urls, "%s/story/%d\n", site.URL, i)
	}
	r := &queuedRun{t: t, ingest: ingestBin, srv: natstest.Start(t), db: filepath.Join(dir, "news.db"),
		urlFile: filepath.Join(dir, "urls.txt"), pages: pages}
	if err := os.WriteFile(r.urlFile, []byte(urls.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	q, err := queue.Open(context.Background(), r.srv.URL(), queue.Config{AckWait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(q.Close)
	r.q = q
	r.workerArgs = []string{"-worker", "-queue", r.srv.URL(), "-db", r.db, "-delay", "0", "-per-host", "16", "-ack-wait", "2s"}
	return r
}

// publish queues every page, as ingest -queue does.
func (r *queuedRun) publish() {
	r.t.Helper()
	var stderr bytes.Buffer
	if status := Ingest(context.Background(), []string{"-queue", r.srv.URL(), "-urls", r.urlFile}, &bytes.Buffer{}, &stderr, IngestOptions{}); status != exitOK {
		r.t.Fatalf("ingest -queue = %d:\n%s", status, stderr.String())
	}
	if want := fmt.Sprintf("%d sources queued", r.pages); !strings.Contains(stderr.String(), want) {
		r.t.Fatalf("ingest -queue said %q, want %q", stderr.String(), want)
	}
}

// worker starts a worker process that writes its stderr to out.
func (r *queuedRun) worker(out *syncBuffer) *exec.Cmd {
	r.t.Helper()
	cmd := exec.Command(r.ingest, r.workerArgs...)
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	return cmd
}

// settle waits until the work is done and the stories of the worker
// writing to out are up to date, then stops it with Ctrl-C.
func (r *queuedRun) settle(cmd *exec.Cmd, out *syncBuffer, within time.Duration) {
	r.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(within)
	for n, err := r.q.Pending(ctx); n != (queue.Backlog{}) || err != nil; n, err = r.q.Pending(ctx) {
		if time.Now().After(deadline) {
			r.t.Fatalf("%+v still queued (%v); the worker said:\n%s", n, err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The stories follow the extractions after a quiet moment: wait until
	// they were brought up to date and no update followed for a while.
	updates := func() int { return strings.Count(out.String(), "worker: stories up to date") }
	for seen, since := updates(), time.Now(); seen == 0 || time.Since(since) < 6*time.Second; {
		if time.Now().After(deadline) {
			r.t.Fatalf("no story update; the worker said:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
		if n := updates(); n != seen {
			seen, since = n, time.Now()
		}
	}
	stopped := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		r.t.Errorf("the worker stopped with %v, want status 0:\n%s", err, out.String())
	}
	if d := time.Since(stopped); d > 5*time.Second {
		r.t.Errorf("the worker took %v to stop", d)
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
	r := newQueuedRun(t, pages)
	_, extractBin := commands(t)
	r.publish()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 16))
	var logs []string
	for k := range kills {
		out := &syncBuffer{}
		cmd := r.worker(out)
		life := time.Duration(1000+rng.IntN(5000)) * time.Millisecond
		if k == 2 {
			// The server goes away and comes back while the worker runs.
			time.Sleep(life / 2)
			r.srv.Restart(300 * time.Millisecond)
			time.Sleep(life / 2)
		} else {
			time.Sleep(life)
		}
		cmd.Process.Kill()
		cmd.Wait()
		left, _ := r.q.Pending(ctx)
		t.Logf("worker %d killed after %v; backlog %+v", k+1, life, left)
		logs = append(logs, out.String())
	}
	out := &syncBuffer{}
	last := r.worker(out)
	defer last.Process.Kill()
	r.settle(last, out, 5*time.Minute)
	t.Logf("last worker:\n%s", out.String())
	for i, l := range append(logs, out.String()) {
		if strings.Contains(l, "panic") || strings.Contains(l, queue.DeadStream) {
			t.Errorf("worker %d:\n%s", i+1, l)
		}
	}

	articles, extractions := verifyStore(t, r.db)
	if articles != pages || extractions != pages {
		t.Errorf("%d articles, %d current extractions, want %d of each", articles, extractions, pages)
	}
	stories, err := exec.Command(extractBin, "stories", "-db", r.db).CombinedOutput()
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
	if n, err := r.q.Accepted(ctx); err != nil || n != 2*pages {
		t.Errorf("the work stream took %d messages (%v), want %d: a source and an extraction per report", n, err, 2*pages)
	}
	if n, err := r.q.DeadLetters(ctx); err != nil || n != 0 {
		t.Errorf("%d dead letters (%v), want none", n, err)
	}
}

// TestQueueThroughput compares, in one run, an ingest in one process with
// a queued one and one worker process (STORYLINE_QUEUE_BENCH=1; the pages
// as STORYLINE_QUEUE_BENCH_PAGES, 2000 by default).
func TestQueueThroughput(t *testing.T) {
	if os.Getenv("STORYLINE_QUEUE_BENCH") == "" {
		t.Skip("a measurement: STORYLINE_QUEUE_BENCH=1 runs it")
	}
	pages := 2000
	if n, err := strconv.Atoi(os.Getenv("STORYLINE_QUEUE_BENCH_PAGES")); err == nil {
		pages = n
	}
	r := newQueuedRun(t, pages)
	start := time.Now()
	cmd := exec.Command(r.ingest, "-db", filepath.Join(t.TempDir(), "inprocess.db"), "-delay", "0", "-per-host", "16", "-urls", r.urlFile)
	stderr, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ingest: %v\n%s", err, stderr)
	}
	inProcess := time.Since(start)
	t.Logf("in one process: %v, %.0f reports/s\n%s", inProcess.Round(time.Millisecond), float64(pages)/inProcess.Seconds(), stderr)

	start = time.Now()
	r.publish()
	published := time.Since(start)
	out := &syncBuffer{}
	w := r.worker(out)
	defer w.Process.Kill()
	r.settle(w, out, 10*time.Minute)
	queued := time.Since(start) - 6*time.Second // settle's wait for quiet stories
	t.Logf("queued, one worker: %v (publishing %v), %.0f reports/s; %.2f of the time in one process\n%s",
		queued.Round(time.Millisecond), published.Round(time.Millisecond), float64(pages)/queued.Seconds(), queued.Seconds()/inProcess.Seconds(), out.String())
}

// smallStories is report i of a site that tells many small stories, five
// reports each, a day apart, in English: a realistic load for the story
// stage, where testsite.Story's reports all tell one (whose grouping takes
// minutes).
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
	for range 60 {
		filler = append(filler, englishWords[words.IntN(len(englishWords))])
	}
	return testsite.Article{
		Title:     fmt.Sprintf("%s %s meets %s %s over %s", a, b, c, d, topic),
		Published: time.Date(2022, 1, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, g),
		Paragraphs: []string{
			fmt.Sprintf("%s %s met %s %s on Tuesday to discuss the %s accord, report %d says.", a, b, c, d, topic, i),
			"The officials said that " + strings.Join(filler[:30], " ") + ".",
			"They added that " + strings.Join(filler[30:], " ") + ".",
		},
	}
}

// englishWords make filler that the language check reads as English, so
// that every report is extracted.
var englishWords = strings.Fields(`the talks would continue next week after a long meeting in
	the capital where delegates discussed trade security and future of region with
	their partners while other members of government asked for more time to study
	new proposals on energy prices water rights border crossings and aid for families
	who lost homes during winter storms that hit several towns along coast`)

var syllableWords = []string{"ka", "lo", "mi", "ne", "ro", "sa", "tu", "vi", "da", "pe", "zo", "gri", "ban", "tel", "mor", "qua"}
