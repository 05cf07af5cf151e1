package nlp

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/jdkato/prose/v2"
)

// trainedModel is prose's entity classifier trained on the CoNLL-2003 train
// split (people as PERSON, countries as GPE) by internal/train. prose's
// default classifier labels many places and organisations PERSON; this one
// was measured better on the CoNLL dev set (see the README). prose's own
// part-of-speech tagger is used with it unchanged.
//
//go:embed model
var trainedModel embed.FS

// modelName is the directory of the embedded model, which prose takes for
// the model's name.
const modelName = "conll2003-person-gpe"

// loadModel loads the embedded model. prose reads models only from disk, so
// the files are written to a temporary directory that is removed once
// loaded. It returns the model and a digest of its weights, which is part of
// the extractor version.
func loadModel() (*prose.Model, string, error) {
	dir, err := os.MkdirTemp("", "storyline-model-")
	if err != nil {
		return nil, "", fmt.Errorf("unpack model: %w", err)
	}
	defer os.RemoveAll(dir)
	sum := sha256.New()
	root := filepath.Join(dir, modelName)
	err = fs.WalkDir(trainedModel, "model", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := trainedModel.ReadFile(path)
		if err != nil {
			return err
		}
		sum.Write(data)
		rel, _ := filepath.Rel("model", path)
		target := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return nil, "", fmt.Errorf("unpack model: %w", err)
	}
	model := prose.ModelFromDisk(root)
	return model, hex.EncodeToString(sum.Sum(nil)[:4]), nil
}
