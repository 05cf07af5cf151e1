package collect

import (
	"sync"
	"time"
)

// target is a URL waiting to be fetched, on host: found through source,
// listed with that date (or zero), depth levels of links to follow from it,
// and the feeds and sitemaps that led to it, outermost first.
type target struct {
	source, url, host string
	listed            time.Time
	depth             int
	chain             []string
}

// frontier holds the links of a run that wait for a fetch. A sitemap of
// 60,000 URLs then costs a small record for each, not a goroutine, an HTTP
// request and a timer for each: at most limit links are fetched at once,
// at most perHost of them from one host, and the hosts take turns, so a
// large host does not hold up the others.
type frontier struct {
	limit, perHost int
	fetch          func(target) // run in a goroutine of its own

	mu       sync.Mutex
	waiting  map[string][]target // by host, oldest first
	turns    []string            // hosts with links waiting, in turn
	next     int                 // index into turns of the next host to serve
	inFlight map[string]int      // links being fetched, by host
	running  int
	pending  sync.WaitGroup // links added and not yet fetched to the end
}

func newFrontier(limit, perHost int, fetch func(target)) *frontier {
	return &frontier{limit: limit, perHost: perHost, fetch: fetch,
		waiting: map[string][]target{}, inFlight: map[string]int{}}
}

// add queues l; it never blocks, so a fetch's callbacks may add the links
// they find.
func (f *frontier) add(l target) {
	f.pending.Add(1)
	host := l.host
	f.mu.Lock()
	if len(f.waiting[host]) == 0 {
		f.turns = append(f.turns, host)
	}
	f.waiting[host] = append(f.waiting[host], l)
	f.mu.Unlock()
	f.start()
}

// start hands waiting links to fetches while there is room.
func (f *frontier) start() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.running < f.limit {
		host, ok := f.nextHost()
		if !ok {
			return
		}
		queue := f.waiting[host]
		l := queue[0]
		queue[0] = target{} // let the collector free what the link held
		if len(queue) == 1 {
			delete(f.waiting, host)
			f.dropTurn(host)
		} else {
			f.waiting[host] = queue[1:]
		}
		f.inFlight[host]++
		f.running++
		go func() {
			defer f.done(host)
			f.fetch(l)
		}()
	}
}

// nextHost returns, from the current turn on, the first host with links
// waiting and room for one more fetch.
func (f *frontier) nextHost() (string, bool) {
	for i := range f.turns {
		k := (f.next + i) % len(f.turns)
		if host := f.turns[k]; f.inFlight[host] < f.perHost {
			f.next = k + 1
			return host, true
		}
	}
	return "", false
}

func (f *frontier) dropTurn(host string) {
	for i, h := range f.turns {
		if h == host {
			f.turns = append(f.turns[:i], f.turns[i+1:]...)
			if f.next > i {
				f.next--
			}
			return
		}
	}
}

func (f *frontier) done(host string) {
	f.mu.Lock()
	f.running--
	if f.inFlight[host]--; f.inFlight[host] == 0 {
		delete(f.inFlight, host)
	}
	f.mu.Unlock()
	f.start()
	f.pending.Done()
}

// wait returns when every link added, and every link their fetches added,
// has been fetched.
func (f *frontier) wait() { f.pending.Wait() }
