package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store"
	"github.com/storyline/storyline/store/storetest"
)

// TestConformance runs the suite every storyline store must pass.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return storetest.Open(t) })
}

var article = storetest.Article

// Re-ingesting unchanged articles must leave the file's bytes as they were.
func TestUnchangedLeavesFileIdentical(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "news.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Put(t, db, article("a", "text"))
	x := &storyline.Extraction{ArticleID: "a", Version: "v1", ArticleHash: article("a", "text").ContentHash(), Entities: []storyline.Entity{{Type: storyline.Country, Text: "Iran", End: 4, Norm: "IR"}}}
	if err := db.PutExtractions(ctx, []*storyline.Extraction{x})[0]; err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)

	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := storetest.Put(t, db, article("a", "text")); got[0] != storyline.Unchanged {
		t.Fatalf("PutArticles again = %v", got)
	}
	if err := db.PutExtractions(ctx, []*storyline.Extraction{x})[0]; err != nil {
		t.Fatal(err)
	}
	db.Close()
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("store file changed although nothing new was stored")
	}
}

func TestSecondWriterGetsClearError(t *testing.T) {
	db := storetest.Open(t)
	start := time.Now()
	_, err := store.Open(db.Path())
	if !errors.Is(err, storyline.ErrStoreInUse) {
		t.Fatalf("second Open error = %v, want ErrStoreInUse", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("second Open waited %v", waited)
	}
}

func TestOpenBadFiles(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, bytes.Repeat([]byte("not a database "), 1000), 0o600)
	empty := filepath.Join(dir, "missing.db")
	for _, tc := range []struct {
		name string
		open func() (*store.DB, error)
	}{
		{"garbage", func() (*store.DB, error) { return store.Open(garbage) }},
		{"garbage read-only", func() (*store.DB, error) { return store.OpenReadOnly(garbage) }},
		{"missing read-only", func() (*store.DB, error) { return store.OpenReadOnly(empty) }},
	} {
		db, err := tc.open()
		if err == nil {
			db.Close()
			t.Errorf("%s: Open succeeded", tc.name)
		}
	}
}

// TestOlderStoreGainsNewBuckets opens a store of this schema made before
// the story profiles were kept: it opens, gains the bucket, and keeps its
// articles.
func TestOlderStoreGainsNewBuckets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "older.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.Article("a", "Sergei Lavrov met his Turkish counterpart in Moscow.")
	if st := db.PutArticles(context.Background(), []storyline.ArticlePut{{Article: a}}); st[0].Err != nil {
		t.Fatal(st[0].Err)
	}
	db.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("story_profiles")) }); err != nil {
		t.Fatal(err)
	}
	b.Close()
	db, err = store.Open(path)
	if err != nil {
		t.Fatalf("a store of this schema without the profiles bucket: %v", err)
	}
	if _, err := db.Article(context.Background(), "a"); err != nil {
		t.Errorf("article lost: %v", err)
	}
	db.Close()
	b, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("story_profiles")) == nil {
			t.Error("the profiles bucket was not created")
		}
		return nil
	})
}

// TestForeignFilesAreLeftAlone opens bbolt files that are not storyline
// stores of this schema: each is refused, and not one byte of it changes.
func TestForeignFilesAreLeftAlone(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "other-program.db")
	newer := filepath.Join(dir, "newer-storyline.db")
	for path, fill := range map[string]func(*bolt.Tx) error{
		foreign: func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket([]byte("users"))
			if err != nil {
				return err
			}
			return b.Put([]byte("alice"), []byte("secret"))
		},
		newer: func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket([]byte("meta"))
			if err != nil {
				return err
			}
			return b.Put([]byte("schema"), []byte("99"))
		},
	} {
		b, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Update(fill); err != nil {
			t.Fatal(err)
		}
		b.Close()
	}
	for _, path := range []string{foreign, newer} {
		before, _ := os.ReadFile(path)
		for _, open := range []func(string) (*store.DB, error){store.Open, store.OpenExisting, store.OpenReadOnly} {
			if db, err := open(path); err == nil {
				db.Close()
				t.Errorf("%s: opened", filepath.Base(path))
			}
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Errorf("%s: changed by an open that failed", filepath.Base(path))
		}
	}
	if _, err := store.Open(foreign); !errors.Is(err, storyline.ErrDamaged) {
		t.Errorf("foreign file: error %v, want ErrDamaged", err)
	}
}

// TestDamagedFiles cuts a real store short at several points and fills one
// with garbage: each must give an error with a hint, never a panic or a
// memory fault.
func TestDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	db, err := store.Open(good)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		storetest.Put(t, db, article(fmt.Sprintf("id-%03d", i), strings.Repeat(fmt.Sprintf("Story %d about Syria and Turkey. ", i), 40)))
	}
	db.Close()
	data, _ := os.ReadFile(good)
	cases := map[string][]byte{
		"garbage":         bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 4096),
		"empty header":    make([]byte, 8192),
		"one page":        data[:4096],
		"headers only":    data[:16384],
		"half":            data[:len(data)/2],
		"all but a page":  data[:len(data)-4096],
		"text, not a db":  []byte("ingest: this is a log file\n"),
		"flipped headers": flip(data, 100, 4096+100),
		"flipped pages":   flip(data, seq(8192, len(data), 1031)...),
	}
	for name, content := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".db")
		os.WriteFile(path, content, 0o600)
		for _, open := range []func(string) (*store.DB, error){store.Open, store.OpenReadOnly} {
			s, err := open(path)
			if err == nil {
				// Opened: then every read must fail cleanly or succeed.
				ctx := context.Background()
				if err := s.ForEach(ctx, func(*storyline.Article, *storyline.Extraction) error { return nil }); err != nil && !errors.Is(err, storyline.ErrDamaged) {
					t.Errorf("%s: reading every article: %v, want an error wrapping ErrDamaged", name, err)
				}
				s.IDs(ctx, "", 1000)
				s.Close()
				continue
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("%s: error %q does not name the file", name, err)
			}
			if !errors.Is(err, storyline.ErrDamaged) && !errors.Is(err, storyline.ErrStoreInUse) && !strings.Contains(err.Error(), "schema version") {
				t.Errorf("%s: error %q wraps neither ErrDamaged nor a schema mismatch", name, err)
			}
		}
	}
}

func seq(from, to, step int) []int {
	var out []int
	for i := from; i < to; i += step {
		out = append(out, i)
	}
	return out
}

func flip(data []byte, offsets ...int) []byte {
	out := bytes.Clone(data)
	for _, o := range offsets {
		out[o] ^= 0xff
	}
	return out
}

// BenchmarkPutArticles stores batches of 256 new articles of 3 KB, as the
// pipeline's writer does: one durable transaction per batch.
func BenchmarkPutArticles(b *testing.B) {
	db := storetest.Open(b)
	const batch = 256
	words := strings.Fields("the foreign ministers of Russia Syria Turkey and Iran met in Moscow for talks on ties trade security refugees border troops")
	rng := rand.New(rand.NewPCG(1, 2))
	text := func() string {
		var sb strings.Builder
		for sb.Len() < 3000 {
			sb.WriteString(words[rng.IntN(len(words))] + " ")
		}
		return sb.String()
	}
	b.SetBytes(batch * 3000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		puts := make([]storyline.ArticlePut, batch)
		for j := range puts {
			puts[j] = storyline.ArticlePut{Article: article(fmt.Sprintf("b%06d-%03d", i, j), text())}
		}
		if r := db.PutArticles(context.Background(), puts); r[0].Err != nil {
			b.Fatal(r[0].Err)
		}
	}
}
