package store

import (
	"os"

	"golang.org/x/sys/unix"
)

// ReleaseMapped drops the pages of the store's memory map from the
// process's resident memory. bbolt reads through an mmap of the whole file,
// so a walk over a large store would otherwise keep every page it read
// resident. The map is of the file, read-only: dropped pages stay in the
// page cache and come back on the next read, so it is safe while other
// goroutines read, and a long walk over the store calls it between chunks.
func (db *DB) ReleaseMapped() error {
	info, err := os.Stat(db.path)
	if err != nil {
		return err
	}
	data := db.bolt.Info().Data
	if data == 0 || info.Size() == 0 {
		return nil
	}
	// The syscall takes the address as is: no pointer conversion needed.
	if _, _, errno := unix.Syscall(unix.SYS_MADVISE, data, uintptr(info.Size()), unix.MADV_DONTNEED); errno != 0 {
		return errno
	}
	return nil
}
