package collect

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/storyline/storyline/fixtures"
)

// testRecord is one record of a WARC file a test writes.
type testRecord struct {
	typ   gowarc.RecordType
	uri   string
	date  time.Time
	block string // for a response: the HTTP message
}

// httpMessage is an HTTP response as a WARC response record keeps it.
func httpMessage(status int, body string, header ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d Status\r\n", status)
	for _, h := range header {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.String()
}

// warcBytes writes records with gowarc, each in a gzip member of its own
// when gz, and returns the file and where each record starts.
func warcBytes(t testing.TB, gz bool, recs []testRecord) ([]byte, []int64) {
	t.Helper()
	var file bytes.Buffer
	var offsets []int64
	m := gowarc.NewMarshaler()
	for i, tr := range recs {
		rb := gowarc.NewRecordBuilder(tr.typ, gowarc.WithAddMissingDigest(true))
		if _, err := rb.WriteString(tr.block); err != nil {
			t.Fatal(err)
		}
		rb.AddWarcHeader(gowarc.WarcRecordID, fmt.Sprintf("<urn:uuid:00000000-0000-0000-0000-%012d>", i))
		rb.AddWarcHeaderTime(gowarc.WarcDate, tr.date)
		if tr.uri != "" {
			rb.AddWarcHeader(gowarc.WarcTargetURI, tr.uri)
		}
		switch tr.typ {
		case gowarc.Response:
			rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
		case gowarc.Request:
			rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=request")
		case gowarc.Warcinfo, gowarc.Metadata:
			rb.AddWarcHeader(gowarc.ContentType, "application/warc-fields")
		case gowarc.Revisit:
			rb.AddWarcHeader(gowarc.WarcProfile, "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest")
			rb.AddWarcHeader(gowarc.WarcRefersTo, "<urn:uuid:00000000-0000-0000-0000-000000000001>")
			rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
		default:
			rb.AddWarcHeader(gowarc.ContentType, "application/octet-stream")
		}
		rec, _, err := rb.Build()
		if err != nil {
			t.Fatalf("build record %d: %v", i, err)
		}
		offsets = append(offsets, int64(file.Len()))
		if gz {
			zw := gzip.NewWriter(&file)
			if _, _, err := m.Marshal(zw, rec, 0); err != nil {
				t.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
		} else if _, _, err := m.Marshal(&file, rec, 0); err != nil {
			t.Fatal(err)
		}
		_ = rec.Close()
	}
	return file.Bytes(), offsets
}

// crawlDate is the WARC-Date of the fixture records.
var crawlDate = time.Date(2023, 3, 2, 10, 30, 0, 0, time.UTC)

// fixtureRecords are the fixture pages as a crawler archives them: a
// warcinfo record, then for each page its request, its response (with
// validators) and a metadata record; a revisit, a PNG and a 404 at the end.
func fixtureRecords(t testing.TB) []testRecord {
	t.Helper()
	pages, err := fs.Glob(fixtures.FS, "pages/*.html")
	if err != nil || len(pages) == 0 {
		t.Fatalf("fixture pages: %v", err)
	}
	recs := []testRecord{{typ: gowarc.Warcinfo, date: crawlDate, block: "software: storyline test\r\n"}}
	for i, p := range pages {
		body, err := fs.ReadFile(fixtures.FS, p)
		if err != nil {
			t.Fatal(err)
		}
		uri := "https://news.example.com/" + path.Base(p)
		recs = append(recs,
			testRecord{typ: gowarc.Request, uri: uri, date: crawlDate, block: "GET /" + path.Base(p) + " HTTP/1.1\r\nHost: news.example.com\r\n\r\n"},
			testRecord{typ: gowarc.Response, uri: uri, date: crawlDate.Add(time.Duration(i) * time.Minute), block: httpMessage(200, string(body),
				"Content-Type: text/html; charset=utf-8", fmt.Sprintf(`ETag: "e%d"`, i), "Last-Modified: Wed, 01 Mar 2023 08:00:00 GMT")},
			testRecord{typ: gowarc.Metadata, uri: uri, date: crawlDate, block: "fetchTimeMs: 120\r\n"},
		)
	}
	return append(recs,
		testRecord{typ: gowarc.Revisit, uri: "https://news.example.com/again.html", date: crawlDate, block: httpMessage(200, "", "Content-Type: text/html")},
		testRecord{typ: gowarc.Response, uri: "https://news.example.com/logo.png", date: crawlDate, block: httpMessage(200, "\x89PNG\r\n\x1a\n", "Content-Type: image/png")},
		testRecord{typ: gowarc.Response, uri: "https://news.example.com/gone.html", date: crawlDate, block: httpMessage(404, "<html><body>gone</body></html>", "Content-Type: text/html")},
	)
}

// writeWARC writes records to name in a temporary directory.
func writeWARC(t testing.TB, name string, gz bool, recs []testRecord) (string, []int64) {
	t.Helper()
	data, offsets := warcBytes(t, gz, recs)
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, offsets
}
