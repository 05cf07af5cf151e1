// Package doc is the stored form of an extraction that every store keeps:
// short keys, and no entity text, which the article's text holds already
// (text[start:end]). The bbolt and PostgreSQL stores share it so that an
// extraction reads back the same from either.
package doc

import "github.com/storyline/storyline"

// Extraction is what a store keeps of a storyline.Extraction besides its
// article ID, version and article hash, which each store keeps its own way.
type Extraction struct {
	Lang     string   `json:"l,omitempty"`
	Skipped  string   `json:"k,omitempty"`
	Entities []Entity `json:"e"`
}

// Entity is a storyline.Entity without its text.
type Entity struct {
	Type  storyline.EntityType `json:"t"`
	Start int                  `json:"s"`
	End   int                  `json:"x"`
	Norm  string               `json:"n"`
	Form  string               `json:"f,omitempty"`
	// Country is a place's country code.
	Country string `json:"c,omitempty"`
}

// Of is the stored form of x.
func Of(x *storyline.Extraction) Extraction {
	d := Extraction{Lang: x.Lang, Skipped: x.Skipped, Entities: make([]Entity, len(x.Entities))}
	for i, e := range x.Entities {
		d.Entities[i] = Entity{e.Type, e.Start, e.End, e.Norm, e.Form, e.Country}
	}
	return d
}

// Extraction is the extraction of the article with the given ID and text.
// An entity whose offsets do not fit the text (the article changed since)
// keeps an empty text; the extraction is stale anyway.
func (d Extraction) Extraction(id, version, hash, text string) *storyline.Extraction {
	x := &storyline.Extraction{ArticleID: id, Version: version, ArticleHash: hash,
		Lang: d.Lang, Skipped: d.Skipped, Entities: make([]storyline.Entity, len(d.Entities))}
	for i, e := range d.Entities {
		x.Entities[i] = storyline.Entity{Type: e.Type, Start: e.Start, End: e.End, Norm: e.Norm, Form: e.Form, Country: e.Country}
		if 0 <= e.Start && e.Start <= e.End && e.End <= len(text) {
			x.Entities[i].Text = text[e.Start:e.End]
		}
	}
	return x
}
