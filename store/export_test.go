package store

import bolt "go.etcd.io/bbolt"

// SetRebuildBounds makes a rebuild take runs of about run bytes and
// transactions of chunk keys, until the returned function restores them.
func SetRebuildBounds(run, chunk int) (restore func()) {
	oldRun, oldChunk := runBytes, chunkKeys
	runBytes, chunkKeys = run, chunk
	return func() { runBytes, chunkKeys = oldRun, oldChunk }
}

// RootBuckets names the buckets at the root of the store.
func (db *DB) RootBuckets() ([]string, error) {
	var out []string
	err := db.view(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			out = append(out, string(name))
			return nil
		})
	})
	return out, err
}

// LeaveHalfARebuild writes what a rebuild that died mid-way leaves: a
// story and an index key beside the ones in use.
func (db *DB) LeaveHalfARebuild(story, article string) error {
	return db.update(func(tx *bolt.Tx) error {
		next, err := tx.CreateBucketIfNotExists(bucketNext)
		if err != nil {
			return err
		}
		for _, name := range generation {
			b, err := next.CreateBucketIfNotExists(name)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(article), []byte(story)); err != nil {
				return err
			}
		}
		return nil
	})
}
