package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/store"
	"github.com/storyline/storyline/timex"
)

// articleQuery is the query of GET /api/articles: the filters of 'extract
// dump', every one given must hold.
type articleQuery struct {
	Person, Country, Place, Story string
	From, To                      string // YYYY-MM-DD, "" for open
	Words                         []string
}

// errNoIndexedFilter is the answer to a list query that the index cannot
// narrow: words alone would read every report.
var errNoIndexedFilter = errors.New("give person, country, place, from, to or story: the list answers from the query index (q narrows what they find)")

// articleItem is one report of the list.
type articleItem struct {
	reportRef
	Story string `json:"story,omitempty"`
}

// candidates returns, in ID order, the reports the query index files
// under every filter of q (see store.Terms): a person by surname, widened
// to the reports of their stories (a report can name a person through its
// story); dates with the undated reports, which answer by the dates they
// mention. It is what 'extract dump' reads.
func (s *Server) candidates(ctx context.Context, c *catalog, q articleQuery) ([]string, error) {
	var sets [][]string
	find := func(kind store.TermKind, value string) error {
		ids, err := s.store.Mentioning(ctx, store.Term{Kind: kind, Value: value})
		sets = append(sets, ids)
		return err
	}
	if q.Person != "" {
		if err := find(store.TermPerson, identity.SurnameKey(q.Person)); err != nil {
			return nil, err
		}
		filed := sets[len(sets)-1]
		var wide []string
		for _, id := range filed {
			if st := c.storyOf[id]; st != "" {
				wide = append(wide, c.members[st]...)
			} else {
				wide = append(wide, id)
			}
		}
		sets[len(sets)-1] = sortedSet(wide)
	}
	if q.Country != "" {
		if err := find(store.TermCountry, strings.ToUpper(q.Country)); err != nil {
			return nil, err
		}
	}
	if q.Place != "" {
		if err := find(store.TermPlace, strings.ToLower(q.Place)); err != nil {
			return nil, err
		}
	}
	if q.From != "" || q.To != "" {
		dated, err := s.store.PublishedWithin(ctx, q.From, q.To)
		if err != nil {
			return nil, err
		}
		undated, err := s.store.Mentioning(ctx, store.Term{Kind: store.TermUndated})
		if err != nil {
			return nil, err
		}
		sets = append(sets, sortedSet(slices.Concat(dated, undated)))
	}
	if q.Story != "" {
		sets = append(sets, c.members[q.Story])
	}
	if len(sets) == 0 {
		return nil, errNoIndexedFilter
	}
	ids := sets[0]
	for _, set := range sets[1:] {
		ids = intersect(ids, set)
	}
	return ids, nil
}

func intersect(a, b []string) []string {
	var out []string
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := strings.Compare(a[i], b[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// matches reports whether report a of story, its people named (ents),
// answers q, as 'extract dump' decides it.
func (q articleQuery) matches(a *storyline.Article, story string, ents []storyline.Entity) bool {
	has := func(typ storyline.EntityType, ok func(string) bool) bool {
		return slices.ContainsFunc(ents, func(e storyline.Entity) bool { return e.Type == typ && ok(e.Norm) })
	}
	if q.Story != "" && story != q.Story {
		return false
	}
	if q.Person != "" {
		// One word is a surname; a full name matches by key, so that every
		// spelling finds the others.
		key, keyOf := identity.Key(q.Person), identity.Key
		if len(strings.Fields(q.Person)) == 1 {
			key, keyOf = identity.SurnameKey(q.Person), identity.SurnameKey
		}
		if !has(storyline.Person, func(n string) bool { return keyOf(n) == key }) {
			return false
		}
	}
	if q.Country != "" && !has(storyline.Country, func(n string) bool { return strings.EqualFold(n, q.Country) }) {
		return false
	}
	if q.Place != "" && !has(storyline.Place, func(n string) bool { return strings.EqualFold(n, q.Place) }) {
		return false
	}
	if (q.From != "" || q.To != "") && !q.inDates(a, ents) {
		return false
	}
	if len(q.Words) > 0 {
		text := strings.ToLower(a.Title + "\n" + a.Text)
		for _, w := range q.Words {
			if !strings.Contains(text, w) {
				return false
			}
		}
	}
	return true
}

// inDates reports whether a was published within the query's days or,
// undated, mentions a date that lies within them whole.
func (q articleQuery) inDates(a *storyline.Article, ents []storyline.Entity) bool {
	within := func(start, end time.Time) bool { // [start, end) inside [From, To]
		from, to := start.Format(time.DateOnly), end.AddDate(0, 0, -1).Format(time.DateOnly)
		return (q.From == "" || from >= q.From) && (q.To == "" || to <= q.To)
	}
	if !a.Published.IsZero() {
		d := time.Date(a.Published.Year(), a.Published.Month(), a.Published.Day(), 0, 0, 0, 0, time.UTC)
		return within(d, d.AddDate(0, 0, 1))
	}
	for _, e := range ents {
		if e.Type != storyline.Date {
			continue
		}
		if v, err := timex.Parse(e.Norm); err == nil {
			if start, end, ok := v.Span(); ok && within(start, end) {
				return true
			}
		}
	}
	return false
}

// listAnswer is the answer of GET /api/articles. Candidates is how many
// reports the index found, an upper bound of the matches; the reports are
// read in ID order only until the window is full, so More says whether
// candidates are left unread.
type listAnswer struct {
	Candidates int           `json:"candidates"`
	Offset     int           `json:"offset"`
	More       bool          `json:"more"`
	Articles   []articleItem `json:"articles"`
}

// listArticles answers q, the matches from the offset-th (from 0) on,
// limit at most, reading only the candidates the index finds.
func (s *Server) listArticles(ctx context.Context, c *catalog, q articleQuery, offset, limit int) (*listAnswer, error) {
	ids, err := s.candidates(ctx, c, q)
	if err != nil {
		return nil, err
	}
	out := &listAnswer{Candidates: len(ids), Offset: offset, Articles: []articleItem{}}
	seen := 0
	for i, id := range ids {
		if len(out.Articles) == limit {
			out.More = i < len(ids)
			break
		}
		a, x, story, err := s.store.ArticleWithExtraction(ctx, id)
		if errors.Is(err, storyline.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var ents []storyline.Entity
		if x != nil && x.ArticleHash == a.Hash {
			ents = nameReport(c.namer(story), identity.Scope(story, id), a.Text, x.Entities)
		}
		if !q.matches(a, story, ents) {
			continue
		}
		if seen >= offset {
			out.Articles = append(out.Articles, articleItem{reportRef: refOf(a), Story: story})
		}
		seen++
	}
	return out, nil
}

// maxArticles bounds the reports of one answer of /api/articles: each is
// read from the store.
const maxArticles = 200

func (s *Server) apiArticles(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	f, err := filterOf(v)
	if err == nil && f.From != "" && f.To != "" && f.To < f.From {
		err = fmt.Errorf("to %s is before from %s", f.To, f.From)
	}
	var offset, limit int
	if err == nil {
		offset, limit, err = window(v)
		if v.Get("limit") == "" {
			limit = maxArticles
		}
		limit = min(limit, maxArticles)
	}
	q := articleQuery{Person: f.Person, Country: f.Country, Place: f.Place, Story: v.Get("story"), From: f.From, To: f.To,
		Words: strings.Fields(strings.ToLower(f.Words))}
	if err == nil && q.Person == "" && q.Country == "" && q.Place == "" && q.Story == "" && q.From == "" && q.To == "" {
		err = errNoIndexedFilter
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	s.cached(w, "api articles "+r.URL.RawQuery, s.apiError, func(c *catalog) ([]byte, error) {
		ans, err := s.listArticles(r.Context(), c, q, offset, limit)
		if err != nil {
			return nil, err
		}
		return marshal(ans)
	})
}
