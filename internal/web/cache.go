package web

import "sync"

// answers keeps rendered story pages and story API answers. Nothing but
// the server's own ingests writes the store while it serves (it holds the
// write lock, or the shared lock that keeps writers out), and each ingest
// ends with a new catalog, which starts with an empty cache: an answer
// kept is the answer the store would give.
type answers struct {
	mu sync.RWMutex
	m  map[string][]byte
}

// maxAnswers bounds the cache: past it, answers are made each time.
const maxAnswers = 512

func (a *answers) get(key string) ([]byte, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	b, ok := a.m[key]
	return b, ok
}

func (a *answers) put(key string, b []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		a.m = map[string][]byte{}
	}
	if len(a.m) < maxAnswers {
		a.m[key] = b
	}
}
