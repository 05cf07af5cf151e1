// Package web serves storyline's pages and their JSON API: the stories,
// one story's timeline and who met whom, a report with its entities
// marked, a person. It reads the store through the small interface Store
// and runs ingests through the function it is given, one at a time, so
// that the process that serves is the one process that writes (see
// Server.Run). Pages are html/template, every asset is embedded, and
// every response carries a Content-Security-Policy that allows the page's
// own script and style only.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store"
)

//go:embed templates static
var assets embed.FS

// Store is what the pages read: the story records, the query index
// (store.Terms) and one report at a time. Nothing reads every report.
type Store interface {
	catalogSource
	Story(ctx context.Context, id string) (*storyline.Story, bool, error)
	ArticleWithExtraction(ctx context.Context, id string) (*storyline.Article, *storyline.Extraction, string, error)
	Mentioning(ctx context.Context, t store.Term) ([]string, error)
	PublishedWithin(ctx context.Context, from, to string) ([]string, error)
}

// IngestFunc runs one ingest into the store the server reads and says
// what it did.
type IngestFunc func(ctx context.Context) (IngestResult, error)

// IngestResult is what one ingest did, as GET /api/ingest shows it.
type IngestResult struct {
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished"`
	New       int       `json:"new"`
	Updated   int       `json:"updated"`
	Unchanged int       `json:"unchanged"`
	Failed    int       `json:"failed"`
	Error     string    `json:"error,omitempty"`
}

// Options configure a Server.
type Options struct {
	// Ingest, when set, is what POST /api/ingest and the schedule run.
	Ingest IngestFunc
	// Hosts are the Host header values the server answers besides
	// loopback names: a page reached through another name (DNS
	// rebinding) gets 421.
	Hosts []string
	// AnyHost answers every Host: the server listens on every interface
	// and cannot know the names it is reached by.
	AnyHost bool
	Log     *slog.Logger
}

// Server serves the pages of one store.
type Server struct {
	store Store
	opts  Options
	cat   atomic.Pointer[catalog]
	pages map[string]*template.Template
	mux   *http.ServeMux

	trigger chan struct{} // a queued ingest; capacity 1
	running atomic.Bool
	mu      sync.Mutex
	runs    int
	last    *IngestResult
}

// New makes a server over store, reading its story records once to make
// the catalog the list and person pages answer from.
func New(ctx context.Context, store Store, opts Options) (*Server, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{store: store, opts: opts, trigger: make(chan struct{}, 1), pages: map[string]*template.Template{}}
	for _, page := range []string{"stories", "story", "report", "person", "error"} {
		t, err := template.New(page).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", page, err)
		}
		s.pages[page] = t
	}
	if err := s.Refresh(ctx); err != nil {
		return nil, err
	}
	s.mux = s.routes()
	return s, nil
}

// Refresh makes the catalog again from the store.
func (s *Server) Refresh(ctx context.Context) error {
	c, err := buildCatalog(ctx, s.store)
	if err != nil {
		return fmt.Errorf("web: read stories: %w", err)
	}
	s.cat.Store(c)
	return nil
}

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /{$}", s.storiesPage)
	mux.HandleFunc("GET /stories/{id}", s.storyPage)
	mux.HandleFunc("GET /reports/{id...}", s.reportPage)
	mux.HandleFunc("GET /people/{name}", s.personPage)
	mux.HandleFunc("GET /api/stories", s.apiStories)
	mux.HandleFunc("GET /api/stories/{id}", s.apiStory)
	mux.HandleFunc("GET /api/articles", s.apiArticles)
	mux.HandleFunc("GET /api/articles/{id...}", s.apiArticle)
	mux.HandleFunc("GET /api/people/{name}", s.apiPerson)
	mux.HandleFunc("GET /api/ingest", s.apiIngestStatus)
	mux.HandleFunc("POST /api/ingest", s.apiIngest)
	return mux
}

// csp allows the page's own script, style and images, and nothing else:
// no inline script or style, no other origin, no framing.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// ServeHTTP answers a request on a loopback host, with the security
// headers on every response.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if !s.allowedHost(r.Host) {
		http.Error(w, "unknown host", http.StatusMisdirectedRequest)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// allowedHost reports whether host (a Host header) names this server: a
// loopback address or name, or one of Options.Hosts. A page of another
// site that rebinds its name to 127.0.0.1 sends its own name.
func (s *Server) allowedHost(host string) bool {
	name, _, err := net.SplitHostPort(host)
	if err != nil {
		name = host
	}
	if s.opts.AnyHost || name == "localhost" {
		return true
	}
	if ip := net.ParseIP(name); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, h := range s.opts.Hosts {
		if h == name || h == host {
			return true
		}
	}
	return false
}

// ErrBusy is returned by Ingest when an ingest is already queued.
var ErrBusy = errors.New("web: an ingest is already queued")

// Ingest queues an ingest for Run, unless one is queued already.
func (s *Server) Ingest() error {
	if s.opts.Ingest == nil {
		return errors.New("web: this server runs no ingests: start it with sources")
	}
	select {
	case s.trigger <- struct{}{}:
		return nil
	default:
		return ErrBusy
	}
}

// Run runs the queued ingests, and one every period when period > 0,
// one at a time, until ctx is done. After each, the catalog is made
// again. The store's read transactions go on meanwhile: bbolt lets one
// writer and any number of readers of one process work at once, each
// reader seeing the store as it was when its transaction began.
func (s *Server) Run(ctx context.Context, period time.Duration) {
	var tick <-chan time.Time
	if period > 0 && s.opts.Ingest != nil {
		t := time.NewTicker(period)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.trigger:
		case <-tick:
		}
		s.runIngest(ctx)
	}
}

func (s *Server) runIngest(ctx context.Context) {
	s.running.Store(true)
	defer s.running.Store(false)
	start := time.Now()
	res, err := s.opts.Ingest(ctx)
	res.Started, res.Finished = start, time.Now()
	if err == nil {
		err = s.Refresh(ctx)
	}
	if err != nil {
		res.Error = err.Error()
		s.opts.Log.Error("ingest", "err", err)
	} else {
		s.opts.Log.Info("ingest", "new", res.New, "updated", res.Updated, "unchanged", res.Unchanged,
			"failed", res.Failed, "took", res.Finished.Sub(start).Round(time.Millisecond))
	}
	s.mu.Lock()
	s.runs++
	s.last = &res
	s.mu.Unlock()
}
