package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/storyline/storyline"
)

// Stories are kept under their ID, with each article's story beside them,
// and the IDs of the stories whose articles or extractions changed since
// they were made: a stale story is still read, marked as such, until the
// next build replaces it.
var (
	bucketStories = []byte("stories")
	bucketStoryOf = []byte("story_of") // article ID → story ID
	bucketStale   = []byte("stale_stories")
	keyStories    = []byte("stories_version") // in meta: the version that made the stories
)

// PutStories replaces every stored story with stories, made by version, in
// one transaction: a reader sees the old stories or the new ones, never a
// mix, and an interrupted build leaves the old ones whole.
func (db *DB) PutStories(ctx context.Context, version string, stories []storyline.Story) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	values := make([][]byte, len(stories))
	for i := range stories {
		v, err := encode(&stories[i])
		if err != nil {
			return fmt.Errorf("store: put story %s: %w", stories[i].ID, err)
		}
		values[i] = v
	}
	err := db.update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketStories, bucketStoryOf, bucketStale} {
			if err := tx.DeleteBucket(name); err != nil && tx.Bucket(name) != nil {
				return err
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		b, of := tx.Bucket(bucketStories), tx.Bucket(bucketStoryOf)
		b.FillPercent, of.FillPercent = fillPercent, fillPercent
		for i, s := range stories {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := b.Put([]byte(s.ID), values[i]); err != nil {
				return err
			}
			for _, a := range s.Articles {
				if err := of.Put([]byte(a), []byte(s.ID)); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketMeta).Put(keyStories, []byte(version))
	})
	if err != nil {
		return fmt.Errorf("store: put stories: %w", err)
	}
	return nil
}

// StoriesState says how current the stored stories are.
type StoriesState struct {
	Version string // the version that made them; "" when never built
	Stale   int    // stories whose articles or extractions changed since
	Stories int
	// Unassigned counts the extracted articles in no story: stored or
	// extracted since the stories were built.
	Unassigned int
}

// StoriesState reports how current the stored stories are.
func (db *DB) StoriesState(ctx context.Context) (StoriesState, error) {
	var st StoriesState
	if err := ctx.Err(); err != nil {
		return st, err
	}
	err := db.view(func(tx *bolt.Tx) error {
		st.Version = string(tx.Bucket(bucketMeta).Get(keyStories))
		if b := tx.Bucket(bucketStories); b != nil {
			st.Stories = b.Stats().KeyN
		}
		if b := tx.Bucket(bucketStale); b != nil {
			st.Stale = b.Stats().KeyN
		}
		of := tx.Bucket(bucketStoryOf)
		return tx.Bucket(bucketExtractions).ForEach(func(k, _ []byte) error {
			if of == nil || of.Get(k) == nil {
				st.Unassigned++
			}
			return nil
		})
	})
	if err != nil {
		return st, fmt.Errorf("store: stories state: %w", err)
	}
	return st, nil
}

// Stories calls fn for every stored story in ID order, saying whether it is
// stale. It runs in one read transaction; fn must not write to the store.
func (db *DB) Stories(ctx context.Context, fn func(s *storyline.Story, stale bool) error) error {
	return db.view(func(tx *bolt.Tx) error {
		b, stale := tx.Bucket(bucketStories), tx.Bucket(bucketStale)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			var s storyline.Story
			if err := decode(v, &s); err != nil {
				return fmt.Errorf("store: story %s: %w", k, err)
			}
			return fn(&s, stale != nil && stale.Get(k) != nil)
		})
	})
}

// StoryOf maps every article in a story to its story's ID.
func (db *DB) StoryOf(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStoryOf)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			out[string(k)] = string(v)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: stories of articles: %w", err)
	}
	return out, nil
}

// staleStoryOf marks the story of article id stale, if it is in one: its
// text or its extraction is about to change.
func staleStoryOf(tx *bolt.Tx, id []byte) error {
	of, stale := tx.Bucket(bucketStoryOf), tx.Bucket(bucketStale)
	if of == nil || stale == nil {
		return nil
	}
	if s := of.Get(id); s != nil {
		return stale.Put(s, nil)
	}
	return nil
}
