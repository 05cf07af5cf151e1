package collect

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nlnwa/gowarc/v3"
)

// gzipWhole gzips data as one member, as tools that compress a finished
// WARC file do, instead of one member per record.
func gzipWhole(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWARCOneGzipMember: a WARC file that is one gzip member over all its
// records is read to its end, every record, as one member per record is;
// so is a file of a few members of several records each.
func TestWARCOneGzipMember(t *testing.T) {
	recs := fixtureRecords(t)
	plain, offsets := warcBytes(t, false, recs)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"one member", gzipWhole(t, plain)},
		{"three members", bytes.Join([][]byte{
			gzipWhole(t, plain[:offsets[4]]), gzipWhole(t, plain[offsets[4]:offsets[11]]), gzipWhole(t, plain[offsets[11]:]),
		}, nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "whole.warc.gz")
			if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			articles, errs, skips := splitWARC(collectAll(t, p))
			for _, e := range errs {
				t.Errorf("error: %s: %v", e.Input, e.Err)
			}
			if len(articles) != 5 {
				t.Errorf("%d articles, want 5", len(articles))
			}
			want := "14 records not read as articles (1 HTTP 4xx, 5 metadata, 1 not HTML, 5 request, 1 revisit, 1 warcinfo)"
			if len(skips) != 1 || skips[0] != want {
				t.Errorf("skipped %q, want %q", skips, want)
			}
		})
	}
}

// TestWARCOneGzipMemberTrouble: inside one member, a record over the limit
// is passed over and the next read; a damaged record is reported with the
// member's offset and its place inside the member; a member that holds
// no record is damage; a member cut short is truncation, with the records
// before the cut read.
func TestWARCOneGzipMemberTrouble(t *testing.T) {
	page := strings.Repeat("<p>The ministers met in Moscow on Tuesday to discuss the talks. ", 8)
	ok := func(u string) testRecord {
		return testRecord{typ: gowarc.Response, uri: u, date: crawlDate, block: httpMessage(200, "<html><head><title>Talks</title></head><body><article>"+page+"</article></body></html>", "Content-Type: text/html")}
	}
	recs := []testRecord{
		ok("https://x.example/1"),
		{typ: gowarc.Resource, uri: "https://x.example/video", date: crawlDate, block: strings.Repeat("v", 400_000)},
		ok("https://x.example/2"),
		ok("https://x.example/3"),
		ok("https://x.example/4"),
	}
	plain, offsets := warcBytes(t, false, recs)

	t.Run("too large", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "big.warc.gz")
		os.WriteFile(p, gzipWhole(t, plain), 0o644)
		articles, errs, skips := splitWARC(collectWith(t, Options{MaxBodyBytes: 200_000}, p))
		if len(errs) != 0 || len(articles) != 4 || len(skips) != 1 || !strings.Contains(skips[0], "1 resource") {
			t.Errorf("articles %v, errors %v, skipped %q; want 4 articles and the resource counted", keys(articles), errs, skips)
		}
	})
	t.Run("damaged", func(t *testing.T) {
		// A digest that does not match: the gzip stream itself is sound.
		bad := bytes.Clone(plain)
		i := bytes.Index(bad[offsets[2]:], []byte("Moscow")) + int(offsets[2])
		copy(bad[i:], "Mosc0w")
		p := filepath.Join(t.TempDir(), "bad.warc.gz")
		os.WriteFile(p, gzipWhole(t, bad), 0o644)
		articles, errs, _ := splitWARC(collectAll(t, p))
		want := fmt.Sprintf("%s: record 3 at offset 0, %d bytes into its gzip member", p, offsets[2])
		if len(errs) != 1 || !errors.Is(errs[0].Err, ErrWARCDamaged) || !strings.HasPrefix(errs[0].Input, want) {
			t.Errorf("errors %v, want one ErrWARCDamaged at %q", errs, want)
		}
		if len(articles) != 3 || articles["https://x.example/4"] == nil {
			t.Errorf("articles %v, want the 3 undamaged", keys(articles))
		}
	})
	t.Run("no record in a member", func(t *testing.T) {
		// 64 MB of zeros in a member of 64 KB, then a member of records:
		// the first is damage found at its start, not decompressed whole.
		zeros := gzipWhole(t, make([]byte, 64<<20))
		p := filepath.Join(t.TempDir(), "zeros.warc.gz")
		os.WriteFile(p, append(zeros, gzipWhole(t, plain)...), 0o644)
		articles, errs, _ := splitWARC(collectAll(t, p))
		if len(errs) != 1 || !errors.Is(errs[0].Err, ErrWARCDamaged) || !strings.HasPrefix(errs[0].Input, p+": record 1 at offset 0") {
			t.Errorf("errors %v, want one ErrWARCDamaged for record 1", errs)
		}
		if len(articles) != 4 {
			t.Errorf("articles %v, want the 4 of the second member", keys(articles))
		}
		w := newWARCReader(context.Background(), bytes.NewReader(zeros), 1<<20)
		if rec, err := w.next(); err != nil || !errors.Is(rec.Err, ErrWARCDamaged) {
			t.Fatalf("next() = %+v, %v; want a damaged record", rec, err)
		}
		if w.member.n > 2<<20 {
			t.Errorf("%d bytes of the zeros decompressed, want at most a buffer's worth", w.member.n)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		whole := gzipWhole(t, plain)
		p := filepath.Join(t.TempDir(), "cut.warc.gz")
		os.WriteFile(p, whole[:len(whole)*9/10], 0o644)
		articles, errs, _ := splitWARC(collectAll(t, p))
		if len(errs) != 1 || !errors.Is(errs[0].Err, ErrWARCTruncated) {
			t.Errorf("errors %v, want one ErrWARCTruncated", errs)
		}
		if len(articles) == 0 {
			t.Errorf("no article from before the cut")
		}
	})
}
