package pipeline

import "context"

// exclusive is a store that several processes, on several machines, write
// at once (PostgreSQL). Two steps read the store, decide and write, and
// would decide wrongly beside another process doing the same: the
// near-duplicate search and the put of its batch (two copies stored at
// once would each be a first copy), and a story update (two updates
// grouping from the same state would each drop the other's stories). Each
// runs as a section under the store's lock of its name. A bbolt store has
// one writer, and needs none.
type exclusive interface {
	Exclusive(ctx context.Context, section string, fn func(ctx context.Context) error) error
}

// Sections of the store that one process at a time runs.
const (
	sectionDedup   = "dedup"
	sectionStories = "stories"
)

// exclusively runs fn as the section of s that one process at a time runs,
// when s is shared; otherwise it just runs fn.
func exclusively(ctx context.Context, s any, section string, fn func(ctx context.Context) error) error {
	if ex, ok := s.(exclusive); ok {
		return ex.Exclusive(ctx, section, fn)
	}
	return fn(ctx)
}
