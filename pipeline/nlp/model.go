package nlp

import (
	"embed"
	"runtime"

	"github.com/storyline/storyline/pipeline/nlp/internal/proseinfer"
)

// trainedModel is prose's entity classifier trained on the CoNLL-2003 train
// split (people as PERSON, countries as GPE) by internal/train. prose's
// default classifier labels many places and organisations PERSON; this one
// was measured better on the CoNLL dev set (see the README). prose's own
// part-of-speech tagger is used with it unchanged. Both run in proseinfer.
//
//go:embed model
var trainedModel embed.FS

// modelName is the name of the embedded model in the extractor version.
const modelName = "conll2003-person-gpe"

// loadModel loads prose's tagger and the embedded entity classifier.
func loadModel() (*proseinfer.Tagger, *proseinfer.Classifier, error) {
	// Each is decoded from gob into maps several times the size of the
	// table built from them. One after the other, with the first's garbage
	// collected in between, peak RSS is ~45 MB lower than decoding both at
	// once, for ~100 ms more.
	tagger, err := proseinfer.NewTagger()
	if err != nil {
		return nil, nil, err
	}
	runtime.GC()
	classifier, err := proseinfer.LoadClassifier(trainedModel, "model/Maxent")
	if err != nil {
		return nil, nil, err
	}
	return tagger, classifier, nil
}
