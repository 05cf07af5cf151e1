package store

import (
	"golang.org/x/sys/unix"

	bolt "go.etcd.io/bbolt"
)

// ReleaseMapped drops the pages of the store's memory map from the
// process's resident memory. bbolt reads through an mmap of the whole file,
// so a walk over a large store would otherwise keep every page it read
// resident. The map is of the file, read-only: dropped pages stay in the
// page cache and come back on the next read, so it is safe while other
// goroutines read, and a long walk over the store calls it between chunks.
//
// It runs inside a read transaction, which keeps bbolt from remapping the
// file meanwhile, and covers the pages in use only: the file may be longer
// than the map, grown ahead by a writer.
func (db *DB) ReleaseMapped() error {
	return db.view(func(tx *bolt.Tx) error {
		data, size := db.bolt.Info().Data, tx.Size()
		if data == 0 || size == 0 {
			return nil
		}
		// The syscall takes the address as is: no pointer conversion needed.
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, data, uintptr(size), unix.MADV_DONTNEED); errno != 0 {
			return errno
		}
		return nil
	})
}
