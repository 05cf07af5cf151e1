package storyline

import "errors"

var (
	// ErrNotFound is returned when an article or extraction is not in the store.
	ErrNotFound = errors.New("not found")

	// ErrNoText is returned when a source has no article text to keep: an
	// empty file, or a page whose main content could not be found.
	ErrNoText = errors.New("no article text")

	// ErrUnsupported is returned when a source is neither an article page, a
	// feed, a text file nor a JSON Lines corpus.
	ErrUnsupported = errors.New("unsupported source")

	// ErrStoreInUse is returned when another process holds the store's lock.
	ErrStoreInUse = errors.New("store is in use by another storyline process")
)
