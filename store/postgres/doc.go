// Package postgres keeps articles, extractions and stories in a PostgreSQL
// database, for several storyline processes on several machines writing
// and reading one store at once. It is the only package that imports pgx,
// and it passes the conformance suite of store/storetest, as the bbolt
// store does: the same methods, the same results.
//
// The schema is the program's: Open creates it in an empty database and
// migrates it through the numbered steps of schema.go, each recorded in
// the schema_version table, under an advisory lock so that processes
// starting together migrate once. A database of a later schema than this
// storyline knows is refused, never changed.
//
// What the bbolt store promises holds here too:
//
//   - Re-storing an unchanged article or extraction writes nothing: it is
//     read first, and a batch of unchanged items opens no write
//     transaction, so no row gets a new version.
//   - Every batch is one transaction: a killed process or a lost connection
//     leaves the old rows or the new, never half an article.
//   - An article whose content changed makes its extraction stale (the
//     extraction keeps the hash of the text it was made from), and its
//     story stale.
//   - Every method takes a context first; cancelling it stops the query.
//
// Several writers at once. Rows are locked where a write depends on what
// it read (SELECT … FOR UPDATE on an article's row, FOR SHARE on the
// article of an extraction), and two processes inserting the same new
// article meet on its primary key: the loser's transaction is run again
// and finds the row. Two decisions span more than one transaction and so
// are serialized across processes by Exclusive, a session advisory lock on
// a connection of its own: the near-duplicate decision with the put of its
// batch (first copy wins: a copy stored on another machine a moment
// earlier must be found by the search), and a story update (which reads
// the story index, groups, and writes). A story update also clears only
// the marks of work it could see: each mark records the transaction that
// made it, and only marks committed before the update's snapshot are
// cleared, so an extraction written on another machine during an update
// is grouped by the next one.
package postgres
