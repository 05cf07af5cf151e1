// Package store keeps articles and their extractions in one bbolt file.
//
// It is the only package that imports go.etcd.io/bbolt. It stores; it does
// not decide: which stored article a new one is a copy of is decided by
// pipeline/dedup, over the index this store provides (Filed), and stored
// with the article. Writes return what they did to each item (storyline.Stored,
// an error per item) and never change the values they are given. Every
// method that reads or writes takes a context first and fails with its
// error once it is cancelled.
//
// The file holds these buckets, each keyed by article ID unless said
// otherwise:
//
//	meta          schema version, so that a later layout can migrate
//	articles      ID → storyline.Article
//	extractions   ID → storyline.Extraction
//	urls          requested URL → ID, for conditional requests
//	fingerprints  near-duplicate band key + article handle, no value
//	handles       article handle (6 bytes of SHA-256 of the ID) → ID
//	query_index   term (index.go) + 0 + ID, no value: the query index
//	query_terms   ID → the terms it is filed under
//
// Values are JSON compressed with zstd (codec.go): JSON once decompressed,
// and the extractions' repetitive JSON shrinks several times. Every write
// is one transaction, so a killed process leaves either the old or the new
// value, never half of one.
//
// Storing an article whose content is already stored opens no write
// transaction at all, so re-ingesting the same reports leaves the file's bytes
// as they were.
//
// A store opened with Open holds bbolt's exclusive file lock until Close; a
// second Open of the same file fails after a second with an error wrapping
// storyline.ErrStoreInUse instead of waiting forever. OpenReadOnly takes the
// shared lock, so several readers may dump at once while nothing writes. A
// file that is not a readable store gives an error wrapping
// storyline.ErrDamaged, never a crash.
//
// The conformance suite that every store passes is in store/storetest.
package store

// SchemaVersion is the layout of the buckets this storyline reads and
// writes; a store of another layout is refused.
const SchemaVersion = schemaVersion
