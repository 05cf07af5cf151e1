package store

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store/internal/doc"
)

// Values are JSON compressed with zstd: news text and, above all, the
// repetitive JSON of extractions shrink several times, so that the store
// stays near the size of the text it holds. A value that starts with '{' is
// plain JSON, as the first stores wrote them, and is read as such.
// The coder and decoder are made on first use, once per process, and
// shared: EncodeAll and DecodeAll are safe for concurrent use.
var (
	encoder = sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	})
	decoder = sync.OnceValues(func() (*zstd.Decoder, error) {
		return zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
	})
)

func encode(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	enc, err := encoder()
	if err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	return enc.EncodeAll(data, make([]byte, 0, len(data)/3)), nil
}

// decode reads a stored value into v. A value that does not decode is
// damage: the error wraps storyline.ErrDamaged.
func decode(data []byte, v any) error {
	plain := data
	if len(data) == 0 || data[0] != '{' {
		dec, err := decoder()
		if err != nil {
			return fmt.Errorf("zstd decoder: %w", err)
		}
		if plain, err = dec.DecodeAll(data, nil); err != nil {
			return fmt.Errorf("value: %v: %w", err, storyline.ErrDamaged)
		}
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("value: %v: %w", err, storyline.ErrDamaged)
	}
	return nil
}

// storedExtraction is how an extraction is kept: its version and article
// hash beside the stored form every store shares.
type storedExtraction struct {
	Version     string `json:"v"`
	ArticleHash string `json:"h"`
	doc.Extraction
}

func encodeExtraction(x *storyline.Extraction) ([]byte, error) {
	return encode(storedExtraction{Version: x.Version, ArticleHash: x.ArticleHash, Extraction: doc.Of(x)})
}

// decodeExtraction reads the extraction of the article with the given ID
// and text.
func decodeExtraction(data []byte, id, text string) (*storyline.Extraction, error) {
	var s storedExtraction
	if err := decode(data, &s); err != nil {
		return nil, err
	}
	return s.Extraction.Extraction(id, s.Version, s.ArticleHash, text), nil
}
