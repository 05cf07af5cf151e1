package cli

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/storyline/storyline/internal/testsite"
	"github.com/storyline/storyline/pipeline/collect"
	"github.com/storyline/storyline/store"
)

func TestProgressText(t *testing.T) {
	tests := []struct {
		done, failed, expected int
		elapsed                time.Duration
		want                   string
	}{
		{0, 0, 181, time.Second, "ingest: 0 done, 0 failed, 0.0/s"},
		{50, 1, 200, 10 * time.Second, "ingest: 50 of 200 done, 1 failed, 5.0/s, about 30s left"},
		{10, 0, 5000, 10 * time.Second, "ingest: 10 of 5000 done, 0 failed, 1.0/s, about 1h23m0s left"},
		{200, 0, 200, 10 * time.Second, "ingest: 200 done, 0 failed, 20.0/s"},
		// A JSON Lines file counted as it is read: no total to show.
		{300, 2, 120, 10 * time.Second, "ingest: 300 done, 2 failed, 30.0/s"},
	}
	for _, tc := range tests {
		s := &statusLine{done: tc.done, failed: tc.failed, expected: tc.expected}
		if got := s.text(tc.elapsed); got != tc.want {
			t.Errorf("text(%d, %d, %d after %v) = %q, want %q", tc.done, tc.failed, tc.expected, tc.elapsed, got, tc.want)
		}
	}
}

// In a log, a line every logEvery, with the total and the time left.
func TestProgressInALog(t *testing.T) {
	var buf bytes.Buffer
	s := newStatusLine(&buf)
	s.start = time.Now().Add(-logEvery - time.Second)
	s.progress(11, 0, 22)
	s.progress(12, 0, 22) // within logEvery of the last line: nothing
	if got, want := buf.String(), "ingest: 11 of 22 done, 0 failed, 1.0/s, about 11s left\n"; got != want {
		t.Errorf("log = %q, want %q", got, want)
	}
}

// The total that progress shows is the number of results the run gives:
// feeds, sitemaps, directories and JSON Lines files say what they add,
// inputs listed twice what they take away.
func TestExpectedResultsAddUp(t *testing.T) {
	fixtures, _ := serveFixtures(t)
	site := httptest.NewServer(testsite.Site{N: 30, Page: func(i int) testsite.Article { return testsite.Story(i, 0) }}.Handler())
	t.Cleanup(site.Close)
	corpus := hostileCorpus(t)
	s, err := store.Open(filepath.Join(t.TempDir(), "news.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sources := []string{corpus, fixtures.URL + "/feed.xml", site.URL + "/sitemap.xml", site.URL + "/sitemap.xml",
		fixtures.URL + "/feed.xml", filepath.Join(corpus, "bom.txt"), "www.example.com"}
	// -depth 1: the links of each page are inputs too.
	report, err := ingestInto(context.Background(), s, collect.Options{RetryBackoff: time.Millisecond, Depth: 1}, sources, nil, false, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if report.Results != report.Expected || report.Results < 100 {
		t.Errorf("%d results, %d expected; want them equal", report.Results, report.Expected)
	}
	t.Logf("%d results, %d expected", report.Results, report.Expected)
}
