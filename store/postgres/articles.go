package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store/internal/brief"
)

// PutArticles stores a batch of articles in one transaction, as the bbolt
// store's PutArticles does (see its comment for each outcome). An
// unchanged article is not written, and a batch of them opens no write
// transaction. The rows of the batch's stored articles are locked while
// the batch is decided and written, so that two writers of one article
// take turns; two inserting the same new article meet on its key, and the
// loser's transaction is run again, finding the winner's row.
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
	given := map[string]int{} // puts of each ID in this batch
	var ids, urls []string
	for _, i := range todo {
		given[stored[i].ID]++
		ids = append(ids, stored[i].ID)
		if stored[i].URL != "" {
			urls = append(urls, stored[i].URL)
		}
	}
	heads, err := headers(ctx, db.pool, ids, false)
	var known map[string]string
	if err == nil {
		known, err = urlsOf(ctx, db.pool, urls)
	}
	if err != nil {
		fail(todo, err)
		return results
	}
	var write []int
	for _, i := range todo {
		a := stored[i]
		h := heads[a.ID]
		results[i].Outcome, results[i].DuplicateOf = h.outcome(a), h.duplicateOf
		if results[i].Outcome != storyline.Unchanged || a.URL != "" && known[a.URL] != a.ID || h.validatorsChanged(a) || given[a.ID] > 1 {
			write = append(write, i)
		}
	}
	if len(write) == 0 {
		return results
	}
	db.writeEach(ctx, write, func(ctx context.Context, tx pgx.Tx, batch []int) (func(), error) {
		rs, err := putArticles(ctx, tx, stored, puts, batch)
		if err != nil {
			return nil, err
		}
		return func() {
			for k, i := range batch {
				results[i] = rs[k]
			}
		}, nil
	}, func(i int, err error) { fail([]int{i}, err) })
	return results
}

// putArticles writes the articles numbered batch inside tx and returns
// what it did to each, in the order of batch.
func putArticles(ctx context.Context, tx pgx.Tx, stored []*storyline.Article, puts []storyline.ArticlePut, batch []int) ([]storyline.Stored, error) {
	var ids, targets []string
	for _, i := range batch {
		ids = append(ids, stored[i].ID)
		if d := puts[i].DuplicateOf; d != "" {
			targets = append(targets, d)
		}
	}
	heads, err := headers(ctx, tx, ids, true)
	if err != nil {
		return nil, err
	}
	exists, err := existing(ctx, tx, targets)
	if err != nil {
		return nil, err
	}
	var q queue
	rs := make([]storyline.Stored, len(batch))
	var changed, written []string
	for k, i := range batch {
		a := *stored[i]
		h := heads[a.ID]
		r := storyline.Stored{Outcome: h.outcome(&a)}
		a.DuplicateOf = h.duplicateOf
		if r.Outcome != storyline.Unchanged {
			a.DuplicateOf = puts[i].DuplicateOf
			// A first copy must be stored: before this transaction, or
			// earlier in this batch.
			if a.DuplicateOf == a.ID || a.DuplicateOf != "" && !exists[a.DuplicateOf] && !heads[a.DuplicateOf].found {
				a.DuplicateOf = ""
			}
		}
		r.DuplicateOf = a.DuplicateOf
		rs[k] = r
		if a.URL != "" {
			q.add(nil, `INSERT INTO urls (url, id) VALUES ($1, $2)
				ON CONFLICT (url) DO UPDATE SET id = excluded.id WHERE urls.id <> excluded.id`, a.URL, a.ID)
		}
		if r.Outcome == storyline.Unchanged && !h.validatorsChanged(&a) {
			continue
		}
		if bands := puts[i].Bands; len(bands) > 0 {
			q.add(nil, `INSERT INTO fingerprints (band, handle, id) SELECT unnest($1::bytea[]), $2, $3
				ON CONFLICT (band, handle) DO NOTHING`, bands, handle(a.ID), a.ID)
		}
		if r.Outcome == storyline.Updated {
			changed = append(changed, a.ID)
		}
		written = append(written, a.ID)
		doc, err := json.Marshal(&a)
		if err != nil {
			return nil, err
		}
		published := ""
		if !a.Published.IsZero() {
			published = a.Published.Format(timeLayout)
		}
		if !h.found {
			q.add(func(tag pgconn.CommandTag) error {
				if tag.RowsAffected() == 0 {
					return errConflict // another writer stored it meanwhile
				}
				return nil
			}, `INSERT INTO articles (id, hash, duplicate_of, etag, last_modified, published, doc)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
				a.ID, a.Hash, a.DuplicateOf, a.ETag, a.LastModified, published, doc)
		} else {
			q.add(nil, `UPDATE articles SET hash = $2, duplicate_of = $3, etag = $4, last_modified = $5, published = $6, doc = $7
				WHERE id = $1`, a.ID, a.Hash, a.DuplicateOf, a.ETag, a.LastModified, published, doc)
		}
		heads[a.ID] = header{found: true, hash: a.Hash, duplicateOf: a.DuplicateOf, etag: a.ETag, lastModified: a.LastModified}
	}
	markChanged(&q, changed)
	if err := q.run(ctx, tx); err != nil {
		return nil, err
	}
	return rs, reindex(ctx, tx, written)
}

// timeLayout is how a publication time is kept: with its own offset, since
// its day is the day in that offset.
const timeLayout = "2006-01-02T15:04:05.999999999Z07:00"

// markChanged queues the marks of articles ids as waiting for grouping,
// and of their stories as stale: their text or extraction is written.
func markChanged(q *queue, ids []string) {
	if len(ids) == 0 {
		return
	}
	ids = slices.Sorted(slices.Values(ids))
	q.add(nil, `INSERT INTO story_changed (article) SELECT DISTINCT unnest($1::text[])
		ON CONFLICT (article) DO UPDATE SET xact = pg_current_xact_id()`, ids)
	q.add(nil, `INSERT INTO stale_stories (story) SELECT DISTINCT story FROM story_of WHERE article = ANY($1)
		ON CONFLICT (story) DO UPDATE SET xact = pg_current_xact_id()`, ids)
}

// queue is a batch of statements sent in one round trip, each with a
// check of what it did.
type queue struct {
	b      pgx.Batch
	checks []func(pgconn.CommandTag) error
}

func (q *queue) add(check func(pgconn.CommandTag) error, sql string, args ...any) {
	q.b.Queue(sql, args...)
	q.checks = append(q.checks, check)
}

func (q *queue) run(ctx context.Context, tx pgx.Tx) error {
	if len(q.checks) == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, &q.b)
	for _, check := range q.checks {
		tag, err := br.Exec()
		if err == nil && check != nil {
			err = check(tag)
		}
		if err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}

// header is what a write needs of a stored article.
type header struct {
	found                                 bool
	hash, duplicateOf, etag, lastModified string
}

// headers reads the headers of the stored articles among ids; forUpdate
// locks their rows until the transaction q ends.
func headers(ctx context.Context, q querier, ids []string, forUpdate bool) (map[string]header, error) {
	sql := `SELECT id, hash, duplicate_of, etag, last_modified FROM articles WHERE id = ANY($1) ORDER BY id`
	if forUpdate {
		sql += " FOR UPDATE"
	}
	rows, err := q.Query(ctx, sql, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]header{}
	var id string
	var h header
	_, err = pgx.ForEachRow(rows, []any{&id, &h.hash, &h.duplicateOf, &h.etag, &h.lastModified}, func() error {
		h.found = true
		out[id] = h
		return nil
	})
	return out, err
}

// existing returns which of ids are stored articles.
func existing(ctx context.Context, q querier, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT id FROM articles WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	var id string
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error {
		out[id] = true
		return nil
	})
	return out, err
}

// urlsOf returns the article each of urls leads to, for those recorded.
func urlsOf(ctx context.Context, q querier, urls []string) (map[string]string, error) {
	out := map[string]string{}
	if len(urls) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT url, id FROM urls WHERE url = ANY($1)`, urls)
	if err != nil {
		return nil, err
	}
	var u, id string
	_, err = pgx.ForEachRow(rows, []any{&u, &id}, func() error {
		out[u] = id
		return nil
	})
	return out, err
}

func (h header) outcome(a *storyline.Article) storyline.Outcome {
	switch {
	case !h.found:
		return storyline.New
	case h.hash == a.Hash:
		return storyline.Unchanged
	default:
		return storyline.Updated
	}
}

func (h header) validatorsChanged(a *storyline.Article) bool {
	return !h.found || h.etag != a.ETag || h.lastModified != a.LastModified
}

// Outcomes reports what PutArticles would do with each article, without
// writing.
func (db *DB) Outcomes(ctx context.Context, as []*storyline.Article) ([]storyline.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	heads, err := headers(ctx, db.pool, ids, false)
	if err != nil {
		return nil, fmt.Errorf("store: outcomes: %w", err)
	}
	out := make([]storyline.Outcome, len(as))
	for i, a := range as {
		v := *a
		v.Hash = v.ContentHash()
		out[i] = heads[a.ID].outcome(&v)
	}
	return out, nil
}

// writeEach writes the items numbered write in one transaction with one,
// which returns what to do once it committed; if the transaction fails,
// each item is tried alone, so that one bad item fails alone. fail is told
// the error of each item not written.
func (db *DB) writeEach(ctx context.Context, write []int, one func(ctx context.Context, tx pgx.Tx, batch []int) (func(), error), fail func(i int, err error)) {
	put := func(batch []int) error {
		var done func()
		err := db.inTx(ctx, func(tx pgx.Tx) error {
			d, err := one(ctx, tx, batch)
			done = d
			return err
		})
		if err == nil {
			done()
		}
		return err
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

// handleSize is the length of an article's handle, as in the bbolt store.
const handleSize = 6

// handle orders the articles filed under a band as the bbolt store does:
// by 6 bytes of SHA-256 of the ID.
func handle(id string) []byte {
	sum := sha256.Sum256([]byte(id))
	return sum[:handleSize]
}

// Filed returns, for each band, the IDs of up to perBand articles filed
// under it by PutArticles: the near-duplicate search's index.
func (db *DB) Filed(ctx context.Context, bands [][]byte, perBand int) ([][]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([][]string, len(bands))
	rows, err := db.pool.Query(ctx, `SELECT b.i, f.id FROM unnest($1::bytea[]) WITH ORDINALITY AS b(band, i)
		CROSS JOIN LATERAL (SELECT handle, id FROM fingerprints WHERE band = b.band ORDER BY handle LIMIT $2) f
		ORDER BY b.i, f.handle`, bands, perBand)
	if err == nil {
		var i int
		var id string
		_, err = pgx.ForEachRow(rows, []any{&i, &id}, func() error {
			out[i-1] = append(out[i-1], id)
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("store: filed articles: %w", err)
	}
	return out, nil
}

// Validators returns the ID of the article a URL led to and the HTTP
// validators it was stored with, or an error wrapping
// storyline.ErrNotFound.
func (db *DB) Validators(ctx context.Context, url string) (id, etag, lastModified string, err error) {
	if err := ctx.Err(); err != nil {
		return "", "", "", err
	}
	err = db.pool.QueryRow(ctx, `SELECT a.id, a.etag, a.last_modified FROM urls u JOIN articles a ON a.id = u.id WHERE u.url = $1`, url).
		Scan(&id, &etag, &lastModified)
	if err != nil {
		return "", "", "", fmt.Errorf("store: validators of %s: %w", url, notFound(err))
	}
	return id, etag, lastModified, nil
}

// Article returns the stored article with the given ID, or an error
// wrapping storyline.ErrNotFound.
func (db *DB) Article(ctx context.Context, id string) (*storyline.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var doc []byte
	if err := db.pool.QueryRow(ctx, `SELECT doc FROM articles WHERE id = $1`, id).Scan(&doc); err != nil {
		return nil, fmt.Errorf("store: article %s: %w", id, notFound(err))
	}
	var a storyline.Article
	if err := decode(doc, &a); err != nil {
		return nil, fmt.Errorf("store: article %s: %w", id, err)
	}
	return &a, nil
}

// notFound turns "no rows" into storyline.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return storyline.ErrNotFound
	}
	return err
}

// decode reads a stored JSON value; one that does not decode is damage.
func decode(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("value: %v: %w", err, storyline.ErrDamaged)
	}
	return nil
}
