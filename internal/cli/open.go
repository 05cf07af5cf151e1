package cli

import (
	"context"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/web"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/store"
	"github.com/storyline/storyline/store/postgres"
)

// Store is what the commands need of a store, whichever keeps it: a bbolt
// file (store.DB) or a PostgreSQL database (postgres.DB).
type Store interface {
	pipeline.Store
	pipeline.StoryStore
	web.Store
	indexReader
	ForEach(ctx context.Context, fn func(a *storyline.Article, x *storyline.Extraction) error) error
	Validators(ctx context.Context, url string) (id, etag, lastModified string, err error)
	StoryOf(ctx context.Context) (map[string]string, error)
	StoriesState(ctx context.Context) (storyline.StoriesState, error)
	Close() error
}

// openMode is how a command opens the store.
type openMode int

const (
	// forWriting creates the store when it is missing (ingest, serve with
	// sources).
	forWriting openMode = iota
	// forWork writes to a store that must exist already (extract run).
	forWork
	// forReading opens an existing store read-only (dumps, the pages).
	forReading
)

// pgConnectTimeout bounds the connection to PostgreSQL when the store is
// opened, as bbolt's lock timeout bounds the wait for a file.
const pgConnectTimeout = 30 * time.Second

// openStore opens the store -db names: a postgres:// (or postgresql://)
// URL is a PostgreSQL database, anything else a bbolt file.
func openStore(ctx context.Context, name string, mode openMode) (Store, error) {
	if postgres.IsURL(name) {
		ctx, cancel := context.WithTimeout(ctx, pgConnectTimeout)
		defer cancel()
		open := map[openMode]func(context.Context, string) (*postgres.DB, error){
			forWriting: postgres.Open, forWork: postgres.OpenExisting, forReading: postgres.OpenReadOnly}[mode]
		db, err := open(ctx, name)
		if err != nil {
			return nil, err
		}
		return db, nil
	}
	open := map[openMode]func(string) (*store.DB, error){
		forWriting: store.Open, forWork: store.OpenExisting, forReading: store.OpenReadOnly}[mode]
	db, err := open(name)
	if err != nil {
		return nil, err
	}
	return db, nil
}

// withStore opens the store name with mode, runs fn on it and closes it;
// a store that cannot be opened ends the command with fail.
func withStore(ctx context.Context, name string, mode openMode, fail func(error) int, fn func(Store) int) int {
	s, err := openStore(ctx, name, mode)
	if err != nil {
		return fail(err)
	}
	defer s.Close()
	return fn(s)
}
