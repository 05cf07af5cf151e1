package web

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/store"
)

var funcs = template.FuncMap{
	"when":       whenLabel,
	"reportPath": func(id string) string { return "/reports/" + url.PathEscape(id) },
	"personPath": func(name string) string { return "/people/" + url.PathEscape(name) },
	"storyPath":  func(id string) string { return "/stories/" + url.PathEscape(id) },
	"markup":     markup,
	"count":      count,
	"first": func(n int, xs []string) []string {
		return xs[:min(n, len(xs))]
	},
	// webURL keeps http(s) links only: a stored URL is untrusted, and a
	// javascript: one must not become a link (html/template would defang
	// it anyway; this leaves no dead link behind either).
	"webURL": func(u string) string {
		p, err := url.Parse(u)
		if err != nil || p.Scheme != "http" && p.Scheme != "https" {
			return ""
		}
		return u
	},
}

// page renders page with data.
func (s *Server) page(page string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("page %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// cached writes the answer kept under key in the current catalog's cache,
// or the one make makes and then keeps; an error of make goes to fail.
// Pages are HTML, the rest JSON.
func (s *Server) cached(w http.ResponseWriter, key string, fail func(http.ResponseWriter, error), make func(c *catalog) ([]byte, error)) {
	c := s.cat.Load()
	body, ok := c.answers.get(key)
	if !ok {
		var err error
		if body, err = make(c); err != nil {
			fail(w, err)
			return
		}
		c.answers.put(key, body)
	}
	kind := "application/json; charset=utf-8"
	if strings.HasPrefix(key, "page ") {
		kind = "text/html; charset=utf-8"
	}
	w.Header().Set("Content-Type", kind)
	w.Write(body)
}

// render writes page with data, or a 500 when the template fails: it is
// executed into a buffer first so that a failure is not half a page.
func (s *Server) render(w http.ResponseWriter, page string, status int, data any) {
	body, err := s.page(page, data)
	if err != nil {
		s.opts.Log.Error("render", "err", err)
		http.Error(w, "page failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// fail answers a page request that failed: 404 for what is not stored.
func (s *Server) fail(w http.ResponseWriter, err error) {
	status, msg := http.StatusInternalServerError, "the store could not be read"
	if errors.Is(err, storyline.ErrNotFound) {
		status, msg = http.StatusNotFound, "not found"
	} else {
		s.opts.Log.Error("page", "err", err)
	}
	s.render(w, "error", status, map[string]any{"Title": msg, "Message": msg})
}

// perPage is how many stories the list shows at once.
const perPage = 50

var day = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// filterOf reads the list's query; a malformed day is an error.
func filterOf(q url.Values) (filter, error) {
	f := filter{Person: q.Get("person"), Country: q.Get("country"), Place: q.Get("place"),
		From: q.Get("from"), To: q.Get("to"), Words: q.Get("q")}
	for _, d := range []string{f.From, f.To} {
		if d != "" && !day.MatchString(d) {
			return f, fmt.Errorf("date %q: want YYYY-MM-DD", d)
		}
	}
	return f, nil
}

func (s *Server) storiesPage(w http.ResponseWriter, r *http.Request) {
	f, err := filterOf(r.URL.Query())
	if err != nil {
		s.render(w, "error", http.StatusBadRequest, map[string]any{"Title": "bad query", "Message": err.Error()})
		return
	}
	s.cached(w, "page list "+r.URL.RawQuery, s.fail, func(c *catalog) ([]byte, error) {
		pageNo := 1
		if v := r.URL.Query().Get("page"); v != "" {
			if n, err := strconv.Atoi(v); err == nil && n > 1 {
				pageNo = n
			}
		}
		total, stories := c.find(f, (pageNo-1)*perPage, perPage)
		data := map[string]any{"Title": "Stories", "Filter": f, "Stories": stories, "Total": total}
		if pageNo*perPage < total {
			q := r.URL.Query()
			q.Set("page", strconv.Itoa(pageNo+1))
			data["Next"] = "/?" + q.Encode()
		}
		return s.page("stories", data)
	})
}

// reportRef is a report as a link shows it.
type reportRef struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Source      string `json:"source,omitempty"`
	Published   string `json:"published,omitempty"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
}

func refOf(a *storyline.Article) reportRef {
	return reportRef{ID: a.ID, Title: cmp.Or(a.Title, a.ID), Source: a.Source, Published: a.PublishedDate(), DuplicateOf: a.DuplicateOf}
}

// storyView is a story with what its page and its API add: each event's
// evidence sentences and its reports, and the network of who met whom.
type storyView struct {
	*storyline.Story
	Stale   bool                 `json:"stale,omitempty"`
	Reports map[string]reportRef `json:"reports"`
	Entries []entry              `json:"-"`
	Net     network              `json:"-"`
	// Evidence is, per timeline entry, its sentences with their text and
	// character offsets.
	Evidence [][]evidence `json:"evidence"`
}

type entry struct {
	Index    int
	Event    *storyline.Event
	Evidence []evidence
	Reports  []reportRef
}

// evidence is a sentence of a report, its offsets in bytes and in
// characters, and its entities of the event marked.
type evidence struct {
	Article string `json:"article"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	CStart  int    `json:"cstart"`
	CEnd    int    `json:"cend"`
	Text    string `json:"text"`
	Spans   []span `json:"-"`
}

// storyView reads story id and the reports it cites.
func (s *Server) storyView(ctx context.Context, c *catalog, id string) (*storyView, error) {
	st, stale, err := s.store.Story(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &storyView{Story: st, Stale: stale, Reports: map[string]reportRef{}}
	texts := map[string]*storyline.Article{}
	ents := map[string][]storyline.Entity{}
	names := storyNamer(st.People, nil)
	for _, aid := range st.Articles {
		a, x, _, err := s.store.ArticleWithExtraction(ctx, aid)
		if errors.Is(err, storyline.ErrNotFound) {
			continue // dropped since the story was told; it is stale
		}
		if err != nil {
			return nil, err
		}
		texts[aid] = a
		v.Reports[aid] = refOf(a)
		if x != nil && x.ArticleHash == a.Hash {
			if names != nil {
				ents[aid] = names.of(a.Text, x.Entities)
			} else {
				ents[aid] = nameReport(nil, identity.Scope(id, aid), a.Text, x.Entities)
			}
		}
	}
	v.Evidence = make([][]evidence, len(st.Timeline))
	for i := range st.Timeline {
		e := &st.Timeline[i]
		en := entry{Index: i, Event: e}
		for _, aid := range e.Articles {
			if ref, ok := v.Reports[aid]; ok {
				en.Reports = append(en.Reports, ref)
			}
		}
		for _, ev := range e.Evidence {
			a := texts[ev.Article]
			if a == nil || ev.Start < 0 || ev.End > len(a.Text) || ev.Start > ev.End {
				continue
			}
			r := runes{text: a.Text}
			var inEvent []storyline.Entity
			for _, x := range ents[ev.Article] {
				if partOf(x, e) {
					inEvent = append(inEvent, x)
				}
			}
			cs := r.at(ev.Start)
			en.Evidence = append(en.Evidence, evidence{Article: ev.Article, Start: ev.Start, End: ev.End,
				CStart: cs, CEnd: r.at(ev.End), Text: a.Text[ev.Start:ev.End], Spans: mark(a.Text, ev.Start, ev.End, inEvent)})
		}
		v.Evidence[i] = en.Evidence
		v.Entries = append(v.Entries, en)
	}
	v.Net = layout(st)
	return v, nil
}

// partOf reports whether entity x names a participant, place or date of
// event e: the mentions an evidence sentence marks.
func partOf(x storyline.Entity, e *storyline.Event) bool {
	switch x.Type {
	case storyline.Person:
		return slices.Contains(e.People, x.Norm)
	case storyline.Country:
		return slices.Contains(e.Countries, x.Norm)
	case storyline.Place:
		return slices.Contains(e.Places, x.Text) || slices.Contains(e.Places, x.Norm)
	case storyline.Date:
		return true
	}
	return false
}

func (s *Server) storyPage(w http.ResponseWriter, r *http.Request) {
	s.cached(w, "page story "+r.PathValue("id"), s.fail, func(c *catalog) ([]byte, error) {
		v, err := s.storyView(r.Context(), c, r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return s.page("story", map[string]any{"Title": v.Title, "Story": v})
	})
}

// reportView is a report with its entities, offsets in bytes and
// characters, person norms made canonical within its story.
type reportView struct {
	reportRef
	URL          string      `json:"url,omitempty"`
	CanonicalURL string      `json:"canonical_url,omitempty"`
	Author       string      `json:"author,omitempty"`
	Fetched      time.Time   `json:"fetched,omitzero"`
	Story        string      `json:"story,omitempty"`
	StoryTitle   string      `json:"story_title,omitempty"`
	Lang         string      `json:"lang,omitempty"`
	Skipped      string      `json:"skipped,omitempty"`
	Stale        bool        `json:"stale,omitempty"`
	Original     *reportRef  `json:"original,omitempty"`
	Entities     []entityOut `json:"entities"`
	Text         string      `json:"text"`
	Spans        []span      `json:"-"`
}

type entityOut struct {
	storyline.Entity
	CStart int `json:"cstart"`
	CEnd   int `json:"cend"`
}

func (s *Server) reportView(ctx context.Context, c *catalog, id string) (*reportView, error) {
	a, x, story, err := s.store.ArticleWithExtraction(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &reportView{reportRef: refOf(a), URL: a.URL, CanonicalURL: a.CanonicalURL, Author: a.Author, Fetched: a.Fetched,
		Story: story, Text: a.Text, Entities: []entityOut{}}
	if story != "" {
		if i, ok := c.index[story]; ok {
			v.StoryTitle = c.stories[i].Title
		}
	}
	if a.DuplicateOf != "" {
		if o, _, _, err := s.store.ArticleWithExtraction(ctx, a.DuplicateOf); err == nil {
			ref := refOf(o)
			v.Original = &ref
		}
	}
	var es []storyline.Entity
	switch {
	case x == nil:
	case x.ArticleHash != a.Hash:
		v.Stale = true // its offsets point into an older text
	default:
		v.Lang, v.Skipped = x.Lang, x.Skipped
		es = nameReport(c.namer(story), identity.Scope(story, a.ID), a.Text, x.Entities)
	}
	sorted := slices.Clone(es)
	slices.SortStableFunc(sorted, func(a, b storyline.Entity) int { return a.Start - b.Start })
	r := runes{text: a.Text}
	for _, e := range sorted {
		cs := r.at(e.Start)
		v.Entities = append(v.Entities, entityOut{Entity: e, CStart: cs, CEnd: r.at(e.End)})
	}
	v.Spans = mark(a.Text, 0, len(a.Text), sorted)
	return v, nil
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	s.cached(w, "page report "+r.PathValue("id"), s.fail, func(c *catalog) ([]byte, error) {
		v, err := s.reportView(r.Context(), c, r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return s.page("report", map[string]any{"Title": v.Title, "Report": v})
	})
}

// personView is a person with the titles of their stories and reports.
type personView struct {
	*person
	StoryTitles  map[string]string    `json:"story_titles"`
	ReportTitles map[string]reportRef `json:"report_titles"`
}

// personView reads the reports of a person from the query index: those
// filed under the person's surname (store.TermPerson) that are in one of
// the person's stories, or in none, and whose people, named as their
// story names them, include the person. Only those reports are read, for
// their titles and the spellings they use.
func (s *Server) personView(ctx context.Context, c *catalog, name string) (*personView, error) {
	p := c.person(name)
	if p == nil {
		return nil, fmt.Errorf("person %q: %w", name, storyline.ErrNotFound)
	}
	key := identity.Key(p.Name)
	filed, err := s.store.Mentioning(ctx, store.Term{Kind: store.TermPerson, Value: identity.SurnameKey(p.Name)})
	if err != nil {
		return nil, err
	}
	view := *p
	v := &personView{person: &view, StoryTitles: map[string]string{}, ReportTitles: map[string]reportRef{}}
	for _, id := range p.Stories {
		if i, ok := c.index[id]; ok {
			v.StoryTitles[id] = c.stories[i].Title
		}
	}
	spellings := slices.Clone(p.Spellings)
	view.Reports = []string{}
	inStories := make(map[string]bool, len(p.Stories))
	for _, id := range p.Stories {
		inStories[id] = true
	}
	for _, id := range filed {
		story := c.storyOf[id]
		if story != "" && !inStories[story] {
			continue
		}
		a, x, _, err := s.store.ArticleWithExtraction(ctx, id)
		if errors.Is(err, storyline.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if x == nil || x.ArticleHash != a.Hash {
			continue
		}
		// The report is filed under the surname: its own extraction names
		// the person if any report does (what the story recalls from its
		// text is spelled as the story spells it).
		var ents []storyline.Entity
		if n := c.namer(story); n != nil {
			ents = slices.Clone(x.Entities)
			for i := range ents {
				if ents[i].Type == storyline.Person {
					ents[i].Norm = n.name(ents[i].Norm)
				}
			}
		} else {
			ents = nameReport(nil, identity.Scope(story, id), a.Text, x.Entities)
		}
		named := false
		for _, e := range ents {
			if e.Type == storyline.Person && identity.Key(e.Norm) == key {
				named = true
				spellings = append(spellings, e.Text)
			}
		}
		if named {
			view.Reports = append(view.Reports, id)
			v.ReportTitles[id] = refOf(a)
		}
	}
	view.Spellings = sortedSet(spellings)
	return v, nil
}

func (s *Server) personPage(w http.ResponseWriter, r *http.Request) {
	s.cached(w, "page person "+r.PathValue("name"), s.fail, func(c *catalog) ([]byte, error) {
		v, err := s.personView(r.Context(), c, r.PathValue("name"))
		if err != nil {
			return nil, err
		}
		return s.page("person", map[string]any{"Title": v.Name, "Person": v})
	})
}

// whenLabel writes a TIMEX3 value as a reader says it: "25 Apr 2023",
// "Mar 2023", "week 16, 2023"; other values as they are.
func whenLabel(v string) string {
	for _, f := range []struct{ in, out string }{{time.DateOnly, "2 Jan 2006"}, {"2006-01", "Jan 2006"}} {
		if t, err := time.Parse(f.in, v); err == nil {
			return t.Format(f.out)
		}
	}
	var y, w int
	if n, _ := fmt.Sscanf(v, "%4d-W%2d", &y, &w); n == 2 {
		if strings.HasSuffix(v, "-WE") {
			return fmt.Sprintf("weekend of week %d, %d", w, y)
		}
		return fmt.Sprintf("week %d, %d", w, y)
	}
	return v
}
