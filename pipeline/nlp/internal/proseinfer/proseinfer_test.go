package proseinfer

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/jdkato/prose/v2"
)

// The model storyline trains and embeds (internal/train writes it there).
const modelDir = "../../model"

var corpora = flag.String("corpora", "../../../../fixtures/docs.jsonl,../../../../../shared/eval/conll2003-dev.gold.jsonl,../../../../../shared/eval/timeml-dev.gold.jsonl",
	"JSON Lines files whose texts TestMatchesProse runs through prose and proseinfer; missing files are skipped")

type loadedModels struct {
	tagger     *Tagger
	classifier *Classifier
}

var loaded = sync.OnceValues(func() (m loadedModels, err error) {
	if m.tagger, err = NewTagger(); err != nil {
		return m, err
	}
	m.classifier, err = LoadClassifier(os.DirFS(modelDir), "Maxent")
	return m, err
})

func models(tb testing.TB) (*Tagger, *Classifier) {
	tb.Helper()
	m, err := loaded()
	if err != nil {
		tb.Fatal(err)
	}
	return m.tagger, m.classifier
}

// texts reads the "text" of every line of the corpora that exist; it fails
// if none does.
func texts(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, name := range strings.Split(*corpora, ",") {
		data, err := os.ReadFile(name)
		if os.IsNotExist(err) {
			tb.Logf("%s: absent, skipped", name)
			continue
		} else if err != nil {
			tb.Fatal(err)
		}
		for line := range strings.Lines(string(data)) {
			var d struct{ Text string }
			if err := json.Unmarshal([]byte(line), &d); err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			out = append(out, d.Text)
		}
	}
	if len(out) == 0 {
		tb.Fatal("no texts: the fixtures are missing")
	}
	return out
}

// words is prose's tokenization of text.
func words(text string) []string {
	doc, err := prose.NewDocument(text, prose.WithTagging(false), prose.WithExtraction(false), prose.WithSegmentation(false))
	if err != nil {
		panic(err)
	}
	var ws []string
	for _, t := range doc.Tokens() {
		ws = append(ws, t.Text)
	}
	return ws
}

// sharedTokens says, for every token of text, the last token that prose's
// tokenizer hands out as the same *Token: prose caches the tokens of every
// whitespace-delimited chunk but the last and reuses them for each repeat,
// so a repeated chunk's tokens end up with the tag and label of their last
// occurrence.
func sharedTokens(tb testing.TB, text string, n int) []int {
	clean := strings.NewReplacer("\u201c", `"`, "\u201d", `"`, "\u2018", "'", "\u2019", "'", "&rsquo;", "'").Replace(text)
	chunks := strings.FieldsFunc(clean, unicode.IsSpace)
	r, _ := utf8.DecodeLastRuneInString(clean)
	lastCached := len(chunks)
	if clean != "" && !unicode.IsSpace(r) {
		lastCached-- // the final chunk is tokenized outside the loop, uncached
	}
	type slot struct {
		chunk string
		k     int
	}
	last := map[slot]int{}
	var slots []slot
	for c, chunk := range chunks {
		for k := range words(chunk) {
			s := slot{chunk, k}
			if c >= lastCached {
				s.k = -1 - len(slots) // a token of its own
			}
			slots = append(slots, s)
			last[s] = len(slots) - 1
		}
	}
	if len(slots) != n {
		tb.Fatalf("chunks give %d tokens, prose %d: the emulation of prose's tokenizer is out of date", len(slots), n)
	}
	out := make([]int, n)
	for i, s := range slots {
		out[i] = last[s]
	}
	return out
}

func shared(values []string, last []int) []string {
	out := make([]string, len(values))
	for i := range values {
		out[i] = values[last[i]]
	}
	return out
}

// TestMatchesProse runs prose itself, with storyline's model, and
// proseinfer over the same texts, and wants the same tag and the same label
// for every token once prose's token sharing is applied to proseinfer's
// output. prose breaks ties between equal scores by map order, so a text
// it tags one way in one run and another way in the next is run again until
// prose agrees or 30 runs have not.
func TestMatchesProse(t *testing.T) {
	tagger, classifier := models(t)
	abs, err := filepath.Abs(modelDir)
	if err != nil {
		t.Fatal(err)
	}
	model := prose.ModelFromDisk(abs)
	var tokens, ties int
	for n, text := range texts(t) {
		ws := words(text)
		last := sharedTokens(t, text, len(ws))
		tags := shared(tagger.Tag(ws), last)
		labels := shared(classifier.Label(ws, tags), last)
		tokens += len(ws)
		var diffs []string
		for run := range 30 {
			doc, err := prose.NewDocument(text, prose.UsingModel(model), prose.WithSegmentation(false))
			if err != nil {
				t.Fatal(err)
			}
			diffs = diffs[:0]
			for i, tok := range doc.Tokens() {
				if tags[i] != tok.Tag || labels[i] != tok.Label {
					diffs = append(diffs, fmt.Sprintf("token %d %q: %s %s, prose %s %s", i, tok.Text, tags[i], labels[i], tok.Tag, tok.Label))
				}
			}
			if len(diffs) == 0 {
				if run > 0 {
					ties++
				}
				break
			}
		}
		for _, d := range diffs {
			t.Errorf("text %d, %s", n, d)
		}
	}
	t.Logf("%d tokens of %d texts; prose needed more than one run to agree on %d texts", tokens, len(texts(t)), ties)
}

// TestLowerTag checks that English words come back with their common
// tags and surnames with none or a proper noun's.
func TestLowerTag(t *testing.T) {
	tagger, _ := models(t)
	for w, common := range map[string]bool{"Sprinkle": true, "Hence": true, "Though": true, "Simply": true,
		"Commission": true, "Kolomoisky": false, "Trump": false, "Embiid": false, "Bush": false} {
		tag := tagger.LowerTag(w)
		if got := tag != "" && !strings.HasPrefix(tag, "NNP"); got != common {
			t.Errorf("LowerTag(%q) = %q, want a common word's tag: %v", w, tag, common)
		}
	}
}

// TestShape checks shape against prose's definition, which is written with
// regular expressions.
func TestShape(t *testing.T) {
	for _, w := range []string{"", "3.5", "1e9", "NaN", "inf", "the", "The", "THE", "McDonald", "U.S.", "U.S", ",",
		"Türkiye", "Erdoğan", "İstanbul", "café", "x_", "_", "abc\xff", "\xff", "o'neill", "O'Neill", "ŞAM", "2023-04-25"} {
		if got, want := shape(w), proseShape(w); got != want {
			t.Errorf("shape(%q) = %q, prose %q", w, got, want)
		}
	}
}

func FuzzShape(f *testing.F) {
	for _, w := range []string{"Lavrov", "U.S.", "3", "", "é"} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, w string) {
		if got, want := shape(w), proseShape(w); got != want {
			t.Errorf("shape(%q) = %q, prose %q", w, got, want)
		}
	})
}

// proseShape is prose v2.0.0's shape, as written there.
func proseShape(word string) string {
	if isNumeric(word) {
		return "number"
	} else if match, _ := regexp.MatchString(`\W+$`, word); match {
		return "punct"
	} else if match, _ := regexp.MatchString(`\w+$`, word); match {
		if strings.ToLower(word) == word {
			return "downcase"
		}
		//lint:ignore SA1019 as prose has it.
		if strings.Title(word) == word {
			return "upcase"
		}
		return "mixedcase"
	}
	return "other"
}

func isNumeric(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func BenchmarkTag(b *testing.B) {
	tagger, _ := models(b)
	benchmarkTexts(b, func(ws, _ []string) { tagger.Tag(ws) })
}

func BenchmarkLabel(b *testing.B) {
	_, classifier := models(b)
	benchmarkTexts(b, func(ws, tags []string) { classifier.Label(ws, tags) })
}

// benchmarkTexts runs run on the words and tags of the fixture articles in
// turn.
func benchmarkTexts(b *testing.B, run func(words, tags []string)) {
	tagger, _ := models(b)
	var docs [][2][]string
	for _, text := range texts(b)[:5] {
		ws := words(text)
		docs = append(docs, [2][]string{ws, tagger.Tag(ws)})
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		d := docs[i%len(docs)]
		run(d[0], d[1])
	}
}

// TestWeightTable looks up every key of a table and keys it lacks, in a
// table of 4 slots where keys share slots and lookups probe on.
func TestWeightTable(t *testing.T) {
	keys := []string{"i word the", "", "i word The", "bias"}
	votes := [][]vote{{{1, 0.5}, {0, -2.25}}, {{2, 1e-300}}}
	tab := newWeightTable(2)
	for i, v := range votes {
		tab.add(keys[i], v)
	}
	for i, k := range keys {
		scores, voted := make([]float64, 3), make([]bool, 3)
		want, wantVoted := make([]float64, 3), make([]bool, 3)
		if i < len(votes) {
			for _, v := range votes[i] {
				want[v.class] += v.weight
				wantVoted[v.class] = true
			}
		}
		if ok := tab.addTo([]byte(k), scores, voted); ok != (i < len(votes)) || !slices.Equal(scores, want) || !slices.Equal(voted, wantVoted) {
			t.Errorf("addTo(%q) = %v with scores %v, voted %v; want %v, %v, %v", k, ok, scores, voted, i < len(votes), want, wantVoted)
		}
	}
}
