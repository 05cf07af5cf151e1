// Command train fits prose's entity classifier on labelled news text in the
// gold JSON Lines format (fixtures/FORMAT.md), such as the CoNLL-2003 train
// split, and writes the model that pipeline/nlp embeds:
//
//	go run ./pipeline/nlp/internal/train -gold ../shared/eval/conll2003-train.gold.jsonl -out pipeline/nlp/model
//
// People are labelled PERSON and countries GPE, one training example per
// sentence (line). Training is single-threaded and takes 10–15 minutes and
// about 1 GB; it never runs in tests or CI: the model is committed.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jdkato/prose/v2"
)

type entity struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Type  string `json:"type"`
}

type doc struct {
	Text     string   `json:"text"`
	Entities []entity `json:"entities"`
}

var labels = map[string]string{"person": "PERSON", "country": "GPE"}

func main() {
	gold := flag.String("gold", "", "labelled gold JSON Lines file")
	out := flag.String("out", "", "directory to write the model to")
	personOnly := flag.Bool("person-only", false, "label people only: fewer labels make the classifier faster")
	flag.Parse()
	if *personOnly {
		delete(labels, "country")
	}
	if *gold == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*gold, *out); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

func run(goldPath, outDir string) error {
	examples, err := readExamples(goldPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "train: %d sentences from %s\n", len(examples), goldPath)
	start := time.Now()
	model := prose.ModelFromData(filepath.Base(outDir), prose.UsingEntities(examples))
	fmt.Fprintf(os.Stderr, "train: fitted in %s\n", time.Since(start).Round(time.Second))
	if err := os.RemoveAll(outDir); err != nil {
		return err
	}
	return model.Write(outDir)
}

// readExamples cuts every document into its lines (CoNLL: one sentence a
// line) with the entities inside each, offsets made relative to the line.
func readExamples(path string) ([]prose.EntityContext, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var examples []prose.EntityContext
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		var d doc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		offset := 0
		for line := range strings.Lines(d.Text) {
			text := strings.TrimRight(line, "\n")
			ex := prose.EntityContext{Text: text, Accept: true}
			for _, e := range d.Entities {
				if label, ok := labels[e.Type]; ok && e.Start >= offset && e.End <= offset+len(text) {
					ex.Spans = append(ex.Spans, prose.LabeledEntity{Start: e.Start - offset, End: e.End - offset, Label: label})
				}
			}
			if strings.TrimSpace(text) != "" {
				examples = append(examples, ex)
			}
			offset += len(line)
		}
	}
	return examples, sc.Err()
}
