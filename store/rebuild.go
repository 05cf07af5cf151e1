package store

import (
	"bufio"
	"bytes"
	"container/heap"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/storyline/storyline"
)

// A rebuild of the stories is written beside the stories in use, in
// transactions of bounded size, and replaces them in one last transaction:
// a reader, or a store whose writer died mid-rebuild, sees the old stories
// or the new, never a mix. Memory holds a bounded buffer of what the
// rebuild wrote, not the store's stories.
//
// The grouping finds stories in the order of their days, and their keys
// (story IDs, article IDs, anchors) fall all over the buckets: written as
// they come, each transaction would rewrite pages across a whole bucket.
// So each full buffer is written sorted to a file of its own, a run, and
// the runs are merged into the new buckets at the end, in key order: every
// page of them is written whole, once.
var (
	// bucketNext holds the rebuild being written, its buckets named as the
	// ones in use.
	bucketNext = []byte("stories_next")
	// bucketOld holds what a rebuild replaced, dropped in bounded
	// transactions after it.
	bucketOld = []byte("stories_old")
	// generation are the buckets a rebuild makes anew; the list of changed
	// articles is kept across it.
	generation = [][]byte{bucketStories, bucketStoryOf, bucketStale, bucketStoryKeys, bucketAnchors, bucketProfiles}
	// written are the buckets a rebuild's runs fill, in the order of a
	// run's files.
	written = [][]byte{bucketStories, bucketStoryOf, bucketStoryKeys, bucketAnchors, bucketProfiles}
)

// Bounds on a rebuild's memory and transactions; variables, so that a
// test can make a small rebuild take many runs and transactions.
var (
	// runBytes is how much a rebuild buffers before it writes a run.
	runBytes = 4 << 20
	// chunkKeys is how many keys one transaction merges or drops.
	chunkKeys = 65536
)

const (
	// entryCost is what an entry costs in memory beside its bytes.
	entryCost = 64
	// readBuffer is the buffer of each run a merge reads.
	readBuffer = 64 << 10
)

// ReplaceStories replaces every story and index key with those build puts,
// part by part, and records version as theirs. build's parts must together
// hold each story and each article's keys once. When build or the writing
// fails, the stories in use stay whole and current, and what was written
// is dropped at the next rebuild. The articles grouped leave the list of
// work; those changed meanwhile and not grouped stay on it. The runs are
// written to a directory of os.TempDir, removed at the end.
func (db *DB) ReplaceStories(ctx context.Context, version string, build func(put func(storyline.StoryUpdate) error) error) error {
	if err := db.startRebuild(ctx); err != nil {
		return fmt.Errorf("store: rebuild stories: %w", err)
	}
	dir, err := os.MkdirTemp("", "storyline-rebuild-")
	if err != nil {
		return fmt.Errorf("store: rebuild stories: %w", err)
	}
	defer os.RemoveAll(dir)
	r := rebuild{dir: dir}
	if err := build(func(u storyline.StoryUpdate) error { return r.put(ctx, u) }); err != nil {
		return err
	}
	if err := r.flush(ctx); err != nil {
		return fmt.Errorf("store: rebuild stories: %w", err)
	}
	for i, name := range written {
		if err := db.merge(ctx, name, r.files(i)); err != nil {
			return fmt.Errorf("store: rebuild stories: merge %s: %w", name, err)
		}
	}
	if err := db.flip(ctx, version); err != nil {
		return fmt.Errorf("store: rebuild stories: %w", err)
	}
	if err := db.dropInParts(ctx, bucketOld); err != nil {
		return fmt.Errorf("store: rebuild stories: drop the old: %w", err)
	}
	return nil
}

// startRebuild drops what an earlier rebuild left and makes room for a new
// one.
func (db *DB) startRebuild(ctx context.Context) error {
	for _, name := range [][]byte{bucketNext, bucketOld} {
		if err := db.dropInParts(ctx, name); err != nil {
			return err
		}
	}
	return db.update(func(tx *bolt.Tx) error {
		next, err := tx.CreateBucket(bucketNext)
		if err != nil {
			return err
		}
		for _, name := range generation {
			if _, err := next.CreateBucket(name); err != nil {
				return err
			}
		}
		return nil
	})
}

// rebuild buffers the entries of a rebuild until a run's worth.
type rebuild struct {
	dir     string
	entries [5][]entry // by bucket, as written
	bytes   int
	runs    int // written
}

type entry struct{ k, v []byte }

func (r *rebuild) add(bucket int, k, v []byte) {
	r.entries[bucket] = append(r.entries[bucket], entry{k, v})
	r.bytes += len(k) + len(v) + entryCost
}

func (r *rebuild) put(ctx context.Context, u storyline.StoryUpdate) error {
	for i := range u.Put {
		s := &u.Put[i]
		v, err := encode(s)
		if err != nil {
			return fmt.Errorf("store: put story %s: %w", s.ID, err)
		}
		r.add(0, []byte(s.ID), v)
		for _, a := range s.Articles {
			r.add(1, []byte(a), []byte(s.ID))
		}
	}
	for id, k := range u.Keys {
		v, err := encode(&k)
		if err != nil {
			return fmt.Errorf("store: story keys %s: %w", id, err)
		}
		r.add(2, []byte(id), v)
		for _, a := range k.Anchors {
			r.add(3, anchorKey(a, k.Day, id), nil)
		}
		if p := u.Profiles[id]; len(p) > 0 {
			r.add(4, []byte(id), p)
		}
	}
	if r.bytes < runBytes {
		return nil
	}
	if err := r.flush(ctx); err != nil {
		return fmt.Errorf("store: rebuild stories: %w", err)
	}
	return nil
}

// flush writes the buffer as the next run: a file for each bucket, its
// entries sorted by key.
func (r *rebuild) flush(ctx context.Context) error {
	if r.bytes == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for i := range written {
		es := r.entries[i]
		slices.SortFunc(es, func(a, b entry) int { return bytes.Compare(a.k, b.k) })
		if err := writeRun(r.file(r.runs, i), es); err != nil {
			return err
		}
	}
	r.runs++
	r.entries, r.bytes = [5][]entry{}, 0
	return nil
}

func (r *rebuild) file(run, bucket int) string {
	return filepath.Join(r.dir, fmt.Sprintf("run-%d-%d", run, bucket))
}

// files are the runs of bucket, in order.
func (r *rebuild) files(bucket int) []string {
	out := make([]string, r.runs)
	for run := range out {
		out[run] = r.file(run, bucket)
	}
	return out
}

// writeRun writes entries to a new file, each as its key's and its value's
// lengths (uvarints) and bytes.
func writeRun(path string, es []entry) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, readBuffer)
	var n [2 * binary.MaxVarintLen64]byte
	for _, e := range es {
		l := binary.PutUvarint(n[:], uint64(len(e.k)))
		l += binary.PutUvarint(n[l:], uint64(len(e.v)))
		w.Write(n[:l])
		w.Write(e.k)
		w.Write(e.v)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write run: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write run: %w", err)
	}
	return nil
}

// run reads a run's entries back in order.
type run struct {
	r    *bufio.Reader
	k, v []byte // the current entry; k is nil at the end
}

func (r *run) next() error {
	kl, err := binary.ReadUvarint(r.r)
	if err == io.EOF {
		r.k, r.v = nil, nil
		return nil
	}
	if err != nil {
		return fmt.Errorf("read run: %w", err)
	}
	vl, err := binary.ReadUvarint(r.r)
	if err != nil {
		return fmt.Errorf("read run: %w", err)
	}
	// Fresh slices: bbolt keeps a value until its transaction commits.
	buf := make([]byte, kl+vl)
	if _, err := io.ReadFull(r.r, buf); err != nil {
		return fmt.Errorf("read run: %w", err)
	}
	r.k, r.v = buf[:kl:kl], buf[kl:]
	return nil
}

// merge merges the runs in files into the new bucket name, in key order, a
// chunk of keys per transaction.
func (db *DB) merge(ctx context.Context, name []byte, files []string) error {
	h := &runs{}
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r := &run{r: bufio.NewReaderSize(f, readBuffer)}
		if err := r.next(); err != nil {
			return err
		}
		if r.k != nil {
			*h = append(*h, r)
		}
	}
	heap.Init(h)
	for h.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := db.update(func(tx *bolt.Tx) error {
			dst := tx.Bucket(bucketNext).Bucket(name)
			// Keys come in order: pages are filled as an append fills them.
			dst.FillPercent = fillPercent
			for n := 0; h.Len() > 0 && n < chunkKeys; n++ {
				top := (*h)[0]
				if err := dst.Put(top.k, top.v); err != nil {
					return err
				}
				if err := top.next(); err != nil {
					return err
				}
				if top.k == nil {
					heap.Pop(h)
				} else {
					heap.Fix(h, 0)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Failing to drop pages costs memory, not the rebuild.
		_ = db.ReleaseMapped()
	}
	return nil
}

// runs are the merge's runs, the one with the least key first; keys are
// never in two runs.
type runs []*run

func (h runs) Len() int           { return len(h) }
func (h runs) Less(i, j int) bool { return bytes.Compare(h[i].k, h[j].k) < 0 }
func (h runs) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runs) Push(x any)        { *h = append(*h, x.(*run)) }
func (h *runs) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// flip puts the merged buckets in place of those in use, in one
// transaction, and moves those into bucketOld to be dropped.
func (db *DB) flip(ctx context.Context, version string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.update(func(tx *bolt.Tx) error {
		next := tx.Bucket(bucketNext)
		old, err := tx.CreateBucket(bucketOld)
		if err != nil {
			return err
		}
		for _, name := range generation {
			if tx.Bucket(name) != nil {
				if err := tx.MoveBucket(name, nil, old); err != nil {
					return err
				}
			}
			if err := tx.MoveBucket(name, next, nil); err != nil {
				return err
			}
		}
		if err := tx.DeleteBucket(bucketNext); err != nil {
			return err
		}
		// The articles grouped are no longer waiting.
		changed, keys := tx.Bucket(bucketChanged), tx.Bucket(bucketStoryKeys)
		var done [][]byte
		if err := changed.ForEach(func(k, _ []byte) error {
			if keys.Get(k) != nil {
				done = append(done, bytes.Clone(k))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range done {
			if err := changed.Delete(k); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyStories, []byte(version))
	})
}

// dropInParts deletes the root bucket name and the buckets in it, a chunk
// of keys per transaction: bbolt's DeleteBucket would read every page of
// it in one, and keep all of them resident.
func (db *DB) dropInParts(ctx context.Context, name []byte) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		gone := false
		err := db.update(func(tx *bolt.Tx) error {
			b := tx.Bucket(name)
			if b == nil {
				gone = true
				return nil
			}
			n := chunkKeys
			empty, err := drain(b, &n)
			if err != nil || !empty {
				return err
			}
			gone = true
			return tx.DeleteBucket(name)
		})
		if err != nil {
			return fmt.Errorf("drop %s: %w", name, err)
		}
		_ = db.ReleaseMapped()
		if gone {
			return nil
		}
	}
}

// drain deletes up to *n keys of b and of the buckets in it, counting them
// off *n, and reports whether b is left empty.
func drain(b *bolt.Bucket, n *int) (bool, error) {
	var keys, buckets [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil && len(keys) < *n; k, v = c.Next() {
		if v == nil && b.Bucket(k) != nil {
			buckets = append(buckets, bytes.Clone(k))
		} else {
			keys = append(keys, bytes.Clone(k))
		}
	}
	for _, k := range buckets {
		if *n <= 0 {
			return false, nil
		}
		empty, err := drain(b.Bucket(k), n)
		if err != nil || !empty {
			return false, err
		}
		if err := b.DeleteBucket(k); err != nil {
			return false, err
		}
	}
	for _, k := range keys {
		if *n <= 0 {
			return false, nil
		}
		if err := b.Delete(k); err != nil {
			return false, err
		}
		*n--
	}
	k, _ := b.Cursor().First()
	return k == nil, nil
}
