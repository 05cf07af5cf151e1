package collect

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// robotsSite serves five article pages, /a/1 to /a/5, and answers
// /robots.txt with robots, counting the requests for it.
func robotsSite(t *testing.T, robots http.HandlerFunc) (string, *atomic.Int64) {
	var asked atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		robots(w, r)
	})
	mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(page("Report "+r.URL.Path, "Sergey Lavrov met Hossein Amirabdollahian in Moscow on Monday.")))
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/private/x", http.StatusFound) })
	mux.HandleFunc("/private/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(page("Private", "Faisal Mekdad met Mevlut Cavusoglu in Moscow on Wednesday.")))
	})
	return serve(t, mux).URL, &asked
}

// TestRobotsTxt checks RFC 9309's rules, one fetch of a host's file per
// run whatever it answered, and that a host whose file never comes holds
// up no other host.
func TestRobotsTxt(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	for _, tc := range []struct {
		name    string
		robots  http.HandlerFunc
		fetched int // of the five pages
		// timeout of a request: short, so that "never answers" ends soon;
		// long enough for 12 MB on a loaded machine, where 500 ms was not.
		timeout time.Duration
	}{
		{"found", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("User-agent: *\nDisallow: /a/3\n")) }, 4, time.Second},
		{"missing (4xx: all allowed)", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, 5, time.Second},
		{"server error (5xx: none allowed)", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) }, 0, time.Second},
		{"never answers", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}, 0, 500 * time.Millisecond},
		{"12 MB", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("User-agent: *\nDisallow: /a/3\n"))
			w.Write([]byte(strings.Repeat("# padding\n", 12<<20/10)))
		}, 4, 10 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			slow, asked := robotsSite(t, tc.robots)
			healthy, _ := robotsSite(t, func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
			var sources []string
			for _, p := range []string{"1", "2", "3", "4", "5"} {
				sources = append(sources, slow+"/a/"+p)
			}
			sources = append(sources, healthy+"/a/1")
			start := time.Now()
			got := collectWith(t, Options{RetryBackoff: time.Millisecond, Timeout: tc.timeout, PerHost: 2, Parallel: 16}, sources...)
			took := time.Since(start)
			fetched, refused := 0, 0
			var healthyDone bool
			for _, it := range got {
				switch {
				case it.Article != nil && strings.HasPrefix(it.Input, healthy):
					healthyDone = true
				case it.Article != nil:
					fetched++
				case errors.Is(it.Err, ErrRobots):
					refused++
				case it.Err != nil:
					t.Errorf("%s: %v", it.Input, it.Err)
				}
			}
			if fetched != tc.fetched || refused != 5-tc.fetched || !healthyDone {
				t.Errorf("%d pages fetched, %d refused, the other host's page fetched: %v; want %d, %d, true", fetched, refused, healthyDone, tc.fetched, 5-tc.fetched)
			}
			if n := asked.Load(); n != 1 {
				t.Errorf("robots.txt asked %d times, want once per run", n)
			}
			if took > 5*time.Second+tc.timeout {
				t.Errorf("took %v: a host's robots.txt held up the run", took)
			}
		})
	}
	t.Run("each hop of a redirect", func(t *testing.T) {
		site, _ := robotsSite(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("User-agent: *\nDisallow: /private/\n")) })
		got := collectAll(t, site+"/moved")
		if len(got) != 1 || !errors.Is(got[0].Err, ErrRobots) || got[0].Article != nil {
			t.Errorf("a redirect to a disallowed path gave %+v, want refused by robots.txt", got)
		}
	})
}
