// Package nlp finds people, countries and dates in an article's text and
// normalizes each mention: a canonical name per person, an ISO 3166-1 alpha-2
// code per country, a TIMEX3 value per date resolved against the article's
// publication date.
//
// It and its internal packages are the only ones that import
// github.com/jdkato/prose/v2. prose supplies the tokens, the part-of-speech
// tagger's weights and the entity classifier's format and training; its
// models run in internal/proseinfer, which gives prose's tags and labels
// several times faster. prose's own span building is not used, because it
// runs spans across lines and loses the byte offsets. Countries come from a
// table generated from maintained data packages (countries.json, see
// internal/gencountries), cities and regions from one generated from
// GeoNames (places.json, see internal/genplaces); dates from the rules in
// dates.go.
package nlp

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jdkato/prose/v2"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/pipeline/lang"
	"github.com/storyline/storyline/pipeline/nlp/internal/proseinfer"
)

// rulesVersion changes whenever a rule of this package changes what it
// extracts; with the digests of the models and of the country table it
// makes the extractor version that stamps every stored extraction.
const rulesVersion = "16"

//go:embed countries.json
var countriesJSON []byte

//go:embed places.json
var placesJSON []byte

// Extractor finds entities. It is safe for concurrent use: the models are
// only read during inference.
type Extractor struct {
	tagger     *proseinfer.Tagger
	classifier *proseinfer.Classifier
	countries  *gazetteer
	places     *placeTable
	version    string
}

// New builds the models and the country and place tables once; building them takes
// a few hundred milliseconds, so build one Extractor per process.
func New() (*Extractor, error) {
	g, err := loadGazetteer(countriesJSON)
	if err != nil {
		return nil, fmt.Errorf("nlp: country table: %w", err)
	}
	places, err := loadPlaces(placesJSON, countriesJSON)
	if err != nil {
		return nil, fmt.Errorf("nlp: place table: %w", err)
	}
	tagger, classifier, err := loadModel()
	if err != nil {
		return nil, fmt.Errorf("nlp: %w", err)
	}
	// Decoding the models left tens of megabytes of garbage, and the
	// collector's next goal would be twice the heap that held it.
	runtime.GC()
	sum := sha256.Sum256(countriesJSON)
	placesSum := sha256.Sum256(placesJSON)
	return &Extractor{
		tagger:     tagger,
		classifier: classifier,
		countries:  g,
		places:     places,
		version: fmt.Sprintf("nlp-%s+%s-%s+tagger-%s+countries-%s+places-%s+lang-%s", rulesVersion, modelName, classifier.Digest(),
			tagger.Digest(), hex.EncodeToString(sum[:4]), hex.EncodeToString(placesSum[:4]), lang.Version),
	}, nil
}

// Version identifies what this extractor extracts: stored extractions made by
// another version are stale.
func (x *Extractor) Version() string { return x.version }

// Language returns the ISO 639-1 code of text's language ("" when the text
// has too little prose to tell) and whether Extract knows that language.
// The models and word lists are English; on other languages they find
// names in every capitalised word, so such texts are better left alone.
// A text of undecided language is extracted: a results table or a list of
// names reads the same in every language.
func (x *Extractor) Language(text string) (code string, supported bool) {
	code = lang.Detect(text).Code
	return code, code == "" || code == "en"
}

// Extract returns the entities of text in order of their start offset.
// published is the article's publication date, the anchor of relative dates;
// zero when unknown. A panic inside a library becomes an error. ctx is
// asked between the stages, so that a long article stops soon after it is
// cancelled.
func (x *Extractor) Extract(ctx context.Context, text string, published time.Time) (ents []storyline.Entity, err error) {
	defer func() {
		if r := recover(); r != nil {
			ents, err = nil, fmt.Errorf("nlp: extract: %w", storyline.PanicError(r))
		}
	}()
	toks, err := x.tag(text)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	countries := x.countries.find(text)
	people := dropNamedDays(findPeople(text, toks, x.countries, x.places, countries, x.tagger.LowerTag))
	countries = dropOverlapping(countries, people)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	places, placeNames := x.places.find(text, toks, countries, people)
	countries = dropInsidePlaces(countries, placeNames)
	countries, places = x.places.georgiaState(text, countries, places)
	countries = dropAirline(text, toks, countries)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dates := findDates(text, toks, published)
	dates = dropOverlapping(dates, people)
	ents = slices.Concat(people, countries, places, dates)
	slices.SortFunc(ents, func(a, b storyline.Entity) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return strings.Compare(string(a.Type), string(b.Type))
	})
	return ents, nil
}

// token is one prose token located in the original text.
type token struct {
	text       string
	start, end int    // byte offsets into the original text
	tag        string // part of speech (Penn Treebank)
	label      string // IOB entity label
}

// tag runs prose's tokenizer, tagger and entity classifier over text and
// locates every token in it.
func (x *Extractor) tag(text string) ([]token, error) {
	doc, err := prose.NewDocument(text, prose.WithTagging(false), prose.WithExtraction(false), prose.WithSegmentation(false))
	if err != nil {
		return nil, fmt.Errorf("nlp: prose: %w", err)
	}
	ptoks := doc.Tokens()
	words := make([]string, len(ptoks))
	for i, t := range ptoks {
		words[i] = t.Text
	}
	tags := x.tagger.Tag(words)
	labels := x.classifier.Label(words, tags)

	clean, orig := sanitize(text)
	toks := make([]token, 0, len(words))
	cursor := 0
	for i, w := range words {
		at := strings.Index(clean[cursor:], w)
		if at < 0 {
			continue // not in the text as written: skip rather than guess
		}
		start := cursor + at
		cursor = start + len(w)
		toks = append(toks, token{text: text[orig[start]:orig[cursor]], start: orig[start], end: orig[cursor], tag: tags[i], label: labels[i]})
	}
	return toks, nil
}

// proseRewrites are the replacements prose's tokenizer makes before it
// splits text; sanitize makes the same so that tokens can be found.
var proseRewrites = []struct{ from, to string }{
	{"\u201c", `"`}, {"\u201d", `"`}, {"\u2018", "'"}, {"\u2019", "'"}, {"&rsquo;", "'"},
}

// sanitize returns text as prose's tokenizer sees it, and for every byte
// offset of that (and its end) the offset in text.
func sanitize(text string) (string, []int) {
	var b strings.Builder
	b.Grow(len(text))
	orig := make([]int, 0, len(text)+1)
	for i := 0; i < len(text); {
		replaced := false
		for _, r := range proseRewrites {
			if strings.HasPrefix(text[i:], r.from) {
				for range len(r.to) {
					orig = append(orig, i)
				}
				b.WriteString(r.to)
				i += len(r.from)
				replaced = true
				break
			}
		}
		if !replaced {
			orig = append(orig, i)
			b.WriteByte(text[i])
			i++
		}
	}
	orig = append(orig, len(text))
	return b.String(), orig
}
