package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/fixtures"
	"github.com/storyline/storyline/internal/eval"
	"github.com/storyline/storyline/internal/testsite"
	"github.com/storyline/storyline/pipeline/collect"
	"github.com/storyline/storyline/store/storetest"
)

// The relaxed F1 per type that extraction reaches today on the fixtures;
// the end-to-end test fails below these.
var floors = map[string]float64{
	eval.RowPerson:     0.97,
	eval.RowCountryAll: 0.98,
	eval.RowDate:       0.95,
}

// serveFixtures serves the fixtures on loopback and counts the requests.
func serveFixtures(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(testsite.Fixtures(&hits))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// fixtureFile writes the fixture file name to a temporary directory, for
// the commands that read local files, and returns its path.
func fixtureFile(t *testing.T, name string) string {
	t.Helper()
	data, err := fs.ReadFile(fixtures.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(name))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type run struct {
	code           int
	stdout, stderr string
}

func ingest(t *testing.T, args ...string) run {
	t.Helper()
	var out, errb bytes.Buffer
	// No politeness delay against our own loopback server.
	code := Ingest(context.Background(), args, &out, &errb, IngestOptions{Collect: &collect.Options{RetryBackoff: time.Millisecond}})
	return run{code, out.String(), errb.String()}
}

func extract(t *testing.T, args ...string) run {
	t.Helper()
	var out, errb bytes.Buffer
	code := Extract(context.Background(), args, &out, &errb)
	return run{code, out.String(), errb.String()}
}

func readDump(t *testing.T, stdout string) []dumpLine {
	t.Helper()
	var lines []dumpLine
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var l dumpLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("dump line is not JSON: %v: %s", err, sc.Text())
		}
		lines = append(lines, l)
	}
	return lines
}

// TestEndToEnd serves the fixture pages and their feed over HTTP, ingests the
// feed, dumps the entities and scores them against the gold.
func TestEndToEnd(t *testing.T) {
	srv, hits := serveFixtures(t)
	db := filepath.Join(t.TempDir(), "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })

	r := ingest(t, "-db", db, srv.URL+"/feed.xml")
	if r.code != 0 || !strings.Contains(r.stderr, "5 new, 0 unchanged, 0 updated, 0 failed") {
		t.Fatalf("ingest feed: exit %d\n%s", r.code, r.stderr)
	}
	before, _ := os.ReadFile(db)

	// Re-ingesting the same reports changes nothing, not even the file.
	r = ingest(t, "-db", db, srv.URL+"/feed.xml")
	if r.code != 0 || !strings.Contains(r.stderr, "0 new, 5 unchanged, 0 updated, 0 failed") {
		t.Fatalf("second ingest: exit %d\n%s", r.code, r.stderr)
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("second ingest of unchanged reports changed the store file")
	}

	// Re-extraction reads only the store.
	fetched := hits.Load()
	r = extract(t, "run", "-db", db, "-all")
	if r.code != 0 || !strings.Contains(r.stderr, "5 extracted") {
		t.Fatalf("extract run -all: exit %d\n%s", r.code, r.stderr)
	}
	if hits.Load() != fetched {
		t.Errorf("extract run -all made %d HTTP requests", hits.Load()-fetched)
	}

	r = extract(t, "dump", "-db", db, "-text")
	if r.code != 0 {
		t.Fatalf("dump: exit %d\n%s", r.code, r.stderr)
	}
	dumped := readDump(t, r.stdout)
	if len(dumped) != 5 {
		t.Fatalf("dump has %d articles, want 5", len(dumped))
	}
	gold, err := eval.ReadGoldFS(fixtures.FS, "gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	goldByID := map[string]eval.Doc{}
	for _, d := range gold {
		goldByID[d.ID] = d
	}
	var projected []eval.Doc
	pred := map[string][]storyline.Entity{}
	for _, a := range dumped {
		id := strings.TrimSuffix(path.Base(a.URL), ".html")
		g, ok := goldByID[id]
		if !ok {
			t.Fatalf("dumped article %s is not a fixture", a.URL)
		}
		checkArticle(t, a, g)
		doc, inside := project(g, *a.Text)
		projected = append(projected, doc)
		for _, e := range a.Entities {
			if inside(e.Entity) {
				pred[id] = append(pred[id], e.Entity)
			}
		}
	}
	checkCanonicalPeople(t, dumped)
	checkScores(t, "over HTTP", eval.Score(projected, pred))
}

// checkScores logs the scores of every type and fails below the floors.
func checkScores(t *testing.T, what string, r *eval.Report) {
	t.Helper()
	for _, name := range []string{eval.RowPerson, eval.RowCountryName, eval.RowCountryAll, eval.RowDate} {
		row := r.Row(name)
		if row == nil {
			t.Fatalf("%s: no %s row", what, name)
		}
		t.Logf("%s  %-14s relaxed P %.3f R %.3f F1 %.3f  strict F1 %.3f  norm acc %.3f  (gold %d)",
			what, name, row.Relaxed.P(), row.Relaxed.R(), row.Relaxed.F1(), row.Strict.F1(), row.NormAcc(), row.Gold)
		if floor, ok := floors[name]; ok && !(row.Relaxed.F1() >= floor) {
			t.Errorf("%s: %s relaxed F1 = %.3f, want >= %.2f", what, name, row.Relaxed.F1(), floor)
		}
	}
	if r.BCubed != nil {
		t.Logf("%s  person B-cubed F1 %.3f over %d mentions", what, r.BCubed.F1(), r.BCubed.N)
	}
}

// furniture is page text that must not reach an article's text.
var furniture = []string{"Related stories", "Check Also", "SHARE ARTICLE", "scattered clouds", "All rights reserved",
	"Newsletters", "Facebook", "EDITOR IN CHIEF", "Mirrored", "Gantz"}

// publishedDCT is the fixtures' publication dates (GUIDELINES.md).
var publishedDCT = map[string]string{
	"000_69aa844a4afd86f8": "2023-03-28", "001_aa6b1db065f18728": "2023-05-10", "002_004d5950fa2b3328": "",
	"003_f3404cdb3d03a3cb": "2023-04-26", "004_54ff691f75c98e7c": "2023-04-25",
}

func checkArticle(t *testing.T, a dumpLine, g eval.Doc) {
	t.Helper()
	if a.Published != publishedDCT[g.ID] {
		t.Errorf("%s: published %q, want %q", g.ID, a.Published, publishedDCT[g.ID])
	}
	if a.Title == "" || a.Source == "" {
		t.Errorf("%s: title %q, source %q: want both", g.ID, a.Title, a.Source)
	}
	for _, f := range furniture {
		if strings.Contains(*a.Text, f) {
			t.Errorf("%s: text keeps page furniture %q", g.ID, f)
		}
	}
	chars := []rune(*a.Text)
	for _, e := range a.Entities {
		if e.Start < 0 || e.End > len(*a.Text) || e.Start >= e.End || (*a.Text)[e.Start:e.End] != e.Text {
			t.Errorf("%s: entity %+v does not match text[start:end]", g.ID, e)
		}
		if e.CStart < 0 || e.CEnd > len(chars) || e.CStart >= e.CEnd || string(chars[e.CStart:e.CEnd]) != e.Text {
			t.Errorf("%s: entity %+v does not match the text's characters [cstart:cend]", g.ID, e)
		}
	}
}

// checkCanonicalPeople requires one norm per person across the store.
func checkCanonicalPeople(t *testing.T, dumped []dumpLine) {
	t.Helper()
	norms := map[string]map[string]bool{} // surname → norms
	for _, a := range dumped {
		for _, e := range a.Entities {
			if e.Type != storyline.Person {
				continue
			}
			f := strings.Fields(e.Norm)
			last := strings.ToLower(f[len(f)-1])
			if norms[last] == nil {
				norms[last] = map[string]bool{}
			}
			norms[last][e.Norm] = true
		}
	}
	for _, surname := range []string{"lavrov", "al-assad", "bogdanov", "erdogan", "cavusoglu"} {
		if len(norms[surname]) != 1 {
			t.Errorf("person %s has norms %v across the store, want one", surname, norms[surname])
		}
	}
}

// project carries the gold annotations of g over to text, the article as the
// collector kept it: each line of the gold text that the collected text
// contains is a region, and the gold entities of those lines move with them.
// Lines dropped as furniture, and text the page adds, are outside every
// region; inside reports whether a predicted entity is in a region.
func project(g eval.Doc, text string) (eval.Doc, func(storyline.Entity) bool) {
	doc := eval.Doc{ID: g.ID, Types: g.Types, Text: text}
	type region struct{ goldStart, goldEnd, at int }
	var regions []region
	offset := 0
	for line := range strings.Lines(g.Text) {
		body := strings.TrimRight(line, "\n")
		if trimmed := strings.TrimSpace(body); trimmed != "" {
			if at := strings.Index(text, trimmed); at >= 0 {
				lead := strings.Index(body, trimmed)
				regions = append(regions, region{offset + lead, offset + lead + len(trimmed), at})
			}
		}
		offset += len(line)
	}
	for _, e := range g.Entities {
		for _, r := range regions {
			if e.Start >= r.goldStart && e.End <= r.goldEnd {
				e.Start, e.End = r.at+e.Start-r.goldStart, r.at+e.End-r.goldStart
				doc.Entities = append(doc.Entities, e)
				break
			}
		}
	}
	inside := func(e storyline.Entity) bool {
		for _, r := range regions {
			if e.Start >= r.at && e.End <= r.at+r.goldEnd-r.goldStart {
				return true
			}
		}
		return false
	}
	return doc, inside
}

// TestGoldTextsFromJSONLines ingests the gold texts themselves as a JSON
// Lines corpus, so offsets compare exactly, and scores every type.
func TestGoldTextsFromJSONLines(t *testing.T) {
	db := filepath.Join(t.TempDir(), "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	if r := ingest(t, "-db", db, fixtureFile(t, "docs.jsonl")); r.code != 0 {
		t.Fatalf("ingest docs.jsonl: exit %d\n%s", r.code, r.stderr)
	}
	r := extract(t, "dump", "-db", db)
	gold, err := eval.ReadGoldFS(fixtures.FS, "gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	pred := map[string][]storyline.Entity{}
	for _, a := range readDump(t, r.stdout) {
		for _, e := range a.Entities {
			pred[a.ID] = append(pred[a.ID], e.Entity)
		}
	}
	checkScores(t, "gold texts", eval.Score(gold, pred))
}

// TestBadSourcesDoNotStopTheBatch mixes good and bad sources: each bad one
// gets one error line naming it, the good ones are stored, exit status 1.
func TestBadSourcesDoNotStopTheBatch(t *testing.T) {
	srv, _ := serveFixtures(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "news.db")
	t.Cleanup(func() { storetest.CheckFile(t, db) })
	badJSONL := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(badJSONL, []byte(`{"id":"ok-1","text":"Iran and Turkey met on Tuesday.","published":"2023-03-28"}
{"id": 7, "text": "wrong type"}
not json at all
{"id":"no-text","text":""}
{"id":"bad-date","text":"x","published":"last Tuesday"}
`), 0o644)
	empty := filepath.Join(dir, "empty.html")
	os.WriteFile(empty, []byte("<html><body><nav>Home</nav></body></html>"), 0o644)

	r := ingest(t, "-db", db,
		srv.URL+"/pages/000_69aa844a4afd86f8.html",
		srv.URL+"/pages/missing.html",
		filepath.Join(dir, "no-such-file.txt"),
		"www.example.com", "ftp://example.com/feed.xml",
		badJSONL, empty)
	if r.code != 1 {
		t.Errorf("exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"missing.html: HTTP 404", "no-such-file.txt", "bad.jsonl:2", "bad.jsonl:3",
		"bad.jsonl:4", "bad.jsonl:5", "empty.html",
		// A host without its scheme, and a URL of another scheme, are
		// named with a hint, not with "stat: no such file".
		"www.example.com: unsupported source: not an http(s) URL or a file (did you mean https://www.example.com?)",
		"ftp://example.com/feed.xml: unsupported source: not an http(s) URL or a file (a ftp: URL"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not name %q:\n%s", want, r.stderr)
		}
	}
	dump := readDump(t, extract(t, "dump", "-db", db).stdout)
	if len(dump) != 2 {
		t.Errorf("stored %d articles, want the page and ok-1: %+v\n%s", len(dump), dump, r.stderr)
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func() run
		code int
	}{
		{"ingest without sources", func() run { return ingest(t) }, 2},
		{"ingest bad flag", func() run { return ingest(t, "-nope") }, 2},
		{"ingest help", func() run { return ingest(t, "-h") }, 0},
		{"extract without command", func() run { return extract(t) }, 2},
		{"extract unknown command", func() run { return extract(t, "frobnicate") }, 2},
		{"dump bad type", func() run { return extract(t, "dump", "-type", "city") }, 2},
		{"dump missing store", func() run { return extract(t, "dump", "-db", filepath.Join(t.TempDir(), "none.db")) }, 1},
		{"run missing store", func() run { return extract(t, "run", "-db", filepath.Join(t.TempDir(), "none.db")) }, 1},
		{"stories missing store", func() run { return extract(t, "stories", "-db", filepath.Join(t.TempDir(), "none.db")) }, 1},
		{"stories no reports wanted", func() run { return extract(t, "stories", "-min-articles", "0") }, 2},
		{"eval stories without documents", func() run { return extract(t, "eval", "-stories", "gold.jsonl") }, 2},
		// Values out of range are mistakes to report, not wishes to
		// replace by the defaults.
		{"ingest -parallel -5", func() run { return ingest(t, "-parallel", "-5", "x") }, 2},
		{"ingest -per-host 0", func() run { return ingest(t, "-per-host", "0", "x") }, 2},
		{"ingest -timeout -1s", func() run { return ingest(t, "-timeout", "-1s", "x") }, 2},
		{"ingest -timeout 0", func() run { return ingest(t, "-timeout", "0s", "x") }, 2},
		{"ingest -max-bytes -7", func() run { return ingest(t, "-max-bytes", "-7", "x") }, 2},
		{"ingest -retries -1", func() run { return ingest(t, "-retries", "-1", "x") }, 2},
		{"ingest -delay -1s", func() run { return ingest(t, "-delay", "-1s", "x") }, 2},
		{"ingest -depth -1", func() run { return ingest(t, "-depth", "-1", "x") }, 2},
	} {
		if got := tc.run(); got.code != tc.code {
			t.Errorf("%s: exit %d, want %d\n%s", tc.name, got.code, tc.code, got.stderr)
		}
	}
}

// TestLanguagesNotSupportedAreSkipped ingests reports in English, Indonesian
// and German: the English one is extracted, the others are stored with their
// language, no entities and the reason, and the run says how many.
func TestLanguagesNotSupportedAreSkipped(t *testing.T) {
	db := filepath.Join(t.TempDir(), "news.db")
	r := ingest(t, "-db", db, filepath.Join("testdata", "languages.jsonl"))
	if r.code != exitOK {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "3 extracted (2 in languages not supported: no entities)") {
		t.Errorf("ingest does not count the reports it skipped:\n%s", r.stderr)
	}
	got := map[string]dumpLine{}
	for _, a := range readDump(t, extract(t, "dump", "-db", db).stdout) {
		got[a.ID] = a
	}
	if a := got["en-1"]; a.Lang != "en" || a.Skipped != "" || !hasEntity(a, "person", "Sergei Lavrov") || !hasEntity(a, "place", "Moscow") {
		t.Errorf("en-1: lang %q, skipped %q, entities %+v: want English with Lavrov and Moscow", a.Lang, a.Skipped, a.Entities)
	}
	for id, lang := range map[string]string{"id-1": "id", "de-1": "de"} {
		a := got[id]
		if want := "language " + lang + " is not supported"; a.Lang != lang || a.Skipped != want || len(a.Entities) != 0 {
			t.Errorf("%s: lang %q, skipped %q, %d entities: want %q, %q and none", id, a.Lang, a.Skipped, len(a.Entities), lang, want)
		}
	}
}

// TestStaleExtractionIsNotDumpedAsCurrent: after a changed report is stored
// without extraction, its old entities would point into the new text; the
// dump leaves them out, marks the line stale and counts it.
func TestStaleExtractionIsNotDumpedAsCurrent(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "news.db")
	corpus := filepath.Join(dir, "reports.jsonl")
	write := func(text string) {
		t.Helper()
		line, _ := json.Marshal(map[string]string{"id": "r1", "text": text, "published": "2023-04-25"})
		if err := os.WriteFile(corpus, append(line, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Russian Foreign Minister Sergei Lavrov met his Turkish counterpart in Moscow on Tuesday.")
	if r := ingest(t, "-db", db, corpus); r.code != exitOK {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	write("Correction: the talks were held in Ankara, not in Moscow, officials said on Wednesday.")
	if r := ingest(t, "-db", db, "-extract=false", corpus); r.code != exitOK {
		t.Fatalf("ingest -extract=false: exit %d: %s", r.code, r.stderr)
	}
	r := extract(t, "dump", "-db", db)
	lines := readDump(t, r.stdout)
	if len(lines) != 1 || !lines[0].Stale || len(lines[0].Entities) != 0 {
		t.Fatalf("dump = %+v, want r1 stale without entities", lines)
	}
	if !strings.Contains(r.stderr, "1 article has changed since its extraction") {
		t.Errorf("dump does not count the stale article: %q", r.stderr)
	}
	if r := extract(t, "run", "-db", db); r.code != exitOK {
		t.Fatalf("extract run: exit %d: %s", r.code, r.stderr)
	}
	lines = readDump(t, extract(t, "dump", "-db", db).stdout)
	if len(lines) != 1 || lines[0].Stale || !hasEntity(lines[0], "place", "Ankara") {
		t.Errorf("after extract run, dump = %+v, want current entities with Ankara", lines)
	}
}

// TestURLsFromAFile ingests the sources a file lists, and the same list
// from standard input, as people keep them: one a line, with comments.
func TestURLsFromAFile(t *testing.T) {
	srv, _ := serveFixtures(t)
	dir := t.TempDir()
	list := "# the fixtures' first two pages\n" + srv.URL + "/pages/000_69aa844a4afd86f8.html\n\n  " +
		srv.URL + "/pages/001_aa6b1db065f18728.html  \n"
	file := filepath.Join(dir, "urls.txt")
	os.WriteFile(file, []byte(list), 0o644)
	for name, run := range map[string]func(db string) run{
		"file": func(db string) run { return ingest(t, "-db", db, "-urls", file) },
		"stdin": func(db string) run {
			var out, errb bytes.Buffer
			code := Ingest(context.Background(), []string{"-db", db, "-urls", "-"}, &out, &errb,
				IngestOptions{Collect: &collect.Options{RetryBackoff: time.Millisecond}, Stdin: strings.NewReader(list)})
			return run{code, out.String(), errb.String()}
		},
	} {
		t.Run(name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "news.db")
			r := run(db)
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if got := len(readDump(t, extract(t, "dump", "-db", db).stdout)); got != 2 {
				t.Errorf("stored %d articles, want the 2 listed\n%s", got, r.stderr)
			}
		})
	}
	if r := ingest(t, "-db", filepath.Join(dir, "news.db"), "-urls", filepath.Join(dir, "none.txt")); r.code != exitUsage || !strings.Contains(r.stderr, "none.txt") {
		t.Errorf("-urls of a missing file: exit %d, %q; want a usage error naming it", r.code, r.stderr)
	}
}

// TestManySourcesOneSummary: many sources get one summary line in all,
// each its own with -v; an error still names its source.
func TestManySourcesOneSummary(t *testing.T) {
	srv, _ := serveFixtures(t)
	var sources []string
	for _, p := range []string{"000_69aa844a4afd86f8", "001_aa6b1db065f18728", "002_004d5950fa2b3328", "003_f3404cdb3d03a3cb", "004_54ff691f75c98e7c", "missing"} {
		sources = append(sources, srv.URL+"/pages/"+p+".html")
	}
	for _, verbose := range []bool{false, true} {
		args := []string{"-db", filepath.Join(t.TempDir(), "news.db")}
		if verbose {
			args = append(args, "-v")
		}
		r := ingest(t, append(args, sources...)...)
		perSource := strings.Count(r.stderr, ".html: 1 new,") + strings.Count(r.stderr, ".html: 0 new,")
		total := strings.Contains(r.stderr, "ingest: 6 sources: 5 new, 0 unchanged, 0 updated, 1 failed (-v for each source)")
		if verbose && (perSource != 6 || total) || !verbose && (perSource != 0 || !total) {
			t.Errorf("-v %v: %d per-source lines, total line %v:\n%s", verbose, perSource, total, r.stderr)
		}
		if !strings.Contains(r.stderr, "missing.html: HTTP 404") {
			t.Errorf("-v %v: the failure is not named:\n%s", verbose, r.stderr)
		}
	}
}

// TestSkippedFilesAreCounted: the files of a directory that storyline does
// not read are counted in its summary, and named with -v.
func TestSkippedFilesAreCounted(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "talks.txt"), []byte("Talks in Moscow\n\nIran and Turkey met in Moscow on Tuesday."), 0o644)
	for _, name := range []string{"scan.pdf", "photo.jpg", "NOTES"} {
		os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644)
	}
	for _, verbose := range []bool{false, true} {
		args := []string{"-db", filepath.Join(t.TempDir(), "news.db")}
		if verbose {
			args = append(args, "-v")
		}
		r := ingest(t, append(args, dir)...)
		if r.code != exitOK || !strings.Contains(r.stderr, "1 new, 0 unchanged, 0 updated, 0 failed, 3 files skipped") {
			t.Errorf("-v %v: exit %d, want the skipped files counted:\n%s", verbose, r.code, r.stderr)
		}
		named := strings.Count(r.stderr, ": skipped\n")
		if verbose && named != 3 || !verbose && named != 0 {
			t.Errorf("-v %v: %d skipped files named:\n%s", verbose, named, r.stderr)
		}
	}
}
