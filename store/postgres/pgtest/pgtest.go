// Package pgtest gives each test a PostgreSQL database of its own, made in
// the server whose URL is in STORYLINE_TEST_POSTGRES (scripts/test-postgres
// starts a throwaway one and sets it) and dropped when the test ends, so
// that tests run in parallel. Without the variable, a test that needs
// PostgreSQL is skipped with a message saying how to run it, unless CI is
// set: in CI it fails, so that a missing server is never a silent pass.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env is the variable that holds the URL of the test server.
const Env = "STORYLINE_TEST_POSTGRES"

// URL creates a new, empty database and returns its URL.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(Env)
	if base == "" {
		msg := Env + " is not set: no PostgreSQL to test against (scripts/test-postgres go test ./... starts one)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + "; CI is set, so this is a failure")
		}
		t.Skip(msg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", Env, err)
	}
	defer admin.Close(ctx)
	var b [6]byte
	rand.Read(b[:])
	name := "storyline_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Available reports whether tests can reach a PostgreSQL server, for the
// tests that run against every store and need not fail without one.
func Available() bool { return os.Getenv(Env) != "" }

// Describe names the store a URL points to in test names and messages.
func Describe(u string) string {
	if i := strings.LastIndex(u, "/"); i >= 0 {
		return fmt.Sprintf("postgres %s", u[i+1:])
	}
	return u
}
