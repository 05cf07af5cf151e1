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
	"github.com/storyline/storyline/internal/match"
	"github.com/storyline/storyline/store"
)

// articleQuery is the query of GET /api/articles: the filters of 'extract
// dump', every one given must hold.
type articleQuery struct {
	Person, Country, Place, Story string
	From, To                      string // YYYY-MM-DD, "" for open
	Words                         []string
}

// question is q as the report filter of 'extract dump' takes it.
func (q articleQuery) question() (match.Query, error) {
	m := match.Query{Person: q.Person, Country: q.Country, Place: q.Place, Story: q.Story, Words: q.Words}
	for _, d := range []struct {
		text string
		day  *time.Time
	}{{q.From, &m.From}, {q.To, &m.To}} {
		if d.text == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.text)
		if err != nil {
			return m, fmt.Errorf("date %q: want YYYY-MM-DD", d.text)
		}
		*d.day = t
	}
	return m, nil
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
		ids = match.Intersect(ids, set)
	}
	return ids, nil
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
	question, err := q.question()
	if err != nil {
		return nil, err
	}
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
		if !question.Matches(a, story, ents) {
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
	if err == nil {
		_, err = q.question() // a day the calendar lacks (2023-02-30)
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
