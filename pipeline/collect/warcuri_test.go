package collect

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nlnwa/gowarc/v3"

	"github.com/storyline/storyline/fixtures"
)

// TestWARCTargetURI: WARC 1.0's grammar puts the Target-URI in angle
// brackets (wget writes it so) and 1.1's does not; both give the bare
// URL. A Target-URI that is no http(s) URL is damage, and the error
// quotes the value as the file holds it, brackets and all.
func TestWARCTargetURI(t *testing.T) {
	page, _ := fs.ReadFile(fixtures.FS, "pages/000_69aa844a4afd86f8.html")
	for _, tc := range []struct {
		raw     string
		want    string // the article's URL; "" when the record is an error
		wantErr string // in the error when want is ""
	}{
		{raw: "http://127.0.0.1:8000/a.html", want: "http://127.0.0.1:8000/a.html"},
		{raw: "<http://127.0.0.1:8000/a.html>", want: "http://127.0.0.1:8000/a.html"},
		{raw: "<https://news.example/a?b=c>", want: "https://news.example/a?b=c"},
		{raw: "<ftp://news.example/a>", wantErr: `"<ftp://news.example/a>"`},
		{raw: "<>", wantErr: `"<>"`},
		{raw: "<http://news.example/a", wantErr: `"<http://news.example/a"`},
		{raw: "<<http://news.example/a>>", wantErr: `"<<http://news.example/a>>"`},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			// gowarc's writer empties a URI its parser refuses, so the
			// raw value goes in after it; the WARC header is outside
			// the digests.
			data, _ := warcBytes(t, false, []testRecord{{typ: gowarc.Response, uri: "http://placeholder.invalid/", date: crawlDate,
				block: httpMessage(200, string(page), "Content-Type: text/html")}})
			data = bytes.Replace(data, []byte("WARC/1.1\r\n"), []byte("WARC/1.0\r\n"), 1)
			data = bytes.Replace(data, []byte("WARC-Target-URI: http://placeholder.invalid/\r\n"), []byte("WARC-Target-URI: "+tc.raw+"\r\n"), 1)
			dir := t.TempDir()
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			zw.Write(data)
			zw.Close()
			for name, data := range map[string][]byte{"uri.warc": data, "uri.warc.gz": gz.Bytes()} {
				if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, name := range []string{"uri.warc", "uri.warc.gz"} {
				checkTarget(t, filepath.Join(dir, name), tc.raw, tc.want, tc.wantErr)
			}
		})
	}
}

// checkTarget reads a WARC file of one response record whose Target-URI
// is raw: want is the article's URL, or "" for an error that holds wantErr.
func checkTarget(t *testing.T, file, raw, want, wantErr string) {
	t.Helper()
	articles, errs, _ := splitWARC(collectAll(t, file))
	if want != "" {
		if len(errs) > 0 || articles[want] == nil {
			t.Errorf("%s: Target-URI %q: articles %v, errors %v; want one at %s", filepath.Base(file), raw, keys(articles), errs, want)
		}
		return
	}
	if len(errs) != 1 || !errors.Is(errs[0].Err, ErrWARCDamaged) || !strings.Contains(errs[0].Err.Error(), wantErr) {
		t.Errorf("%s: Target-URI %q: errors %v, want one ErrWARCDamaged naming %s", filepath.Base(file), raw, errs, wantErr)
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestWARCOfWget: a WARC file that wget 1.21.3 wrote of three fixture
// pages served on loopback (the README's recipe): WARC 1.0, Target-URIs
// in angle brackets, one gzip member per record. Each response is the
// article of its page at the bare URL; the warcinfo, request, metadata and
// resource records are counted as skipped.
func TestWARCOfWget(t *testing.T) {
	articles, errs, skips := splitWARC(collectAll(t, "testdata/wget-1.21.3.warc.gz"))
	for _, e := range errs {
		t.Errorf("error: %s: %v", e.Input, e.Err)
	}
	for _, name := range []string{"000_69aa844a4afd86f8.html", "001_aa6b1db065f18728.html", "002_004d5950fa2b3328.html"} {
		u := "http://127.0.0.1:8000/" + name
		a := articles[u]
		if a == nil {
			t.Errorf("no article at %s; have %v", u, keys(articles))
			continue
		}
		body, _ := fs.ReadFile(fixtures.FS, "pages/"+name)
		want, err := ParseHTML(bytes.NewReader(body), nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Title == "" || a.Title != want.Title || a.Text != want.Text {
			t.Errorf("%s: title %q, want %q (text equal: %v)", u, a.Title, want.Title, a.Text == want.Text)
		}
	}
	if len(articles) != 3 {
		t.Errorf("%d articles, want 3: %v", len(articles), keys(articles))
	}
	want := "7 records not read as articles (1 metadata, 3 request, 2 resource, 1 warcinfo)"
	if len(skips) != 1 || skips[0] != want {
		t.Errorf("skipped %q, want %q", skips, want)
	}
}
