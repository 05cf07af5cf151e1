//go:build !linux

package store

// ReleaseMapped is a no-op where the store does not know how to drop its
// mapped pages; the kernel reclaims them under memory pressure.
func (db *DB) ReleaseMapped() error { return nil }
