package postgres

// migrations are the schema's numbered steps: step i+1 is migrations[i].
// A step, once released, is never edited; a change is a new step.
//
// Keys are text in the "C" collation, so that they sort byte by byte as
// bbolt's keys do: IDs come out in the same order from either store.
// Values the program alone reads (an article's whole record, a story, an
// extraction's entities) are JSON in bytea: byte for byte what was given,
// NUL characters included, which text and jsonb refuse; PostgreSQL
// compresses the long ones itself.
var migrations = []string{
	// 1: articles, extractions, the near-duplicate index, stories.
	`
CREATE TABLE meta (
	key   text COLLATE "C" PRIMARY KEY,
	value text NOT NULL
);
CREATE TABLE articles (
	id            text COLLATE "C" PRIMARY KEY,
	hash          text NOT NULL,
	duplicate_of  text COLLATE "C" NOT NULL DEFAULT '',
	etag          text NOT NULL DEFAULT '',
	last_modified text NOT NULL DEFAULT '',
	published     text NOT NULL DEFAULT '', -- RFC 3339 with its own offset, '' when unknown
	doc           bytea NOT NULL            -- storyline.Article as JSON
);
CREATE TABLE urls (
	url text COLLATE "C" PRIMARY KEY,
	id  text COLLATE "C" NOT NULL
);
-- An article is filed under each near-duplicate band by its handle, as in
-- the bbolt store, so that a band lists the same articles in either.
CREATE TABLE fingerprints (
	band   bytea NOT NULL,
	handle bytea NOT NULL,
	id     text COLLATE "C" NOT NULL,
	PRIMARY KEY (band, handle)
);
CREATE TABLE extractions (
	id           text COLLATE "C" PRIMARY KEY REFERENCES articles ON DELETE CASCADE,
	version      text NOT NULL,
	article_hash text NOT NULL,
	doc          bytea NOT NULL -- language, skip reason and entities, without their text
);
CREATE TABLE stories (
	id  text COLLATE "C" PRIMARY KEY,
	doc bytea NOT NULL -- storyline.Story as JSON
);
CREATE TABLE story_of (
	article text COLLATE "C" PRIMARY KEY,
	story   text COLLATE "C" NOT NULL
);
CREATE INDEX story_of_story ON story_of (story);
-- Marks: the story whose reports changed since it was told, and the
-- articles waiting to be grouped; xact is the transaction that made the
-- mark, so that an update clears only the marks it could see.
CREATE TABLE stale_stories (
	story text COLLATE "C" PRIMARY KEY,
	xact  xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE TABLE story_changed (
	article text COLLATE "C" PRIMARY KEY,
	xact    xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE TABLE story_keys (
	article text COLLATE "C" PRIMARY KEY,
	doc     bytea NOT NULL -- storyline.StoryKeys as JSON
);
CREATE TABLE anchors (
	anchor  text COLLATE "C" NOT NULL,
	day     text COLLATE "C" NOT NULL, -- YYYY-MM-DD, '' when unknown
	article text COLLATE "C" NOT NULL,
	PRIMARY KEY (anchor, day, article)
);
CREATE INDEX anchors_article ON anchors (article);
CREATE TABLE story_profiles (
	article text COLLATE "C" PRIMARY KEY,
	profile bytea NOT NULL
);
`,
	// 2: the query index (store.Terms), filled by Open in Go.
	`
CREATE TABLE query_index (
	kind    text COLLATE "C" NOT NULL,
	value   text COLLATE "C" NOT NULL,
	article text COLLATE "C" NOT NULL,
	PRIMARY KEY (kind, value, article)
);
CREATE INDEX query_index_article ON query_index (article);
`,
}

// SchemaVersion is the number of the last step of the schema this
// storyline reads and writes.
var SchemaVersion = len(migrations)
