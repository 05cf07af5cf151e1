package store

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

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
	// bucketStoryKeys holds each grouped article's storyline.StoryKeys;
	// bucketAnchors files it under each anchor (key: anchor, 0, article ID).
	bucketStoryKeys = []byte("story_keys")
	bucketAnchors   = []byte("anchors")
	// bucketProfiles holds each grouped article's profile, as the story
	// stage wrote it.
	bucketProfiles = []byte("story_profiles")
	// bucketChanged lists the articles whose text or extraction changed
	// (or was first written) since they were grouped.
	bucketChanged = []byte("story_changed")
	keyStories    = []byte("stories_version") // in meta: the version that made the stories
	storyBuckets  = [][]byte{bucketStories, bucketStoryOf, bucketStale, bucketStoryKeys, bucketAnchors, bucketProfiles, bucketChanged}
)

// UpdateStories writes what grouping decided, in one transaction: a
// reader sees the stories before or after, never a mix, and an interrupted
// build leaves the old ones whole. With u.All it replaces every story and
// index key; otherwise it drops u.Remove and puts u.Put. The articles whose
// keys it writes are no longer waiting for grouping.
func (db *DB) UpdateStories(ctx context.Context, u storyline.StoryUpdate) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	values := make([][]byte, len(u.Put))
	for i := range u.Put {
		v, err := encode(&u.Put[i])
		if err != nil {
			return fmt.Errorf("store: put story %s: %w", u.Put[i].ID, err)
		}
		values[i] = v
	}
	err := db.update(func(tx *bolt.Tx) error {
		if u.All {
			for _, name := range storyBuckets {
				if err := tx.DeleteBucket(name); err != nil && tx.Bucket(name) != nil {
					return err
				}
				if _, err := tx.CreateBucket(name); err != nil {
					return err
				}
			}
		}
		if err := removeStories(tx, u.Remove); err != nil {
			return err
		}
		b, of, stale := tx.Bucket(bucketStories), tx.Bucket(bucketStoryOf), tx.Bucket(bucketStale)
		b.FillPercent, of.FillPercent = fillPercent, fillPercent
		order := make([]int, len(u.Put))
		storyOf := map[string]string{}
		for i, s := range u.Put {
			order[i] = i
			for _, a := range s.Articles {
				storyOf[a] = s.ID
			}
		}
		slices.SortFunc(order, func(i, j int) int { return strings.Compare(u.Put[i].ID, u.Put[j].ID) })
		for _, i := range order {
			if err := ctx.Err(); err != nil {
				return err
			}
			id := []byte(u.Put[i].ID)
			if err := b.Put(id, values[i]); err != nil {
				return err
			}
			if err := stale.Delete(id); err != nil {
				return err
			}
		}
		for _, a := range slices.Sorted(maps.Keys(storyOf)) {
			if err := of.Put([]byte(a), []byte(storyOf[a])); err != nil {
				return err
			}
		}
		if err := putKeys(tx, u.Keys, u.Profiles, u.Unindex); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyStories, []byte(u.Version))
	})
	if err != nil {
		return fmt.Errorf("store: update stories: %w", err)
	}
	return nil
}

// removeStories drops stories and the article → story entries that point
// to them.
func removeStories(tx *bolt.Tx, ids []string) error {
	b, of, stale := tx.Bucket(bucketStories), tx.Bucket(bucketStoryOf), tx.Bucket(bucketStale)
	for _, id := range ids {
		data := b.Get([]byte(id))
		if data == nil {
			continue
		}
		var s storyline.Story
		if err := decode(data, &s); err != nil {
			return fmt.Errorf("story %s: %w", id, err)
		}
		for _, a := range s.Articles {
			if string(of.Get([]byte(a))) == id {
				if err := of.Delete([]byte(a)); err != nil {
					return err
				}
			}
		}
		if err := b.Delete([]byte(id)); err != nil {
			return err
		}
		if err := stale.Delete([]byte(id)); err != nil {
			return err
		}
	}
	return nil
}

// putKeys files each article under its new anchors, in place of its old
// ones, with its profile, and marks it grouped; the articles of unindex it
// takes out of the index. Keys go in in sorted order: bbolt splits its
// pages only at commit, and a page that takes keys at random places moves
// its other keys for each one.
func putKeys(tx *bolt.Tx, keys map[string]storyline.StoryKeys, profiles map[string][]byte, unindex []string) error {
	kb, anchors, changed := tx.Bucket(bucketStoryKeys), tx.Bucket(bucketAnchors), tx.Bucket(bucketChanged)
	pb := tx.Bucket(bucketProfiles)
	kb.FillPercent, anchors.FillPercent, pb.FillPercent = fillPercent, fillPercent, fillPercent
	ids := slices.Sorted(maps.Keys(keys))
	var drop, file [][]byte
	for _, id := range slices.Sorted(slices.Values(unindex)) {
		old, err := filedUnder(kb, id)
		if err != nil {
			return err
		}
		drop = append(drop, old...)
		if err := kb.Delete([]byte(id)); err != nil {
			return err
		}
		if err := pb.Delete([]byte(id)); err != nil {
			return err
		}
		if err := changed.Delete([]byte(id)); err != nil {
			return err
		}
	}
	for _, id := range ids {
		old, err := filedUnder(kb, id)
		if err != nil {
			return err
		}
		drop = append(drop, old...)
		k := keys[id]
		v, err := encode(&k)
		if err != nil {
			return err
		}
		if err := kb.Put([]byte(id), v); err != nil {
			return err
		}
		// A report without a profile has none stale left either.
		if p := profiles[id]; len(p) > 0 {
			err = pb.Put([]byte(id), p)
		} else {
			err = pb.Delete([]byte(id))
		}
		if err != nil {
			return err
		}
		for _, a := range k.Anchors {
			file = append(file, anchorKey(a, k.Day, id))
		}
		if err := changed.Delete([]byte(id)); err != nil {
			return err
		}
	}
	slices.SortFunc(drop, bytes.Compare)
	for _, k := range drop {
		if err := anchors.Delete(k); err != nil {
			return err
		}
	}
	slices.SortFunc(file, bytes.Compare)
	for _, k := range file {
		if err := anchors.Put(k, nil); err != nil {
			return err
		}
	}
	return nil
}

// filedUnder returns the anchor keys article id is filed under now.
func filedUnder(kb *bolt.Bucket, id string) ([][]byte, error) {
	data := kb.Get([]byte(id))
	if data == nil {
		return nil, nil
	}
	var old storyline.StoryKeys
	if err := decode(data, &old); err != nil {
		return nil, fmt.Errorf("story keys %s: %w", id, err)
	}
	keys := make([][]byte, len(old.Anchors))
	for i, a := range old.Anchors {
		keys[i] = anchorKey(a, old.Day, id)
	}
	return keys, nil
}

// anchorKey files article id, published on day, under anchor a. The keys
// of an anchor sort by day, the undated first, so that the articles of a
// span of days are one range of keys.
func anchorKey(a, day, id string) []byte {
	k := make([]byte, 0, len(a)+len(day)+len(id)+2)
	return append(append(append(append(append(k, a...), 0), day...), 0), id...)
}

// Anchored returns the IDs of the articles filed under each anchor that
// were published from day from to day to (YYYY-MM-DD, both included), and
// of those whose day is unknown. With from and to "", it returns them all.
func (db *DB) Anchored(ctx context.Context, anchors []string, from, to string) (map[string][]string, error) {
	out := map[string][]string{}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	err := db.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAnchors).Cursor()
		scan := func(anchor string, start, end []byte) {
			for k, _ := c.Seek(start); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
				day, _, _ := bytes.Cut(k[len(anchor)+1:], []byte{0})
				out[anchor] = append(out[anchor], string(k[len(anchor)+1+len(day)+1:]))
			}
		}
		for _, a := range anchors {
			undated := anchorKey(a, "", "")
			if from == "" && to == "" {
				scan(a, undated, append([]byte(a), 1))
				continue
			}
			scan(a, undated, anchorKey(a, "\x01", ""))
			scan(a, anchorKey(a, from, ""), anchorKey(a, to+"\x01", ""))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: anchored articles: %w", err)
	}
	return out, nil
}

// StoryKeys returns the index keys of the articles ids that have some, and
// the story each of ids is in ("" for none).
func (db *DB) StoryKeys(ctx context.Context, ids []string) (map[string]storyline.StoryKeys, map[string]string, error) {
	keys, stories := map[string]storyline.StoryKeys{}, map[string]string{}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	err := db.view(func(tx *bolt.Tx) error {
		kb, of := tx.Bucket(bucketStoryKeys), tx.Bucket(bucketStoryOf)
		for _, id := range ids {
			stories[id] = string(of.Get([]byte(id)))
			data := kb.Get([]byte(id))
			if data == nil {
				continue
			}
			var k storyline.StoryKeys
			if err := decode(data, &k); err != nil {
				return fmt.Errorf("story keys %s: %w", id, err)
			}
			keys[id] = k
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: story keys: %w", err)
	}
	return keys, stories, nil
}

// Profiles returns the stored profiles of the articles ids that have one,
// as the story stage wrote them.
func (db *DB) Profiles(ctx context.Context, ids []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketProfiles)
		if b == nil {
			return nil
		}
		for _, id := range ids {
			if p := b.Get([]byte(id)); p != nil {
				out[id] = bytes.Clone(p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: story profiles: %w", err)
	}
	return out, nil
}

// StoryWork lists, in ID order, the articles waiting for grouping: those
// whose extraction was written, or whose text changed, since they were
// last grouped. It reads that list only, not the store.
func (db *DB) StoryWork(ctx context.Context) ([]string, error) {
	var ids []string
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketChanged).ForEach(func(k, _ []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: story work: %w", err)
	}
	return ids, nil
}

// StoriesState says how current the stored stories are: the domain's
// type, which every store returns.
type StoriesState = storyline.StoriesState

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

// staleStoryOf marks article id changed, waiting for grouping, and its
// story stale, if it is in one: its text or its extraction is about to be
// written.
func staleStoryOf(tx *bolt.Tx, id []byte) error {
	if err := tx.Bucket(bucketChanged).Put(id, flag); err != nil {
		return err
	}
	if s := tx.Bucket(bucketStoryOf).Get(id); s != nil {
		return tx.Bucket(bucketStale).Put(s, flag)
	}
	return nil
}

// StoriesVersion returns the version that made the stored stories, "" when
// none were made.
func (db *DB) StoriesVersion(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var v string
	err := db.view(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bucketMeta).Get(keyStories))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("store: stories version: %w", err)
	}
	return v, nil
}

// Extracted calls fn, in ID order, with the ID and publication time of
// every article whose stored extraction was made by version from its
// current text. It reads only what that takes, a chunk of articles per
// read transaction, and drops the pages it read from memory between
// chunks: a rebuild of the stories starts by learning every report's day.
func (db *DB) Extracted(ctx context.Context, version string, fn func(id string, published time.Time) error) error {
	type dated struct {
		id        string
		published time.Time
	}
	for after := ""; ; {
		var chunk []dated
		var last string
		err := db.view(func(tx *bolt.Tx) error {
			articles := tx.Bucket(bucketArticles)
			c := tx.Bucket(bucketExtractions).Cursor()
			k, v := c.Seek([]byte(after))
			if k != nil && after != "" && string(k) == after {
				k, v = c.Next()
			}
			for n := 0; k != nil && n < extractedChunk; k, v = c.Next() {
				n++
				last = string(k)
				var x struct {
					Version     string `json:"v"`
					ArticleHash string `json:"h"`
				}
				var a struct {
					Hash      string    `json:"hash"`
					Published time.Time `json:"published"`
				}
				if err := decode(v, &x); err != nil {
					return fmt.Errorf("extraction %s: %w", k, err)
				}
				data := articles.Get(k)
				if x.Version != version || data == nil {
					continue
				}
				if err := decode(data, &a); err != nil {
					return fmt.Errorf("article %s: %w", k, err)
				}
				if a.Hash == x.ArticleHash {
					chunk = append(chunk, dated{string(k), a.Published})
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: extracted articles: %w", err)
		}
		for _, d := range chunk {
			if err := fn(d.id, d.published); err != nil {
				return err
			}
		}
		if last == "" || last == after {
			return ctx.Err()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		after = last
		// Failing to drop pages costs memory, not the walk.
		_ = db.ReleaseMapped()
	}
}

// flag is the value of a key that is only there or not: not empty, since
// bbolt reads an empty value put in the same transaction as nil.
var flag = []byte{1}

// extractedChunk is how many extractions Extracted reads in one transaction.
const extractedChunk = 1024
