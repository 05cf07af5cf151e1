package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store"
)

// The query index files every article under the terms store.Terms gives
// (the bbolt store's, so that both answer alike), in the transaction of
// every write of the article or its extraction. It is complete when meta
// holds store.IndexVersion; Open builds it when it is not (a store made
// before it, or terms of another version).
const keyIndex = "query_index"

// errNoIndex is the error of a query of a store whose index is not built.
var errNoIndex = errors.New("no query index yet: 'extract run' builds it")

// reindex files articles ids under their terms now, in place of those
// they were filed under.
func reindex(ctx context.Context, tx pgx.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT a.id, a.hash, a.published, x.article_hash, x.doc FROM articles a
		LEFT JOIN extractions x ON x.id = a.id WHERE a.id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	var kinds, values, of []string
	var id, hash, published string
	var xhash *string
	var xdoc []byte
	_, err = pgx.ForEachRow(rows, []any{&id, &hash, &published, &xhash, &xdoc}, func() error {
		a := &storyline.Article{ID: id, Hash: hash}
		if published != "" {
			t, err := time.Parse(timeLayout, published)
			if err != nil {
				return fmt.Errorf("article %s: published %q: %v: %w", id, published, err, storyline.ErrDamaged)
			}
			a.Published = t
		}
		var x *storyline.Extraction
		if xhash != nil {
			var err error
			if x, err = decodeExtraction(id, "", *xhash, xdoc, ""); err != nil {
				return fmt.Errorf("extraction %s: %w", id, err)
			}
		}
		for _, t := range store.Terms(a, x) {
			kinds, values, of = append(kinds, string(t.Kind)), append(values, t.Value), append(of, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var q queue
	q.add(nil, `DELETE FROM query_index WHERE article = ANY($1)`, ids)
	q.add(nil, `INSERT INTO query_index (kind, value, article) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`, kinds, values, of)
	return q.run(ctx, tx)
}

// Indexed reports whether the query index is complete: false only for a
// store made before the index (or its terms) and not opened for writing
// since, which a reader then answers by scanning.
func (db *DB) Indexed(ctx context.Context) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	var v string
	err := db.pool.QueryRow(ctx, `SELECT coalesce((SELECT value FROM meta WHERE key = $1), '')`, keyIndex).Scan(&v)
	if err != nil {
		return false, fmt.Errorf("store: query index: %w", err)
	}
	return v == store.IndexVersion, nil
}

// Mentioning returns, in ID order, the IDs of the articles filed under
// term t (see store.Terms).
func (db *DB) Mentioning(ctx context.Context, t store.Term) ([]string, error) {
	return db.indexed(ctx, fmt.Sprintf("articles filed under %s %q", t.Kind, t.Value),
		`SELECT article FROM query_index WHERE kind = $1 AND value = $2 ORDER BY article`, string(t.Kind), t.Value)
}

// PublishedWithin returns, in ID order, the IDs of the articles published
// from day from to day to (YYYY-MM-DD, both included; "" leaves that end
// open). Articles without a publication day are not among them.
func (db *DB) PublishedWithin(ctx context.Context, from, to string) ([]string, error) {
	return db.indexed(ctx, fmt.Sprintf("articles published from %q to %q", from, to),
		`SELECT article FROM query_index WHERE kind = $1 AND value >= $2 AND ($3 = '' OR value <= $3) ORDER BY article`,
		string(store.TermDay), from, to)
}

// indexed runs a query of the index, which must be complete.
func (db *DB) indexed(ctx context.Context, what, sql string, args ...any) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ok, err := db.Indexed(ctx)
	if err == nil && !ok {
		err = errNoIndex
	}
	var ids []string
	if err == nil {
		var rows pgx.Rows
		if rows, err = db.pool.Query(ctx, sql, args...); err == nil {
			ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return ids, nil
}

// indexChunk is how many articles one transaction of buildIndex files.
const indexChunk = 1024

// buildIndex files every article of a store whose index is missing or of
// other terms, a chunk per transaction, and records it complete in the
// last; a build cut short is begun again by the next open.
func (db *DB) buildIndex(ctx context.Context) error {
	if ok, err := db.Indexed(ctx); err != nil || ok {
		return err
	}
	for after := ""; ; {
		ids, err := db.IDs(ctx, after, indexChunk)
		if err != nil {
			return err
		}
		err = db.inTx(ctx, func(tx pgx.Tx) error {
			if err := reindex(ctx, tx, ids); err != nil {
				return err
			}
			if len(ids) < indexChunk {
				_, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ($1, $2)
					ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keyIndex, store.IndexVersion)
				return err
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: build the query index: %w", err)
		}
		if len(ids) < indexChunk {
			return nil
		}
		after = ids[len(ids)-1]
	}
}
