package web

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
)

// catalog is what the list and person pages answer from: a summary of
// every story and who the stories name, made by one walk of the stored
// story records. It reads no report: a report's people are named by its
// story (namer), the reports of a person are found through the query
// index (Server.personView). The server makes it when it starts and again
// after each ingest it runs; pages keep answering from the previous one
// meanwhile.
type catalog struct {
	stories []summary           // newest first
	index   map[string]int      // story ID → its place in stories
	storyOf map[string]string   // article ID → story ID
	members map[string][]string // story ID → its article IDs, sorted
	people  map[string]*person  // identity.Key of a name the stories use → person
	answers answers             // story pages and answers made from this catalog's store
}

// summary is a story as the list shows and filters it.
type summary struct {
	ID        string   `json:"story"`
	Title     string   `json:"title"`
	From      string   `json:"from,omitempty"`
	To        string   `json:"to,omitempty"`
	Reports   int      `json:"reports"`
	People    []string `json:"people"`
	Countries []string `json:"countries"`
	Places    []string `json:"places"`
	Stale     bool     `json:"stale,omitempty"`
	words     string   // lower-cased title and event sentences, for -q
	keys      []string // identity.Key of each of People
}

// person is everything the catalog knows of one person across stories:
// the names the stories give them (each story names its people over its
// own reports; across stories names join when their identity.Key agrees,
// as identity.Census joins them), the stories and the people met. Its
// reports and the spellings they use are read per request, from the
// query index (personView).
type person struct {
	Name      string   `json:"name"` // the name most reports of its stories use
	Spellings []string `json:"spellings"`
	Stories   []string `json:"stories"`
	Reports   []string `json:"reports"`
	Met       []string `json:"met"`
	counts    map[string]int
}

// catalogSource is what making a catalog reads: the story records only.
type catalogSource interface {
	Stories(ctx context.Context, fn func(s *storyline.Story, stale bool) error) error
}

// buildCatalog walks the stored stories once.
func buildCatalog(ctx context.Context, src catalogSource) (*catalog, error) {
	c := &catalog{storyOf: map[string]string{}, members: map[string][]string{}, people: map[string]*person{}}
	met := map[string]map[string]bool{}
	err := src.Stories(ctx, func(s *storyline.Story, stale bool) error {
		var words strings.Builder
		words.WriteString(strings.ToLower(s.Title))
		for _, e := range s.Timeline {
			words.WriteByte('\n')
			words.WriteString(strings.ToLower(e.What))
		}
		keys := make([]string, len(s.People))
		for i, name := range s.People {
			k := identity.Key(name)
			keys[i] = k
			p := c.people[k]
			if p == nil {
				p = &person{counts: map[string]int{}}
				c.people[k] = p
			}
			// A story's reports vote for the name it gives.
			p.counts[name] += len(s.Articles)
			p.Stories = append(p.Stories, s.ID)
		}
		c.stories = append(c.stories, summary{ID: s.ID, Title: s.Title, From: s.From, To: s.To, Reports: len(s.Articles),
			People: s.People, Countries: s.Countries, Places: s.Places, Stale: stale, words: words.String(), keys: keys})
		for _, a := range s.Articles {
			c.storyOf[a] = s.ID
		}
		c.members[s.ID] = slices.Sorted(slices.Values(s.Articles))
		for _, p := range s.Pairs {
			if p.Type != storyline.Person {
				continue
			}
			for _, ab := range [][2]string{{p.A, p.B}, {p.B, p.A}} {
				k := identity.Key(ab[0])
				if met[k] == nil {
					met[k] = map[string]bool{}
				}
				met[k][ab[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Newest first: by last day, then first day, then ID so that the order
	// is the same on every build.
	slices.SortFunc(c.stories, func(a, b summary) int {
		return cmp.Or(cmp.Compare(b.To, a.To), cmp.Compare(b.From, a.From), cmp.Compare(a.ID, b.ID))
	})
	c.index = make(map[string]int, len(c.stories))
	for i, s := range c.stories {
		c.index[s.ID] = i
	}
	for k, p := range c.people {
		p.Name = identity.MostUsed(p.counts)
		p.Spellings = slices.Sorted(maps.Keys(p.counts))
		p.Stories = sortedSet(p.Stories)
		p.Met = append([]string{}, slices.Sorted(maps.Keys(met[k]))...)
	}
	return c, nil
}

func sortedSet(xs []string) []string {
	slices.Sort(xs)
	return slices.Compact(xs)
}

// person returns the person a name, in any spelling whose identity.Key
// agrees with a name the stories use, names.
func (c *catalog) person(name string) *person {
	return c.people[identity.Key(name)]
}

// namer returns the namer of story id, nil when it is not stored or
// names no one.
func (c *catalog) namer(id string) *namer {
	if i, ok := c.index[id]; ok {
		return storyNamer(c.stories[i].People, c.stories[i].keys)
	}
	return nil
}

// filter is the query of the stories list.
type filter struct {
	Person, Country, Place string
	From, To               string // YYYY-MM-DD, "" for open
	Words                  string
}

// match reports whether story s answers f, whose person is known by
// identity key person. Days compare as strings: a story's From and To
// are YYYY-MM-DD.
func (f filter) match(s *summary, person string) bool {
	if person != "" && !slices.Contains(s.keys, person) {
		return false
	}
	if f.Country != "" && !slices.Contains(s.Countries, strings.ToUpper(f.Country)) {
		return false
	}
	if f.Place != "" && !slices.ContainsFunc(s.Places, func(p string) bool { return strings.EqualFold(p, f.Place) }) {
		return false
	}
	if f.From != "" && s.To != "" && s.To < f.From {
		return false
	}
	if f.To != "" && s.From != "" && s.From > f.To {
		return false
	}
	for _, w := range strings.Fields(strings.ToLower(f.Words)) {
		if !strings.Contains(s.words, w) {
			return false
		}
	}
	return true
}

// find returns how many stories answer f and, newest first, those from
// the offset-th (from 0) on, limit of them at most.
func (c *catalog) find(f filter, offset, limit int) (total int, page []summary) {
	page = []summary{}
	var person string
	var at []int // the places in stories of those to look at; nil for all
	if f.Person != "" {
		person = identity.Key(f.Person)
		p := c.people[person]
		if p == nil {
			return 0, page
		}
		at = make([]int, 0, len(p.Stories))
		for _, id := range p.Stories {
			at = append(at, c.index[id])
		}
		slices.Sort(at)
	} else {
		at = make([]int, len(c.stories))
		for i := range at {
			at[i] = i
		}
	}
	for _, i := range at {
		if !f.match(&c.stories[i], person) {
			continue
		}
		if total >= offset && len(page) < limit {
			page = append(page, c.stories[i])
		}
		total++
	}
	return total, page
}
