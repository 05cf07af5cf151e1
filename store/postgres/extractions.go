package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store/internal/brief"
	"github.com/storyline/storyline/store/internal/doc"
)

func encodeExtraction(x *storyline.Extraction) ([]byte, error) {
	return json.Marshal(doc.Of(x))
}

// decodeExtraction reads an extraction of the article with the given ID and
// text.
func decodeExtraction(id, version, hash string, data []byte, text string) (*storyline.Extraction, error) {
	var d doc.Extraction
	if err := decode(data, &d); err != nil {
		return nil, err
	}
	return d.Extraction(id, version, hash, text), nil
}

// PutExtractions stores a batch of extractions in one transaction, each
// replacing any earlier one of its article, as the bbolt store's does: an
// extraction stored as is already is not written; one whose article is
// not stored fails with storyline.ErrNotFound, and one made from another
// version of the article with storyline.ErrStale. The articles' rows are
// locked (FOR SHARE) from that check to the commit, so an article updated
// by another writer meanwhile cannot get the old version's extraction.
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
	docs := make([][]byte, len(xs))
	ids := make([]string, len(xs))
	for i, x := range xs {
		ids[i] = x.ArticleID
		doc, err := encodeExtraction(x)
		if err != nil {
			fail(i, err)
			continue
		}
		docs[i] = doc
	}
	type current struct {
		version, hash string
		doc           []byte
	}
	have := map[string]current{}
	rows, err := db.pool.Query(ctx, `SELECT id, version, article_hash, doc FROM extractions WHERE id = ANY($1)`, ids)
	if err == nil {
		var id string
		var c current
		_, err = pgx.ForEachRow(rows, []any{&id, &c.version, &c.hash, &c.doc}, func() error {
			have[id] = current{c.version, c.hash, bytes.Clone(c.doc)}
			return nil
		})
	}
	if err != nil {
		for i := range errs {
			if errs[i] == nil {
				fail(i, err)
			}
		}
		return errs
	}
	var write []int
	for i, x := range xs {
		c, ok := have[x.ArticleID]
		if errs[i] == nil && !(ok && c.version == x.Version && c.hash == x.ArticleHash && bytes.Equal(c.doc, docs[i])) {
			write = append(write, i)
		}
	}
	if len(write) == 0 {
		return errs
	}
	db.writeEach(ctx, write, func(ctx context.Context, tx pgx.Tx, batch []int) (func(), error) {
		var ids []string
		for _, i := range batch {
			ids = append(ids, xs[i].ArticleID)
		}
		rows, err := tx.Query(ctx, `SELECT id, hash FROM articles WHERE id = ANY($1) ORDER BY id FOR SHARE`, ids)
		if err != nil {
			return nil, err
		}
		hashes := map[string]string{}
		var id, hash string
		if _, err := pgx.ForEachRow(rows, []any{&id, &hash}, func() error {
			hashes[id] = hash
			return nil
		}); err != nil {
			return nil, err
		}
		var q queue
		itemErrs := map[int]error{}
		var changed []string
		for _, i := range batch {
			x := xs[i]
			h, found := hashes[x.ArticleID]
			switch {
			case !found:
				itemErrs[i] = fmt.Errorf("article %s: %w", x.ArticleID, storyline.ErrNotFound)
				continue
			case h != x.ArticleHash:
				itemErrs[i] = storyline.ErrStale
				continue
			}
			q.add(nil, `INSERT INTO extractions (id, version, article_hash, doc) VALUES ($1, $2, $3, $4)
				ON CONFLICT (id) DO UPDATE SET version = excluded.version, article_hash = excluded.article_hash, doc = excluded.doc`,
				x.ArticleID, x.Version, x.ArticleHash, docs[i])
			changed = append(changed, x.ArticleID)
		}
		markChanged(&q, changed)
		if err := q.run(ctx, tx); err != nil {
			return nil, err
		}
		if err := reindex(ctx, tx, changed); err != nil {
			return nil, err
		}
		return func() {
			for i, err := range itemErrs {
				fail(i, err)
			}
		}, nil
	}, fail)
	return errs
}

// Extraction returns the stored extraction of the article with the given
// ID, or an error wrapping storyline.ErrNotFound.
func (db *DB) Extraction(ctx context.Context, id string) (*storyline.Extraction, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var version, hash string
	var doc, article []byte
	err := db.pool.QueryRow(ctx, `SELECT x.version, x.article_hash, x.doc, a.doc FROM extractions x JOIN articles a ON a.id = x.id
		WHERE x.id = $1`, id).Scan(&version, &hash, &doc, &article)
	if err != nil {
		return nil, fmt.Errorf("store: extraction %s: %w", id, notFound(err))
	}
	var a struct {
		Text string `json:"text"`
	}
	if err := decode(article, &a); err != nil {
		return nil, fmt.Errorf("store: extraction %s: %w", id, err)
	}
	x, err := decodeExtraction(id, version, hash, doc, a.Text)
	if err != nil {
		return nil, fmt.Errorf("store: extraction %s: %w", id, err)
	}
	return x, nil
}

// IDs returns up to n IDs of stored articles that sort after the ID after
// ("" for the first), in byte order.
func (db *DB) IDs(ctx context.Context, after string, n int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT id FROM articles WHERE id > $1 ORDER BY id LIMIT $2`, after, n)
	var ids []string
	if err == nil {
		ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return nil, fmt.Errorf("store: list articles after %q: %w", after, err)
	}
	return ids, nil
}

// ForEach calls fn for every stored article in ID order with its
// extraction, or nil when it has none. It reads in one read-only
// transaction, so fn sees one state of the store, and streams the rows:
// memory does not grow with the store. An error from fn, or ctx's, stops
// the walk and is returned.
func (db *DB) ForEach(ctx context.Context, fn func(a *storyline.Article, x *storyline.Extraction) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT a.doc, x.version, x.article_hash, x.doc FROM articles a
			LEFT JOIN extractions x ON x.id = a.id ORDER BY a.id`)
		if err != nil {
			return fmt.Errorf("store: articles: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var doc, xdoc []byte
			var version, hash *string
			if err := rows.Scan(&doc, &version, &hash, &xdoc); err != nil {
				return fmt.Errorf("store: articles: %w", err)
			}
			var a storyline.Article
			if err := decode(doc, &a); err != nil {
				return fmt.Errorf("store: article: %w", err)
			}
			var x *storyline.Extraction
			if version != nil {
				if x, err = decodeExtraction(a.ID, *version, *hash, xdoc, a.Text); err != nil {
					return fmt.Errorf("store: extraction %s: %w", a.ID, err)
				}
			}
			if err := fn(&a, x); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: articles: %w", err)
		}
		return ctx.Err()
	})
}
