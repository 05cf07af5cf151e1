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
	keys   []string          // identity.Key of each of people
	byKey  map[string]string // identity.Key → the story's name
	recall *identity.Story
}

// storyNamer returns the namer of a story that names people, or nil for
// a report in no story (see nameReport). keys, when not nil, are the
// identity.Key of each of people.
func storyNamer(people, keys []string) *namer {
	if len(people) == 0 {
		return nil
	}
	if keys == nil {
		keys = make([]string, len(people))
		for i, name := range people {
			keys[i] = identity.Key(name)
		}
	}
	n := &namer{people: people, keys: keys, byKey: make(map[string]string, len(people))}
	for i, name := range people {
		if _, ok := n.byKey[keys[i]]; !ok {
			n.byKey[keys[i]] = name
		}
	}
	return n
}

// recaller is the story's identity.Story, made on first use: naming the
// entities a report's extraction found (name) does not need it.
func (n *namer) recaller() *identity.Story {
	if n.recall == nil {
		es := make([]storyline.Entity, 0, len(n.people))
		for _, name := range n.people {
			es = append(es, storyline.Entity{Type: storyline.Person, Text: name, Norm: name})
		}
		// NewStory keeps names two or more reports give: the story's
		// names are its reports' names already.
		n.recall = identity.NewStory([][]storyline.Entity{es, es})
	}
	return n.recall
}

// of returns the entities es of text with the story's people recalled and
// every person named as the story names them; es is not modified.
func (n *namer) of(text string, es []storyline.Entity) []storyline.Entity {
	out := slices.Clone(es)
	if more := n.recaller().Recall(text, es); len(more) > 0 {
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
	found := -1
	for i, key := range n.keys {
		if identity.Compatible(k, key) {
			if found >= 0 && n.keys[found] != key {
				return norm // two people of the story: it is not the story's to say
			}
			found = i
		}
	}
	if found >= 0 {
		return n.people[found]
	}
	return norm
}

// nameReport names the people of a report: as its story does when it is
// in one whose record is known (n), else over its own entities alone,
// as identity.People names a report in no story.
func nameReport(n *namer, scope, text string, es []storyline.Entity) []storyline.Entity {
	if n != nil {
		return n.of(text, es)
	}
	p := identity.NewPeople(map[string][][]storyline.Entity{scope: {identity.PersonEntities(es)}})
	p.Count(scope, text, es)
	return p.Of(scope, text, es)
}
