package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNewerSchema is returned by the Open functions when the database was
// made or migrated by a later storyline: this one leaves it as it is.
var ErrNewerSchema = errors.New("the store's schema is newer than this storyline's: upgrade storyline")

// ErrNoStore is returned by OpenExisting and OpenReadOnly when the
// database holds no storyline store yet.
var ErrNoStore = errors.New("no storyline store in this database (run ingest first to create it)")

// IsURL reports whether name is a PostgreSQL connection URL, which the
// Open functions take, rather than the name of a file.
func IsURL(name string) bool {
	return strings.HasPrefix(name, "postgres://") || strings.HasPrefix(name, "postgresql://")
}

// DB is an open store: a pool of connections to one database.
type DB struct {
	pool *pgxpool.Pool
	name string // the URL without its password, for errors
}

// minConns is the least size of the pool: the story stage reads on every
// core while a connection may hold an Exclusive lock.
const minConns = 8

// Open connects to the database at url (a postgres:// URL; pool settings
// such as pool_max_conns may be given in it) and creates the store's
// schema, or migrates it to this storyline's, when it is missing or older.
func Open(ctx context.Context, url string) (*DB, error) {
	return open(ctx, url, createOrMigrate)
}

// OpenExisting is Open for a store that must exist already.
func OpenExisting(ctx context.Context, url string) (*DB, error) {
	return open(ctx, url, migrateOnly)
}

// OpenReadOnly connects for reading only: every transaction of the pool is
// read-only, so a reader cannot change the store, and a store of an older
// schema is refused rather than migrated.
func OpenReadOnly(ctx context.Context, url string) (*DB, error) {
	return open(ctx, url, readOnly)
}

type openMode int

const (
	createOrMigrate openMode = iota
	migrateOnly
	readOnly
)

func open(ctx context.Context, rawURL string, mode openMode) (*DB, error) {
	name := redact(rawURL)
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", name, err)
	}
	if !strings.Contains(rawURL, "pool_max_conns") && cfg.MaxConns < minConns {
		cfg.MaxConns = minConns
	}
	if mode == readOnly {
		cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", name, err)
	}
	db := &DB{pool: pool, name: name}
	if err := db.schema(ctx, mode); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store %s: %w", name, err)
	}
	if mode != readOnly {
		if err := db.buildIndex(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("open store %s: %w", name, err)
		}
	}
	return db, nil
}

// redact drops the password from a URL, so that errors can name it.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// schema checks the store's schema version and, unless read-only, brings
// it up to this storyline's. Opening a current store writes nothing.
func (db *DB) schema(ctx context.Context, mode openMode) error {
	v, err := db.version(ctx, db.pool)
	if err != nil {
		return err
	}
	switch {
	case v > SchemaVersion:
		return fmt.Errorf("schema version %d, this storyline knows %d: %w", v, SchemaVersion, ErrNewerSchema)
	case v == SchemaVersion:
		return nil
	case v == 0 && mode != createOrMigrate:
		return ErrNoStore
	case mode == readOnly:
		return fmt.Errorf("schema version %d, this storyline reads %d: open it once for writing (extract run) to migrate it", v, SchemaVersion)
	}
	// Processes starting together migrate one after the other: the second
	// finds the work done.
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockKey("migrate")); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version int PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("create schema_version: %w", err)
		}
		v, err := db.version(ctx, tx)
		if err != nil {
			return err
		}
		if v > SchemaVersion {
			return fmt.Errorf("schema version %d, this storyline knows %d: %w", v, SchemaVersion, ErrNewerSchema)
		}
		for step := v + 1; step <= SchemaVersion; step++ {
			if _, err := tx.Exec(ctx, migrations[step-1]); err != nil {
				return fmt.Errorf("migrate to schema version %d: %w", step, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_version (version) VALUES ($1)", step); err != nil {
				return fmt.Errorf("migrate to schema version %d: %w", step, err)
			}
		}
		return nil
	})
}

// querier is a pool, a connection or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// version is the last schema step applied, 0 for a database without the
// store.
func (db *DB) version(ctx context.Context, q querier) (int, error) {
	var exists bool
	if err := q.QueryRow(ctx, "SELECT to_regclass('schema_version') IS NOT NULL").Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v int
	if err := q.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// Close closes the pool's connections.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Name is the store's URL without its password.
func (db *DB) Name() string { return db.name }

// lockKey is the advisory lock key of a named section.
func lockKey(section string) int64 {
	h := fnv.New64a()
	h.Write([]byte("storyline/" + section))
	return int64(h.Sum64())
}

// snapshotKey carries, in the context Exclusive gives its function, the
// snapshot taken once the lock was held.
type snapshotKey struct{}

// Exclusive runs fn while no other process, on any machine, runs a section
// of the same name on this database: a session advisory lock, held on a
// connection of its own and released when fn returns — or by the server,
// when the process dies and its connection drops. fn's context carries
// the snapshot of the store taken once the lock was held, which a story
// update uses to clear only the work marks it could see.
func (db *DB) Exclusive(ctx context.Context, section string, fn func(ctx context.Context) error) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("store: lock %s: %w", section, err)
	}
	defer conn.Release()
	key := lockKey(section)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("store: lock %s: %w", section, err)
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key); err != nil {
			// A connection that cannot unlock is closed: the session's
			// locks go with it.
			conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	var snap string
	if err := conn.QueryRow(ctx, "SELECT pg_current_snapshot()::text").Scan(&snap); err != nil {
		return fmt.Errorf("store: lock %s: %w", section, err)
	}
	return fn(context.WithValue(ctx, snapshotKey{}, snap))
}

// snapshot is the snapshot Exclusive put in ctx, or nil (SQL NULL) when
// ctx has none: the caller then is the store's only writer.
func snapshot(ctx context.Context) any {
	if s, ok := ctx.Value(snapshotKey{}).(string); ok {
		return s
	}
	return nil
}

// errConflict is returned inside a transaction that lost a race with
// another writer (a new article inserted by both): it is run again.
var errConflict = errors.New("lost a race with another writer")

// maxAttempts bounds the runs of a transaction that keeps losing races.
const maxAttempts = 8

// inTx runs fn in a transaction and commits it, running it again when it
// lost a race with another writer: a conflict, a serialization failure or
// a deadlock, which PostgreSQL resolves by failing one of the two.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	var err error
	for range maxAttempts {
		if err = ctx.Err(); err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, db.pool, fn)
		if !retryable(err) {
			return err
		}
	}
	return err
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.Is(err, errConflict) || errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// readTx runs fn in a read-only transaction that sees one state of the
// store throughout.
func (db *DB) readTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}
