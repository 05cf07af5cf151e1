package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
)

// dumpLine is one line of `extract dump`.
type dumpLine struct {
	ID        string `json:"id"`
	URL       string `json:"url,omitempty"`
	Title     string `json:"title,omitempty"`
	Source    string `json:"source,omitempty"`
	Published string `json:"published,omitempty"`
	// DuplicateOf is the first stored copy of the same story, if any.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Story is the ID of the story the article is in, once stories are built.
	Story     string `json:"story,omitempty"`
	Extractor string `json:"extractor,omitempty"`
	Lang      string `json:"lang,omitempty"`
	Skipped   string `json:"skipped,omitempty"`
	// Stale marks an extraction made from an earlier text of the article:
	// its entities are left out, their offsets would point into the new
	// text.
	Stale    bool         `json:"stale,omitempty"`
	Entities []dumpEntity `json:"entities"`
	Text     *string      `json:"text,omitempty"`
}

// csvHeader are the columns of `extract dump -format csv`: one row per
// entity, with its report's fields.
var csvHeader = []string{"id", "title", "published", "story", "type", "text", "norm", "start", "end", "cstart", "cend", "snippet"}

func runDump(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	db := dbFlag(fs)
	var typ storyline.EntityType
	fs.Func("type", "only entities of this `type`: person, country, place or date", func(v string) error {
		switch t := storyline.EntityType(v); t {
		case storyline.Person, storyline.Country, storyline.Place, storyline.Date:
			typ = t
			return nil
		}
		return errors.New("want person, country, place or date")
	})
	withText := fs.Bool("text", false, "add each article's stored text")
	snippets := fs.Bool("snippets", false, "add to each entity the sentence it stands in")
	format := "jsonl"
	fs.Func("format", "`jsonl` (one report a line) or csv (one entity a row)", func(v string) error {
		if v != "jsonl" && v != "csv" {
			return errors.New("want jsonl or csv")
		}
		format = v
		return nil
	})
	var q query
	q.flags(fs)
	if status, ok := parseNoArgs(fs, args); !ok {
		return status
	}
	if err := q.check(); err != nil {
		fmt.Fprintf(stderr, "extract dump: %v\n", err)
		return exitUsage
	}
	fail := failure(stderr, "extract dump")
	return withStore(ctx, *db, forReading, fail, func(s Store) int {
		storyOf, err := s.StoryOf(ctx)
		if err != nil {
			return fail(err)
		}
		w := bufio.NewWriter(stdout)
		write := jsonLines(w)
		if format == "csv" {
			write = csvRows(w, *snippets)
		}
		missing, stale := 0, 0
		dump := func(names *identity.People, a *storyline.Article, x *storyline.Extraction) error {
			line := dumpLine{ID: a.ID, URL: a.URL, Title: a.Title, Source: a.Source, Published: a.PublishedDate(),
				DuplicateOf: a.DuplicateOf, Story: storyOf[a.ID], Entities: []dumpEntity{}}
			var ents []storyline.Entity
			switch {
			case x == nil:
				missing++
			case x.ArticleHash != a.Hash:
				stale++
				line.Stale = true
			default:
				line.Extractor, line.Lang, line.Skipped = x.Version, x.Lang, x.Skipped
				ents = names.Of(identity.Scope(storyOf[a.ID], a.ID), a.Text, x.Entities)
			}
			if !q.Matches(a, line.Story, ents) {
				return nil
			}
			var kept []storyline.Entity
			for _, e := range ents {
				if typ == "" || e.Type == typ {
					kept = append(kept, e)
				}
			}
			line.Entities = append(line.Entities, charOffsets(a.Text, kept, *snippets)...)
			if *withText {
				line.Text = &a.Text
			}
			return write(line)
		}
		members := membersOf(storyOf)
		ids, indexed, err := q.candidates(ctx, s, members, storyOf)
		switch {
		case err != nil:
		case indexed:
			// The reports the index finds, their people named over their
			// stories.
			var reports map[string]report
			var names *identity.People
			if reports, names, err = loadScopes(ctx, s, ids, members, storyOf); err != nil {
				break
			}
			for _, id := range ids {
				if err = dump(names, reports[id].a, reports[id].x); err != nil {
					break
				}
			}
		default:
			var names *identity.People
			if names, err = storyNames(ctx, s, storyOf); err != nil {
				break
			}
			err = s.ForEach(ctx, func(a *storyline.Article, x *storyline.Extraction) error { return dump(names, a, x) })
		}
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
		if err != nil {
			return fail(err)
		}
		if missing > 0 {
			fmt.Fprintf(stderr, "extract dump: %d %s no extraction yet: run 'extract run'\n", missing, plural(missing, "article has", "articles have"))
		}
		if stale > 0 {
			fmt.Fprintf(stderr, "extract dump: %d %s changed since %s extraction, dumped without entities as \"stale\": run 'extract run'\n",
				stale, plural(stale, "article has", "articles have"), plural(stale, "its", "their"))
		}
		return exitOK
	})
}

// jsonLines writes each report as one JSON line.
func jsonLines(w io.Writer) func(dumpLine) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return func(l dumpLine) error { return enc.Encode(l) }
}

// csvRows writes a header, then one row per entity of each report.
func csvRows(w io.Writer, snippets bool) func(dumpLine) error {
	cw := csv.NewWriter(w)
	header := csvHeader
	if !snippets {
		header = header[:len(header)-1]
	}
	started := false
	return func(l dumpLine) error {
		if !started {
			started = true
			if err := cw.Write(header); err != nil {
				return err
			}
		}
		for _, e := range l.Entities {
			row := []string{l.ID, l.Title, l.Published, l.Story, string(e.Type), e.Text, e.Norm,
				strconv.Itoa(e.Start), strconv.Itoa(e.End), strconv.Itoa(e.CStart), strconv.Itoa(e.CEnd)}
			if snippets {
				row = append(row, e.Snippet)
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
}
