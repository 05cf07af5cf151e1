package store

import (
	"encoding/json"

	"github.com/klauspost/compress/zstd"
)

// Values are JSON compressed with zstd: news text and, above all, the
// repetitive JSON of extractions shrink several times, so that the store
// stays near the size of the text it holds. A value that starts with '{' is
// plain JSON, as the first stores wrote them, and is read as such.
var (
	encoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	decoder, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
)

func encode(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return encoder.EncodeAll(data, make([]byte, 0, len(data)/3)), nil
}

func decode(data []byte, v any) error {
	if len(data) > 0 && data[0] == '{' {
		return json.Unmarshal(data, v)
	}
	plain, err := decoder.DecodeAll(data, nil)
	if err != nil {
		return err
	}
	return json.Unmarshal(plain, v)
}
