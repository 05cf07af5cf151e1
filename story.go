package storyline

// Story is the set of reports about one development in the news, with its
// timeline of dated events and the people and countries that meet in them.
// Its lines are what fixtures/STORIES.md calls predictions.
type Story struct {
	ID       string   `json:"story"`
	Title    string   `json:"title"`
	Articles []string `json:"articles"` // sorted
	// From and To are the first and last day the story covers (YYYY-MM-DD):
	// its earliest and latest event or publication date.
	From      string   `json:"from,omitempty"`
	To        string   `json:"to,omitempty"`
	People    []string `json:"people"`    // canonical names, most reports first
	Countries []string `json:"countries"` // ISO 3166-1 alpha-2, most reports first
	Places    []string `json:"places"`    // English names, most reports first
	Timeline  []Event  `json:"timeline"`  // chronological
	Pairs     []Pair   `json:"pairs"`
}

// Event is one entry of a story's timeline: something that happened on a
// date, told by one or more of the story's reports.
type Event struct {
	// When is the TIMEX3 value of the day, week, month, year or interval
	// the event happened in: the most precise the reports give.
	When string `json:"when"`
	// Weight ranks the story's events: more reports, more participants, a
	// more precise date and an earlier place in the reports rank higher.
	Weight    float64    `json:"weight"`
	What      string     `json:"what"` // the clearest evidence sentence
	Articles  []string   `json:"articles"`
	People    []string   `json:"people"`
	Countries []string   `json:"countries"`
	Places    []string   `json:"places"`
	Evidence  []Evidence `json:"evidence"`
}

// Evidence is a sentence of a report that tells of an event: byte offsets
// into the article's stored text.
type Evidence struct {
	Article string `json:"article"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
}

// Pair is two people, or two countries, that take part in the same events
// of a story: an edge of who met whom.
type Pair struct {
	Type EntityType `json:"type"` // Person or Country
	A    string     `json:"a"`    // A < B
	B    string     `json:"b"`
	// Events are indexes into the story's Timeline.
	Events []int `json:"events"`
}

// Mention is one report's telling of a dated event: a sentence that says
// something happened, the date it happened on, and who and what take part.
// Mentions of several reports merge into one Event.
type Mention struct {
	When    string `json:"when"`    // TIMEX3 value of the event's date
	Trigger string `json:"trigger"` // the verb that says what happened, lowercased: "met", "held talks"
	// Start and End are the byte offsets of the sentence (the evidence);
	// DateStart and DateEnd those of the date mention inside it, or, when
	// Dated is DatedEarlier, in the earlier sentence that dates the event;
	// when Dated is DatedPublished both are Start.
	Start     int      `json:"start"`
	End       int      `json:"end"`
	DateStart int      `json:"date_start"`
	DateEnd   int      `json:"date_end"`
	Dated     Dating   `json:"dated,omitempty"`
	People    []string `json:"people,omitempty"`
	Countries []string `json:"countries,omitempty"`
	Places    []string `json:"places,omitempty"`
}

// Dating says where a Mention's date comes from.
type Dating string

// Where a Mention's date comes from.
const (
	DatedInSentence Dating = ""          // a date mention of the sentence itself
	DatedEarlier    Dating = "earlier"   // the event a sentence or two before goes on being told
	DatedPublished  Dating = "published" // a headline or lede in the present tense: the report's day
)

// StoryKeys is what the story index keeps of one report, so that a new
// report finds the stories it may join without a scan of the store: the
// anchors it is filed under (its weightiest words), and the reports it is
// linked to (those similar enough that they might share its story).
type StoryKeys struct {
	Day     string   `json:"day,omitempty"` // publication day, YYYY-MM-DD; "" when unknown
	Anchors []string `json:"anchors"`
	Links   []string `json:"links,omitempty"`
}

// StoryUpdate is what grouping decided: stories to drop and stories to put
// in their place, with the index keys of the reports it looked at. With
// All, it replaces every stored story and key.
type StoryUpdate struct {
	All    bool
	Remove []string // IDs of stories to drop
	Put    []Story
	Keys   map[string]StoryKeys // by article ID
	// Profiles are what the story stage keeps of each report of Keys, by
	// article ID, to compare it again without reading it: its own bytes,
	// which a store keeps as they are, beside the keys.
	Profiles map[string][]byte
	// Unindex are articles that changed and are in no story now, their
	// extraction not made yet: their keys go, until it is.
	Unindex []string
	Version string // of the stories and extractions that made it
}

// StoriesState says how current the stored stories are.
type StoriesState struct {
	Version string // the version that made them; "" when never built
	Stale   int    // stories whose articles or extractions changed since
	Stories int
	// Unassigned counts the extracted articles in no story: stored or
	// extracted since the stories were built.
	Unassigned int
}
