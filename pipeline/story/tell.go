package story

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/timex"
)

// Tell makes the story of reports: its title (that of central, the report
// most like the others), its dates, the people, countries and places its
// reports name, its timeline and who met whom. People are named with the
// story as context: one canonical name per person across the story's
// reports, a surname alone joining the full name of this story, not that of
// some other.
func Tell(id string, reports []Report, central string) storyline.Story {
	reports = slices.Clone(reports)
	slices.SortFunc(reports, func(a, b Report) int { return strings.Compare(a.Article.ID, b.Article.ID) })
	names := Names(reports)
	s := storyline.Story{ID: id, Articles: make([]string, len(reports))}
	articles := make([]*storyline.Article, len(reports))
	mentions := make(map[string][]storyline.Mention, len(reports))
	people, countries, places := tally{}, tally{}, tally{}
	for i, r := range reports {
		a := r.Article
		s.Articles[i], articles[i] = a.ID, a
		if a.ID == central || s.Title == "" {
			s.Title = titleOf(a)
		}
		ents := names.Apply("", r.Entities)
		mentions[a.ID] = Mentions(a, ents)
		people.add(namesOf(ents, storyline.Person))
		countries.add(namesOf(ents, storyline.Country))
		places.add(namesOf(ents, storyline.Place))
	}
	s.People, s.Countries, s.Places = people.ranked(), countries.ranked(), places.ranked()
	s.Timeline = Timeline(articles, mentions)
	s.Pairs = Pairs(s.Timeline)
	s.From, s.To = span(articles, s.Timeline)
	return s
}

// Names makes the canonical person names of a story's reports, all in the
// scope "": a story is told from its own reports alone, so its people's
// names never depend on which other stories are stored.
func Names(reports []Report) *identity.Names {
	c := identity.NewCensus()
	for _, r := range reports {
		c.Add("", r.Entities)
	}
	return c.Names()
}

// titleOf is an article's title, or the first line of its text when it has
// none (a JSON Lines corpus may give only text), cut to a readable length.
func titleOf(a *storyline.Article) string {
	t := a.Title
	if t == "" {
		t, _, _ = strings.Cut(strings.TrimSpace(a.Text), "\n")
	}
	const maxTitle = 160
	if len(t) > maxTitle {
		cut := maxTitle
		for cut > 0 && !utf8.RuneStart(t[cut]) {
			cut--
		}
		t = strings.TrimSpace(t[:cut]) + "…"
	}
	return t
}

// span is the first and last day of a story: those of its reports'
// publication, or, when none is dated, those of its timeline.
func span(articles []*storyline.Article, timeline []storyline.Event) (from, to string) {
	var first, last time.Time
	for _, a := range articles {
		if a.Published.IsZero() {
			continue
		}
		if first.IsZero() || a.Published.Before(first) {
			first = a.Published
		}
		if last.IsZero() || a.Published.After(last) {
			last = a.Published
		}
	}
	for _, e := range timeline {
		if !first.IsZero() {
			break
		}
		v, err := timex.Parse(e.When)
		if err != nil {
			continue
		}
		start, end, ok := v.Span()
		if !ok {
			continue
		}
		if from == "" || start.Format(time.DateOnly) < from {
			from = start.Format(time.DateOnly)
		}
		if end = end.AddDate(0, 0, -1); to == "" || end.Format(time.DateOnly) > to {
			to = end.Format(time.DateOnly)
		}
	}
	if !first.IsZero() {
		from, to = first.Format(time.DateOnly), last.Format(time.DateOnly)
	}
	return from, to
}

// namesOf are the norms of the entities of one type, each once: a report
// counts once for each name it uses.
func namesOf(ents []storyline.Entity, typ storyline.EntityType) []string {
	var out []string
	for _, e := range ents {
		if e.Type == typ && e.Norm != "" {
			out = append(out, e.Norm)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
