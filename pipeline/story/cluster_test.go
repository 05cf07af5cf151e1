package story

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// unpermute maps the groups of permuted items (item i at index perm[i])
// back to the items, each group named by its smallest item.
func unpermute(group []int, perm []int) []int {
	smallest := map[int]int{}
	for i, p := range perm {
		if s, ok := smallest[group[p]]; !ok || i < s {
			smallest[group[p]] = i
		}
	}
	out := make([]int, len(perm))
	for i, p := range perm {
		out[i] = smallest[group[p]]
	}
	return out
}

func TestAverageLinkOrderIndependent(t *testing.T) {
	tests := []struct {
		name      string
		n         int
		edges     []edge
		threshold float64
		want      []int
	}{
		{"empty", 3, nil, 0.5, []int{0, 1, 2}},
		{"one pair", 3, []edge{{0, 2, 0.9}}, 0.5, []int{0, 1, 0}},
		{"below threshold", 2, []edge{{0, 1, 0.4}}, 0.5, []int{0, 1}},
		// 0-1 merge first; the group {0,1} averages (0.8+0)/2 with 2.
		{"average, not single link", 3, []edge{{0, 1, 0.9}, {1, 2, 0.8}}, 0.5, []int{0, 0, 2}},
		{"average reaches", 3, []edge{{0, 1, 0.9}, {1, 2, 0.8}, {0, 2, 0.3}}, 0.5, []int{0, 0, 0}},
		{"two components", 6, []edge{{0, 3, 0.7}, {3, 5, 0.6}, {0, 5, 0.65}, {1, 2, 0.9}, {2, 4, 0.2}}, 0.5, []int{0, 1, 1, 0, 4, 0}},
		{"equal similarities", 4, []edge{{0, 1, 0.6}, {1, 2, 0.6}, {2, 3, 0.6}}, 0.5, []int{0, 0, 2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := averageLink(tt.n, tt.edges, tt.threshold, nil); !slices.Equal(got, tt.want) {
				t.Fatalf("averageLink(%d, %v, %v) = %v, want %v", tt.n, tt.edges, tt.threshold, got, tt.want)
			}
			r := rand.New(rand.NewPCG(1, 2))
			for range 20 {
				edges := slices.Clone(tt.edges)
				r.Shuffle(len(edges), func(i, j int) { edges[i], edges[j] = edges[j], edges[i] })
				if got := averageLink(tt.n, edges, tt.threshold, nil); !slices.Equal(got, tt.want) {
					t.Fatalf("averageLink with edges shuffled %v = %v, want %v", edges, got, tt.want)
				}
			}
		})
	}
}

// TestClusterPermuted clusters random reports under permutations of their
// indexes, with the group contrast, and wants the same partition.
func TestClusterPermuted(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vocab := []string{"klitschko", "rahman", "thompson", "ibf", "5.6", "23", "qeshm", "cheeks", "sixers", "heavyweight"}
	for trial := range 20 {
		n := 12
		ps := make([]profile, n)
		for i := range ps {
			for _, w := range vocab {
				if r.IntN(3) == 0 {
					ps[i].marks = append(ps[i].marks, weight{key(w), float32(everyday()(w))})
				}
			}
			slices.SortFunc(ps[i].marks, byKey)
		}
		var edges []edge
		for i := range n {
			for j := i + 1; j < n; j++ {
				if r.IntN(2) == 0 {
					// distinct similarities: ties are broken by index, which a
					// permutation changes.
					edges = append(edges, edge{i, j, 0.05 + 0.9*r.Float64()})
				}
			}
		}
		c := contrastParams{weight: 0.2, share: 0.6, scale: 10, least: 2}
		want := clusterWith(ps, edges, 0.3, c)
		for range 10 {
			perm := r.Perm(n) // item i becomes perm[i]
			qs := make([]profile, n)
			for i, p := range perm {
				qs[p] = ps[i]
			}
			var es []edge
			for _, e := range edges {
				a, b := perm[e.a], perm[e.b]
				es = append(es, edge{min(a, b), max(a, b), e.sim})
			}
			r.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })
			got := unpermute(clusterWith(qs, es, 0.3, c), perm)
			if !slices.Equal(got, want) {
				t.Fatalf("trial %d: permuted clustering %v, want %v", trial, got, want)
			}
		}
	}
}

// TestContrastNeedsFullGroups wants names to tell two groups apart only
// once each has p.least reports.
func TestContrastNeedsFullGroups(t *testing.T) {
	rahman := []string{"klitschko", "rahman", "hasim", "mannheim"}
	thompson := []string{"klitschko", "thompson", "tony", "bern"}
	tests := []struct {
		sizeA, sizeB int
		want         bool // some contrast
	}{
		{1, 1, false},
		{1, 6, false},
		{4, 6, false},
		{5, 5, true},
		{6, 8, true},
	}
	for _, tt := range tests {
		var ps []profile
		for range tt.sizeA {
			ps = append(ps, marked(rahman...))
		}
		for range tt.sizeB {
			ps = append(ps, marked(thompson...))
		}
		g := newNameGroups(ps, contrastParams{weight: 0.7, share: 0.6, scale: 10, least: 5})
		for i := 1; i < tt.sizeA; i++ {
			g.merge(0, i)
		}
		for i := tt.sizeA + 1; i < len(ps); i++ {
			g.merge(tt.sizeA, i)
		}
		if c := g.contrast(0, tt.sizeA); (c > 0) != tt.want {
			t.Errorf("contrast of groups of %d and %d = %.2f, want some: %v", tt.sizeA, tt.sizeB, c, tt.want)
		}
	}
}

// marked is a profile with the given marks, each of weight 11 (a name
// everyday English does not use).
func marked(marks ...string) profile {
	var p profile
	for _, m := range marks {
		p.marks = append(p.marks, weight{key(m), 11})
	}
	slices.SortFunc(p.marks, byKey)
	return p
}
