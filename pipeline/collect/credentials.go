package collect

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/storyline/storyline"
)

// withoutCredentials removes the user name and password of every URL in
// it — its source, input, article addresses and error — so that
// "https://user:secret@host/feed" is fetched as given but never stored in an
// article's ID or URL, nor printed.
func withoutCredentials(it storyline.Collected) storyline.Collected {
	it.Source, it.Input = stripUserinfo(it.Source), stripUserinfo(it.Input)
	if a := it.Article; a != nil && (hasUserinfo(a.ID) || hasUserinfo(a.URL) || hasUserinfo(a.CanonicalURL)) {
		clean := *a
		clean.ID, clean.URL, clean.CanonicalURL = stripUserinfo(a.ID), stripUserinfo(a.URL), stripUserinfo(a.CanonicalURL)
		it.Article = &clean
	}
	if it.Err != nil && userinfoInText.MatchString(it.Err.Error()) {
		it.Err = redactedError{it.Err}
	}
	return it
}

func hasUserinfo(s string) bool { return strings.Contains(s, "@") && stripUserinfo(s) != s }

// stripUserinfo returns s without its userinfo when s is an http(s) URL
// that has one, else s.
func stripUserinfo(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil || (u.Scheme != "http" && u.Scheme != "https") {
		return s
	}
	u.User = nil
	return u.String()
}

// userinfoInText finds "scheme://user:password@" (or "user@") in a message.
var userinfoInText = regexp.MustCompile(`(https?://)[^/@\s"']+@`)

// redactedError is err with the credentials of the URLs it names removed
// from its message; errors.Is and errors.As still see err.
type redactedError struct{ err error }

func (e redactedError) Error() string { return userinfoInText.ReplaceAllString(e.err.Error(), "$1") }
func (e redactedError) Unwrap() error { return e.err }
