package story

import (
	"cmp"
	"context"
	"maps"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/storyline/storyline"
)

// Build groups every report of src into stories and tells each one: an
// update that replaces every stored story and index key. It holds them all
// in memory; BuildInParts gives them as they are told.
func Build(ctx context.Context, src Reports, version string) (storyline.StoryUpdate, error) {
	u := storyline.StoryUpdate{All: true, Version: version, Keys: map[string]storyline.StoryKeys{}, Profiles: map[string][]byte{}}
	err := BuildInParts(ctx, src, func(part storyline.StoryUpdate) error {
		u.Put = append(u.Put, part.Put...)
		maps.Copy(u.Keys, part.Keys)
		maps.Copy(u.Profiles, part.Profiles)
		return nil
	})
	slices.SortFunc(u.Put, func(a, b storyline.Story) int { return cmp.Compare(a.ID, b.ID) })
	return u, err
}

// BuildInParts groups every report of src into stories, tells each one and
// gives put the stories told and the index keys of their reports, part by
// part: together the parts hold every story and every report's keys once.
// The stories depend only on the set of reports, never on the order in
// which they were stored: profiles and similarities are pure functions of
// two reports, and grouping breaks ties by article ID.
//
// It sweeps the reports by publication day, so that memory holds the
// reports of the last window of days and the stories still open, not the
// store: reports are compared only within window days of each other (those
// of unknown date with all, so they are taken first and kept), and a set of
// linked reports whose last day is more than window days behind the sweep
// can gain no report, so it is grouped, told, put and let go. Reports of
// one subject are compared up to nameWindow days apart, so a first pass
// (subjects) finds, for each report, the last later one of its subject,
// and a set is held past its window only until that report comes.
func BuildInParts(ctx context.Context, src Reports, put func(storyline.StoryUpdate) error) error {
	var all []dated
	err := src.Dated(ctx, func(id string, published time.Time) error {
		all = append(all, dated{id, dayOf(published)})
		return nil
	})
	if err != nil {
		return err
	}
	// Undated first, then by day; by ID within a day, which makes the
	// sweep's batches, though not its stories, the same in every run.
	slices.SortFunc(all, func(a, b dated) int { return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.id, b.id)) })

	sw := newSweep()
	if sw.reachOf, err = subjects(ctx, src, all); err != nil {
		return err
	}
	// closeOpen groups and tells the sets that closed, on every core, puts
	// them and lets their reports go.
	closeOpen := func(sets []*linked) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		local := make([]struct {
			ps    []profile
			edges []edge
		}, len(sets))
		for k, set := range sets {
			local[k].ps, local[k].edges = sw.local(set)
		}
		told := make([]storyline.StoryUpdate, len(sets))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(runtime.GOMAXPROCS(0))
		for k := range sets {
			g.Go(func() (err error) {
				told[k], err = tellGroups(gctx, sw.held, local[k].ps, local[k].edges)
				return err
			})
		}
		err := g.Wait()
		for k := range sets {
			for _, p := range local[k].ps {
				delete(sw.held, p.id)
			}
		}
		if err != nil || len(sets) == 0 {
			return err
		}
		part := storyline.StoryUpdate{Keys: map[string]storyline.StoryKeys{}, Profiles: map[string][]byte{}}
		for k := range told {
			part.Put = append(part.Put, told[k].Put...)
			maps.Copy(part.Keys, told[k].Keys)
			maps.Copy(part.Profiles, told[k].Profiles)
		}
		return put(part)
	}
	next := int32(0) // the index of the next report the sweep takes
	for start := 0; start < len(all); start += batch {
		ids := make([]string, 0, batch)
		for _, d := range all[start:min(len(all), start+batch)] {
			ids = append(ids, d.id)
		}
		reports, err := src.Reports(ctx, ids)
		if err != nil {
			return err
		}
		ps := profileAll(reports)
		if len(ps) > 0 {
			if err := closeOpen(sw.closable(ps[0].day)); err != nil {
				return err
			}
		}
		idx := make([]int32, len(ps))
		for k, p := range ps {
			idx[k] = next
			next++
			sw.held[p.id] = reports[k]
		}
		sw.addBatch(idx, ps)
	}
	return closeOpen(sw.closeAll())
}

// dated is a report of a rebuild, by its ID and day.
type dated struct {
	id  string
	day int32
}

// batch is how many reports a rebuild reads at once.
const batch = 256

// dayOf is the day of a publication time, or noDay.
func dayOf(published time.Time) int32 {
	if published.IsZero() {
		return noDay
	}
	// Floored, so that a day before 1970 is its own, not the next.
	return int32(math.Floor(float64(published.Unix()) / 86400))
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
	// reachOf are the reports, by index, that a later one more than window
	// days after them is of one subject with: the day of the last such.
	reachOf map[int32]int32
}

// linked is a set of reports that links join, with the candidate edges
// from its reports.
type linked struct {
	members []int32
	edges   []edge // by index; some may lead out of the set
	last    int32  // latest day of its reports
	undated bool   // it holds a report of unknown date, which any may join
	// reach is the last day of a report about one of its people that may
	// still be compared with one of its reports.
	reach int32
}

func newSweep() *sweep {
	return &sweep{profiles: map[int32]*profile{}, held: held{}, undated: map[string][]int32{}, dated: map[string][]int32{},
		parent: map[int32]int32{}, open: map[int32]*linked{}}
}

// subjects is a first pass over the dated reports of all, in their order:
// for each report that a later one more than window days after it is of
// one subject with (sameSubject), by its index in all, the day of the last
// such. It reads who each report is about, then profiles only the reports
// whose people are reported on again more than window days away, holding
// nameWindow days of their subjects.
func subjects(ctx context.Context, src Reports, all []dated) (map[int32]int32, error) {
	var dated []int32
	for i, d := range all {
		if d.day != noDay {
			dated = append(dated, int32(i))
		}
	}
	names := make([][]uint64, len(all))
	days := map[uint64][]int32{} // of the reports about each person, in order
	err := entitiesOf(ctx, src, all, dated, func(i int32, es []storyline.Entity) {
		for _, n := range aboutWhom(es) {
			names[i] = append(names[i], key(n))
			days[key(n)] = append(days[key(n)], all[i].day)
		}
	})
	if err != nil {
		return nil, err
	}
	var far []int32
	for _, i := range dated {
		if slices.ContainsFunc(names[i], func(k uint64) bool { return farApart(days[k], all[i].day) }) {
			far = append(far, i)
		}
	}
	names, days = nil, nil

	type seen struct {
		i, day int32
		s      subject
	}
	reach := map[int32]int32{}
	recent := map[uint64][]*seen{} // by name, in order
	// filed are the names of recent, as filed, in order: the names too
	// old go from the front, those used again and those not alike.
	type file struct {
		name uint64
		day  int32
	}
	var filed []file
	err = readEach(ctx, src, all, far, func(i int32, r Report) {
		full := newProfile(r, everyday())
		p := &seen{i, full.day, subjectOf(&full)}
		for len(filed) > 0 && p.day-filed[0].day > nameWindow {
			name := filed[0].name
			list := recent[name]
			for len(list) > 0 && p.day-list[0].day > nameWindow {
				list = list[1:]
			}
			if len(list) == 0 {
				delete(recent, name)
			} else {
				recent[name] = list
			}
			filed = filed[1:]
		}
		for _, name := range p.s.names {
			list := recent[name]
			filed = append(filed, file{name, p.day})
			for _, q := range list {
				if p.day-q.day > window && sameSubject(q.s, p.s) {
					reach[q.i] = max(reach[q.i], p.day)
				}
			}
			recent[name] = append(list, p)
		}
	})
	return reach, err
}

// farApart reports whether days, sorted, hold one more than window and at
// most nameWindow days away from day.
func farApart(days []int32, day int32) bool {
	if i, _ := slices.BinarySearch(days, day+window+1); i < len(days) && days[i] <= day+nameWindow {
		return true
	}
	i, _ := slices.BinarySearch(days, day-nameWindow)
	return i < len(days) && days[i] < day-window
}

// entityReader reads the entities of reports without their text, which a
// first pass over the store does not need: a Reports may offer it.
type entityReader interface {
	Entities(ctx context.Context, ids []string) (map[string][]storyline.Entity, error)
}

// entitiesOf reads the entities of the reports of all at the indexes idx,
// in batches, and calls fn with them in the order of idx: without the
// reports' text when src is an entityReader. Any it does not have are
// left out, or given with entities the extraction of its text no longer
// matches, which can only hold a set longer.
func entitiesOf(ctx context.Context, src Reports, all []dated, idx []int32, fn func(i int32, es []storyline.Entity)) error {
	er, ok := src.(entityReader)
	if !ok {
		return readEach(ctx, src, all, idx, func(i int32, r Report) { fn(i, r.Entities) })
	}
	for start := 0; start < len(idx); start += batch {
		part := idx[start:min(len(idx), start+batch)]
		ids := make([]string, len(part))
		for k, i := range part {
			ids[k] = all[i].id
		}
		ents, err := er.Entities(ctx, ids)
		if err != nil {
			return err
		}
		for k, i := range part {
			if es, ok := ents[ids[k]]; ok {
				fn(i, es)
			}
		}
	}
	return nil
}

// readEach reads the reports of all at the indexes idx, in batches, and
// calls fn with each in the order of idx.
func readEach(ctx context.Context, src Reports, all []dated, idx []int32, fn func(i int32, r Report)) error {
	for start := 0; start < len(idx); start += batch {
		part := idx[start:min(len(idx), start+batch)]
		ids := make([]string, len(part))
		at := make(map[string]int32, len(part))
		for k, i := range part {
			ids[k], at[all[i].id] = all[i].id, i
		}
		reports, err := src.Reports(ctx, ids)
		if err != nil {
			return err
		}
		for _, r := range reports {
			fn(at[r.Article.ID], r)
		}
	}
	return nil
}

func (s *sweep) find(i int32) int32 {
	for s.parent[i] != i {
		s.parent[i] = s.parent[s.parent[i]]
		i = s.parent[i]
	}
	return i
}

// addBatch adds reports of consecutive days, ps with their indexes idx:
// each is compared with the reports before it that share an anchor, on
// every core, then linked, and filed under its anchors.
func (s *sweep) addBatch(idx []int32, ps []profile) {
	if len(ps) == 0 {
		return
	}
	// Dated reports come in day order: those too old to compare with the
	// first of the batch are too old for every later one.
	if first := &ps[0]; first.day != noDay {
		for _, p := range ps {
			for _, a := range p.anchors {
				keep := int32(window)
				if isName(a) {
					keep = nameWindow
				}
				old := s.dated[a]
				k := 0
				for k < len(old) && (s.profiles[old[k]] == nil || first.day-s.profiles[old[k]].day > keep) {
					k++
				}
				s.dated[a] = old[k:]
			}
		}
	}
	// before[k] are, by anchor, the reports filed before report k: what it
	// is compared with.
	before := make([][][]int32, len(ps))
	for k := range ps {
		// Each profile is held on its own: a pointer into ps would keep
		// the whole batch's profiles while one report of it stays open.
		p, i := new(ps[k]), idx[k]
		s.profiles[i] = p
		s.parent[i] = i
		s.open[i] = &linked{members: []int32{i}, last: p.day, undated: p.day == noDay, reach: max(p.day, s.reachOf[i])}
		for _, a := range p.anchors {
			before[k] = append(before[k], s.undated[a], s.dated[a])
			if p.day == noDay {
				s.undated[a] = append(s.undated[a], i)
			} else {
				s.dated[a] = append(s.dated[a], i)
			}
		}
	}
	found := make([][]edge, len(ps))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := w; k < len(ps); k += workers {
				found[k] = s.compare(idx[k], &ps[k], before[k])
			}
		})
	}
	wg.Wait()
	for k, edges := range found {
		set := s.open[s.find(idx[k])]
		set.edges = append(set.edges, edges...)
		for _, e := range edges {
			if e.sim >= link {
				s.union(int32(e.a), int32(e.b))
			}
		}
	}
}

// compare returns the edges from report i to the reports of lists it may
// be compared with. It only reads the sweep.
func (s *sweep) compare(i int32, p *profile, lists [][]int32) []edge {
	seen := map[int32]bool{}
	var edges []edge
	for _, list := range lists {
		for _, j := range list {
			if seen[j] {
				continue
			}
			seen[j] = true
			q := s.profiles[j]
			if q == nil || !comparable(p, q) {
				continue // of a set told already, or too old
			}
			if sim := similarity(p, q); sim > floor {
				edges = append(edges, edge{int(min(i, j)), int(max(i, j)), sim})
			}
		}
	}
	return edges
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
	x.reach = max(x.reach, y.reach)
	x.undated = x.undated || y.undated
	delete(s.open, b)
}

// closable takes out the open sets that no report of day or later can
// join: none while the undated reports are swept, which any may join.
func (s *sweep) closable(day int32) []*linked {
	if day == noDay {
		return nil
	}
	return s.take(func(set *linked) bool { return !set.undated && day-set.last > window && day > set.reach })
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

// local returns the profiles of the set's reports sorted by ID, and its
// edges between them renumbered to that order, and lets the reports go.
func (s *sweep) local(set *linked) ([]profile, []edge) {
	slices.SortFunc(set.members, func(i, j int32) int { return cmp.Compare(s.profiles[i].id, s.profiles[j].id) })
	at := make(map[int32]int, len(set.members))
	ps := make([]profile, len(set.members))
	for k, i := range set.members {
		at[i] = k
		ps[k] = *s.profiles[i]
		delete(s.profiles, i)
		delete(s.parent, i)
	}
	// The reports that left are trimmed from the front of their anchors'
	// lists, and an anchor none holds any more goes: a store's words
	// would otherwise pile up here.
	for k := range ps {
		for _, a := range ps[k].anchors {
			list := s.dated[a]
			for len(list) > 0 && s.profiles[list[0]] == nil {
				list = list[1:]
			}
			if len(list) == 0 {
				delete(s.dated, a)
			} else {
				s.dated[a] = list
			}
		}
	}
	var edges []edge
	for _, e := range set.edges {
		a, okA := at[int32(e.a)]
		b, okB := at[int32(e.b)]
		if okA && okB {
			edges = append(edges, edge{min(a, b), max(a, b), e.sim})
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
