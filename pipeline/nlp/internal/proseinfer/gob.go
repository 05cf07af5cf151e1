package proseinfer

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
)

// gobFile is one file of a prose model and what it decodes into.
type gobFile struct {
	name string
	into any
}

// decodeAll reads each file with read, in order, decodes it into its
// target, and returns a digest of the bytes read: what identifies the model.
func decodeAll(read func(name string) ([]byte, error), files ...gobFile) (string, error) {
	sum := sha256.New()
	for _, f := range files {
		data, err := read(f.name)
		if err != nil {
			return "", err
		}
		sum.Write(data)
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(f.into); err != nil {
			return "", fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return hex.EncodeToString(sum.Sum(nil)[:4]), nil
}
