package storyline

import (
	"errors"
	"fmt"
)

// The sentinel errors of storyline, in one place. Each stage wraps them with
// the input they are about; callers test for them with errors.Is.
var (
	// ErrNotFound is returned when an article or extraction is not in the store.
	ErrNotFound = errors.New("not found")

	// ErrNoText is returned when a source has no article text to keep: an
	// empty file, or a page whose main content could not be found.
	ErrNoText = errors.New("no article text")

	// ErrUnsupported is returned when a source is neither an article page, a
	// feed, a sitemap, a text file nor a JSON Lines corpus.
	ErrUnsupported = errors.New("unsupported source")

	// ErrTooLarge is returned when a response body is over the size limit
	// (a gzip bomb included).
	ErrTooLarge = errors.New("response body too large")

	// ErrStale is returned when an extraction is stored for another
	// version of its article than the one stored: the article changed while
	// it was being extracted, and the newer version's extraction is due.
	ErrStale = errors.New("made from another version of the article")

	// ErrStoreInUse is returned when another process holds the store's lock.
	ErrStoreInUse = errors.New("store is in use by another storyline process")

	// ErrDamaged is returned when a store file is not a storyline store, or
	// is damaged: cut short, garbled, or of another program.
	ErrDamaged = errors.New("not a storyline store, or damaged: move it aside and ingest again, or restore a copy")

	// ErrPanic is wrapped by the error of an input whose processing panicked
	// (in a library, or in storyline itself); the panic is contained to that
	// input and the batch goes on.
	ErrPanic = errors.New("internal error (recovered panic)")
)

// PanicError is the error of a recovered panic: it wraps ErrPanic and
// says what the panic said.
func PanicError(recovered any) error {
	return fmt.Errorf("%w: %v", ErrPanic, recovered)
}
