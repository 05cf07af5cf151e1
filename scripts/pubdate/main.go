// Command pubdate scores the publication dates collect.ParseHTML takes from
// the pages of a trafilatura-eval style set against the days read by hand
// from each page (truth.tsv beside this file: the page's name, its day or
// "none" when it states none or "?" when it cannot be told, its kind and the
// evidence). scripts/eval-pubdate runs it.
//
//	go run ./scripts/pubdate -set ../shared/eval/trafilatura-eval
//
// A page is parsed with its original URL, as a crawl would fetch it; with
// -local it is parsed without one, as `ingest DIR` reads a saved page.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/storyline/storyline/pipeline/collect"
)

func main() {
	set := flag.String("set", "../shared/eval/trafilatura-eval", "directory holding expectations.json and pages/")
	truth := flag.String("truth", "scripts/pubdate/truth.tsv", "the days read by hand")
	local := flag.Bool("local", false, "parse each page without its URL, as ingest reads a saved page")
	verbose := flag.Bool("v", false, "list every page, not only those that are not right")
	flag.Parse()
	if err := run(os.Stdout, *set, *truth, *local, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "pubdate:", err)
		os.Exit(1)
	}
}

// page is one line of truth.tsv.
type page struct {
	name, day, kind, evidence string
}

func readTruth(path string) ([]page, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var pages []page
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 4)
		if len(parts) != 4 {
			return nil, fmt.Errorf("%s: %q: want 4 tab-separated fields", path, line)
		}
		pages = append(pages, page{parts[0], parts[1], parts[2], parts[3]})
	}
	return pages, sc.Err()
}

// outcome classes, in the order they are printed.
var classes = []string{"right day", "wrong day", "missing", "dated, page has none", "undated, page has none"}

func run(w io.Writer, set, truthPath string, local, verbose bool) error {
	pages, err := readTruth(truthPath)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(set, "expectations.json"))
	if err != nil {
		return err
	}
	var exp map[string]struct{ Key string }
	if err := json.Unmarshal(data, &exp); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(set, "expectations.json"), err)
	}
	// counts[group][class]; groups: news-like (news and dated posts), other.
	counts := map[string]map[string]int{"news-like": {}, "other": {}}
	var wrongBy []string
	for _, p := range pages {
		if p.day == "?" {
			continue
		}
		got, err := published(filepath.Join(set, "pages", p.name+".html"), exp[p.name].Key, local)
		if err != nil {
			return err
		}
		class := classify(p.day, got)
		group := "other"
		if p.kind == "news" || p.kind == "post" {
			group = "news-like"
		}
		counts[group][class]++
		if class == "wrong day" {
			wrongBy = append(wrongBy, fmt.Sprintf("%s %+d", p.name, daysApart(p.day, got)))
		}
		if verbose || class == "wrong day" || class == "missing" || class == "dated, page has none" {
			fmt.Fprintf(w, "%-40s %-10s got %-10s %-22s %s\n", p.name, p.day, orNone(got), class, p.evidence)
		}
	}
	fmt.Fprintln(w)
	for _, g := range []string{"news-like", "other"} {
		n := 0
		for _, c := range classes {
			n += counts[g][c]
		}
		fmt.Fprintf(w, "%s (%d pages):", g, n)
		for _, c := range classes {
			fmt.Fprintf(w, " %s %d;", c, counts[g][c])
		}
		fmt.Fprintln(w)
	}
	sort.Strings(wrongBy)
	if len(wrongBy) > 0 {
		fmt.Fprintf(w, "wrong by (days): %s\n", strings.Join(wrongBy, ", "))
	}
	return nil
}

// published is the day ParseHTML gives the page, or "" when it gives none
// or finds no article.
func published(path, key string, local bool) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var pageURL *url.URL
	if !local && (strings.HasPrefix(key, "http://") || strings.HasPrefix(key, "https://")) {
		pageURL, _ = url.Parse(key)
	}
	a, err := collect.ParseHTML(f, pageURL)
	if err != nil || a.Published.IsZero() {
		return "", nil
	}
	return a.Published.Format(time.DateOnly), nil
}

func classify(want, got string) string {
	switch {
	case want == "none" && got == "":
		return "undated, page has none"
	case want == "none":
		return "dated, page has none"
	case got == "":
		return "missing"
	case got == want:
		return "right day"
	}
	return "wrong day"
}

func daysApart(want, got string) int {
	w, _ := time.Parse(time.DateOnly, want)
	g, _ := time.Parse(time.DateOnly, got)
	return int(g.Sub(w).Hours() / 24)
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
