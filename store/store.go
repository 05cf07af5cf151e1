package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/storyline/storyline"
)

// schemaVersion is the layout of the buckets; bump it with a migration.
const schemaVersion = "1"

var (
	bucketMeta         = []byte("meta")
	bucketArticles     = []byte("articles")
	bucketExtractions  = []byte("extractions")
	bucketURLs         = []byte("urls")
	bucketFingerprints = []byte("fingerprints")
	bucketHandles      = []byte("handles")
	keySchema          = []byte("schema")
	allBuckets         = [][]byte{bucketMeta, bucketArticles, bucketExtractions, bucketURLs, bucketFingerprints, bucketHandles,
		bucketStories, bucketStoryOf, bucketStale, bucketStoryKeys, bucketAnchors, bucketProfiles, bucketChanged,
		bucketIndex, bucketTerms}
)

// fillPercent packs the pages of buckets that mostly grow: bbolt's default
// of half-full pages after a split would double the file.
const fillPercent = 0.9

// lockTimeout bounds how long Open waits for another process's lock.
const lockTimeout = time.Second

// DB is an open store.
type DB struct {
	bolt *bolt.DB
	path string
}

// Open opens the store at path for reading and writing, creating it if it
// does not exist. It returns an error wrapping storyline.ErrStoreInUse when
// another process has the store open for writing (after a second, not
// forever), and one wrapping storyline.ErrDamaged when the file is not a
// readable store.
func Open(path string) (*DB, error) {
	return open(path, false)
}

// OpenExisting is Open for a store that must exist already: a command that
// only works on what is stored (extract run) does not leave an empty store
// behind a mistyped name.
func OpenExisting(path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open store: %w (run ingest first to create it)", err)
	}
	return open(path, false)
}

// OpenReadOnly opens an existing store for reading only, sharing it with
// other readers.
func OpenReadOnly(path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open store: %w (run ingest first to create it)", err)
	}
	return open(path, true)
}

func open(path string, readOnly bool) (db *DB, err error) {
	// bbolt can panic on a file that is not a bbolt database at all, and
	// fault on one cut short, reading its memory-mapped pages past the end:
	// SetPanicOnFault makes such a fault a panic, and the panic an error.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("open store %s: %w: %w", path, storyline.PanicError(r), storyline.ErrDamaged)
		}
	}()
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout, ReadOnly: readOnly})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("open store %s: %w", path, storyline.ErrStoreInUse)
	case err != nil && isFileError(err):
		return nil, fmt.Errorf("open store %s: %w", path, err)
	case err != nil:
		// ErrInvalid, ErrChecksum, ErrVersionMismatch, and checks that
		// bbolt reports without a sentinel ("file size too small").
		return nil, fmt.Errorf("open store %s: %v: %w", path, err, storyline.ErrDamaged)
	}
	db = &DB{bolt: b, path: path}
	if err := db.checkSize(); err != nil {
		b.Close()
		return nil, err
	}
	if !readOnly {
		if err := db.init(); err != nil {
			b.Close()
			return nil, err
		}
		if err := db.buildIndex(context.Background()); err != nil {
			b.Close()
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	} else if err := db.checkSchema(); err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

// isFileError reports whether err is about the file rather than its
// content: permissions, a missing directory, an I/O error.
func isFileError(err error) bool {
	var pathErr *fs.PathError
	var errno syscall.Errno
	return errors.As(err, &pathErr) || errors.As(err, &errno)
}

// init creates the buckets on first use. It writes only when something is
// missing, so that opening an existing store changes nothing on disk; and
// nothing at all in a bbolt file of another program (buckets, but no
// storyline schema) or of another schema version.
func (db *DB) init() error {
	ready, empty, schema := true, true, ""
	if err := db.view(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			ready = ready && tx.Bucket(name) != nil
		}
		if meta := tx.Bucket(bucketMeta); meta != nil {
			schema = string(meta.Get(keySchema))
		}
		return tx.ForEach(func([]byte, *bolt.Bucket) error {
			empty = false
			return nil
		})
	}); err != nil {
		return fmt.Errorf("open store %s: %w", db.path, err)
	}
	switch {
	case ready || schema != "" && schema != schemaVersion:
		return db.checkSchema()
	case schema == "" && !empty:
		return fmt.Errorf("open store %s: a bbolt file without storyline's schema: %w", db.path, storyline.ErrDamaged)
	}
	// A new store, or one of this schema that lacks the buckets added
	// since it was made (the story profiles): they are created.
	err := db.update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta.Get(keySchema) == nil {
			return meta.Put(keySchema, []byte(schemaVersion))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("init store %s: %w", db.path, err)
	}
	return db.checkSchema()
}

// checkSize refuses a file shorter than its own meta page says: a store cut
// short by a copy or a full disk, whose missing pages bbolt would read as
// memory faults rather than errors.
func (db *DB) checkSize() error {
	info, err := os.Stat(db.path)
	if err != nil {
		return fmt.Errorf("open store %s: %w", db.path, err)
	}
	return db.view(func(tx *bolt.Tx) error {
		if want := tx.Size(); info.Size() < want {
			return fmt.Errorf("open store %s: file has %d bytes, its header says %d: %w", db.path, info.Size(), want, storyline.ErrDamaged)
		}
		return nil
	})
}

func (db *DB) checkSchema() error {
	return db.view(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return fmt.Errorf("open store %s: no meta bucket: %w", db.path, storyline.ErrDamaged)
		}
		if v := string(meta.Get(keySchema)); v != schemaVersion {
			return fmt.Errorf("open store %s: schema version %q, this storyline reads %q", db.path, v, schemaVersion)
		}
		return nil
	})
}

// view and update run bbolt transactions so that a damaged page faults into
// an error naming the store, not into a crash of the process.
func (db *DB) view(fn func(*bolt.Tx) error) error {
	return db.guard(func() error { return db.bolt.View(fn) })
}

func (db *DB) update(fn func(*bolt.Tx) error) error {
	return db.guard(func() error { return db.bolt.Update(fn) })
}

func (db *DB) guard(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("store %s: %w: %w", db.path, storyline.PanicError(r), storyline.ErrDamaged)
		}
	}()
	return fn()
}

// Path is the store's file name.
func (db *DB) Path() string { return db.path }

// Close releases the store's file and lock.
func (db *DB) Close() error { return db.bolt.Close() }

// Check runs bbolt's consistency check over the whole file and returns the
// first problem found. ctx is asked before the check only: bbolt's check
// cannot stop midway.
//
// bbolt checks in a goroutine of its own, where a memory fault on a
// garbled page cannot be turned into an error as the store's reads turn
// theirs (see guard): use Check on stores this program wrote — after a
// crash, in tests — not to probe a file of unknown origin, which Open does.
func (db *DB) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.view(func(tx *bolt.Tx) error {
		var first error
		// Every report is read: the checker reads the transaction until
		// it has sent its last, and the transaction must outlive it.
		for err := range tx.Check() {
			if first == nil {
				first = fmt.Errorf("store %s: %w", db.path, err)
			}
		}
		return first
	})
}

// BucketUsage is how much of the file one bucket takes.
type BucketUsage struct {
	Name  string
	Keys  int
	Bytes int // in use on its pages: keys, values and page headers
}

// Usage reports each bucket's share of the store, to tell what takes the
// space beyond the articles' text.
func (db *DB) Usage(ctx context.Context) ([]BucketUsage, error) {
	var out []BucketUsage
	err := db.view(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if err := ctx.Err(); err != nil {
				return err
			}
			b := tx.Bucket(name)
			if b == nil {
				continue // a store opened read-only, from before the bucket
			}
			st := b.Stats()
			out = append(out, BucketUsage{Name: string(name), Keys: st.KeyN, Bytes: st.LeafInuse + st.BranchInuse + st.InlineBucketInuse})
		}
		return nil
	})
	return out, err
}
