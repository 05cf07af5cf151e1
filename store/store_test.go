package store

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// openTemp opens a fresh store in t.TempDir and checks its consistency when
// the test ends, as bbolt's own tests do.
func openTemp(t *testing.T) *DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "news.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("consistency check: %v", err)
		}
		db.Close()
	})
	return db
}

func article(id, text string) *storyline.Article {
	return &storyline.Article{ID: id, URL: "https://example.com/" + id, Title: "T " + id, Text: text,
		Published: time.Date(2023, 3, 28, 0, 0, 0, 0, time.UTC), Fetched: time.Now()}
}

func TestPutArticleOutcomes(t *testing.T) {
	db := openTemp(t)
	steps := []struct {
		name string
		a    *storyline.Article
		want storyline.Outcome
	}{
		{"first", article("a", "one"), storyline.New},
		{"same content, later fetch", article("a", "one"), storyline.Unchanged},
		{"changed text", article("a", "two"), storyline.Updated},
		{"other id", article("b", "two"), storyline.New},
	}
	for _, s := range steps {
		got, err := db.PutArticle(s.a)
		if err != nil || got != s.want {
			t.Errorf("%s: PutArticle = %v, %v; want %v", s.name, got, err, s.want)
		}
	}
	a, err := db.Article("a")
	if err != nil || a.Text != "two" {
		t.Fatalf("Article(a) = %+v, %v; want text two", a, err)
	}
	if _, err := db.Article("missing"); !errors.Is(err, storyline.ErrNotFound) {
		t.Errorf("Article(missing) error = %v, want ErrNotFound", err)
	}
}

// Re-ingesting unchanged articles must leave the file's bytes as they were.
func TestUnchangedLeavesFileIdentical(t *testing.T) {
	path := filepath.Join(t.TempDir(), "news.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutArticle(article("a", "text")); err != nil {
		t.Fatal(err)
	}
	x := &storyline.Extraction{ArticleID: "a", Version: "v1", Entities: []storyline.Entity{{Type: storyline.Country, Text: "Iran", End: 4, Norm: "IR"}}}
	if err := db.PutExtraction(x); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)

	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.PutArticle(article("a", "text")); err != nil || got != storyline.Unchanged {
		t.Fatalf("PutArticle again = %v, %v", got, err)
	}
	if err := db.PutExtraction(x); err != nil {
		t.Fatal(err)
	}
	db.Close()
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("store file changed although nothing new was stored")
	}
}

func TestExtractionNeedsArticle(t *testing.T) {
	db := openTemp(t)
	err := db.PutExtraction(&storyline.Extraction{ArticleID: "ghost", Version: "v"})
	if !errors.Is(err, storyline.ErrNotFound) {
		t.Errorf("PutExtraction without article: %v, want ErrNotFound", err)
	}
}

func TestForEachPairsExtractions(t *testing.T) {
	db := openTemp(t)
	for _, id := range []string{"b", "a", "c"} {
		if _, err := db.PutArticle(article(id, "text "+id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutExtraction(&storyline.Extraction{ArticleID: "b", Version: "v"}); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := db.ForEach(func(a *storyline.Article, x *storyline.Extraction) error {
		got = append(got, a.ID+map[bool]string{true: "+x", false: ""}[x != nil])
		return nil
	})
	if err != nil || len(got) != 3 || got[0] != "a" || got[1] != "b+x" || got[2] != "c" {
		t.Errorf("ForEach = %v, %v; want [a b+x c]", got, err)
	}
}

func TestSecondWriterGetsClearError(t *testing.T) {
	db := openTemp(t)
	start := time.Now()
	_, err := Open(db.Path())
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
		open func() (*DB, error)
	}{
		{"garbage", func() (*DB, error) { return Open(garbage) }},
		{"garbage read-only", func() (*DB, error) { return OpenReadOnly(garbage) }},
		{"missing read-only", func() (*DB, error) { return OpenReadOnly(empty) }},
	} {
		db, err := tc.open()
		if err == nil {
			db.Close()
			t.Errorf("%s: Open succeeded", tc.name)
		}
	}
}

// TestDamagedFiles cuts a real store short at several points and fills one
// with garbage: each must give an error with a hint, never a panic or a
// memory fault.
func TestDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	db, err := Open(good)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		db.PutArticle(article(fmt.Sprintf("id-%03d", i), strings.Repeat(fmt.Sprintf("Story %d about Syria and Turkey. ", i), 40)))
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
		for _, open := range []func(string) (*DB, error){Open, OpenReadOnly} {
			s, err := open(path)
			if err == nil {
				// Opened: then every read must fail cleanly or succeed.
				s.ForEach(func(*storyline.Article, *storyline.Extraction) error { return nil })
				s.IDs("", 1000)
				s.Check()
				s.Close()
				continue
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("%s: error %q does not name the file", name, err)
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
	db, err := Open(filepath.Join(b.TempDir(), "news.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
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
		as := make([]*storyline.Article, batch)
		for j := range as {
			as[j] = article(fmt.Sprintf("b%06d-%03d", i, j), text())
		}
		if _, errs := db.PutArticles(as); errs[0] != nil {
			b.Fatal(errs[0])
		}
	}
}
