package collect

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// TestFrontierTakesTurnsWithinLimits: a host with many links waiting does
// not hold up another's, no more than the limits run at once, and wait
// covers the links that fetches add.
func TestFrontierTakesTurnsWithinLimits(t *testing.T) {
	var (
		mu            sync.Mutex
		order         []string
		running, most int
		byHost        = map[string]int{}
		mostByHost    int
		f             *frontier
		gate          = make(chan struct{}) // open once every link is added
		started       = make(chan string, 203)
	)
	fetch := func(l target) {
		mu.Lock()
		order = append(order, l.url)
		running++
		byHost[l.host]++
		most, mostByHost = max(most, running), max(mostByHost, byHost[l.host])
		mu.Unlock()
		started <- l.url
		<-gate
		if l.depth > 0 { // a sitemap listing two more pages of its host
			for i := range 2 {
				f.add(target{url: fmt.Sprintf("%s/child%d", l.url, i), host: l.host})
			}
		}
		mu.Lock()
		running--
		byHost[l.host]--
		mu.Unlock()
	}
	f = newFrontier(3, 2, fetch)
	for i := range 200 {
		f.add(target{url: fmt.Sprintf("big/%d", i), host: "big"})
	}
	f.add(target{url: "small/sitemap", host: "small", depth: 1})
	first := []string{<-started, <-started, <-started} // all the limit lets run
	close(gate)
	f.wait()

	if len(order) != 203 {
		t.Fatalf("%d links fetched, want 203", len(order))
	}
	if most > 3 || mostByHost > 2 {
		t.Errorf("%d fetches at once (limit 3), %d on one host (limit 2)", most, mostByHost)
	}
	if !slices.Contains(first, "small/sitemap") {
		t.Errorf("the first fetches were %q: the small host waits behind the big one", first)
	}
	for _, child := range []string{"small/sitemap/child0", "small/sitemap/child1"} {
		if !slices.Contains(order, child) {
			t.Errorf("%s, added by a fetch, was never fetched", child)
		}
	}
}
