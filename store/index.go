package store

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
	"github.com/storyline/storyline/store/internal/doc"
)

// The query index files every article under the terms of Terms, so that
// `extract dump -person …` and the pages read the reports that can answer
// rather than every report. It is a function of what is stored: each write
// of an article or an extraction files that article again, in the same
// transaction, so the index is never behind the store.
var (
	// bucketIndex holds a key per term and article: the term's kind, its
	// value, 0, the article ID; no value.
	bucketIndex = []byte("query_index")
	// bucketTerms holds, per article, the terms it is filed under now
	// (kind and value, each ended by 0), to take them out again.
	bucketTerms = []byte("query_terms")
	// keyIndex, in meta, is the version of the terms the index was built
	// with; a store without it (made before the index) is indexed on open.
	keyIndex = []byte("query_index")
)

// indexVersion names the terms Terms makes: change it with them, and
// every store is indexed again on its next open for writing.
const indexVersion = "1"

// IndexVersion is indexVersion for the other stores, which file articles
// under the same Terms and rebuild their index when it changes.
const IndexVersion = indexVersion

// A TermKind is what a term of the query index says of an article.
type TermKind string

// The kinds of terms.
const (
	// TermPerson: a person entity's identity.SurnameKey ("lavrov"), for
	// full names and surnames alike. Every name a person is known by in a
	// story shares that key, so the reports of the stories filed under it
	// hold every report that can name the person.
	TermPerson TermKind = "p"
	// TermCountry: a country entity's ISO code ("TR").
	TermCountry TermKind = "c"
	// TermPlace: a place entity's English name in lower case ("moscow").
	TermPlace TermKind = "l"
	// TermDay: the article's publication day, YYYY-MM-DD.
	TermDay TermKind = "d"
	// TermUndated: the article has no publication day; the value is "".
	TermUndated TermKind = "u"
)

// A Term is one key of the query index.
type Term struct {
	Kind  TermKind
	Value string
}

// Terms are the terms article a is filed under, given its stored
// extraction x (nil when it has none), sorted and without repeats: its
// publication day (or TermUndated), and, when x was made from a's current
// text (x.ArticleHash == a.Hash), a term per person, country and place
// entity. A stale extraction's entities are not the text's, so they file
// nothing. A value holding a 0 byte, or empty but for TermUndated, is left
// out. Every store files articles under exactly these terms.
func Terms(a *storyline.Article, x *storyline.Extraction) []Term {
	var ents []doc.Entity
	if x != nil {
		for _, e := range x.Entities {
			ents = append(ents, doc.Entity{Type: e.Type, Norm: e.Norm})
		}
	}
	current := x != nil && x.ArticleHash == a.Hash
	return terms(a.Published, current, ents)
}

func terms(published time.Time, current bool, ents []doc.Entity) []Term {
	var out []Term
	if published.IsZero() {
		out = append(out, Term{TermUndated, ""})
	} else {
		out = append(out, Term{TermDay, published.Format(time.DateOnly)})
	}
	if current {
		for _, e := range ents {
			switch e.Type {
			case storyline.Person:
				out = append(out, Term{TermPerson, identity.SurnameKey(e.Norm)})
			case storyline.Country:
				out = append(out, Term{TermCountry, e.Norm})
			case storyline.Place:
				out = append(out, Term{TermPlace, strings.ToLower(e.Norm)})
			}
		}
	}
	out = slices.DeleteFunc(out, func(t Term) bool {
		return strings.IndexByte(t.Value, 0) >= 0 || t.Value == "" && t.Kind != TermUndated
	})
	slices.SortFunc(out, func(a, b Term) int {
		return cmp.Or(strings.Compare(string(a.Kind), string(b.Kind)), strings.Compare(a.Value, b.Value))
	})
	return slices.Compact(out)
}

// termPrefix is the start of the index keys of t: kind, value, 0.
func termPrefix(t Term) []byte {
	k := make([]byte, 0, len(t.Kind)+len(t.Value)+1)
	return append(append(append(k, t.Kind...), t.Value...), 0)
}

// reindex files article id, whose stored content has the given hash and
// publication time, under its terms now, in place of those it was filed
// under: called in every transaction that writes the article or its
// extraction, after the write. x is the extraction just written, or nil
// to read the stored one.
func reindex(tx *bolt.Tx, id []byte, hash string, published time.Time, x *storyline.Extraction) error {
	index, filed := tx.Bucket(bucketIndex), tx.Bucket(bucketTerms)
	for rest := bytes.Clone(filed.Get(id)); len(rest) > 0; {
		prefix, after, ok := bytes.Cut(rest, []byte{0})
		if !ok {
			return fmt.Errorf("query terms of %s: %w", id, storyline.ErrDamaged)
		}
		if err := index.Delete(append(append(slices.Clip(prefix), 0), id...)); err != nil {
			return err
		}
		rest = after
	}
	var stored storedExtraction
	switch v := tx.Bucket(bucketExtractions).Get(id); {
	case x != nil:
		stored.ArticleHash = x.ArticleHash
		stored.Entities = make([]doc.Entity, len(x.Entities))
		for i, e := range x.Entities {
			stored.Entities[i] = doc.Entity{Type: e.Type, Norm: e.Norm}
		}
	case v != nil:
		if err := decode(v, &stored); err != nil {
			return fmt.Errorf("extraction %s: %w", id, err)
		}
	}
	current := (x != nil || stored.ArticleHash != "") && stored.ArticleHash == hash
	var list []byte
	for _, t := range terms(published, current, stored.Entities) {
		p := termPrefix(t)
		list = append(list, p...)
		if err := index.Put(append(p, id...), nil); err != nil {
			return err
		}
	}
	return filed.Put(id, list)
}

// Mentioning returns, in ID order, the IDs of the articles filed under
// term t (see Terms). A store opened read-only whose index is not built
// yet (see Indexed) gives an error.
func (db *DB) Mentioning(ctx context.Context, t Term) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prefix := termPrefix(t)
	var ids []string
	err := db.view(func(tx *bolt.Tx) error {
		b, err := indexOf(tx)
		if err != nil {
			return err
		}
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			ids = append(ids, string(k[len(prefix):]))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: articles filed under %s %q: %w", t.Kind, t.Value, err)
	}
	return ids, nil
}

// PublishedWithin returns, in ID order, the IDs of the articles published
// from day from to day to (YYYY-MM-DD, both included; "" leaves that end
// open). Articles without a publication day are not among them.
func (db *DB) PublishedWithin(ctx context.Context, from, to string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start := termPrefix(Term{TermDay, from})
	start = start[:len(start)-1]         // "d" + from: every key of a day from on
	end := append([]byte(TermDay), 0xff) // past every day
	if to != "" {
		end = termPrefix(Term{TermDay, to + "\x01"})
	}
	var ids []string
	err := db.view(func(tx *bolt.Tx) error {
		b, err := indexOf(tx)
		if err != nil {
			return err
		}
		c := b.Cursor()
		for k, _ := c.Seek(start); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
			if _, id, ok := bytes.Cut(k[len(TermDay):], []byte{0}); ok {
				ids = append(ids, string(id))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: articles published from %q to %q: %w", from, to, err)
	}
	slices.Sort(ids)
	return ids, nil
}

// errNoIndex is the error of a query of a store opened read-only that
// has no complete index yet.
var errNoIndex = errors.New("no query index yet: 'extract run' builds it")

// indexOf returns the query index of tx's store, or errNoIndex.
func indexOf(tx *bolt.Tx) (*bolt.Bucket, error) {
	b := tx.Bucket(bucketIndex)
	if b == nil || string(tx.Bucket(bucketMeta).Get(keyIndex)) != indexVersion {
		return nil, errNoIndex
	}
	return b, nil
}

// Indexed reports whether the query index is complete: false only for a
// store made before the index and not opened for writing since (Open
// builds it), which a reader then answers by scanning.
func (db *DB) Indexed(ctx context.Context) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	var ok bool
	err := db.view(func(tx *bolt.Tx) error {
		_, err := indexOf(tx)
		ok = err == nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: query index: %w", err)
	}
	return ok, nil
}

// indexChunk is how many articles one transaction of buildIndex files.
const indexChunk = 1024

// buildIndex files every article of a store whose index is missing or of
// another version, a chunk of articles per transaction, and records the
// index complete in the last. A build cut short leaves the index marked
// incomplete, and the next open goes on from the start: filing an article
// again replaces what it was filed under.
func (db *DB) buildIndex(ctx context.Context) error {
	if ok, err := db.Indexed(ctx); err != nil || ok {
		return err
	}
	for after := ""; ; {
		ids, err := db.IDs(ctx, after, indexChunk)
		if err != nil {
			return err
		}
		err = db.update(func(tx *bolt.Tx) error {
			for _, id := range ids {
				h := header(tx, id)
				if err := reindex(tx, []byte(id), h.Hash, h.Published, nil); err != nil {
					return err
				}
			}
			if len(ids) < indexChunk {
				return tx.Bucket(bucketMeta).Put(keyIndex, []byte(indexVersion))
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: build the query index: %w", err)
		}
		if len(ids) < indexChunk {
			return nil
		}
		after = ids[len(ids)-1]
		_ = db.ReleaseMapped()
	}
}
