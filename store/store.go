package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"os"
	"runtime/debug"
	"slices"
	"strings"
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
	allBuckets         = [][]byte{bucketMeta, bucketArticles, bucketExtractions, bucketURLs, bucketFingerprints, bucketHandles}
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
// another process has the store open for writing.
func Open(path string) (*DB, error) {
	return open(path, false)
}

// OpenReadOnly opens an existing store for reading only.
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
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, fmt.Errorf("open store %s: %v: %w", path, err, storyline.ErrDamaged)
	case err != nil:
		return nil, fmt.Errorf("open store %s: %w", path, err)
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
	} else if err := db.checkSchema(); err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

// init creates the buckets on first use. It writes only when something is
// missing, so that opening an existing store changes nothing on disk.
func (db *DB) init() error {
	ready := true
	if err := db.view(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			ready = ready && tx.Bucket(name) != nil
		}
		return nil
	}); err != nil {
		return fmt.Errorf("open store %s: %w", db.path, err)
	}
	if ready {
		return db.checkSchema()
	}
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

// PutArticle stores a, keyed by a.ID, setting a.Hash, and remembers that
// a.URL leads to it. When an article with the same ID, content and HTTP
// validators is already stored it writes nothing and returns
// storyline.Unchanged; the fetch time of the stored copy is kept.
//
// A new article whose text is a near-duplicate of a stored one (the same
// wire story from another outlet, a mirror) is stored with DuplicateOf set
// to the first copy's ID.
func (db *DB) PutArticle(a *storyline.Article) (storyline.Outcome, error) {
	outcomes, errs := db.PutArticles([]*storyline.Article{a})
	return outcomes[0], errs[0]
}

// PutArticles stores a batch of articles as PutArticle does, in one
// transaction: when it returns, every article without an error is on disk.
// If the batch cannot be written whole, each article is tried alone, so
// that one bad article fails alone. Outcomes and errors are in the order of
// as.
func (db *DB) PutArticles(as []*storyline.Article) ([]storyline.Outcome, []error) {
	outcomes, errs := make([]storyline.Outcome, len(as)), make([]error, len(as))
	var todo []int
	for i, a := range as {
		if a.ID == "" {
			errs[i] = errors.New("store: put article: empty ID")
			continue
		}
		a.Hash = a.ContentHash()
		todo = append(todo, i)
	}
	// Unchanged articles open no write transaction at all.
	var write []int
	err := db.view(func(tx *bolt.Tx) error {
		for _, i := range todo {
			if outcomes[i] = compare(tx, as[i]); outcomes[i] != storyline.Unchanged || !knowsURL(tx, as[i]) {
				write = append(write, i)
			}
		}
		return nil
	})
	if err != nil {
		for _, i := range todo {
			errs[i] = fmt.Errorf("store: put article %s: %w", as[i].ID, err)
		}
		return outcomes, errs
	}
	if len(write) == 0 {
		return outcomes, errs
	}
	prepared := make(map[int][][]byte, len(write)) // band keys, computed outside the transaction
	for _, i := range write {
		prepared[i] = bandKeys(shingles(as[i].Text))
	}
	put := func(batch []int) error {
		return db.update(func(tx *bolt.Tx) error {
			for _, i := range batch {
				o, err := putArticle(tx, as[i], prepared[i])
				if err != nil {
					return fmt.Errorf("store: put article %s: %w", as[i].ID, err)
				}
				outcomes[i] = o
			}
			return nil
		})
	}
	if err := put(write); err != nil {
		if len(write) == 1 {
			errs[write[0]] = err
			return outcomes, errs
		}
		for _, i := range write {
			errs[i] = put([]int{i})
		}
	}
	return outcomes, errs
}

// putArticle writes one article inside a write transaction.
func putArticle(tx *bolt.Tx, a *storyline.Article, keys [][]byte) (storyline.Outcome, error) {
	articles := tx.Bucket(bucketArticles)
	outcome := compare(tx, a)
	if outcome == storyline.New {
		a.DuplicateOf = firstCopy(tx, a.ID, a.Text, keys)
	} else if old := articles.Get([]byte(a.ID)); old != nil {
		var stored storyline.Article
		if decode(old, &stored) == nil {
			a.DuplicateOf = stored.DuplicateOf
		}
	}
	if a.URL != "" {
		if err := tx.Bucket(bucketURLs).Put([]byte(a.URL), []byte(a.ID)); err != nil {
			return outcome, err
		}
	}
	if outcome == storyline.Unchanged && !validatorsChanged(tx, a) {
		return outcome, nil
	}
	if err := addFingerprints(tx, a.ID, keys); err != nil {
		return outcome, err
	}
	value, err := encode(a)
	if err != nil {
		return outcome, err
	}
	articles.FillPercent = fillPercent
	return outcome, articles.Put([]byte(a.ID), value)
}

// knowsURL reports whether a.URL is already recorded as leading to a.ID
// with a's validators, so that nothing needs writing.
func knowsURL(tx *bolt.Tx, a *storyline.Article) bool {
	if a.URL != "" && string(tx.Bucket(bucketURLs).Get([]byte(a.URL))) != a.ID {
		return false
	}
	return !validatorsChanged(tx, a)
}

// validatorsChanged reports whether the stored copy of a has other HTTP
// validators than a.
func validatorsChanged(tx *bolt.Tx, a *storyline.Article) bool {
	old := tx.Bucket(bucketArticles).Get([]byte(a.ID))
	if old == nil {
		return true
	}
	var stored struct {
		ETag         string `json:"etag"`
		LastModified string `json:"last_modified"`
	}
	return decode(old, &stored) != nil || stored.ETag != a.ETag || stored.LastModified != a.LastModified
}

// Bounds on the near-duplicate search, so that a flood of near-identical
// items (a template filled in a thousand times) costs each insert a fixed
// amount of work rather than a scan of every earlier one.
const (
	maxPerBand    = 64 // band entries read per band
	maxCandidates = 8  // stored articles compared with the new one
)

// firstCopy returns the ID of the first stored copy of the story text
// tells, found through its band keys, or "". The stored articles sharing
// the most bands with it are compared first.
func firstCopy(tx *bolt.Tx, id, text string, keys [][]byte) string {
	fp, handles, articles := tx.Bucket(bucketFingerprints), tx.Bucket(bucketHandles), tx.Bucket(bucketArticles)
	shared := map[string]int{}
	c := fp.Cursor()
	for _, band := range keys {
		read := 0
		for k, _ := c.Seek(band); k != nil && bytes.HasPrefix(k, band) && read < maxPerBand; k, _ = c.Next() {
			read++
			if len(k) == len(band)+handleSize {
				shared[string(k[len(band):])]++
			}
		}
	}
	delete(shared, string(handle(id)))
	cands := slices.Collect(maps.Keys(shared))
	slices.SortFunc(cands, func(a, b string) int {
		if shared[a] != shared[b] {
			return shared[b] - shared[a]
		}
		return strings.Compare(a, b)
	})
	var set map[uint64]bool
	for _, h := range cands[:min(len(cands), maxCandidates)] {
		var other storyline.Article
		data := articles.Get(handles.Get([]byte(h)))
		if data == nil || decode(data, &other) != nil {
			continue
		}
		if set == nil {
			set = shingles(text)
		}
		if jaccard(set, shingles(other.Text)) >= duplicateJaccard {
			if other.DuplicateOf != "" {
				return other.DuplicateOf
			}
			return other.ID
		}
	}
	return ""
}

// addFingerprints files id under each of its LSH band keys: a key of the
// band key and the article's handle, with no value, so that an article
// costs a few dozen bytes a band however long its ID.
func addFingerprints(tx *bolt.Tx, id string, keys [][]byte) error {
	fp, handles := tx.Bucket(bucketFingerprints), tx.Bucket(bucketHandles)
	h := handle(id)
	if err := handles.Put(h, []byte(id)); err != nil {
		return err
	}
	for _, k := range keys {
		if err := fp.Put(append(slices.Clip(k), h...), nil); err != nil {
			return err
		}
	}
	return nil
}

// handleSize is the length of an article's handle: 48 bits, so that two of
// a million articles share one with a chance of about 1 in 500.
const handleSize = 6

// handle is a short stand-in for an article ID in the fingerprint keys.
func handle(id string) []byte {
	sum := sha256.Sum256([]byte(id))
	return sum[:handleSize]
}

func compare(tx *bolt.Tx, a *storyline.Article) storyline.Outcome {
	old := tx.Bucket(bucketArticles).Get([]byte(a.ID))
	if old == nil {
		return storyline.New
	}
	var stored struct {
		Hash string `json:"hash"`
	}
	if decode(old, &stored) == nil && stored.Hash == a.Hash {
		return storyline.Unchanged
	}
	return storyline.Updated
}

// Validators returns the ID of the article a URL led to and the HTTP
// validators it was stored with, for a conditional request.
func (db *DB) Validators(url string) (id, etag, lastModified string, ok bool) {
	db.view(func(tx *bolt.Tx) error {
		id = string(tx.Bucket(bucketURLs).Get([]byte(url)))
		if id == "" {
			return nil
		}
		var a struct {
			ETag         string `json:"etag"`
			LastModified string `json:"last_modified"`
		}
		if data := tx.Bucket(bucketArticles).Get([]byte(id)); data != nil && decode(data, &a) == nil {
			etag, lastModified, ok = a.ETag, a.LastModified, true
		}
		return nil
	})
	return id, etag, lastModified, ok
}

// Article returns the stored article with the given ID, or an error wrapping
// storyline.ErrNotFound.
func (db *DB) Article(id string) (*storyline.Article, error) {
	var a storyline.Article
	err := db.view(func(tx *bolt.Tx) error {
		return get(tx, bucketArticles, id, &a)
	})
	if err != nil {
		return nil, fmt.Errorf("store: article %s: %w", id, err)
	}
	return &a, nil
}

// PutExtraction stores x under x.ArticleID, replacing any earlier one. It
// writes nothing when the same extraction is already stored, and returns an
// error wrapping storyline.ErrNotFound when the article is not stored.
func (db *DB) PutExtraction(x *storyline.Extraction) error {
	return db.PutExtractions([]*storyline.Extraction{x})[0]
}

// PutExtractions stores a batch of extractions as PutExtraction does, in one
// transaction, each tried alone if the batch cannot be written whole.
func (db *DB) PutExtractions(xs []*storyline.Extraction) []error {
	errs := make([]error, len(xs))
	values := make([][]byte, len(xs))
	var write []int
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketExtractions)
		for i, x := range xs {
			v, err := encodeExtraction(x)
			if err != nil {
				errs[i] = fmt.Errorf("store: put extraction %s: %w", x.ArticleID, err)
				continue
			}
			values[i] = v
			if !bytes.Equal(b.Get([]byte(x.ArticleID)), v) {
				write = append(write, i)
			}
		}
		return nil
	})
	if err != nil || len(write) == 0 {
		for i := range errs {
			if errs[i] == nil && err != nil {
				errs[i] = err
			}
		}
		return errs
	}
	put := func(batch []int) error {
		return db.update(func(tx *bolt.Tx) error {
			for _, i := range batch {
				id := []byte(xs[i].ArticleID)
				if tx.Bucket(bucketArticles).Get(id) == nil {
					// Never keep an extraction without its article.
					return fmt.Errorf("store: put extraction %s: %w", xs[i].ArticleID, storyline.ErrNotFound)
				}
				b := tx.Bucket(bucketExtractions)
				b.FillPercent = fillPercent
				if err := b.Put(id, values[i]); err != nil {
					return fmt.Errorf("store: put extraction %s: %w", xs[i].ArticleID, err)
				}
			}
			return nil
		})
	}
	if err := put(write); err != nil {
		if len(write) == 1 {
			errs[write[0]] = err
			return errs
		}
		for _, i := range write {
			errs[i] = put([]int{i})
		}
	}
	return errs
}

// Extraction returns the stored extraction of the article with the given
// ID, or an error wrapping storyline.ErrNotFound.
func (db *DB) Extraction(id string) (*storyline.Extraction, error) {
	var x *storyline.Extraction
	err := db.view(func(tx *bolt.Tx) error {
		data := tx.Bucket(bucketExtractions).Get([]byte(id))
		if data == nil {
			return storyline.ErrNotFound
		}
		var a storyline.Article
		if err := get(tx, bucketArticles, id, &a); err != nil {
			return err
		}
		var err error
		x, err = decodeExtraction(data, id, a.Text)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: extraction %s: %w", id, err)
	}
	return x, nil
}

func get(tx *bolt.Tx, bucket []byte, id string, v any) error {
	data := tx.Bucket(bucket).Get([]byte(id))
	if data == nil {
		return storyline.ErrNotFound
	}
	// Unmarshal copies out of the mmap, so v outlives the transaction.
	return decode(data, v)
}

// IDs returns up to n IDs of stored articles that sort after the ID
// after ("" for the first), in key order. Walking the store in chunks keeps
// each read transaction short, so writers are never held up by a reader.
func (db *DB) IDs(after string, n int) ([]string, error) {
	var ids []string
	err := db.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketArticles).Cursor()
		k, _ := c.Seek([]byte(after))
		if k != nil && after != "" && string(k) == after {
			k, _ = c.Next()
		}
		for ; k != nil && len(ids) < n; k, _ = c.Next() {
			ids = append(ids, string(k))
		}
		return nil
	})
	return ids, err
}

// ForEach calls fn for every stored article in ID order with its extraction,
// or a nil extraction when it has none. It runs in one read transaction, so
// fn sees one consistent state of the store; fn must not write to the store.
// An error from fn stops the walk and is returned.
func (db *DB) ForEach(fn func(a *storyline.Article, x *storyline.Extraction) error) error {
	return db.view(func(tx *bolt.Tx) error {
		extractions := tx.Bucket(bucketExtractions)
		return tx.Bucket(bucketArticles).ForEach(func(k, v []byte) error {
			var a storyline.Article
			if err := decode(v, &a); err != nil {
				return fmt.Errorf("store: article %s: %w", k, err)
			}
			var x *storyline.Extraction
			if data := extractions.Get(k); data != nil {
				var err error
				if x, err = decodeExtraction(data, string(k), a.Text); err != nil {
					return fmt.Errorf("store: extraction %s: %w", k, err)
				}
			}
			return fn(&a, x)
		})
	})
}

// Check runs bbolt's consistency check over the whole file and returns the
// first problem found.
func (db *DB) Check() error {
	return db.view(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return fmt.Errorf("store %s: %w", db.path, err)
		}
		return nil
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
func (db *DB) Usage() ([]BucketUsage, error) {
	var out []BucketUsage
	err := db.view(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			st := tx.Bucket(name).Stats()
			out = append(out, BucketUsage{Name: string(name), Keys: st.KeyN, Bytes: st.LeafInuse + st.BranchInuse + st.InlineBucketInuse})
		}
		return nil
	})
	return out, err
}
