package collect

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

var utf8BOM = []byte("\xEF\xBB\xBF")

// utf16Order tells UTF-16 text by its byte order mark or, without one, by
// NUL bytes in every other position of its start, as text in Latin script
// has in UTF-16 and UTF-8 text never has.
func utf16Order(head []byte) (unicode.Endianness, bool) {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return unicode.LittleEndian, true
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return unicode.BigEndian, true
	}
	var zeros [2]int
	pairs := len(head) / 2
	for i := range pairs * 2 {
		if head[i] == 0 {
			zeros[i%2]++
		}
	}
	switch {
	case pairs == 0:
		return unicode.BigEndian, false
	case zeros[1] >= pairs/2 && zeros[0] <= pairs/10:
		return unicode.LittleEndian, true
	case zeros[0] >= pairs/2 && zeros[1] <= pairs/10:
		return unicode.BigEndian, true
	}
	return unicode.BigEndian, false
}

// decodedReader returns r as UTF-8: UTF-16 text, told by utf16Order from
// its first bytes, is decoded; anything else is read as it is.
func decodedReader(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 4096)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	if order, ok := utf16Order(head); ok {
		return transform.NewReader(br, unicode.UTF16(order, unicode.UseBOM).NewDecoder()), nil
	}
	return br, nil
}

// decodeText returns data as UTF-8 without a byte order mark, decoding
// UTF-16 told by utf16Order.
func decodeText(data []byte) ([]byte, error) {
	if order, ok := utf16Order(data[:min(len(data), 512)]); ok {
		text, err := unicode.UTF16(order, unicode.UseBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("decode UTF-16 text: %w", err)
		}
		data = text
	}
	return bytes.TrimPrefix(data, utf8BOM), nil
}
