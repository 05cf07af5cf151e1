package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/storyline/storyline"
)

// Story returns the stored story with the given ID and whether it is
// stale, or an error wrapping storyline.ErrNotFound. It reads that story
// only: a page of one story costs one lookup, not a walk of the stories.
func (db *DB) Story(ctx context.Context, id string) (*storyline.Story, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	var s storyline.Story
	var stale bool
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketStories)
		if b == nil {
			return storyline.ErrNotFound
		}
		data := b.Get([]byte(id))
		if data == nil {
			return storyline.ErrNotFound
		}
		if st := tx.Bucket(bucketStale); st != nil {
			stale = st.Get([]byte(id)) != nil
		}
		return decode(data, &s)
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: story %s: %w", id, err)
	}
	return &s, stale, nil
}

// ArticleWithExtraction returns the stored article with the given ID, its
// extraction (nil when it has none) and the ID of its story ("" when in
// none), read in one transaction so that the extraction's offsets are
// those of that text. The article missing is an error wrapping
// storyline.ErrNotFound.
func (db *DB) ArticleWithExtraction(ctx context.Context, id string) (*storyline.Article, *storyline.Extraction, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, "", err
	}
	var a storyline.Article
	var x *storyline.Extraction
	var story string
	err := db.view(func(tx *bolt.Tx) error {
		if err := get(tx, bucketArticles, id, &a); err != nil {
			return err
		}
		if of := tx.Bucket(bucketStoryOf); of != nil {
			story = string(of.Get([]byte(id)))
		}
		data := tx.Bucket(bucketExtractions).Get([]byte(id))
		if data == nil {
			return nil
		}
		var err error
		x, err = decodeExtraction(data, id, a.Text)
		return err
	})
	if err != nil {
		return nil, nil, "", fmt.Errorf("store: article %s: %w", id, err)
	}
	return &a, x, story, nil
}
