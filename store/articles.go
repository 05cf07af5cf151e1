package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store/internal/brief"
)

// PutArticles stores a batch of articles in one transaction, each keyed by
// its ID, and remembers that each article's URL leads to it. When it
// returns, every article without an error is on disk. It never changes the
// articles it is given; what it did to each is in the result of the same
// index:
//
//   - Unchanged: an article with the same ID and content is stored; nothing
//     is written unless its HTTP validators changed, and a batch of
//     unchanged articles opens no write transaction at all, so the file
//     stays byte for byte as it was.
//   - New: stored with the put's DuplicateOf, filed under its Bands.
//   - Updated: the content changed; stored with the put's DuplicateOf (the
//     caller decides again: an update may no longer be a copy), filed under
//     its new Bands too. Its extraction is now stale, since the article's
//     Hash changed.
//
// A DuplicateOf naming an article that is not stored (a first copy that
// failed to be written) is dropped: the article is then a first copy. An
// ID given twice in one batch is written in batch order, each result saying
// what that put did.
//
// If the batch cannot be written whole, each article is tried alone, so
// that one bad article fails alone. A cancelled ctx fails every article not
// yet written, with ctx's error.
func (db *DB) PutArticles(ctx context.Context, puts []storyline.ArticlePut) []storyline.Stored {
	results := make([]storyline.Stored, len(puts))
	stored := make([]*storyline.Article, len(puts)) // each as it will be stored
	var todo []int
	for i, p := range puts {
		if p.Article == nil || p.Article.ID == "" {
			results[i].Err = errors.New("store: put article: empty ID")
			continue
		}
		a := *p.Article
		a.Hash = a.ContentHash()
		stored[i] = &a
		todo = append(todo, i)
	}
	fail := func(batch []int, err error) {
		for _, i := range batch {
			results[i].Err = fmt.Errorf("store: put article %s: %w", brief.ID(stored[i].ID), err)
		}
	}
	if err := ctx.Err(); err != nil {
		fail(todo, err)
		return results
	}
	// Unchanged articles need no write, unless an earlier put of the same
	// batch changes what is stored under their ID.
	given := map[string]int{} // puts of each ID in this batch
	for _, i := range todo {
		given[stored[i].ID]++
	}
	var write []int
	err := db.view(func(tx *bolt.Tx) error {
		for _, i := range todo {
			h := header(tx, stored[i].ID)
			results[i].Outcome, results[i].DuplicateOf = h.outcome(stored[i]), h.DuplicateOf
			if results[i].Outcome != storyline.Unchanged || !knowsURL(tx, stored[i], h) || given[stored[i].ID] > 1 {
				write = append(write, i)
			}
		}
		return nil
	})
	if err != nil {
		fail(todo, err)
		return results
	}
	if len(write) == 0 {
		return results
	}
	db.writeEach(ctx, write, func(tx *bolt.Tx, i int) error {
		r, err := putArticle(tx, stored[i], puts[i])
		results[i] = r
		return err
	}, func(i int, err error) { fail([]int{i}, err) })
	return results
}

// putArticle writes one article inside a write transaction.
func putArticle(tx *bolt.Tx, a *storyline.Article, p storyline.ArticlePut) (storyline.Stored, error) {
	h := header(tx, a.ID)
	r := storyline.Stored{Outcome: h.outcome(a)}
	a.DuplicateOf = h.DuplicateOf
	if r.Outcome != storyline.Unchanged {
		a.DuplicateOf = p.DuplicateOf
		if a.DuplicateOf == a.ID || a.DuplicateOf != "" && tx.Bucket(bucketArticles).Get([]byte(a.DuplicateOf)) == nil {
			a.DuplicateOf = ""
		}
	}
	r.DuplicateOf = a.DuplicateOf
	if a.URL != "" {
		if err := tx.Bucket(bucketURLs).Put([]byte(a.URL), []byte(a.ID)); err != nil {
			return r, err
		}
	}
	if r.Outcome == storyline.Unchanged && !h.validatorsChanged(a) {
		return r, nil
	}
	if err := file(tx, a.ID, p.Bands); err != nil {
		return r, err
	}
	if r.Outcome == storyline.Updated {
		if err := staleStoryOf(tx, []byte(a.ID)); err != nil {
			return r, err
		}
	}
	value, err := encode(a)
	if err != nil {
		return r, err
	}
	articles := tx.Bucket(bucketArticles)
	articles.FillPercent = fillPercent
	if err := articles.Put([]byte(a.ID), value); err != nil {
		return r, err
	}
	if r.Outcome == storyline.Unchanged {
		return r, nil // only the validators changed: nothing the index files
	}
	return r, reindex(tx, []byte(a.ID), a.Hash, a.Published, nil)
}

// articleHeader is what a write needs of a stored article, decoded without
// its text.
type articleHeader struct {
	found        bool
	Hash         string    `json:"hash"`
	DuplicateOf  string    `json:"duplicate_of"`
	ETag         string    `json:"etag"`
	LastModified string    `json:"last_modified"`
	Published    time.Time `json:"published"`
}

func header(tx *bolt.Tx, id string) articleHeader {
	data := tx.Bucket(bucketArticles).Get([]byte(id))
	if data == nil {
		return articleHeader{}
	}
	var h articleHeader
	if decode(data, &h) != nil {
		// Unreadable: rewritten as an update, from the new content.
		return articleHeader{found: true}
	}
	h.found = true
	return h
}

// outcome is what storing a, with its Hash set, over h would do.
func (h articleHeader) outcome(a *storyline.Article) storyline.Outcome {
	switch {
	case !h.found:
		return storyline.New
	case h.Hash == a.Hash:
		return storyline.Unchanged
	default:
		return storyline.Updated
	}
}

func (h articleHeader) validatorsChanged(a *storyline.Article) bool {
	return !h.found || h.ETag != a.ETag || h.LastModified != a.LastModified
}

// knowsURL reports whether a.URL is already recorded as leading to a.ID
// with a's validators, so that nothing needs writing.
func knowsURL(tx *bolt.Tx, a *storyline.Article, h articleHeader) bool {
	if a.URL != "" && string(tx.Bucket(bucketURLs).Get([]byte(a.URL))) != a.ID {
		return false
	}
	return !h.validatorsChanged(a)
}

// Outcomes reports what PutArticles would do with each article, without
// writing: the near-duplicate search runs for new articles only.
func (db *DB) Outcomes(ctx context.Context, as []*storyline.Article) ([]storyline.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]storyline.Outcome, len(as))
	err := db.view(func(tx *bolt.Tx) error {
		for i, a := range as {
			v := *a
			v.Hash = v.ContentHash()
			out[i] = header(tx, a.ID).outcome(&v)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: outcomes: %w", err)
	}
	return out, nil
}

// writeEach writes the items numbered write in one transaction, each with
// one; if the transaction fails, each item is tried alone, so that one bad
// item fails alone. fail is told the error of each item not written.
func (db *DB) writeEach(ctx context.Context, write []int, one func(tx *bolt.Tx, i int) error, fail func(i int, err error)) {
	put := func(batch []int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return db.update(func(tx *bolt.Tx) error {
			for _, i := range batch {
				if err := one(tx, i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	err := put(write)
	if err == nil {
		return
	}
	if len(write) == 1 || ctx.Err() != nil {
		for _, i := range write {
			fail(i, err)
		}
		return
	}
	for _, i := range write {
		if err := put([]int{i}); err != nil {
			fail(i, err)
		}
	}
}

// handleSize is the length of an article's handle: 48 bits, so that two of
// a million articles share one with a chance of about 1 in 500.
const handleSize = 6

// handle is a short stand-in for an article ID in the fingerprint keys.
func handle(id string) []byte {
	sum := sha256.Sum256([]byte(id))
	return sum[:handleSize]
}

// file files id under each of its near-duplicate bands: a key of the band
// and the article's handle, with no value, so that an article costs a few
// dozen bytes a band however long its ID.
func file(tx *bolt.Tx, id string, bands [][]byte) error {
	if len(bands) == 0 {
		return nil
	}
	fp, handles := tx.Bucket(bucketFingerprints), tx.Bucket(bucketHandles)
	h := handle(id)
	if err := handles.Put(h, []byte(id)); err != nil {
		return err
	}
	for _, b := range bands {
		if err := fp.Put(append(slices.Clip(b), h...), nil); err != nil {
			return err
		}
	}
	return nil
}

// Filed returns, for each band, the IDs of up to perBand articles filed
// under it by PutArticles: the near-duplicate search's index.
func (db *DB) Filed(ctx context.Context, bands [][]byte, perBand int) ([][]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([][]string, len(bands))
	err := db.view(func(tx *bolt.Tx) error {
		c, handles := tx.Bucket(bucketFingerprints).Cursor(), tx.Bucket(bucketHandles)
		// A copy is filed under most of the bands: look each handle up once.
		ids := map[[handleSize]byte]string{}
		for i, band := range bands {
			for k, _ := c.Seek(band); k != nil && bytes.HasPrefix(k, band) && len(out[i]) < perBand; k, _ = c.Next() {
				if len(k) != len(band)+handleSize {
					continue // a longer band's key that starts with this one
				}
				h := [handleSize]byte(k[len(band):])
				id, ok := ids[h]
				if !ok {
					if v := handles.Get(h[:]); v != nil {
						id = string(v)
					}
					ids[h] = id
				}
				if id != "" {
					out[i] = append(out[i], id)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: filed articles: %w", err)
	}
	return out, nil
}

// Validators returns the ID of the article a URL led to and the HTTP
// validators it was stored with, for a conditional request, or an error
// wrapping storyline.ErrNotFound when the URL leads to no stored article.
func (db *DB) Validators(ctx context.Context, url string) (id, etag, lastModified string, err error) {
	if err := ctx.Err(); err != nil {
		return "", "", "", err
	}
	err = db.view(func(tx *bolt.Tx) error {
		id = string(tx.Bucket(bucketURLs).Get([]byte(url)))
		if id == "" {
			return storyline.ErrNotFound
		}
		h := header(tx, id)
		if !h.found {
			return storyline.ErrNotFound
		}
		etag, lastModified = h.ETag, h.LastModified
		return nil
	})
	if err != nil {
		return "", "", "", fmt.Errorf("store: validators of %s: %w", url, err)
	}
	return id, etag, lastModified, nil
}

// Article returns the stored article with the given ID, or an error wrapping
// storyline.ErrNotFound.
func (db *DB) Article(ctx context.Context, id string) (*storyline.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var a storyline.Article
	err := db.view(func(tx *bolt.Tx) error {
		return get(tx, bucketArticles, id, &a)
	})
	if err != nil {
		return nil, fmt.Errorf("store: article %s: %w", id, err)
	}
	return &a, nil
}

func get(tx *bolt.Tx, bucket []byte, id string, v any) error {
	data := tx.Bucket(bucket).Get([]byte(id))
	if data == nil {
		return storyline.ErrNotFound
	}
	// Unmarshal copies out of the mmap, so v outlives the transaction.
	return decode(data, v)
}
