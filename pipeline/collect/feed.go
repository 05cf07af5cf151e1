package collect

import (
	"bytes"
	"fmt"
	"net/url"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/storyline/storyline"
)

// feedEntry is one item of a feed: where the article is and the feed's date
// for it, a fallback when the page itself carries none.
type feedEntry struct {
	link      string
	published time.Time
}

// isFeed reports whether body is an RSS, Atom or JSON feed, judged by its
// content rather than by a content type that servers often get wrong.
func isFeed(body []byte) bool {
	return gofeed.DetectFeedType(bytes.NewReader(body)) != gofeed.FeedTypeUnknown
}

// parseFeed lists the items of the feed in body, with links resolved against
// base (the feed's own address).
func parseFeed(body []byte, base *url.URL) (entries []feedEntry, err error) {
	defer func() {
		if p := recover(); p != nil {
			entries, err = nil, fmt.Errorf("parse feed: %w", storyline.PanicError(p))
		}
	}()
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	entries = make([]feedEntry, 0, len(feed.Items))
	for _, it := range feed.Items {
		link := it.Link
		if link == "" && it.GUID != "" && (it.GUID[0] == 'h' || it.GUID[0] == '/') {
			link = it.GUID // RSS guid with isPermaLink
		}
		if link == "" {
			continue
		}
		ref, err := url.Parse(link)
		if err != nil {
			continue
		}
		e := feedEntry{link: base.ResolveReference(ref).String()}
		switch {
		case it.PublishedParsed != nil:
			e.published = *it.PublishedParsed
		case it.UpdatedParsed != nil:
			e.published = *it.UpdatedParsed
		}
		entries = append(entries, e)
	}
	return entries, nil
}
