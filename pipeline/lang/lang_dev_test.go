package lang_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/storyline/storyline/pipeline/collect"
	"github.com/storyline/storyline/pipeline/lang"
)

// TestDevLanguages measures Detect where a language is known: the main text
// of trafilatura-eval's pages (each labelled with its language) and the
// English dev sets, whose reports must never be taken for another language.
// It needs ../shared/eval and STORYLINE_DEV=1.
func TestDevLanguages(t *testing.T) {
	if os.Getenv("STORYLINE_DEV") == "" {
		t.Skip("STORYLINE_DEV not set")
	}
	dev := filepath.Join("..", "..", "..", "shared", "eval")
	b, err := os.ReadFile(filepath.Join(dev, "trafilatura-eval", "expectations.json"))
	if err != nil {
		t.Skip(err)
	}
	var pages map[string]struct{ Lang string }
	if err := json.Unmarshal(b, &pages); err != nil {
		t.Fatal(err)
	}
	var right, wrongEn, undecided, n int
	for name, p := range pages {
		f, err := os.Open(filepath.Join(dev, "trafilatura-eval", "pages", name+".html"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := collect.ParseHTML(f, nil)
		f.Close()
		if err != nil {
			continue
		}
		n++
		got := lang.Detect(a.Text).Code
		switch {
		case got == p.Lang || p.Lang == "no" && got == "nb":
			right++
		case got == "":
			undecided++
			t.Logf("undecided %s (%s)", name, p.Lang)
		default:
			if p.Lang == "en" || got == "en" {
				wrongEn++
			}
			t.Logf("%s: %s, detected %s", name, p.Lang, got)
		}
	}
	t.Logf("trafilatura-eval: %d pages with a main text: %d right, %d undecided, %d English taken for another language or the reverse", n, right, undecided, wrongEn)
	for _, set := range []string{"ecbplus-dev-docs.jsonl", "conll2003-dev.gold.jsonl", "timeml-dev.gold.jsonl", "esc-dev-dates.gold.jsonl"} {
		f, err := os.Open(filepath.Join(dev, set))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		var docs, en, undecided int
		for sc.Scan() {
			var d struct{ ID, Text string }
			if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
				t.Fatal(err)
			}
			docs++
			switch got := lang.Detect(d.Text).Code; got {
			case "en":
				en++
			case "":
				undecided++
			default:
				t.Logf("%s %s: detected %s", set, d.ID, got)
			}
		}
		f.Close()
		t.Logf("%s: %d reports: %d English, %d undecided, %d other", set, docs, en, undecided, docs-en-undecided)
	}
}
