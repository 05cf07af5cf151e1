package collect

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

var (
	// ErrListingCycle is returned for a feed or sitemap entry that leads
	// back to a feed or sitemap of the chain that listed it.
	ErrListingCycle = errors.New("feed or sitemap cycle")
	// ErrListingDepth is returned for a feed or sitemap reached through
	// more than maxListingDepth others.
	ErrListingDepth = errors.New("feeds and sitemaps nested too deep")
	// ErrLongLine is returned for a JSON line longer than maxLine.
	ErrLongLine = errors.New("JSON line too long")
	// ErrDuplicateID is returned for a JSON line that repeats the id of an
	// earlier line of its file.
	ErrDuplicateID = errors.New("duplicate id")
	// ErrNotJSONLines is returned for a file that stopped being read after
	// maxBadLines bad lines in a row.
	ErrNotJSONLines = errors.New("not a JSON Lines corpus")
	// ErrLinksCapped is returned for a page whose same-site links -depth
	// did not all follow: more than maxLinksPerPage on the page, or the run
	// already following maxFollowedLinks.
	ErrLinksCapped = errors.New("links not all followed")
)

// Bounds of -depth: a news page links to a few hundred pages of its site,
// and a crawl's frontier must fit in memory (a page of 50,000 links queued
// them all at once, 530 MB).
const (
	maxLinksPerPage  = 1_000
	maxFollowedLinks = 20_000
)

// maxListingDepth bounds how many feeds and sitemaps may lead to one
// another: a sitemap index listing sitemap indexes that list sitemaps is
// three, real sites need no more.
const maxListingDepth = 4

// nest returns the chain of feeds and sitemaps that leads to the entries of
// listing, which chain led to. It fails when the chain would grow past
// maxListingDepth.
func nest(chain []string, listing string) ([]string, error) {
	if len(chain) >= maxListingDepth {
		return nil, fmt.Errorf("%w: %s reached through %d others (%s ... %s), not read", ErrListingDepth,
			shown(listing), len(chain), shown(chain[0]), shown(chain[len(chain)-1]))
	}
	return append(slices.Clip(chain), listing), nil
}

// cycle fails an entry that the listing names and that is itself on the
// chain of listings that led to it (which ends with the listing). final is
// the listing's address after redirects.
func cycle(chain []string, listing, final, entry string) error {
	if entry == final || slices.Contains(chain, entry) {
		if entry == listing || entry == final {
			return fmt.Errorf("%w: %s lists itself", ErrListingCycle, shown(listing))
		}
		return fmt.Errorf("%w: %s lists %s, which led to it", ErrListingCycle, shown(listing), shown(entry))
	}
	return nil
}

// shown is an address as the user gave it: a local file by its path.
func shown(address string) string {
	if path, ok := strings.CutPrefix(address, "file://"); ok {
		return filepath.FromSlash(path)
	}
	return address
}
