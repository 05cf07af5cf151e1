package collect

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/storyline/storyline"
)

// FuzzReadWARC: whatever the bytes, reading them as a WARC file ends,
// without a panic, within the limits, and every result names the file.
func FuzzReadWARC(f *testing.F) {
	page := "<html><head><title>Talks</title></head><body><article><p>" +
		strings.Repeat("The ministers met in Moscow on Tuesday to discuss the talks. ", 4) + "</p></article></body></html>"
	recs := []testRecord{
		{typ: gowarc.Warcinfo, date: crawlDate, block: "software: fuzz\r\n"},
		{typ: gowarc.Response, uri: "https://x.example/a", date: crawlDate, block: httpMessage(200, page, "Content-Type: text/html")},
		{typ: gowarc.Request, uri: "https://x.example/a", date: crawlDate, block: "GET /a HTTP/1.1\r\n\r\n"},
		{typ: gowarc.Response, uri: "https://x.example/b", date: crawlDate, block: httpMessage(200, page, "Content-Type: text/html", "Transfer-Encoding: chunked")},
	}
	for _, gz := range []bool{true, false} {
		data, offsets := warcBytes(f, gz, recs)
		f.Add(data)
		f.Add(data[:offsets[2]+7])
		f.Add(damage(data, offsets[1], offsets[2]))
	}
	f.Add([]byte("WARC/1.1\r\nContent-Length: 99999999999\r\n\r\n"))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out := make(chan storyline.Collected)
		r := &run{ctx: ctx, out: out, opts: Options{MaxBodyBytes: 1 << 20}.withDefaults(), files: map[string]bool{}}
		done := make(chan struct{})
		go func() {
			r.readWARC("f.warc", "f.warc", bytes.NewReader(data))
			close(out)
			close(done)
		}()
		for it := range out {
			if !strings.HasPrefix(it.Input, "f.warc") {
				t.Errorf("result for %q names another input", it.Input)
			}
			if a := it.Article; a != nil && (a.ID == "" || a.Text == "") {
				t.Errorf("%s: article without ID or text: %+v", it.Input, a)
			}
		}
		<-done
		if ctx.Err() != nil {
			t.Fatalf("reading %d bytes took over 20s", len(data))
		}
	})
}

// FuzzWARCReader fuzzes the record reader alone, without the page parsing
// that makes FuzzReadWARC slow under coverage instrumentation: whatever
// the bytes, next ends the stream with EOF or an error after finitely many
// records, each record is either parsed or carries its error, and the
// records come in order.
func FuzzWARCReader(f *testing.F) {
	recs := []testRecord{
		{typ: gowarc.Warcinfo, date: crawlDate, block: "software: fuzz\r\n"},
		{typ: gowarc.Response, uri: "https://x.example/a", date: crawlDate, block: httpMessage(200, "<p>a</p>", "Content-Type: text/html")},
		{typ: gowarc.Request, uri: "https://x.example/a", date: crawlDate, block: "GET /a HTTP/1.1\r\n\r\n"},
	}
	for _, gz := range []bool{true, false} {
		data, offsets := warcBytes(f, gz, recs)
		f.Add(data)
		f.Add(data[:offsets[2]+7])
		f.Add(damage(data, offsets[1], offsets[2]))
	}
	plain, _ := warcBytes(f, false, recs)
	f.Add(gzipWhole(f, plain)) // every record in one gzip member
	f.Add([]byte("WARC/1.0\r\nWARC-Target-URI: <http://x.example/>\r\nContent-Length: 1\r\n\r\nx\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		wr := newWARCReader(ctx, bytes.NewReader(data), 1<<16)
		last := 0
		for range 2*len(data) + 2 { // a record takes bytes: no more records than that
			rec, err := wr.next()
			if err != nil {
				if ctx.Err() != nil {
					t.Fatalf("reading %d bytes took over 20s", len(data))
				}
				return
			}
			if (rec.Record == nil) == (rec.Err == nil) {
				t.Fatalf("record %d: parsed %v, error %v: want exactly one", rec.N, rec.Record != nil, rec.Err)
			}
			if rec.N <= last {
				t.Fatalf("record %d after record %d", rec.N, last)
			}
			last = rec.N
			if rec.Record != nil {
				closeRecord(rec.Record)
			}
		}
		t.Fatalf("%d bytes gave more records than bytes", len(data))
	})
}
