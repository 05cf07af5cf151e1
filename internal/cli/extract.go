package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/pipeline"
	"github.com/storyline/storyline/pipeline/nlp"
	"github.com/storyline/storyline/store"
)

func runExtract(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	db := dbFlag(fs)
	all := fs.Bool("all", false, "re-extract every article, current or not")
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	fail := failure(stderr, "extract")
	s, err := store.Open(*db)
	if err != nil {
		return fail(err)
	}
	defer s.Close()
	x, err := nlp.New()
	if err != nil {
		return fail(err)
	}
	log := func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	report, err := pipeline.Extract(ctx, s, x, *all, log)
	fmt.Fprintf(stderr, "extract: %d extracted, %d current, %d failed (%s)\n", report.Extracted, report.Current, report.Failed, x.Version())
	return finishStatus(stderr, "extract", "extractions made so far are stored", err, report.Failed)
}

// dumpLine is one line of `extract dump`.
type dumpLine struct {
	ID        string `json:"id"`
	URL       string `json:"url,omitempty"`
	Title     string `json:"title,omitempty"`
	Source    string `json:"source,omitempty"`
	Published string `json:"published,omitempty"`
	// DuplicateOf is the first stored copy of the same story, if any.
	DuplicateOf string             `json:"duplicate_of,omitempty"`
	Extractor   string             `json:"extractor,omitempty"`
	Entities    []storyline.Entity `json:"entities"`
	Text        *string            `json:"text,omitempty"`
}

func runDump(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	db := dbFlag(fs)
	var typ storyline.EntityType
	fs.Func("type", "only entities of this `type`: person, country or date", func(v string) error {
		switch t := storyline.EntityType(v); t {
		case storyline.Person, storyline.Country, storyline.Date:
			typ = t
			return nil
		}
		return errors.New("want person, country or date")
	})
	withText := fs.Bool("text", false, "add each article's stored text")
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	fail := failure(stderr, "extract dump")
	s, err := store.OpenReadOnly(*db)
	if err != nil {
		return fail(err)
	}
	defer s.Close()

	// First pass: every person name in the store, for canonical names.
	counts := map[string]int{}
	err = s.ForEach(ctx, func(_ *storyline.Article, x *storyline.Extraction) error {
		if x != nil {
			countPeople(counts, x.Entities)
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	canonical := nlp.CanonicalNames(counts)

	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	missing := 0
	err = s.ForEach(ctx, func(a *storyline.Article, x *storyline.Extraction) error {
		line := dumpLine{ID: a.ID, URL: a.URL, Title: a.Title, Source: a.Source, Published: a.PublishedDate(),
			DuplicateOf: a.DuplicateOf, Entities: []storyline.Entity{}}
		if x == nil {
			missing++
		} else {
			line.Extractor = x.Version
			canonicalizePeople(canonical, x.Entities)
			for _, e := range x.Entities {
				if typ == "" || e.Type == typ {
					line.Entities = append(line.Entities, e)
				}
			}
		}
		if *withText {
			line.Text = &a.Text
		}
		return enc.Encode(line)
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return fail(err)
	}
	if missing > 0 {
		fmt.Fprintf(stderr, "extract dump: %d %s no extraction yet: run 'extract run'\n", missing, plural(missing, "article has", "articles have"))
	}
	return exitOK
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return strings.TrimSpace(many)
}
