// Command maintext writes the main text storyline keeps of each page of a
// trafilatura-eval style set as {name: text} JSON, the input of its
// score.py. scripts/eval-maintext runs it and the scorer.
//
//	go run ./scripts/maintext -set ../shared/eval/trafilatura-eval > pred.json
//
// A page without an article's text (collect.ParseHTML fails) maps to "",
// which the scorer counts as no output. With -words it also counts, on
// stderr, the words of the kept text that stand in no one text node of
// their page: words of two blocks run together.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/storyline/storyline/internal/runtogether"
	"github.com/storyline/storyline/pipeline/collect"
)

func main() {
	set := flag.String("set", "../shared/eval/trafilatura-eval", "directory holding expectations.json and pages/")
	words := flag.Bool("words", false, "count and list on stderr the words that run two text nodes together")
	flag.Parse()
	if err := run(*set, *words); err != nil {
		fmt.Fprintln(os.Stderr, "maintext:", err)
		os.Exit(1)
	}
}

// expectation is the part of an expectations.json entry this program needs:
// key is the page's original URL (or hard::FILE for pages without one).
type expectation struct {
	Key string `json:"key"`
}

func run(set string, words bool) error {
	data, err := os.ReadFile(filepath.Join(set, "expectations.json"))
	if err != nil {
		return err
	}
	var exp map[string]expectation
	if err := json.Unmarshal(data, &exp); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(set, "expectations.json"), err)
	}
	names := make([]string, 0, len(exp))
	for n := range exp {
		names = append(names, n)
	}
	sort.Strings(names)

	pred := make(map[string]string, len(names))
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan string)
	failed := 0
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range work {
				text, err := extract(filepath.Join(set, "pages", name+".html"), exp[name].Key)
				mu.Lock()
				pred[name] = text
				if err != nil {
					failed++
					fmt.Fprintf(os.Stderr, "maintext: %s: %v\n", name, err)
				}
				mu.Unlock()
			}
		}()
	}
	for _, n := range names {
		work <- n
	}
	close(work)
	wg.Wait()
	fmt.Fprintf(os.Stderr, "maintext: %d pages, %d without an article's text\n", len(names), failed)
	if words {
		if err := countRunTogether(set, names, pred); err != nil {
			return err
		}
	}
	return json.NewEncoder(os.Stdout).Encode(pred)
}

// countRunTogether lists on stderr each page's run-together words and their
// total.
func countRunTogether(set string, names []string, pred map[string]string) error {
	total, pages := 0, 0
	for _, name := range names {
		page, err := os.ReadFile(filepath.Join(set, "pages", name+".html"))
		if err != nil {
			return err
		}
		ws, err := runtogether.Words(page, pred[name])
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if len(ws) > 0 {
			total += len(ws)
			pages++
			fmt.Fprintf(os.Stderr, "maintext: %s: %d run-together words: %s\n", name, len(ws), strings.Join(ws, " "))
		}
	}
	fmt.Fprintf(os.Stderr, "maintext: %d run-together words on %d pages\n", total, pages)
	return nil
}

// extract is the text collect.ParseHTML keeps of one page, as stored.
func extract(path, key string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var pageURL *url.URL
	if strings.HasPrefix(key, "http://") || strings.HasPrefix(key, "https://") {
		pageURL, _ = url.Parse(key)
	}
	a, err := collect.ParseHTML(f, pageURL)
	if err != nil {
		return "", err
	}
	return a.Text, nil
}
