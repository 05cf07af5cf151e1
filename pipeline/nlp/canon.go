package nlp

import (
	"slices"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
)

// CanonicalNames maps each person name used across a store (with how often
// it is used) to one canonical name per person: identity.Census's names.
//
// Deprecated: use identity.Census and identity.Names; this wrapper stays
// only until internal/cli, its last caller, uses them.
func CanonicalNames(counts map[string]int) map[string]string {
	c := identity.NewCensus()
	for name, n := range counts {
		if n > 0 {
			c.Add(slices.Repeat([]storyline.Entity{{Type: storyline.Person, Norm: name}}, n))
		}
	}
	names := c.Names()
	out := make(map[string]string, len(counts))
	for name := range counts {
		out[name] = names.Of(name)
	}
	return out
}
