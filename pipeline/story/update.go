package story

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/storyline/storyline"
)

// Index is the story index as Update reads it: the reports filed under
// each anchor, and the keys and story of each report. Update asks it
// from several goroutines at once.
type Index interface {
	// Anchored returns the reports filed under each anchor published from
	// day from to day to (YYYY-MM-DD), and those of unknown date; all of
	// them when from and to are "".
	Anchored(ctx context.Context, anchors []string, from, to string) (map[string][]string, error)
	StoryKeys(ctx context.Context, ids []string) (map[string]storyline.StoryKeys, map[string]string, error)
	// Profiles returns the stored profiles of the reports ids that have
	// one, as StoryUpdate.Profiles gave them.
	Profiles(ctx context.Context, ids []string) (map[string][]byte, error)
}

// Update groups again the reports changed (new ones, or ones whose text or
// extraction changed) together with every report a link could join to
// them, and tells the stories they make: an update that drops their old
// stories and puts the new ones. Its stories are those Build would make
// over the whole store, since a story never spans two sets of reports that
// no link joins; and it reads the reports that share an anchor with a
// changed one and the stories they reach, not the store.
func Update(ctx context.Context, src Reports, idx Index, changed []string, version string) (storyline.StoryUpdate, error) {
	u := storyline.StoryUpdate{Version: version}
	if len(changed) == 0 {
		return u, nil
	}
	// The changed reports are read once: they are told again.
	freshReports, err := src.Reports(ctx, changed)
	if err != nil {
		return u, fmt.Errorf("read reports: %w", err)
	}
	fresh := profileAll(freshReports)
	told := heldFirst{held: held{}, src: src}
	for _, r := range freshReports {
		told.held[r.Article.ID] = r
	}
	// The reports that may now link to a changed one share an anchor
	// with it and are comparable in time.
	inChanged := map[string]bool{}
	for _, id := range changed {
		inChanged[id] = true
	}
	near, err := anchoredOf(ctx, idx, fresh)
	if err != nil {
		return u, err
	}
	candidateIDs := map[string]bool{}
	candidatesOf := make([][]string, len(fresh)) // of fresh[i], each sharing an anchor with it
	for i, anchored := range near {
		for _, ids := range anchored {
			for _, id := range ids {
				if !inChanged[id] {
					candidateIDs[id] = true
					candidatesOf[i] = append(candidatesOf[i], id)
				}
			}
		}
	}
	cands, err := profiled(ctx, src, idx, slices.Sorted(maps.Keys(candidateIDs)))
	if err != nil {
		return u, err
	}
	byID := make(map[string]*profile, len(cands))
	for j := range cands {
		byID[cands[j].id] = &cands[j]
	}
	// Start from the changed reports, what they link to now and what they
	// linked to before; then follow the stored links to every report they
	// reach.
	members := map[string]bool{}
	var frontier []string
	add := func(id string) {
		if !members[id] {
			members[id] = true
			frontier = append(frontier, id)
		}
	}
	for _, id := range changed {
		add(id)
	}
	for i := range fresh {
		for _, id := range candidatesOf[i] {
			if q := byID[id]; q != nil && !members[id] && comparable(&fresh[i], q) && similarity(&fresh[i], q) >= link {
				add(id)
			}
		}
	}
	oldStories := map[string]bool{}
	for len(frontier) > 0 {
		if err := ctx.Err(); err != nil {
			return u, err
		}
		keys, storyOf, err := idx.StoryKeys(ctx, frontier)
		if err != nil {
			return u, fmt.Errorf("story index: %w", err)
		}
		frontier = nil
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			for _, l := range keys[k].Links {
				add(l)
			}
		}
		for _, s := range storyOf {
			if s != "" {
				oldStories[s] = true
			}
		}
	}
	known := map[string]profile{}
	for _, p := range slices.Concat(fresh, cands) {
		known[p.id] = p
	}
	var rest []string
	for id := range members {
		if _, ok := known[id]; !ok {
			rest = append(rest, id)
		}
	}
	more, err := profiled(ctx, src, idx, slices.Sorted(slices.Values(rest)))
	if err != nil {
		return u, err
	}
	var ps []profile
	for _, p := range slices.Concat(fresh, cands, more) {
		if members[p.id] {
			ps = append(ps, p)
			delete(members, p.id) // a report loaded twice counts once
		}
	}
	u, err = groupAndTell(ctx, told, ps)
	u.Remove, u.Version = slices.Sorted(maps.Keys(oldStories)), version
	// A changed report src does not give (its extraction is not made
	// yet) has left its story; it returns once extracted.
	read := map[string]bool{}
	for _, p := range fresh {
		read[p.id] = true
	}
	for _, id := range changed {
		if !read[id] {
			u.Unindex = append(u.Unindex, id)
		}
	}
	return u, err
}

// lookups bounds the index lookups in flight at once. Each is small, and
// a shared store answers it only after a network round trip: an update of
// ten thousand reports, asking one at a time, waited seconds on the
// network with its CPU idle.
const lookups = 8

// anchoredOf returns, for each of ps, the reports that share an anchor
// with it and are comparable in time: the reports filed under its anchors
// within the window of its day, and those about its people within the
// longer window of names. Each result holds the lists of IDs per anchor.
func anchoredOf(ctx context.Context, idx Index, ps []profile) ([][][]string, error) {
	out := make([][][]string, len(ps))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lookups)
	for i := range ps {
		p := &ps[i]
		g.Go(func() error {
			from, to := "", ""
			if p.day != noDay {
				from, to = dayString(p.day-window), dayString(p.day+window)
			}
			anchored, err := idx.Anchored(gctx, anchors(p), from, to)
			if err != nil {
				return fmt.Errorf("story index: %w", err)
			}
			out[i] = slices.Collect(maps.Values(anchored))
			// The reports about its people are comparable for longer.
			if names := aboutOf(p); p.day != noDay && len(names) > 0 {
				far, err := idx.Anchored(gctx, names, dayString(p.day-nameWindow), dayString(p.day+nameWindow))
				if err != nil {
					return fmt.Errorf("story index: %w", err)
				}
				out[i] = append(out[i], slices.Collect(maps.Values(far))...)
			}
			return nil
		})
	}
	return out, g.Wait()
}

// profiled returns the profiles of the reports ids that src has, sorted
// by ID: those stored in idx as they are, the others made from the
// reports. A stored profile that does not decode is made again.
func profiled(ctx context.Context, src Reports, idx Index, ids []string) ([]profile, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	stored, err := idx.Profiles(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("story index: %w", err)
	}
	out := make([]profile, 0, len(ids))
	var unread []string
	for _, id := range ids {
		p, err := decodeProfile(id, stored[id])
		if err != nil {
			unread = append(unread, id)
			continue
		}
		out = append(out, p)
	}
	if len(unread) > 0 {
		reports, err := src.Reports(ctx, unread)
		if err != nil {
			return nil, fmt.Errorf("read reports: %w", err)
		}
		out = append(out, profileAll(reports)...)
	}
	slices.SortStableFunc(out, func(a, b profile) int { return cmp.Compare(a.id, b.id) })
	return out, nil
}

// heldFirst reads the reports it holds from memory, the others from src,
// in the order of ids.
type heldFirst struct {
	held held
	src  reader
}

func (h heldFirst) Reports(ctx context.Context, ids []string) ([]Report, error) {
	var missing []string
	for _, id := range ids {
		if _, ok := h.held[id]; !ok {
			missing = append(missing, id)
		}
	}
	var read []Report
	if len(missing) > 0 {
		var err error
		if read, err = h.src.Reports(ctx, missing); err != nil {
			return nil, err
		}
	}
	byID := make(map[string]Report, len(read))
	for _, r := range read {
		byID[r.Article.ID] = r
	}
	out := make([]Report, 0, len(ids))
	for _, id := range ids {
		if r, ok := h.held[id]; ok {
			out = append(out, r)
		} else if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}
