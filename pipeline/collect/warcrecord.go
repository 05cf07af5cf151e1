package collect

import (
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/nlnwa/gowarc/v3"
	"golang.org/x/net/html/charset"

	"github.com/storyline/storyline"
)

// warcResponse turns a WARC record into the response it keeps, as the
// collector would have fetched it: WARC-Target-URI is the URL,
// WARC-Date the fetch time, the HTTP header inside the record gives the
// validators and the content type, and the body is decoded as the HTTP
// client and colly decode a fetched page's (transfer and content
// encodings, then a charset the header names). skip names why a record
// is not an article page and is only counted: its type, a status other
// than 2xx, a content type that is no page, a filter.
// rawTarget is WARC-Target-URI as the file holds it, "" when unknown.
func (r *run) warcResponse(rec gowarc.WarcRecord, rawTarget string) (resp Response, skip string, err error) {
	if rec.Type() != gowarc.Response {
		return resp, rec.Type().String(), nil
	}
	block, ok := rec.Block().(gowarc.HttpResponseBlock)
	if !ok {
		return resp, "response not HTTP", nil
	}
	if rawTarget == "" {
		rawTarget = rec.WarcHeader().Get(gowarc.WarcTargetURI)
	}
	target, u, err := targetURL(rawTarget)
	if err != nil {
		return resp, "", err
	}
	resp.Requested, resp.Final = target, u
	date, derr := rec.Date()
	if derr != nil {
		return resp, "", fmt.Errorf("%w: WARC-Date: %w", ErrWARCDamaged, derr)
	}
	resp.Fetched = date.UTC()
	switch {
	case !r.opts.Since.IsZero() && date.Before(r.opts.Since), !r.opts.Until.IsZero() && !date.Before(r.opts.Until):
		return resp, "outside -since/-until", nil
	case !r.wantedHost(u.Hostname()):
		return resp, "not of -host", nil
	}
	hdr := block.HttpHeader()
	if hdr == nil {
		return resp, "", fmt.Errorf("%w: unreadable HTTP header", ErrWARCDamaged)
	}
	if code := block.HttpStatusCode(); code < 200 || code > 299 {
		return resp, fmt.Sprintf("HTTP %dxx", code/100), nil
	}
	resp.Header = hdr.Clone()
	mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if !acceptedType(mediaType) {
		return resp, "not HTML", nil
	}
	payload, err := block.PayloadBytes()
	if err != nil {
		return resp, "", fmt.Errorf("%w: %w", ErrWARCDamaged, err)
	}
	body, err := decodeBody(payload, block.ProtocolHeaderBytes(), resp.Header, r.opts.MaxBodyBytes)
	if err != nil {
		return resp, "", err
	}
	isPage := mediaType == "text/html" || mediaType == "application/xhtml+xml"
	if !isPage && !looksLikeHTML(body) {
		return resp, "not HTML", nil
	}
	resp.Body = body
	return resp, "", nil
}

// targetURL reads a WARC-Target-URI: bare, as WARC 1.1 writes it, or in
// the angle brackets of WARC 1.0's grammar, as wget writes it. Only one
// enclosing pair is taken off; an error quotes the value as written.
func targetURL(raw string) (string, *url.URL, error) {
	s := strings.TrimSpace(raw)
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		s = s[1 : len(s)-1]
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", nil, fmt.Errorf("%w: WARC-Target-URI %q is not an http(s) URL", ErrWARCDamaged, raw)
	}
	return s, u, nil
}

// wantedHost reports whether a record of host passes -host: the host
// itself or one of its subdomains is listed.
func (r *run) wantedHost(host string) bool {
	if len(r.opts.Hosts) == 0 {
		return true
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, h := range r.opts.Hosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

// decodeBody reads an HTTP body as stored in a WARC record: chunked
// transfer coding and gzip or deflate content coding undone (the header
// then loses them), at most limit bytes, then converted to UTF-8 from the
// charset the Content-Type names, as colly does with a fetched page.
func decodeBody(payload io.Reader, rawHeader []byte, hdr http.Header, limit int) ([]byte, error) {
	if chunked(rawHeader) {
		payload = httputil.NewChunkedReader(bufio.NewReader(payload))
	}
	switch enc := strings.ToLower(strings.TrimSpace(hdr.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		gz, err := gzip.NewReader(payload)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip body: %w", ErrWARCDamaged, err)
		}
		payload = gz
	case "deflate":
		payload = flate.NewReader(payload)
	default:
		return nil, fmt.Errorf("%w: content encoding %q", storyline.ErrUnsupported, enc)
	}
	hdr.Del("Content-Encoding")
	body, err := io.ReadAll(io.LimitReader(payload, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("%w: body: %w", ErrWARCDamaged, err)
	}
	if len(body) > limit {
		return nil, fmt.Errorf("%w: over %d bytes", storyline.ErrTooLarge, limit)
	}
	contentType := strings.ToLower(hdr.Get("Content-Type"))
	if !strings.Contains(contentType, "charset") || strings.Contains(contentType, "utf-8") || strings.Contains(contentType, "utf8") {
		return body, nil
	}
	cr, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		return nil, fmt.Errorf("charset of %q: %w", contentType, err)
	}
	// A single-byte charset at most triples the size in UTF-8.
	decoded, err := io.ReadAll(io.LimitReader(cr, 4*int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("charset of %q: %w", contentType, err)
	}
	return decoded, nil
}

// chunked reports whether a raw HTTP header says its body is sent in
// chunks (net/http drops Transfer-Encoding from the parsed header).
func chunked(rawHeader []byte) bool {
	for line := range strings.Lines(string(rawHeader)) {
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Transfer-Encoding") && strings.Contains(strings.ToLower(value), "chunked") {
			return true
		}
	}
	return false
}
