package web

import (
	"slices"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
)

// namer names the people of one report as its story does: the story
// record's People are the canonical names of its reports' people (told
// over its own reports, identity's scope of one story), so a report's
// person entities take the story's name with the same identity.Key, or,
// for a surname alone or a shorter form, the one name of the story it is
// compatible with; the story's names the report's own extraction missed
// are recalled from its text (identity.Story.Recall). Nothing but the
// story record and the report itself is read.
type namer struct {
	people []string          // the story's names
	byKey  map[string]string // identity.Key → the story's name
	recall *identity.Story
}

// storyNamer returns the namer of a story that names people, or nil for
// a report in no story (see nameReport).
func storyNamer(people []string) *namer {
	if len(people) == 0 {
		return nil
	}
	n := &namer{people: people, byKey: make(map[string]string, len(people))}
	es := make([]storyline.Entity, 0, len(people))
	for _, name := range people {
		k := identity.Key(name)
		if _, ok := n.byKey[k]; !ok {
			n.byKey[k] = name
		}
		es = append(es, storyline.Entity{Type: storyline.Person, Text: name, Norm: name})
	}
	// NewStory keeps names two or more reports give: the story's names
	// are its reports' names already.
	n.recall = identity.NewStory([][]storyline.Entity{es, es})
	return n
}

// of returns the entities es of text with the story's people recalled and
// every person named as the story names them; es is not modified.
func (n *namer) of(text string, es []storyline.Entity) []storyline.Entity {
	out := slices.Clone(es)
	if more := n.recall.Recall(text, es); len(more) > 0 {
		out = append(out, more...)
		slices.SortStableFunc(out, func(a, b storyline.Entity) int { return a.Start - b.Start })
	}
	for i := range out {
		if out[i].Type == storyline.Person {
			out[i].Norm = n.name(out[i].Norm)
		}
	}
	return out
}

// name is the story's name for a name one of its reports uses: the one of
// the same key, else the one name it is compatible with, else itself.
func (n *namer) name(norm string) string {
	k := identity.Key(norm)
	if name, ok := n.byKey[k]; ok {
		return name
	}
	found := ""
	for _, name := range n.people {
		if identity.Compatible(k, identity.Key(name)) {
			if found != "" && identity.Key(found) != identity.Key(name) {
				return norm // two people of the story: it is not the story's to say
			}
			found = name
		}
	}
	if found != "" {
		return found
	}
	return norm
}

// nameReport names the people of a report: as its story does when it is
// in one whose record is known (people), else over its own entities alone,
// as identity.People names a report in no story.
func nameReport(people []string, scope, text string, es []storyline.Entity) []storyline.Entity {
	if n := storyNamer(people); n != nil {
		return n.of(text, es)
	}
	p := identity.NewPeople(map[string][][]storyline.Entity{scope: {identity.PersonEntities(es)}})
	p.Count(scope, text, es)
	return p.Of(scope, text, es)
}
