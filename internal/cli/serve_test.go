package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storyline/storyline/store"
	"github.com/storyline/storyline/store/storetest"
)

// generated writes n news-like reports as a JSON Lines corpus, in stories
// of ten: each story has its own two people, country, city and week, so
// that the reports group into stories as a crawl's would. Report i is the
// same in every run.
func generated(t *testing.T, n int) string {
	t.Helper()
	given := strings.Fields("John Maria David Anna Michael Sarah James Laura Robert Elena Peter Olga Ahmed Fatima Omar Leila Carlos Ana Juan Sofia")
	surnames := strings.Fields("Halvorsen Okafor Lindqvist Moreau Tanaka Petrov Haddad Novak Alvarez Schmidt Kowalski Mensah Duarte Larsen Nakamura Rossi Ibrahim Varga Costa Berger")
	countries := strings.Fields("Kenya Peru Norway Poland Ghana Chile Spain Egypt Indonesia Vietnam")
	cities := strings.Fields("Nairobi Lima Oslo Warsaw Accra Santiago Madrid Cairo Jakarta Hanoi")
	topics := []string{"a trade agreement", "fishing rights", "a new railway", "water sharing", "energy prices", "a border crossing"}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range n {
		story := i / 10
		r := rand.New(rand.NewPCG(uint64(story), 7))
		a := given[r.IntN(len(given))] + " " + surnames[r.IntN(len(surnames))]
		b := given[r.IntN(len(given))] + " " + surnames[r.IntN(len(surnames))]
		c := r.IntN(len(countries))
		topic := topics[r.IntN(len(topics))]
		day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 2*story+i%10/4)
		text := fmt.Sprintf("%s and %s discuss %s in %s\n"+
			"%s met %s in %s on %s to discuss %s, officials in %s said. "+
			"The talks between %s and the delegation from %s lasted two days, report %d of the talks says. "+
			"%s told reporters that %s would meet again next month.",
			a, b, topic, cities[c], a, b, cities[c], day.Format("2 January 2006"), topic, countries[c],
			a, countries[(c+1)%len(countries)], i, b, a)
		enc.Encode(map[string]string{"id": fmt.Sprintf("gen-%04d", i), "title": strings.SplitN(text, "\n", 2)[0],
			"text": text, "published": day.AddDate(0, 0, 1).Format(time.DateOnly), "source": "Generated"})
	}
	path := filepath.Join(t.TempDir(), "generated.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// startServe runs serve in-process on a free loopback port and returns its
// base URL and a function that stops it and returns its exit status.
func startServe(t *testing.T, args ...string) (base string, stop func() int, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	done := make(chan int, 1)
	stderr = &syncBuffer{}
	go func() {
		done <- Serve(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), io.Discard, stderr,
			ServeOptions{Listening: func(a net.Addr) { addr <- a }})
	}()
	select {
	case a := <-addr:
		base = "http://" + a.String()
	case code := <-done:
		cancel()
		t.Fatalf("serve ended with status %d before listening:\n%s", code, stderr)
	}
	var once sync.Once
	status := 0
	stop = func() int {
		once.Do(func() {
			cancel()
			status = <-done
		})
		return status
	}
	t.Cleanup(func() { stop() })
	return base, stop, stderr
}

// syncBuffer is a bytes.Buffer that goroutines may write at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// listed is a story of /api/stories.
type listed struct {
	ID string `json:"story"`
}

type ingestState struct {
	Running bool
	Runs    int
	Last    *struct {
		New, Failed int
		Error       string
	}
}

// TestServeWhileIngesting: serve runs an ingest of 1,000 reports (150
// with -short) while 8 clients read its pages and API without a pause;
// no request fails, and the new reports and their stories appear.
func TestServeWhileIngesting(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 150
	}
	db := filepath.Join(t.TempDir(), "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	if r := ingest(t, "-db", db, fixtureFile(t, "docs.jsonl")); r.code != 0 {
		t.Fatalf("ingest of the fixtures: status %d\n%s", r.code, r.stderr)
	}
	corpus := generated(t, n)
	base, stop, stderr := startServe(t, "-db", db, corpus)

	var stories struct{ Stories []listed }
	getJSON(t, base+"/api/stories", &stories)
	if len(stories.Stories) != 1 {
		t.Fatalf("%d stories before the ingest, want the fixtures' 1", len(stories.Stories))
	}
	paths := []string{"/", "/api/stories", "/stories/" + stories.Stories[0].ID, "/api/stories/" + stories.Stories[0].ID,
		"/reports/000_69aa844a4afd86f8", "/api/articles/001_aa6b1db065f18728", "/people/Sergey%20Lavrov", "/api/ingest"}
	var requests, failed atomic.Int64
	var firstFailure atomic.Value
	stopClients := make(chan struct{})
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Go(func() {
			for i := c; ; i++ {
				select {
				case <-stopClients:
					return
				default:
				}
				p := paths[i%len(paths)]
				resp, err := http.Get(base + p)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				requests.Add(1)
				if err != nil {
					failed.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("GET %s: %v", p, err))
				}
			}
		})
	}

	resp, err := http.Post(base+"/api/ingest", "", nil)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /api/ingest: %v %v", resp, err)
	}
	resp.Body.Close()
	before := requests.Load()
	deadline := time.Now().Add(10 * time.Minute)
	var st ingestState
	for getJSON(t, base+"/api/ingest", &st); st.Runs == 0; getJSON(t, base+"/api/ingest", &st) {
		if time.Now().After(deadline) {
			t.Fatalf("the ingest did not end in 10 minutes:\n%s", stderr)
		}
		time.Sleep(200 * time.Millisecond)
	}
	during := requests.Load() - before
	close(stopClients)
	wg.Wait()

	if f := failed.Load(); f > 0 {
		t.Errorf("%d of %d requests failed while ingesting; the first: %v", f, requests.Load(), firstFailure.Load())
	}
	if during < 8 {
		t.Errorf("only %d requests were answered during the ingest", during)
	}
	if st.Last == nil || st.Last.New != n || st.Last.Failed != 0 || st.Last.Error != "" {
		t.Fatalf("ingest did %+v, want %d new:\n%s", st.Last, n, stderr)
	}
	var a struct{ Title, Story string }
	getJSON(t, base+fmt.Sprintf("/api/articles/gen-%04d", n-1), &a)
	if a.Title == "" || a.Story == "" {
		t.Fatalf("the last new report is %+v: want its title and story", a)
	}
	getJSON(t, base+"/api/stories", &stories)
	if !slices.Contains(stories.Stories, listed{a.Story}) {
		t.Errorf("the story of the last new report, %s, is not among the %d listed", a.Story, len(stories.Stories))
	}
	t.Logf("%d requests, %d during the ingest of %d reports", requests.Load(), during, n)
	if code := stop(); code != 0 {
		t.Errorf("serve ended with status %d:\n%s", code, stderr)
	}
}

// TestServeFlags: serve listens on loopback unless -addr names another
// host, and needs sources for a schedule.
func TestServeFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "news.db")
	for _, tc := range []struct {
		args []string
		want int
		says string
	}{
		{[]string{"-addr", ":8080", "-db", db}, exitUsage, "host named"},
		{[]string{"-addr", "nonsense", "-db", db}, exitUsage, "host named"},
		{[]string{"-every", "1h", "-db", db}, exitUsage, "needs SOURCEs"},
		{[]string{"-addr", "127.0.0.1:0", "-db", db}, exitFailed, "run ingest first"},
	} {
		var stderr bytes.Buffer
		got := Serve(context.Background(), tc.args, io.Discard, &stderr, ServeOptions{})
		if got != tc.want || !strings.Contains(stderr.String(), tc.says) {
			t.Errorf("serve %v = %d, %q; want %d saying %q", tc.args, got, stderr.String(), tc.want, tc.says)
		}
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestServeSchedule: with -every, serve ingests its sources at once, and
// the pages then show what it ingested.
func TestServeSchedule(t *testing.T) {
	db := filepath.Join(t.TempDir(), "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	base, stop, stderr := startServe(t, "-db", db, "-every", "1h", fixtureFile(t, "docs.jsonl"))
	var st ingestState
	deadline := time.Now().Add(5 * time.Minute)
	for getJSON(t, base+"/api/ingest", &st); st.Runs == 0; getJSON(t, base+"/api/ingest", &st) {
		if time.Now().After(deadline) {
			t.Fatalf("no ingest in 5 minutes:\n%s", stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var stories struct{ Stories []listed }
	getJSON(t, base+"/api/stories", &stories)
	if st.Last == nil || st.Last.New != 5 || len(stories.Stories) != 1 {
		t.Errorf("after the first scheduled run: %+v and %d stories, want 5 new reports in 1 story", st.Last, len(stories.Stories))
	}
	if code := stop(); code != 0 {
		t.Errorf("serve ended with status %d:\n%s", code, stderr)
	}
}

// TestServeWhileAnotherWrites: serve with sources is the store's writer;
// while another process writes, it says so and what to do instead.
func TestServeWhileAnotherWrites(t *testing.T) {
	db := filepath.Join(t.TempDir(), "news.db")
	held, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	var stderr bytes.Buffer
	code := Serve(context.Background(), []string{"-db", db, "-addr", "127.0.0.1:0", fixtureFile(t, "docs.jsonl")}, io.Discard, &stderr, ServeOptions{})
	if code != exitFailed || !strings.Contains(stderr.String(), "let serve run the ingests") {
		t.Errorf("serve on a store in use = %d, %q; want %d and how to serve while ingesting", code, stderr.String(), exitFailed)
	}
}
