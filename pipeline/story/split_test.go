package story

import (
	"math/rand/v2"
	"slices"
	"testing"
)

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

func TestSplit(t *testing.T) {
	rahman := []string{"klitschko", "rahman", "hasim", "mannheim", "lewis"}
	thompson := []string{"klitschko", "thompson", "tony", "bern", "williams"}
	p := splitParams{share: 0.6, at: 30, half: 3}
	tests := []struct {
		name string
		ps   []profile
		want []int
	}{
		{"two fights", []profile{marked(rahman...), marked(thompson...), marked(rahman...), marked(thompson...),
			marked(rahman...), marked(thompson...), marked(rahman[:4]...), marked(thompson[1:]...)},
			[]int{0, 1, 0, 1, 0, 1, 0, 1}},
		// The second half has names of its own, but too few to be a story.
		{"too little of its own", []profile{marked(rahman...), marked("klitschko", "rahman", "x"), marked(rahman...),
			marked("klitschko", "rahman", "x"), marked(rahman...), marked("klitschko", "rahman", "x")},
			[]int{0, 0, 0, 0, 0, 0}},
		{"halves too small", []profile{marked(rahman...), marked(thompson...), marked(rahman...), marked(thompson...)},
			[]int{0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			label := make([]int, len(tt.ps)) // one group
			if got := split(tt.ps, label, p); !slices.Equal(got, tt.want) {
				t.Errorf("split = %v, want %v", got, tt.want)
			}
			r := rand.New(rand.NewPCG(5, 6))
			for range 10 {
				perm := r.Perm(len(tt.ps))
				qs := make([]profile, len(tt.ps))
				for i, j := range perm {
					qs[j] = tt.ps[i]
				}
				if got := unpermute(split(qs, make([]int, len(qs)), p), perm); !slices.Equal(got, tt.want) {
					t.Fatalf("split of permuted reports = %v, want %v", got, tt.want)
				}
			}
		})
	}
}
