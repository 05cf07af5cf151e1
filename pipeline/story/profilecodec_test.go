package story

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/storyline/storyline"
)

// TestProfileSurvivesTheStore checks that a profile read back from its
// bytes is the profile: an update that compares with stored profiles
// must find the similarities a build finds.
func TestProfileSurvivesTheStore(t *testing.T) {
	// A field added to profile must be written by encodeProfile too.
	if n := reflect.TypeFor[profile]().NumField(); n != 8 {
		t.Fatalf("profile has %d fields, the codec writes 7 and the ID: add the new one to encodeProfile and decodeProfile", n)
	}
	text := "Sergei Lavrov met Hakan Fidan in Moscow on 25 April 2023, with 5.6 billion at stake."
	met := Report{Article: &storyline.Article{ID: "met", Title: "Talks", Text: text},
		Entities: []storyline.Entity{
			{Type: storyline.Person, Start: 0, End: 13, Norm: "Sergei Lavrov"},
			{Type: storyline.Person, Start: 18, End: 29, Norm: "Hakan Fidan"},
			{Type: storyline.Date, Start: 43, End: 56, Norm: "2023-04-25"},
		}}
	reports := append(syntheticReports(), met, Report{Article: &storyline.Article{ID: "empty"}})
	idf := everyday()
	full := false // some profile has every field
	for _, r := range reports {
		p := newProfile(r, idf)
		full = full || len(p.terms) > 0 && len(p.anchors) > 0 && len(p.marks) > 0 && len(p.people) > 0 && len(p.years) > 0 && len(p.namesakes) > 0
		q, err := decodeProfile(p.id, encodeProfile(&p))
		if err != nil {
			t.Fatalf("decodeProfile(encodeProfile(%s)): %v", p.id, err)
		}
		if fmt.Sprint(q) != fmt.Sprint(p) {
			t.Errorf("profile of %s reads back as\n%v\nwant\n%v", p.id, q, p)
		}
	}
	if !full {
		t.Error("no test report has every field of a profile")
	}
}

func TestDamagedProfile(t *testing.T) {
	p := newProfile(syntheticReports()[0], everyday())
	data := encodeProfile(&p)
	for _, bad := range [][]byte{nil, {9}, data[:len(data)-1], append(data, 0), data[:20]} {
		if _, err := decodeProfile("x", bad); !errors.Is(err, errProfile) {
			t.Errorf("decodeProfile of %d damaged bytes = %v, want %v", len(bad), err, errProfile)
		}
	}
}
