package collect

import (
	"bytes"
	"fmt"
	"net/url"

	"github.com/mmcdole/gofeed"

	"github.com/storyline/storyline"
)

// isFeed reports whether body is an RSS, Atom or JSON feed, judged by its
// content rather than by a content type that servers often get wrong.
func isFeed(body []byte) bool {
	return gofeed.DetectFeedType(bytes.NewReader(body)) != gofeed.FeedTypeUnknown
}

// parseFeed lists the items of the feed in body, with links resolved against
// base (the feed's own address).
func parseFeed(body []byte, base *url.URL) (entries []Entry, err error) {
	defer func() {
		if p := recover(); p != nil {
			entries, err = nil, fmt.Errorf("parse feed: %w", storyline.PanicError(p))
		}
	}()
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	entries = make([]Entry, 0, len(feed.Items))
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
		e := Entry{URL: base.ResolveReference(ref).String()}
		switch {
		case it.PublishedParsed != nil:
			e.Listed = *it.PublishedParsed
		case it.UpdatedParsed != nil:
			e.Listed = *it.UpdatedParsed
		}
		entries = append(entries, e)
	}
	return entries, nil
}
