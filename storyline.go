// Package storyline holds the domain types of the storyline pipeline: the
// articles it collects, the entities it extracts from them and the errors its
// stages share. It imports nothing outside the standard library, so that every
// stage can speak it without depending on another stage.
package storyline

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Article is one news report as the collector kept it: its main text and the
// metadata an analyst needs to place it, without the page furniture around it.
type Article struct {
	// ID is the article's key in the store: the id a JSON Lines source gives,
	// else the canonical URL, else the local file's absolute path.
	ID  string `json:"id"`
	URL string `json:"url,omitempty"` // as requested or given
	// CanonicalURL is the URL after redirects, or the page's own
	// <link rel=canonical> on the same site, without tracking parameters.
	CanonicalURL string    `json:"canonical_url,omitempty"`
	Title        string    `json:"title,omitempty"`
	Source       string    `json:"source,omitempty"` // outlet or site name
	Author       string    `json:"author,omitempty"`
	Published    time.Time `json:"published,omitzero"`
	// PublishedFrom says where Published came from ("page", "feed", "input"),
	// so an analyst can judge how far to trust it.
	PublishedFrom string    `json:"published_from,omitempty"`
	Fetched       time.Time `json:"fetched,omitzero"`
	// ETag and LastModified are the validators of the HTTP response, sent
	// back on the next fetch so that an unchanged page costs nothing.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// DuplicateOf is the ID of the first stored copy of the same story (a
	// wire report carried by several outlets, a mirror), decided by the
	// near-duplicate search when the article was first stored.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Text is the article's main text; entity offsets are byte offsets into it.
	Text string `json:"text"`
	// Hash identifies the content that extraction depends on (ContentHash),
	// as stored: the store fills it in the articles it returns.
	Hash string `json:"hash"`
}

// ContentHash returns a digest of everything that makes two versions of an
// article different reports: the text, title, source, author, URLs and
// published date. The fetch time and the HTTP validators are left out, so
// fetching an unchanged page again yields the same hash.
func (a *Article) ContentHash() string {
	h := sha256.New()
	for _, s := range []string{a.ID, a.URL, a.CanonicalURL, a.Title, a.Source, a.Author,
		a.PublishedDate(), a.PublishedFrom, a.Text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	// 128 bits tell versions of one article apart; the full 256 would only
	// take room in every stored article and extraction.
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// PublishedDate is the article's publication date (its document creation
// time) in its own time zone as YYYY-MM-DD, or "" when unknown.
func (a *Article) PublishedDate() string {
	if a.Published.IsZero() {
		return ""
	}
	return a.Published.Format(time.DateOnly)
}

// EntityType is the kind of thing an entity names.
type EntityType string

// The entity types storyline extracts.
const (
	Person  EntityType = "person"
	Country EntityType = "country"
	Date    EntityType = "date"
	Place   EntityType = "place" // a city or region below the country: Moscow, northern Syria
)

// Country mention forms.
const (
	FormName    = "name"    // Turkey, Türkiye, Saudi Arabia
	FormDemonym = "demonym" // Turkish, Syrians
)

// Entity is one mention in an article's text. Text == article.Text[Start:End].
type Entity struct {
	Type  EntityType `json:"type"`
	Text  string     `json:"text"`
	Start int        `json:"start"`
	End   int        `json:"end"`
	// Norm is the normalized value: a canonical name for a person, an ISO
	// 3166-1 alpha-2 code for a country, a TIMEX3 value for a date.
	Norm string `json:"norm"`
	Form string `json:"form,omitempty"` // countries only: FormName or FormDemonym
	// Country is, for a place, the ISO 3166-1 alpha-2 code of the country
	// it lies in.
	Country string `json:"country,omitempty"`
}

// Extraction is what one extractor version found in one version of an
// article. It is stale when either the extractor or the article changed.
type Extraction struct {
	ArticleID   string `json:"article_id"`
	Version     string `json:"version"`      // extractor version that made it
	ArticleHash string `json:"article_hash"` // Article.Hash it was made from
	// Lang is the ISO 639-1 code of the article's language, or "" when the
	// text has too little prose to tell.
	Lang string `json:"lang,omitempty"`
	// Skipped says why no entities were looked for ("language de is not
	// supported"); "" when they were.
	Skipped  string   `json:"skipped,omitempty"`
	Entities []Entity `json:"entities"`
}

// Stale reports whether x must be made again for article a by extractor
// version v.
func (x *Extraction) Stale(a *Article, v string) bool {
	return x == nil || x.Version != v || x.ArticleHash != a.Hash
}

// Outcome says what storing an article did.
type Outcome int

// Outcomes of storing an article.
const (
	Unchanged Outcome = iota // same content already stored: nothing written
	New                      // first time this ID was stored
	Updated                  // ID known, content changed: stored, extraction stale
)

func (o Outcome) String() string {
	switch o {
	case New:
		return "new"
	case Updated:
		return "updated"
	default:
		return "unchanged"
	}
}

// ArticlePut is an article on its way into the store, with what was decided
// about it before: the first copy of its story, and the keys under which
// later copies will find it.
type ArticlePut struct {
	Article *Article
	// DuplicateOf names the first stored copy of the story when the article
	// is new and a copy. An article already stored keeps the DuplicateOf it
	// was first stored with.
	DuplicateOf string
	// Bands are the near-duplicate index keys the article is filed under.
	Bands [][]byte
}

// Stored is what storing one article did: the outcome, the first copy of
// its story when it is a copy, or the error that kept it from being stored.
type Stored struct {
	Outcome     Outcome
	DuplicateOf string
	Err         error
}

// Collected is one result of collecting: an article, or the reason an input
// gave none. Source is the command-line source it came from (a feed, a
// directory), Input the page, file or line it is about.
type Collected struct {
	Source  string
	Input   string
	Article *Article
	Err     error
	// NotModified is set, with no Article, when the server answered that
	// the article with ID KnownID has not changed since it was stored.
	NotModified bool
	KnownID     string
	// Skipped says why Input, a file a directory holds, was not read (a
	// PDF, an image); it is no failure. SkippedRecords, when set, is how
	// many records of a WARC file Skipped stands for: the file itself was
	// read.
	Skipped        string
	SkippedRecords int
	// NotStarted is set, with nothing else, for an input that was queued
	// (a source, a file of a directory, a feed entry) but never begun
	// because the run was stopped: the next run does it.
	NotStarted bool
	// Queued, on a result that carries nothing else, is how many more
	// results to expect from Source than one per input known so far: a
	// feed of n entries is one input that stands for n, so n-1. It only
	// feeds progress and its estimate of the time left.
	Queued int
}
