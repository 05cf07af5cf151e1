package web_test

import (
	"flag"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storyline/storyline/internal/web"
)

var latencyDB = flag.String("latency-db", "", "store `file` BenchmarkLatency reads, in place of the fixtures'")

// BenchmarkLatency requests each page and API answer of the fixtures (or
// of the store -latency-db names: its newest story, that story's first
// report, person and country) b.N times from 8 concurrent clients and
// reports the median and the 95th percentile of the answer times, and
// logs the time of each route's first answer (made, not cached).
func BenchmarkLatency(b *testing.B) {
	db := *latencyDB
	if db == "" {
		db = fixtureStore(b)
	}
	start := time.Now()
	hs, _ := serve(b, db, web.Options{})
	b.Logf("serving %s after %.1fs", db, time.Since(start).Seconds())
	var list struct {
		Stories []struct {
			ID string `json:"story"`
		}
	}
	getJSON(b, hs.URL, "/api/stories", &list)
	if len(list.Stories) == 0 {
		b.Fatal("no stories")
	}
	var s storyJSON
	getJSON(b, hs.URL, "/api/stories/"+list.Stories[0].ID, &s)
	report, person := url.PathEscape(s.Articles[0]), url.PathEscape(s.People[0])
	for _, p := range []struct{ name, path string }{
		{"stories-page", "/"},
		{"story-page", "/stories/" + s.ID},
		{"report-page", "/reports/" + report},
		{"person-page", "/people/" + person},
		{"api-stories", "/api/stories?country=" + s.Countries[0] + "&person=" + person},
		{"api-story", "/api/stories/" + s.ID},
		{"api-article", "/api/articles/" + report},
		{"api-person", "/api/people/" + person},
		{"api-articles", "/api/articles?person=" + person + "&country=" + s.Countries[0]},
	} {
		first := time.Now()
		resp, err := http.Get(hs.URL + p.path)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		b.Logf("%s: first answer %s in %.1f ms", p.name, resp.Status, float64(time.Since(first).Microseconds())/1e3)
		b.Run(p.name, func(b *testing.B) {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
			defer client.CloseIdleConnections()
			const clients = 8
			times := make([][]time.Duration, clients)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for c := range clients {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						start := time.Now()
						resp, err := client.Get(hs.URL + p.path)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							b.Errorf("GET %s: %s", p.path, resp.Status)
							return
						}
						times[c] = append(times[c], time.Since(start))
					}
				})
			}
			wg.Wait()
			all := slices.Sorted(slices.Values(slices.Concat(times...)))
			if len(all) == 0 {
				return
			}
			ms := func(q float64) float64 { return float64(all[int(q*float64(len(all)-1))]) / 1e6 }
			b.ReportMetric(ms(0.5), "p50-ms")
			b.ReportMetric(ms(0.95), "p95-ms")
		})
	}
}
