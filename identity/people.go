package identity

import (
	"maps"
	"slices"
	"sync"

	"github.com/storyline/storyline"
)

// People names the people of a set of reports as storyline shows them:
// each story's full names, whose uses a report's own extraction missed are
// added to it (Story.Recall), and one canonical name per person (Census):
// a surname joins a full name of its own story, and across stories only
// full names that agree join. A report in no story yet is a scope of its
// own (see Scope).
//
// It is made in two passes over the reports, so that no report's text is
// held longer than it is read: NewPeople with every report's person
// entities by scope, then Count with each report's text and entities.
type People struct {
	stories map[string]*Story
	census  *Census

	mu    sync.Mutex // Of may be called from many goroutines
	names *Names
}

// Scope is the scope in which the people of a report are named: its story,
// or, when it is in none, the report alone (a story ID never starts with a
// space).
func Scope(story, reportID string) string {
	if story != "" {
		return story
	}
	return " " + reportID
}

// NewPeople starts the People of reports whose person entities, by scope,
// are byScope.
func NewPeople(byScope map[string][][]storyline.Entity) *People {
	p := &People{stories: make(map[string]*Story, len(byScope)), census: NewCensus()}
	for sc, es := range byScope {
		p.stories[sc] = NewStory(es)
	}
	return p
}

// Count counts the names of one report of scope, with its text and
// entities. Every report is counted before the first call of Of.
func (p *People) Count(scope, text string, es []storyline.Entity) {
	p.census.Add(scope, p.recalled(scope, text, es))
}

// Of returns the entities of a report of scope with the people its story
// knows added and every person's name made canonical. It is safe for
// concurrent use.
func (p *People) Of(scope, text string, es []storyline.Entity) []storyline.Entity {
	p.mu.Lock()
	if p.names == nil {
		p.names = p.census.Names()
	}
	names := p.names
	p.mu.Unlock()
	return names.Apply(scope, p.recalled(scope, text, es))
}

// recalled adds to es the mentions of the story's people that it lacks,
// in order of start.
func (p *People) recalled(scope, text string, es []storyline.Entity) []storyline.Entity {
	st := p.stories[scope]
	if st == nil {
		return es
	}
	more := st.Recall(text, es)
	if len(more) == 0 {
		return es
	}
	out := append(slices.Clone(es), more...)
	slices.SortStableFunc(out, func(a, b storyline.Entity) int { return a.Start - b.Start })
	return out
}

// PersonEntities returns the person entities of es, a new slice.
func PersonEntities(es []storyline.Entity) []storyline.Entity {
	var out []storyline.Entity
	for _, e := range es {
		if e.Type == storyline.Person {
			out = append(out, e)
		}
	}
	return out
}

// MostUsed returns the name counted most, ties to the first in sort order,
// so that the name shown does not depend on the order reports were read.
func MostUsed(counts map[string]int) string {
	best := ""
	for _, n := range slices.Sorted(maps.Keys(counts)) {
		if best == "" || counts[n] > counts[best] {
			best = n
		}
	}
	return best
}
