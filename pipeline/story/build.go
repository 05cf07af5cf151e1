package story

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
)

// Reports is where Build reads the reports it groups: the ID and
// publication time of each, then the reports in the order of their days.
type Reports interface {
	Dated(ctx context.Context, fn func(id string, published time.Time) error) error
	reader
}

// reader reads reports by ID: those it has, in the order of ids.
type reader interface {
	Reports(ctx context.Context, ids []string) ([]Report, error)
}

// groupAndTell groups the reports of ps, which must hold every report linked to
// another of them, and tells their stories.
func groupAndTell(ctx context.Context, src reader, ps []profile) (storyline.StoryUpdate, error) {
	slices.SortFunc(ps, func(a, b profile) int { return cmp.Compare(a.id, b.id) })
	return tellGroups(ctx, src, ps, candidates(ps))
}

// tellGroups groups the reports of ps, sorted by ID, with the edges
// between them, and tells their stories.
func tellGroups(ctx context.Context, src reader, ps []profile, edges []edge) (storyline.StoryUpdate, error) {
	groups := groupsOf(ps, cluster(ps, edges), edges)
	u := storyline.StoryUpdate{Keys: keys(ps, edges), Profiles: make(map[string][]byte, len(ps))}
	for i := range ps {
		u.Profiles[ps[i].id] = encodeProfile(&ps[i])
	}
	for _, g := range groups {
		if err := ctx.Err(); err != nil {
			return u, err
		}
		reports, err := src.Reports(ctx, g.ids)
		if err != nil {
			return u, fmt.Errorf("story %s: %w", g.id, err)
		}
		u.Put = append(u.Put, Tell(g.id, reports, g.central))
	}
	return u, nil
}

// keys are the index keys of the reports of ps: their anchors, and the
// reports they are linked to. Two groups merge only when their similarity,
// an average less a contrast, reaches threshold, so only when some pair of
// their reports does: the reports linked at threshold, followed link by
// link, hold every story that a new report could change.
func keys(ps []profile, edges []edge) map[string]storyline.StoryKeys {
	out := make(map[string]storyline.StoryKeys, len(ps))
	links := make([][]string, len(ps))
	for _, e := range edges {
		if e.sim >= link {
			links[e.a] = append(links[e.a], ps[e.b].id)
			links[e.b] = append(links[e.b], ps[e.a].id)
		}
	}
	for i := range ps {
		slices.Sort(links[i])
		out[ps[i].id] = storyline.StoryKeys{Day: dayString(ps[i].day), Anchors: anchors(&ps[i]), Links: links[i]}
	}
	return out
}

// group is one story's reports before it is told.
type group struct {
	id      string
	ids     []string // sorted
	central string   // the report most like the others, whose title the story takes
}

// groupsOf turns cluster's labels into groups sorted by story ID.
func groupsOf(ps []profile, label []int, edges []edge) []group {
	members := map[int][]int{}
	for i, l := range label {
		members[l] = append(members[l], i)
	}
	// closeness sums each report's similarity to the others of its group.
	closeness := make([]float64, len(ps))
	for _, e := range edges {
		if label[e.a] == label[e.b] {
			closeness[e.a] += e.sim
			closeness[e.b] += e.sim
		}
	}
	out := make([]group, 0, len(members))
	for _, m := range members {
		g := group{ids: make([]string, len(m))}
		best, first := m[0], m[0]
		for k, i := range m {
			g.ids[k] = ps[i].id
			if closeness[i] > closeness[best] {
				best = i
			}
			if earlier(&ps[i], &ps[first]) {
				first = i
			}
		}
		g.central = ps[best].id
		g.id = storyID(ps[first].id)
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b group) int { return cmp.Compare(a.id, b.id) })
	return out
}

// storyID names a story after its first report: short, the same whichever
// order the reports came in, and stable as the story grows, since news
// comes later, not earlier.
func storyID(first string) string {
	sum := sha256.Sum256([]byte(first))
	return "s" + hex.EncodeToString(sum[:6])
}

// earlier reports whether report a was published before b: by day, those
// of unknown date last, then by ID.
func earlier(a, b *profile) bool {
	da, db := int64(a.day), int64(b.day)
	if a.day == noDay {
		da = math.MaxInt64
	}
	if b.day == noDay {
		db = math.MaxInt64
	}
	return da < db || da == db && a.id < b.id
}

// candidates are the similarities of the pairs of reports that share an
// anchor and are comparable, those above floor: the only pairs that can
// join a story. They are computed on every core.
func candidates(ps []profile) []edge {
	byAnchor := map[string][]int32{}
	for i := range ps {
		for _, a := range anchors(&ps[i]) {
			byAnchor[a] = append(byAnchor[a], int32(i))
		}
	}
	// Each report is compared with the later ones that share an anchor
	// with it, each once: no list of every pair, which for a story of
	// thousands of reports sharing a few anchors would be billions.
	workers := runtime.GOMAXPROCS(0)
	found := make([][]edge, len(ps))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			seen := map[int32]bool{}
			for i := w; i < len(ps); i += workers {
				clear(seen)
				for _, a := range anchors(&ps[i]) {
					for _, j := range byAnchor[a] {
						if int(j) <= i || seen[j] {
							continue
						}
						seen[j] = true
						if !comparable(&ps[i], &ps[j]) {
							continue
						}
						if s := similarity(&ps[i], &ps[j]); s > floor {
							found[i] = append(found[i], edge{i, int(j), s})
						}
					}
				}
				slices.SortFunc(found[i], func(x, y edge) int { return cmp.Compare(x.b, y.b) })
			}
		})
	}
	wg.Wait()
	return slices.Concat(found...) // by a, then b
}

// floor is the similarity below which a pair is left out: two reports that
// share an anchor and little else. Their similarity would count in the
// average of their groups, but too little to change a story (none on ECB+
// dev up to 0.09), and most candidate pairs are of this kind.
const floor = 0.06

// window is how many days apart two dated reports may be and still be
// compared: a quarter. Without a bound, a name in every tenth report of a
// large store would have each new report compared with thousands. The cost
// is the follow-up told a year later ("a year after the quake"), which
// starts a story of its own: on ECB+ dev, B-cubed F1 0.916 against 0.931
// with no bound (45 days: 0.904).
const window = 90

// nameWindow is how many days apart two dated reports of one subject
// (sameSubject: about one person, a full name each uses at least twice,
// and sharing an anchor besides that name) may be and still be compared:
// three years, what a trial after a shooting or a sentence after a trial
// takes. The person's name is an anchor of both, so a follow-up is compared
// with the reports about that person, not with every report of the years
// between. On ECB+ dev, B-cubed F1 0.944 -> 0.954 (two years: 0.951, one:
// 0.942).
const nameWindow = 3*365 + 1

// comparable reports whether two reports are published close enough in
// time to be compared: within window days, or nameWindow days when they
// are of one subject; a report of unknown date is compared with all.
func comparable(a, b *profile) bool {
	if a.day == noDay || b.day == noDay {
		return true
	}
	d := abs(a.day - b.day)
	return d <= window || d <= nameWindow && sameSubject(subjectOf(a), subjectOf(b))
}

// subject is what sameSubject compares of a report, by key: the full
// names it is about, and its word anchors that are no word of those names
// (what is told of them: the shooting, the plant, the town), sorted.
type subject struct {
	names, topic []uint64
}

func subjectOf(p *profile) subject {
	names := aboutOf(p)
	inName := map[string]bool{}
	var s subject
	for _, n := range names {
		s.names = append(s.names, key(n))
		for _, w := range strings.Fields(n) {
			inName[w] = true
		}
	}
	for _, w := range p.anchors[:len(p.anchors)-len(names)] {
		if !inName[identity.Key(w)] {
			s.topic = append(s.topic, key(w))
		}
	}
	slices.Sort(s.names)
	slices.Sort(s.topic)
	return s
}

// sameSubject reports whether two reports are about one person and share
// an anchor besides the names of the people they are about.
func sameSubject(a, b subject) bool {
	return shared(a.names, b.names) > 0 && shared(a.topic, b.topic) > 0
}

func abs(d int32) int32 {
	if d < 0 {
		return -d
	}
	return d
}

// dayString writes a profile's day as YYYY-MM-DD, "" when unknown.
func dayString(day int32) string {
	if day == noDay {
		return ""
	}
	return time.Unix(int64(day)*86400, 0).UTC().Format(time.DateOnly)
}

// Version changes whenever a rule of this package changes the stories it
// makes from the same extractions.
const Version = "story-7"
