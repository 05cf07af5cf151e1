package story

import (
	"cmp"
	"context"
	"maps"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/storyline/storyline"
)

// Build groups every report of src into stories and tells each one: an
// update that replaces every stored story and index key. The stories depend
// only on the set of reports, never on the order in which they were
// stored: profiles and similarities are pure functions of two reports, and
// grouping breaks ties by article ID.
//
// It sweeps the reports by publication day, so that memory holds the
// reports of the last window of days and the stories still open, not the
// store: reports are compared only within window days of each other (those
// of unknown date with all, so they are taken first and kept), and a set of
// linked reports whose last day is more than window days behind the sweep
// can gain no report, so it is grouped, told and let go.
func Build(ctx context.Context, src Reports, version string) (storyline.StoryUpdate, error) {
	u := storyline.StoryUpdate{All: true, Version: version, Keys: map[string]storyline.StoryKeys{}}
	type dated struct {
		id  string
		day int32
	}
	var all []dated
	err := src.Dated(ctx, func(id string, published time.Time) error {
		all = append(all, dated{id, dayOf(published)})
		return nil
	})
	if err != nil {
		return u, err
	}
	// A report's index is its rank by ID, as the rest of the package has
	// it: ties in grouping go to the smallest.
	slices.SortFunc(all, func(a, b dated) int { return cmp.Compare(a.id, b.id) })
	rank := make(map[string]int32, len(all))
	for i, d := range all {
		rank[d.id] = int32(i)
	}
	slices.SortStableFunc(all, func(a, b dated) int { return cmp.Compare(a.day, b.day) })

	sw := newSweep()
	closeOpen := func(sets []*linked) error {
		for _, set := range sets {
			if err := ctx.Err(); err != nil {
				return err
			}
			ps, edges := set.local(sw.profiles)
			told, err := tellGroups(ctx, sw.held, ps, edges)
			for _, p := range ps {
				delete(sw.held, p.id)
			}
			if err != nil {
				return err
			}
			u.Put = append(u.Put, told.Put...)
			maps.Copy(u.Keys, told.Keys)
		}
		return nil
	}
	const batch = 256
	for start := 0; start < len(all); start += batch {
		ids := make([]string, 0, batch)
		for _, d := range all[start:min(len(all), start+batch)] {
			ids = append(ids, d.id)
		}
		reports, err := src.Reports(ctx, ids)
		if err != nil {
			return u, err
		}
		for k, p := range profileAll(reports) {
			if err := closeOpen(sw.closable(p.day)); err != nil {
				return u, err
			}
			sw.add(rank[p.id], p)
			sw.held[p.id] = reports[k]
		}
	}
	err = closeOpen(sw.closeAll())
	slices.SortFunc(u.Put, func(a, b storyline.Story) int { return cmp.Compare(a.ID, b.ID) })
	return u, err
}

// dayOf is the day of a publication time, or noDay.
func dayOf(published time.Time) int32 {
	if published.IsZero() {
		return noDay
	}
	return int32(published.Unix() / 86400)
}

// profileAll profiles reports on every core, in their order.
func profileAll(reports []Report) []profile {
	idf := everyday()
	out := make([]profile, len(reports))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(reports); i += workers {
				out[i] = newProfile(reports[i], idf)
			}
		})
	}
	wg.Wait()
	return out
}

// sweep is Build's state: the reports that new ones may still be compared
// with, by anchor, and the sets of linked reports still open.
type sweep struct {
	profiles map[int32]*profile // of the reports of open sets
	// held are the reports of open sets, read once and kept to be told:
	// the reports of a window of days.
	held    held
	undated map[string][]int32 // anchor → undated reports: compared with all
	dated   map[string][]int32 // anchor → dated reports, by day
	parent  map[int32]int32    // union-find over links
	open    map[int32]*linked  // by root
}

// linked is a set of reports that links join, with the candidate edges
// from its reports.
type linked struct {
	members []int32
	edges   []edge // by index; some may lead out of the set
	last    int32  // latest day of its reports
	undated bool   // it holds a report of unknown date, which any may join
}

func newSweep() *sweep {
	return &sweep{profiles: map[int32]*profile{}, held: held{}, undated: map[string][]int32{}, dated: map[string][]int32{},
		parent: map[int32]int32{}, open: map[int32]*linked{}}
}

func (s *sweep) find(i int32) int32 {
	for s.parent[i] != i {
		s.parent[i] = s.parent[s.parent[i]]
		i = s.parent[i]
	}
	return i
}

// add compares report i with the reports it may join, links it, and files
// it under its anchors.
func (s *sweep) add(i int32, p profile) {
	s.profiles[i] = &p
	s.parent[i] = i
	set := &linked{members: []int32{i}, last: p.day, undated: p.day == noDay}
	s.open[i] = set
	seen := map[int32]bool{}
	var links []int32
	for _, a := range p.anchors {
		// Dated reports come in day order: those too old to compare
		// with this one are too old for every later one.
		old := s.dated[a]
		k := 0
		for k < len(old) && p.day != noDay && (s.profiles[old[k]] == nil || !comparable(&p, s.profiles[old[k]])) {
			k++
		}
		s.dated[a] = old[k:]
		for _, j := range slices.Concat(s.undated[a], s.dated[a]) {
			if seen[j] {
				continue
			}
			seen[j] = true
			q := s.profiles[j]
			if q == nil || !comparable(&p, q) {
				continue // of a set told already
			}
			if sim := similarity(&p, q); sim > floor {
				set.edges = append(set.edges, edge{int(min(i, j)), int(max(i, j)), sim})
				if sim >= link {
					links = append(links, j)
				}
			}
		}
		if p.day == noDay {
			s.undated[a] = append(s.undated[a], i)
		} else {
			s.dated[a] = append(s.dated[a], i)
		}
	}
	for _, j := range links {
		s.union(i, j)
	}
}

// union joins the sets of reports i and j.
func (s *sweep) union(i, j int32) {
	a, b := s.find(i), s.find(j)
	if a == b {
		return
	}
	x, y := s.open[a], s.open[b]
	if len(x.members) < len(y.members) {
		a, b, x, y = b, a, y, x
	}
	s.parent[b] = a
	x.members = append(x.members, y.members...)
	x.edges = append(x.edges, y.edges...)
	x.last = max(x.last, y.last)
	x.undated = x.undated || y.undated
	delete(s.open, b)
}

// closable takes out the open sets that no report of day or later can
// join: none while the undated reports are swept, which any may join.
func (s *sweep) closable(day int32) []*linked {
	if day == noDay {
		return nil
	}
	return s.take(func(set *linked) bool { return !set.undated && day-set.last > window })
}

// closeAll takes out every open set: the sweep is over.
func (s *sweep) closeAll() []*linked { return s.take(func(*linked) bool { return true }) }

func (s *sweep) take(done func(*linked) bool) []*linked {
	var out []*linked
	for root, set := range s.open {
		if done(set) {
			out = append(out, set)
			delete(s.open, root)
		}
	}
	// Their reports leave the sweep after they are told.
	slices.SortFunc(out, func(a, b *linked) int { return cmp.Compare(slices.Min(a.members), slices.Min(b.members)) })
	return out
}

// local returns the profiles of the set's reports sorted by index (their
// rank by ID), and its edges between them renumbered to that order, and
// lets the reports go.
func (set *linked) local(profiles map[int32]*profile) ([]profile, []edge) {
	slices.Sort(set.members)
	at := make(map[int32]int, len(set.members))
	ps := make([]profile, len(set.members))
	for k, i := range set.members {
		at[i] = k
		ps[k] = *profiles[i]
		delete(profiles, i)
	}
	var edges []edge
	for _, e := range set.edges {
		a, okA := at[int32(e.a)]
		b, okB := at[int32(e.b)]
		if okA && okB {
			edges = append(edges, edge{a, b, e.sim})
		}
	}
	slices.SortFunc(edges, func(x, y edge) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	return ps, edges
}

// held are reports by ID, in memory.
type held map[string]Report

func (h held) Reports(_ context.Context, ids []string) ([]Report, error) {
	out := make([]Report, 0, len(ids))
	for _, id := range ids {
		if r, ok := h[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}
