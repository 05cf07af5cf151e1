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
