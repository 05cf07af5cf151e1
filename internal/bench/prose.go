package bench

import (
	"fmt"

	"github.com/jdkato/prose/v2"

	"github.com/storyline/storyline"
)

// Baseline runs prose itself, the ways its own documentation shows, so that
// the benchmark puts storyline's extraction side by side with it. It is
// prose as any program would use it, not through storyline's nlp package.
type Baseline struct {
	model *prose.Model
}

// NewBaseline builds prose's default model once, for CachedModel.
func NewBaseline() (b *Baseline, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("bench: load prose model: %w", storyline.PanicError(r))
		}
	}()
	return &Baseline{model: prose.ModelFromData("en-v2.0.0")}, nil
}

// Documented is prose as its README shows it: NewDocument with the default
// options, which rebuilds the model and the segmenter on every call. It
// returns the number of entities prose found.
func (b *Baseline) Documented(text string) (int, error) {
	doc, err := prose.NewDocument(text)
	if err != nil {
		return 0, err
	}
	return len(doc.Entities()), nil
}

// CachedModel is prose with its default model built once and reused, all
// else default.
func (b *Baseline) CachedModel(text string) (int, error) {
	doc, err := prose.NewDocument(text, prose.UsingModel(b.model))
	if err != nil {
		return 0, err
	}
	return len(doc.Entities()), nil
}

// TokenizeOnly is prose's tokenizer alone: what no tagger built on it can
// beat.
func (b *Baseline) TokenizeOnly(text string) (int, error) {
	doc, err := prose.NewDocument(text, prose.UsingModel(b.model), prose.WithTagging(false),
		prose.WithSegmentation(false), prose.WithExtraction(false))
	if err != nil {
		return 0, err
	}
	return len(doc.Tokens()), nil
}
