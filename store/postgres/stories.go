package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storyline/storyline"
)

// keyStories is the meta key of the version that made the stories.
const keyStories = "stories_version"

// seen is the SQL condition that a work mark (a row with an xact column)
// was committed before the snapshot $1 that Exclusive took, or any mark
// when there is no snapshot ($1 NULL: a single writer).
const seen = `($1::pg_snapshot IS NULL OR pg_visible_in_snapshot(xact, $1::pg_snapshot))`

// UpdateStories writes what grouping decided, in one transaction, as the
// bbolt store's does: readers see the stories before or after. The work
// marks it clears (the articles grouped, the stories put) are only those
// committed before the snapshot in ctx (see Exclusive): an article
// extracted again by another writer while the update was being decided
// stays on the list of work.
func (db *DB) UpdateStories(ctx context.Context, u storyline.StoryUpdate) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	snap := snapshot(ctx)
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var q queue
		if u.All {
			for _, table := range []string{"stories", "story_of", "story_keys", "anchors", "story_profiles"} {
				q.add(nil, "DELETE FROM "+table)
			}
			q.add(nil, `DELETE FROM stale_stories WHERE `+seen, snap)
			q.add(nil, `DELETE FROM story_changed WHERE `+seen, snap)
		}
		if len(u.Remove) > 0 {
			q.add(nil, `DELETE FROM story_of WHERE story = ANY($1)`, u.Remove)
			q.add(nil, `DELETE FROM stories WHERE id = ANY($1)`, u.Remove)
			q.add(nil, `DELETE FROM stale_stories WHERE `+seen+` AND story = ANY($2)`, snap, u.Remove)
		}
		if err := putStories(&q, u.Put, true); err != nil {
			return err
		}
		if len(u.Put) > 0 {
			ids := make([]string, len(u.Put))
			for i, s := range u.Put {
				ids[i] = s.ID
			}
			q.add(nil, `DELETE FROM stale_stories WHERE `+seen+` AND story = ANY($2)`, snap, ids)
		}
		if len(u.Unindex) > 0 {
			q.add(nil, `DELETE FROM anchors WHERE article = ANY($1)`, u.Unindex)
			q.add(nil, `DELETE FROM story_keys WHERE article = ANY($1)`, u.Unindex)
			q.add(nil, `DELETE FROM story_profiles WHERE article = ANY($1)`, u.Unindex)
			q.add(nil, `DELETE FROM story_changed WHERE `+seen+` AND article = ANY($2)`, snap, u.Unindex)
		}
		if len(u.Keys) > 0 {
			ids := slices.Sorted(maps.Keys(u.Keys))
			q.add(nil, `DELETE FROM anchors WHERE article = ANY($1)`, ids)
			q.add(nil, `DELETE FROM story_profiles WHERE article = ANY($1)`, ids)
			if err := putKeys(&q, u, true); err != nil {
				return err
			}
			q.add(nil, `DELETE FROM story_changed WHERE `+seen+` AND article = ANY($2)`, snap, ids)
		}
		q.add(nil, `INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keyStories, u.Version)
		return q.run(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("store: update stories: %w", err)
	}
	return nil
}

// putStories queues the stories and the article → story rows of puts;
// upsert replaces rows already there.
func putStories(q *queue, puts []storyline.Story, upsert bool) error {
	if len(puts) == 0 {
		return nil
	}
	ids, docs := make([]string, len(puts)), make([][]byte, len(puts))
	storyOf := map[string]string{}
	for i := range puts {
		doc, err := json.Marshal(&puts[i])
		if err != nil {
			return fmt.Errorf("put story %s: %w", puts[i].ID, err)
		}
		ids[i], docs[i] = puts[i].ID, doc
		for _, a := range puts[i].Articles {
			storyOf[a] = puts[i].ID
		}
	}
	articles := slices.Sorted(maps.Keys(storyOf))
	stories := make([]string, len(articles))
	for i, a := range articles {
		stories[i] = storyOf[a]
	}
	conflict := ""
	if upsert {
		conflict = " ON CONFLICT (id) DO UPDATE SET doc = excluded.doc"
	}
	q.add(nil, `INSERT INTO stories (id, doc) SELECT * FROM unnest($1::text[], $2::bytea[])`+conflict, ids, docs)
	if upsert {
		conflict = " ON CONFLICT (article) DO UPDATE SET story = excluded.story"
	}
	q.add(nil, `INSERT INTO story_of (article, story) SELECT * FROM unnest($1::text[], $2::text[])`+conflict, articles, stories)
	return nil
}

// putKeys queues each article's keys, its anchors and its profile; the
// old anchors and profiles must be gone already.
func putKeys(q *queue, u storyline.StoryUpdate, upsert bool) error {
	if len(u.Keys) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(u.Keys))
	docs := make([][]byte, len(ids))
	var anchors, days, of, profiled []string
	var profiles [][]byte
	for i, id := range ids {
		k := u.Keys[id]
		doc, err := json.Marshal(&k)
		if err != nil {
			return fmt.Errorf("story keys %s: %w", id, err)
		}
		docs[i] = doc
		for _, a := range slices.Compact(slices.Sorted(slices.Values(k.Anchors))) {
			anchors, days, of = append(anchors, a), append(days, k.Day), append(of, id)
		}
		// A report without a profile has none stale left either.
		if p := u.Profiles[id]; len(p) > 0 {
			profiled, profiles = append(profiled, id), append(profiles, p)
		}
	}
	conflict := ""
	if upsert {
		conflict = " ON CONFLICT (article) DO UPDATE SET doc = excluded.doc"
	}
	q.add(nil, `INSERT INTO story_keys (article, doc) SELECT * FROM unnest($1::text[], $2::bytea[])`+conflict, ids, docs)
	q.add(nil, `INSERT INTO anchors (anchor, day, article) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`, anchors, days, of)
	if len(profiled) > 0 {
		q.add(nil, `INSERT INTO story_profiles (article, profile) SELECT * FROM unnest($1::text[], $2::bytea[])`, profiled, profiles)
	}
	return nil
}

// ReplaceStories replaces every story and index key with those build puts,
// part by part, and records version as theirs. It runs in one
// transaction, each part written as it comes: readers see the old stories
// until it commits, and a failed build (or a dead process) leaves them
// whole and current. Work marks are cleared as UpdateStories clears them.
func (db *DB) ReplaceStories(ctx context.Context, version string, build func(put func(storyline.StoryUpdate) error) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	snap := snapshot(ctx)
	var buildErr error
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var q queue
		for _, table := range []string{"stories", "story_of", "story_keys", "anchors", "story_profiles"} {
			q.add(nil, "DELETE FROM "+table)
		}
		if err := q.run(ctx, tx); err != nil {
			return err
		}
		buildErr = build(func(u storyline.StoryUpdate) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			var q queue
			if err := putStories(&q, u.Put, false); err != nil {
				return fmt.Errorf("store: rebuild stories: %w", err)
			}
			if err := putKeys(&q, u, false); err != nil {
				return fmt.Errorf("store: rebuild stories: %w", err)
			}
			if err := q.run(ctx, tx); err != nil {
				return fmt.Errorf("store: rebuild stories: %w", err)
			}
			return nil
		})
		if buildErr != nil {
			return buildErr
		}
		q = queue{}
		q.add(nil, `DELETE FROM stale_stories WHERE `+seen, snap)
		// The articles grouped are no longer waiting.
		q.add(nil, `DELETE FROM story_changed c WHERE `+seen+` AND EXISTS (SELECT 1 FROM story_keys k WHERE k.article = c.article)`, snap)
		q.add(nil, `INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keyStories, version)
		return q.run(ctx, tx)
	})
	if buildErr != nil {
		return buildErr
	}
	if err != nil {
		return fmt.Errorf("store: rebuild stories: %w", err)
	}
	return nil
}

// Anchored returns the IDs of the articles filed under each anchor that
// were published from day from to day to (YYYY-MM-DD, both included), and
// of those whose day is unknown; with from and to "", all of them. Each
// anchor's IDs come undated first, then by day and ID, as from bbolt.
func (db *DB) Anchored(ctx context.Context, anchors []string, from, to string) (map[string][]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	rows, err := db.pool.Query(ctx, `SELECT anchor, article FROM anchors WHERE anchor = ANY($1)
		AND (day = '' OR ($2 = '' AND $3 = '') OR day BETWEEN $2 AND $3) ORDER BY anchor, day, article`, anchors, from, to)
	if err == nil {
		var a, id string
		_, err = pgx.ForEachRow(rows, []any{&a, &id}, func() error {
			out[a] = append(out[a], id)
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("store: anchored articles: %w", err)
	}
	return out, nil
}

// StoryKeys returns the index keys of the articles ids that have some, and
// the story each of ids is in ("" for none).
func (db *DB) StoryKeys(ctx context.Context, ids []string) (map[string]storyline.StoryKeys, map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	keys, stories := map[string]storyline.StoryKeys{}, map[string]string{}
	rows, err := db.pool.Query(ctx, `SELECT i.id, k.doc, coalesce(o.story, '') FROM unnest($1::text[]) AS i(id)
		LEFT JOIN story_keys k ON k.article = i.id LEFT JOIN story_of o ON o.article = i.id`, ids)
	if err == nil {
		var id, story string
		var doc []byte
		_, err = pgx.ForEachRow(rows, []any{&id, &doc, &story}, func() error {
			stories[id] = story
			if doc == nil {
				return nil
			}
			var k storyline.StoryKeys
			if err := decode(doc, &k); err != nil {
				return fmt.Errorf("story keys %s: %w", id, err)
			}
			keys[id] = k
			return nil
		})
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: story keys: %w", err)
	}
	return keys, stories, nil
}

// Profiles returns the stored profiles of the articles ids that have one.
func (db *DB) Profiles(ctx context.Context, ids []string) (map[string][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	rows, err := db.pool.Query(ctx, `SELECT article, profile FROM story_profiles WHERE article = ANY($1)`, ids)
	if err == nil {
		var id string
		var p []byte
		_, err = pgx.ForEachRow(rows, []any{&id, &p}, func() error {
			out[id] = slices.Clone(p)
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("store: story profiles: %w", err)
	}
	return out, nil
}

// StoryWork lists, in ID order, the articles waiting for grouping.
func (db *DB) StoryWork(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT article FROM story_changed ORDER BY article`)
	var ids []string
	if err == nil {
		ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return nil, fmt.Errorf("store: story work: %w", err)
	}
	return ids, nil
}

// StoriesVersion returns the version that made the stored stories, ""
// when none were made.
func (db *DB) StoriesVersion(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var v string
	err := db.pool.QueryRow(ctx, `SELECT coalesce((SELECT value FROM meta WHERE key = $1), '')`, keyStories).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("store: stories version: %w", err)
	}
	return v, nil
}

// StoriesState reports how current the stored stories are, counted in one
// statement, so of one state of the store.
func (db *DB) StoriesState(ctx context.Context) (storyline.StoriesState, error) {
	var st storyline.StoriesState
	if err := ctx.Err(); err != nil {
		return st, err
	}
	err := db.pool.QueryRow(ctx, `SELECT coalesce((SELECT value FROM meta WHERE key = $1), ''),
		(SELECT count(*) FROM stale_stories st JOIN stories s ON s.id = st.story),
		(SELECT count(*) FROM stories),
		(SELECT count(*) FROM extractions x WHERE NOT EXISTS (SELECT 1 FROM story_of o WHERE o.article = x.id))`, keyStories).
		Scan(&st.Version, &st.Stale, &st.Stories, &st.Unassigned)
	if err != nil {
		return st, fmt.Errorf("store: stories state: %w", err)
	}
	return st, nil
}

// Stories calls fn for every stored story in ID order, saying whether it
// is stale, in one read-only transaction.
func (db *DB) Stories(ctx context.Context, fn func(s *storyline.Story, stale bool) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT s.id, s.doc, st.story IS NOT NULL FROM stories s
			LEFT JOIN stale_stories st ON st.story = s.id ORDER BY s.id`)
		if err != nil {
			return fmt.Errorf("store: stories: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var id string
			var doc []byte
			var stale bool
			if err := rows.Scan(&id, &doc, &stale); err != nil {
				return fmt.Errorf("store: stories: %w", err)
			}
			var s storyline.Story
			if err := decode(doc, &s); err != nil {
				return fmt.Errorf("store: story %s: %w", id, err)
			}
			if err := fn(&s, stale); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: stories: %w", err)
		}
		return nil
	})
}

// Story returns the stored story with the given ID and whether it is
// stale, or an error wrapping storyline.ErrNotFound.
func (db *DB) Story(ctx context.Context, id string) (*storyline.Story, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	var doc []byte
	var stale bool
	err := db.pool.QueryRow(ctx, `SELECT doc, EXISTS (SELECT 1 FROM stale_stories WHERE story = $1) FROM stories WHERE id = $1`, id).
		Scan(&doc, &stale)
	if err != nil {
		return nil, false, fmt.Errorf("store: story %s: %w", id, notFound(err))
	}
	var s storyline.Story
	if err := decode(doc, &s); err != nil {
		return nil, false, fmt.Errorf("store: story %s: %w", id, err)
	}
	return &s, stale, nil
}

// StoryOf maps every article in a story to its story's ID.
func (db *DB) StoryOf(ctx context.Context) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := map[string]string{}
	rows, err := db.pool.Query(ctx, `SELECT article, story FROM story_of`)
	if err == nil {
		var a, s string
		_, err = pgx.ForEachRow(rows, []any{&a, &s}, func() error {
			out[a] = s
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("store: stories of articles: %w", err)
	}
	return out, nil
}

// ArticleWithExtraction returns the stored article with the given ID, its
// extraction (nil when it has none) and its story ("" when in none), read
// in one statement, so that the extraction's offsets are those of that
// text. The article missing is an error wrapping storyline.ErrNotFound.
func (db *DB) ArticleWithExtraction(ctx context.Context, id string) (*storyline.Article, *storyline.Extraction, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, "", err
	}
	var doc, xdoc []byte
	var story string
	var version, hash *string
	err := db.pool.QueryRow(ctx, `SELECT a.doc, coalesce(o.story, ''), x.version, x.article_hash, x.doc FROM articles a
		LEFT JOIN story_of o ON o.article = a.id LEFT JOIN extractions x ON x.id = a.id WHERE a.id = $1`, id).
		Scan(&doc, &story, &version, &hash, &xdoc)
	if err != nil {
		return nil, nil, "", fmt.Errorf("store: article %s: %w", id, notFound(err))
	}
	var a storyline.Article
	if err := decode(doc, &a); err != nil {
		return nil, nil, "", fmt.Errorf("store: article %s: %w", id, err)
	}
	var x *storyline.Extraction
	if version != nil {
		if x, err = decodeExtraction(id, *version, *hash, xdoc, a.Text); err != nil {
			return nil, nil, "", fmt.Errorf("store: extraction %s: %w", id, err)
		}
	}
	return &a, x, story, nil
}

// extractedChunk is how many extractions Extracted reads in one query.
const extractedChunk = 1024

// Extracted calls fn, in ID order, with the ID and publication time of
// every article whose stored extraction was made by version from its
// current text, reading a chunk of them per query.
func (db *DB) Extracted(ctx context.Context, version string, fn func(id string, published time.Time) error) error {
	type dated struct {
		id        string
		published time.Time
	}
	for after := ""; ; {
		if err := ctx.Err(); err != nil {
			return err
		}
		var chunk []dated
		rows, err := db.pool.Query(ctx, `SELECT x.id, a.published FROM extractions x JOIN articles a ON a.id = x.id
			WHERE x.version = $1 AND x.article_hash = a.hash AND x.id > $2 ORDER BY x.id LIMIT $3`, version, after, extractedChunk)
		if err == nil {
			var id, published string
			_, err = pgx.ForEachRow(rows, []any{&id, &published}, func() error {
				d := dated{id: id}
				if published != "" {
					t, err := time.Parse(timeLayout, published)
					if err != nil {
						return fmt.Errorf("article %s: published %q: %v: %w", id, published, err, storyline.ErrDamaged)
					}
					d.published = t
				}
				chunk = append(chunk, d)
				return nil
			})
		}
		if err != nil {
			return fmt.Errorf("store: extracted articles: %w", err)
		}
		for _, d := range chunk {
			if err := fn(d.id, d.published); err != nil {
				return err
			}
		}
		if len(chunk) < extractedChunk {
			return ctx.Err()
		}
		after = chunk[len(chunk)-1].id
	}
}
