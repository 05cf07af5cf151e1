package bench

import (
	"compress/gzip"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/storyline/storyline/internal/testsite"
)

// WARCPage is one captured page: the request, the response (its HTTP
// header lines and body) and the metadata record a crawler keeps of it.
type WARCPage struct {
	URI    string
	Date   time.Time
	Header []string // "Name: value", after the status line
	Body   []byte
}

// WARCWriter writes pages to a WARC file as a news crawler archives them
// (CC-NEWS: request, response and metadata records of each capture),
// each record in a gzip member of its own when gzipped.
type WARCWriter struct {
	w      io.Writer
	gz     *gzip.Writer
	m      gowarc.Marshaler
	record int
}

// NewWARCWriter starts a WARC file on w with a warcinfo record.
func NewWARCWriter(w io.Writer, gzipped bool) (*WARCWriter, error) {
	ww := &WARCWriter{w: w, m: gowarc.NewMarshaler()}
	if gzipped {
		ww.gz = gzip.NewWriter(w)
	}
	return ww, ww.write(gowarc.Warcinfo, "", time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), "application/warc-fields", "software: storyline bench\r\n")
}

// Write adds one page's records.
func (ww *WARCWriter) Write(p WARCPage) error {
	host, path := p.URI, "/"
	if _, rest, ok := strings.Cut(p.URI, "://"); ok {
		host, path, _ = strings.Cut(rest, "/")
		path = "/" + path
	}
	var resp strings.Builder
	resp.WriteString("HTTP/1.1 200 OK\r\n")
	for _, h := range p.Header {
		resp.WriteString(h + "\r\n")
	}
	fmt.Fprintf(&resp, "Content-Length: %d\r\n\r\n", len(p.Body))
	resp.Write(p.Body)
	for _, r := range []struct {
		typ         gowarc.RecordType
		contentType string
		block       string
	}{
		{gowarc.Request, "application/http;msgtype=request", "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: bench\r\n\r\n"},
		{gowarc.Response, "application/http;msgtype=response", resp.String()},
		{gowarc.Metadata, "application/warc-fields", "fetchTimeMs: 100\r\n"},
	} {
		if err := ww.write(r.typ, p.URI, p.Date, r.contentType, r.block); err != nil {
			return err
		}
	}
	return nil
}

func (ww *WARCWriter) write(typ gowarc.RecordType, uri string, date time.Time, contentType, block string) error {
	ww.record++
	rb := gowarc.NewRecordBuilder(typ, gowarc.WithAddMissingDigest(true))
	if _, err := rb.WriteString(block); err != nil {
		return err
	}
	rb.AddWarcHeader(gowarc.WarcRecordID, fmt.Sprintf("<urn:uuid:00000000-0000-4000-8000-%012d>", ww.record))
	rb.AddWarcHeaderTime(gowarc.WarcDate, date)
	rb.AddWarcHeader(gowarc.ContentType, contentType)
	if uri != "" {
		rb.AddWarcHeader(gowarc.WarcTargetURI, uri)
	}
	rec, _, err := rb.Build()
	if err != nil {
		return fmt.Errorf("build WARC record %d: %w", ww.record, err)
	}
	defer rec.Close()
	var w io.Writer = ww.w
	if ww.gz != nil {
		ww.gz.Reset(ww.w)
		w = ww.gz
	}
	if _, _, err := ww.m.Marshal(w, rec, 0); err != nil {
		return fmt.Errorf("write WARC record %d: %w", ww.record, err)
	}
	if ww.gz != nil {
		return ww.gz.Close()
	}
	return nil
}

// SyntheticWARC writes n synthetic news reports (the scale runs' reports,
// told in stories) as the pages of outlets a crawler archived, gzipped
// record by record, and returns the bytes of article text written.
func SyntheticWARC(w io.Writer, n int) (int64, error) {
	ww, err := NewWARCWriter(w, true)
	if err != nil {
		return 0, err
	}
	var textBytes int64
	var walk stories
	for i := range n {
		story, index, size := walk.next(i)
		a := report(i, story, index, size)
		textBytes += int64(len(a.Text))
		lines := strings.Split(a.Text, "\n")
		page := testsite.Render(testsite.Article{Title: a.Title, Published: a.Published, Paragraphs: lines})
		err := ww.Write(WARCPage{
			URI:    fmt.Sprintf("https://outlet%d.example.com/news/%07d.html", i%50, i),
			Date:   a.Published.Add(time.Duration(i%86400) * time.Second),
			Header: []string{"Content-Type: text/html; charset=utf-8", fmt.Sprintf(`ETag: "r%d"`, i)},
			Body:   []byte(page),
		})
		if err != nil {
			return textBytes, err
		}
	}
	return textBytes, nil
}
