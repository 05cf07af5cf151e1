package collect

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// gzipMember is the gzip member of a WARC stream being read. A member
// holds one record as most crawlers write them, or several, or every
// record of the file when the file was gzipped whole.
type gzipMember struct {
	open    bool
	start   int64 // where the member starts in the stream
	gz      *gzip.Reader
	r       *bufio.Reader // the member decompressed
	n       int64         // bytes read from gz
	err     error         // gz's first error other than io.EOF: the member is broken
	records int           // records begun in it
}

// Read counts what the member gives and keeps its first error.
func (m *gzipMember) Read(p []byte) (int, error) {
	n, err := m.gz.Read(p)
	m.n += int64(n)
	if err != nil && err != io.EOF && m.err == nil {
		m.err = err
	}
	return n, err
}

// pos is the offset in the decompressed member of the next byte to be
// read.
func (m *gzipMember) pos() int64 { return m.n - int64(m.r.Buffered()) }

// endCheck returns the member's error if it breaks right after a record:
// a bad checksum where it ends, a file that ends before its trailer.
func (m *gzipMember) endCheck() error {
	if _, err := m.r.Peek(1); err != nil && err != io.EOF {
		return err
	}
	return nil
}

// abandon leaves a broken member; the stream is searched for the next.
func (m *gzipMember) abandon() { m.open = false }

// openMember starts the gzip member at the stream's position. ok is true
// when its header is unreadable and what is returned is next's answer.
func (w *warcReader) openMember() (rec warcRecord, ok bool, err error) {
	m := &w.member
	start := w.pos()
	if m.gz == nil {
		m.gz = new(gzip.Reader)
		m.r = bufio.NewReaderSize(m, 1<<20)
	}
	// gzip reads the stream byte by byte through the bufio.Reader's
	// ReadByte, so it stops exactly at the member's end.
	gerr := m.gz.Reset(w.br)
	if ferr := w.fatal(); ferr != nil {
		return warcRecord{}, true, ferr
	}
	if gerr != nil {
		w.n++
		if _, perr := w.br.Peek(1); perr == io.EOF {
			return warcRecord{}, true, fmt.Errorf("%w: the file ends inside record %d (offset %d), %d records before it read: %w", ErrWARCTruncated, w.n, start, w.n-1, gerr)
		}
		if w.pos() == start {
			_, _ = w.br.Discard(1)
		}
		w.bad++
		return warcRecord{N: w.n, Offset: start, Err: fmt.Errorf("%w: gzip header: %w", ErrWARCDamaged, gerr)}, true, nil
	}
	m.gz.Multistream(false)
	m.r.Reset(m)
	m.open, m.start, m.n, m.err, m.records = true, start, 0, nil, 0
	return warcRecord{}, false, nil
}

// nextInMember reads the open member's next record. ok is false when the
// member ended cleanly after its last record: the stream goes on.
func (w *warcReader) nextInMember() (rec warcRecord, ok bool, err error) {
	m := &w.member
	// A member starts with its first record, and only a little padding
	// may come between records: a member of anything else is damage,
	// given up before a gzip bomb is decompressed to its end.
	limit := int64(maxWARCHeader)
	if m.records == 0 {
		limit = 0
	}
	skipped, _, serr := seekRecord(m.r, false, limit)
	if ferr := w.fatal(); ferr != nil {
		return warcRecord{}, true, ferr
	}
	if errors.Is(serr, errNoRecordHere) {
		m.abandon()
		w.n++
		w.bad++
		return warcRecord{N: w.n, Offset: m.start, InMember: m.pos(), Err: fmt.Errorf("%w: gzip member: %d bytes that are no WARC record", ErrWARCDamaged, skipped)}, true, nil
	}
	if serr == nil {
		m.records++
		rec, err := w.read(m.r, m.start, m.pos())
		return rec, true, err
	}
	m.open = false
	switch {
	case m.err != nil:
		w.n++
		if _, perr := w.br.Peek(1); perr == io.EOF {
			return warcRecord{}, true, fmt.Errorf("%w: the file ends inside record %d (offset %d), %d records before it read: %w", ErrWARCTruncated, w.n, m.start, w.n-1, m.err)
		}
		if w.pos() == m.start {
			_, _ = w.br.Discard(1)
		}
		w.bad++
		return warcRecord{N: w.n, Offset: m.start, InMember: m.pos(), Err: fmt.Errorf("%w: gzip member: %w", ErrWARCDamaged, m.err)}, true, nil
	case m.records == 0:
		w.n++
		w.bad++
		return warcRecord{N: w.n, Offset: m.start, Err: fmt.Errorf("%w: a gzip member that holds no WARC record", ErrWARCDamaged)}, true, nil
	}
	return warcRecord{}, false, nil
}

var warcMagic = []byte("WARC/")

// errNoRecordHere is seekRecord's answer when no record starts within
// its limit.
var errNoRecordHere = errors.New("no WARC record here")

// seekRecord passes over the bytes of r up to the next record: "WARC/",
// or where members is set (the stream, not a member's content) a gzip
// member, whose start gz reports. err is r's error when it ends first,
// errNoRecordHere when more than limit bytes (limit >= 0) would have to
// be passed over; skipped counts the bytes passed over.
func seekRecord(r *bufio.Reader, members bool, limit int64) (skipped int64, gz bool, err error) {
	for {
		head, err := r.Peek(len(warcMagic))
		switch {
		case members && len(head) >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8: // gzip, deflate
			return skipped, true, nil
		case bytes.Equal(head, warcMagic):
			return skipped, false, nil
		case len(head) == 0:
			return skipped, false, err
		}
		// Skip to the next byte that could start a record.
		buffered, _ := r.Peek(r.Buffered())
		n := 1 + bytes.IndexAny(buffered[1:], "W\x1f")
		if n == 0 {
			n = len(buffered)
		}
		if limit >= 0 && skipped+int64(n) > limit {
			return skipped, false, errNoRecordHere
		}
		d, _ := r.Discard(n)
		skipped += int64(d)
	}
}
