package collect

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nlnwa/gowarc/v3"

	"github.com/storyline/storyline"
)

var (
	// ErrWARCDamaged is returned for a WARC record that cannot be read
	// whole: a broken gzip member, a header that is no WARC header, a block
	// whose digest or length does not match its header. The records after
	// it are read.
	ErrWARCDamaged = errors.New("damaged WARC record")
	// ErrWARCTruncated is returned when a WARC file ends inside a record.
	ErrWARCTruncated = errors.New("WARC file truncated")
	// ErrNotWARC is returned for a file that stopped being read after
	// maxBadRecords damaged records in a row.
	ErrNotWARC = errors.New("not a WARC file, or damaged throughout")
)

// Bounds of the WARC reader.
const (
	// maxWARCHeader bounds the WARC header and the HTTP header of a record
	// as read ahead of the library to learn a record's size (a few hundred
	// bytes in practice).
	maxWARCHeader = 64 << 10
	// maxBadRecords in a row end a file: one error for a file that is no
	// WARC, not one per stretch of garbage.
	maxBadRecords = 100
)

// warcRecord is one record of a WARC stream, or the reason it is not.
type warcRecord struct {
	// N counts the records of the stream from 1; Offset is where the
	// record, or the gzip member that holds it, starts in the stream.
	N      int
	Offset int64
	// InMember is where the record starts in its gzip member once
	// decompressed: 0 for the first record of a member, and so always
	// with one member per record.
	InMember int64
	// Record is the parsed record, nil when Err is set. The caller closes
	// it.
	Record gowarc.WarcRecord
	// Err says why this record was not read: damaged (ErrWARCDamaged), or
	// larger than the limit (storyline.ErrTooLarge). The stream goes on.
	Err error
	// Type is the record's WARC-Type, also when Err is set and it was
	// known.
	Type string
	// Target is WARC-Target-URI as the file holds it, when the header
	// was read ahead of the library: gowarc empties a value it finds
	// invalid, and WARC 1.0's <uri> is one to its URL parser.
	Target string
}

// warcReader reads the records of one WARC stream, plain or gzipped,
// through nlnwa/gowarc's unmarshaler. It undoes the gzip itself, member
// by member, and hands the library plain records: the library reads only
// the first record of a member and drains the rest, and a member may hold
// every record of a file. It adds what the library leaves to its caller:
// a record declaring a block larger than the limit is passed over before
// the library would buffer it, a damaged record is reported with its
// number and offset and the next one found, the end of a truncated file
// is told from damage, and reads stop when the context is cancelled.
type warcReader struct {
	in     *countingReader
	br     *bufio.Reader // the stream as stored
	member gzipMember    // the gzip member being read, when open
	un     gowarc.Unmarshaler
	max    int64 // largest block read
	n      int   // records begun
	bad    int   // damaged records in a row
}

func newWARCReader(ctx context.Context, r io.Reader, maxBlock int) *warcReader {
	in := &countingReader{ctx: ctx, r: r}
	return &warcReader{
		in: in,
		br: bufio.NewReaderSize(in, 1<<20),
		un: gowarc.NewUnmarshaler(
			// Lengths and digests are checked (a mismatch is damage);
			// lenient syntax (a bare LF, a missing end-of-record marker)
			// is read as the library repairs it.
			gowarc.WithSpecViolationPolicy(gowarc.ErrWarn),
			gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn),
			gowarc.WithUnknownRecordTypePolicy(gowarc.ErrIgnore),
			// Blocks are at most max plus the HTTP header (checked in
			// sizeOf): they stay in memory, never spill to a temp file.
			gowarc.WithBufferMaxMemBytes(int64(maxBlock)+maxWARCHeader),
		),
		max: int64(maxBlock) + maxWARCHeader,
	}
}

// pos is the offset in the stream of the next byte to be read.
func (w *warcReader) pos() int64 { return w.in.n - int64(w.br.Buffered()) }

// next returns the next record. The error is io.EOF at the end of the
// stream, and otherwise ends the stream: ErrWARCTruncated, ErrNotWARC, a
// read error, or the context's error.
func (w *warcReader) next() (warcRecord, error) {
	for {
		if w.bad >= maxBadRecords {
			return warcRecord{}, fmt.Errorf("%w: %d damaged records in a row at offset %d, the rest not read", ErrNotWARC, w.bad, w.pos())
		}
		if w.member.open {
			rec, ok, err := w.nextInMember()
			if ok {
				return rec, err
			}
			continue // the member ended
		}
		start := w.pos()
		skipped, gz, err := seekRecord(w.br, true, -1)
		if ferr := w.fatal(); ferr != nil {
			return warcRecord{}, ferr
		}
		switch {
		case err == io.EOF && skipped == 0:
			return warcRecord{}, io.EOF
		case err != nil:
			return warcRecord{}, fmt.Errorf("%w: %d bytes after record %d (offset %d) hold no record", ErrWARCTruncated, skipped, w.n, start)
		case gz:
			if rec, ok, err := w.openMember(); ok {
				return rec, err
			}
			continue
		}
		return w.read(w.br, w.pos(), 0)
	}
}

// read reads the plain record at the start of src: the stream itself, or
// the open gzip member. at and inMember say where it is, for messages.
func (w *warcReader) read(src *bufio.Reader, at, inMember int64) (warcRecord, error) {
	srcPos := func() int64 { return w.pos() }
	if src != w.br {
		srcPos = w.member.pos
	}
	start := srcPos()
	h, ok := w.sizeOf(src)
	if ok && (h.length > w.max || h.headerErr != nil) {
		w.n++
		return w.pass(src, at, inMember, h)
	}
	rec, _, validation, err := w.un.Unmarshal(src)
	if ferr := w.fatal(); ferr != nil {
		closeRecord(rec)
		return warcRecord{}, ferr
	}
	if err == nil {
		if damage := damaged(validation); damage != nil {
			err = damage
		}
	}
	if err == nil && src != w.br {
		// A member's checksum is checked where it ends: a record that
		// ends it is only whole once that is done.
		err = w.member.endCheck()
	}
	w.n++
	if err == nil {
		w.bad = 0
		return warcRecord{N: w.n, Offset: at, InMember: inMember, Record: rec, Type: rec.Type().String(), Target: h.target}, nil
	}
	closeRecord(rec)
	if terr := w.truncated(src, err, at); terr != nil {
		return warcRecord{}, terr
	}
	if src != w.br && w.member.err != nil {
		// The gzip stream is broken: the rest of the member is lost, the
		// next member is searched for.
		w.member.abandon()
		if w.pos() == w.member.start {
			_, _ = w.br.Discard(1)
		}
	} else if srcPos() == start {
		// Make progress: the next call scans on for a record.
		_, _ = src.Discard(1)
	}
	w.bad++
	return warcRecord{N: w.n, Offset: at, InMember: inMember, Err: fmt.Errorf("%w: %w", ErrWARCDamaged, err)}, nil
}

// truncated returns ErrWARCTruncated when err, met reading record w.n at
// offset at, is the end of the file rather than damage: a block cut short
// by the end of the file, not a whole block whose digest is wrong (even
// in the last record).
func (w *warcReader) truncated(src *bufio.Reader, err error, at int64) error {
	var digest *gowarc.DigestError
	if errors.As(err, &digest) {
		return nil
	}
	if src != w.br && w.member.err == nil {
		return nil // a sound member that ends early: damage inside it
	}
	if _, perr := w.br.Peek(1); perr != io.EOF {
		return nil
	}
	return fmt.Errorf("%w: the file ends inside record %d (offset %d), %d records before it read: %w", ErrWARCTruncated, w.n, at, w.n-1, err)
}

// fatal is the error that ends the stream, if reading it failed for a
// reason other than its content: the context, the network.
func (w *warcReader) fatal() error {
	if err := w.in.ctx.Err(); err != nil {
		return err
	}
	return w.in.err
}

// damaged returns the first validation finding that means a record's
// block is not what its header says; syntax leniencies are no damage.
func damaged(validation []error) error {
	for _, v := range validation {
		var de *gowarc.DigestError
		var le *gowarc.ContentLengthError
		if errors.As(v, &de) || errors.As(v, &le) {
			return v
		}
	}
	return nil
}

func closeRecord(rec gowarc.WarcRecord) {
	if rec != nil {
		_ = rec.Close()
	}
}

// warcHead is what sizeOf reads of a record's header ahead of the library.
type warcHead struct {
	typ       string
	target    string // WARC-Target-URI, raw
	length    int64
	headerLen int   // bytes of the WARC header, blank line included (plain records)
	headerErr error // the header does not end within maxWARCHeader
}

// sizeOf reads the WARC header of the plain record at the start of src
// without consuming it. ok is false when there is no record right here
// (the library says why) or its header is cut short by the end of the
// stream (the library reports that).
func (w *warcReader) sizeOf(src *bufio.Reader) (h warcHead, ok bool) {
	// What is buffered is looked at first: waiting for a whole window of
	// a stream that stalls would hold back the records before the stall.
	for _, n := range []int{min(max(src.Buffered(), 4<<10), maxWARCHeader), maxWARCHeader} {
		head, err := src.Peek(n)
		if !bytes.HasPrefix(head, []byte("WARC/")) {
			return h, false
		}
		if end := bytes.Index(head, []byte("\r\n\r\n")); end >= 0 {
			return parseHead(h, head, end), true
		}
		if err != nil {
			return h, false // the stream ends first
		}
	}
	h.headerErr = fmt.Errorf("%w: no end of the WARC header in its first %d bytes", ErrWARCDamaged, maxWARCHeader)
	return h, true
}

// parseHead reads the length and type of a record from its WARC header,
// head[:end].
func parseHead(h warcHead, head []byte, end int) warcHead {
	h.headerLen = end + 4
	for line := range strings.Lines(string(head[:end])) {
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "content-length":
			if n, err := strconv.ParseInt(value, 10, 64); err == nil {
				h.length = n
			}
		case "warc-type":
			h.typ = value
		case "warc-target-uri":
			h.target = value
		}
	}
	return h
}

// pass gets past a record that is not read: too large, or with a header
// too long. Its header and block are skipped in src, decompressed when
// src is a gzip member. Only a response counts as an error: a large video
// kept as a resource record is no fault.
func (w *warcReader) pass(src *bufio.Reader, at, inMember int64, h warcHead) (warcRecord, error) {
	rec := warcRecord{N: w.n, Offset: at, InMember: inMember, Type: h.typ, Target: h.target, Err: h.headerErr}
	if rec.Err == nil {
		rec.Err = fmt.Errorf("%w: a %s record of %d bytes, limit %d: skipped", storyline.ErrTooLarge, h.typ, h.length, w.max)
	}
	skip := int64(h.headerLen) + h.length
	if h.headerErr != nil {
		skip = 1 // scan on from the next byte
	}
	for skip > 0 {
		n, err := src.Discard(int(min(skip, 1<<20)))
		skip -= int64(n)
		if ferr := w.fatal(); ferr != nil {
			return warcRecord{}, ferr
		}
		if err == nil {
			continue
		}
		if terr := w.truncated(src, err, at); terr != nil {
			return warcRecord{}, terr
		}
		if src != w.br && w.member.err != nil {
			w.member.abandon()
		}
		rec.Err = fmt.Errorf("%w: %w: the record is cut short", rec.Err, ErrWARCDamaged)
		break
	}
	return rec, nil
}

// countingReader counts the bytes read from r and keeps its first error
// other than io.EOF; a cancelled context ends the reads.
type countingReader struct {
	ctx context.Context
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}
