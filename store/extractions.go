package store

import (
	"bytes"
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store/internal/brief"
)

// PutExtractions stores a batch of extractions, each under its ArticleID
// and replacing any earlier one, in one transaction: when it returns, every
// extraction without an error is on disk. It writes nothing for an
// extraction already stored as is. An extraction whose article is not
// stored fails with an error wrapping storyline.ErrNotFound, and one made
// from another version of the article than the stored one with an error
// wrapping storyline.ErrStale: an extraction is kept only with the text it
// was made from. If the batch cannot be written whole,
// each extraction is tried alone. Errors are in the order of xs.
func (db *DB) PutExtractions(ctx context.Context, xs []*storyline.Extraction) []error {
	errs := make([]error, len(xs))
	fail := func(i int, err error) {
		errs[i] = fmt.Errorf("store: put extraction %s: %w", brief.ID(xs[i].ArticleID), err)
	}
	if err := ctx.Err(); err != nil {
		for i := range xs {
			fail(i, err)
		}
		return errs
	}
	values := make([][]byte, len(xs))
	var write []int
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketExtractions)
		for i, x := range xs {
			v, err := encodeExtraction(x)
			if err != nil {
				fail(i, err)
				continue
			}
			values[i] = v
			if !bytes.Equal(b.Get([]byte(x.ArticleID)), v) {
				write = append(write, i)
			}
		}
		return nil
	})
	if err != nil {
		for i := range errs {
			if errs[i] == nil {
				fail(i, err)
			}
		}
		return errs
	}
	if len(write) == 0 {
		return errs
	}
	db.writeEach(ctx, write, func(tx *bolt.Tx, i int) error {
		h := header(tx, xs[i].ArticleID)
		switch {
		case !h.found:
			return fmt.Errorf("article %s: %w", xs[i].ArticleID, storyline.ErrNotFound)
		case h.Hash != xs[i].ArticleHash:
			return storyline.ErrStale
		}
		id := []byte(xs[i].ArticleID)
		if err := staleStoryOf(tx, id); err != nil {
			return err
		}
		b := tx.Bucket(bucketExtractions)
		b.FillPercent = fillPercent
		if err := b.Put(id, values[i]); err != nil {
			return err
		}
		return reindex(tx, id, h.Hash, h.Published, xs[i])
	}, fail)
	return errs
}

// Extraction returns the stored extraction of the article with the given
// ID, or an error wrapping storyline.ErrNotFound.
func (db *DB) Extraction(ctx context.Context, id string) (*storyline.Extraction, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
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

// IDs returns up to n IDs of stored articles that sort after the ID
// after ("" for the first), in key order. Walking the store in chunks keeps
// each read transaction short, so writers are never held up by a reader.
func (db *DB) IDs(ctx context.Context, after string, n int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
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
	if err != nil {
		return nil, fmt.Errorf("store: list articles after %q: %w", after, err)
	}
	return ids, nil
}

// ForEach calls fn for every stored article in ID order with its extraction,
// or a nil extraction when it has none. It runs in one read transaction, so
// fn sees one consistent state of the store; fn must not write to the store.
// An error from fn, or ctx's, stops the walk and is returned.
func (db *DB) ForEach(ctx context.Context, fn func(a *storyline.Article, x *storyline.Extraction) error) error {
	return db.view(func(tx *bolt.Tx) error {
		extractions := tx.Bucket(bucketExtractions)
		return tx.Bucket(bucketArticles).ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
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
