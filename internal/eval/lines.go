package eval

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// readLines reads a JSON Lines file, one value of T a line by read, and
// names name:N in the error of line N. Blank lines are passed over; lines
// have no length limit: a gold document is one line, however long its
// text.
func readLines[T any](r io.Reader, name string, read func(n int, line []byte) (T, error)) ([]T, error) {
	var out []T
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if t := bytes.TrimSpace(line); len(t) > 0 {
			v, rerr := read(n, t)
			if rerr != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, n, rerr)
			}
			out = append(out, v)
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
}
