package collect

import (
	"net/http"
	"strings"
	"testing"
)

// TestCredentialsAreNotKept fetches pages behind basic authentication with
// the credentials in the URL, as a user may give them: they are sent, but
// no stored ID or URL, and no error message, holds them.
func TestCredentialsAreNotKept(t *testing.T) {
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "analyst" || p != "s3cret" {
			http.Error(w, "who are you?", http.StatusUnauthorized)
			return
		}
		if r.URL.Path != "/story" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(page("Talks in Moscow", "The deputy foreign ministers met on Tuesday.")))
	}))
	withCreds := strings.Replace(srv.URL, "http://", "http://analyst:s3cret@", 1)
	got := collectAll(t, withCreds+"/story", withCreds+"/missing")
	var articles, failures int
	for _, it := range got {
		for _, s := range []string{it.Source, it.Input} {
			if strings.Contains(s, "s3cret") || strings.Contains(s, "analyst@") {
				t.Errorf("source or input keeps the credentials: %q", s)
			}
		}
		if a := it.Article; a != nil {
			articles++
			for _, s := range []string{a.ID, a.URL, a.CanonicalURL} {
				if strings.Contains(s, "s3cret") || strings.Contains(s, "analyst@") {
					t.Errorf("article keeps the credentials: %q", s)
				}
			}
		}
		if it.Err != nil {
			failures++
			if strings.Contains(it.Err.Error(), "s3cret") {
				t.Errorf("error keeps the credentials: %v", it.Err)
			}
		}
	}
	if articles != 1 || failures != 1 {
		t.Errorf("%d articles and %d failures, want the page behind the password and the missing one: %+v", articles, failures, got)
	}
	if !strings.Contains(stripUserinfo(withCreds+"/story"), "127.0.0.1") {
		t.Errorf("stripUserinfo lost the host: %q", stripUserinfo(withCreds+"/story"))
	}
}
