package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/storyline/storyline/internal/cli"
	"github.com/storyline/storyline/internal/web"
)

// TestArticlesAPI: /api/articles answers each filter of 'extract dump'
// with the reports dump gives for it, in the same order, reading the
// query index; a query the index cannot narrow is refused.
func TestArticlesAPI(t *testing.T) {
	db := fixtureStore(t)
	dump := func(args ...string) (ids []string, stories []string) {
		t.Helper()
		var out, errb bytes.Buffer
		if code := cli.Extract(context.Background(), append([]string{"dump", "-db", db}, args...), &out, &errb); code != 0 {
			t.Fatalf("extract dump %v: status %d: %s", args, code, errb.String())
		}
		dec := json.NewDecoder(&out)
		for {
			var line struct{ ID, Story string }
			if err := dec.Decode(&line); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			ids, stories = append(ids, line.ID), append(stories, line.Story)
		}
		return ids, stories
	}
	_, stories := dump("-country", "TR")
	if len(stories) == 0 || stories[0] == "" {
		t.Fatal("no report of the fixtures mentions Turkey in a story")
	}
	story := stories[0]
	cases := []url.Values{
		{"person": {"Sergey Lavrov"}},
		{"person": {"Sergei Lavrov"}},
		{"person": {"Lavrov"}},
		{"person": {"Mevlüt Çavuşoğlu"}},
		{"person": {"Joe Biden"}},
		{"country": {"TR"}},
		{"country": {"US"}},
		{"place": {"Moscow"}},
		{"from": {"2023-04-20"}, "to": {"2023-04-26"}},
		{"from": {"2023-06-01"}},
		{"story": {story}},
		{"person": {"Sergey Lavrov"}, "country": {"TR"}, "q": {"talks"}},
		{"story": {story}, "q": {"volcano"}},
	}
	want := make([][]string, len(cases))
	for i, q := range cases {
		var args []string
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range q {
				if !yield(k) {
					return
				}
			}
		}) {
			args = append(args, "-"+k, q.Get(k))
		}
		want[i], _ = dump(args...)
	}
	hs, _ := serve(t, db, web.Options{})
	nonEmpty := 0
	for i, q := range cases {
		var got struct {
			Candidates int
			Articles   []struct{ ID, Title, Story string }
		}
		getJSON(t, hs.URL, "/api/articles?"+q.Encode(), &got)
		var ids []string
		for _, a := range got.Articles {
			ids = append(ids, a.ID)
		}
		if !slices.Equal(ids, want[i]) {
			t.Errorf("/api/articles?%s = %v, want %v as extract dump gives", q.Encode(), ids, want[i])
		}
		if got.Candidates < len(ids) {
			t.Errorf("/api/articles?%s: %d candidates, fewer than the %d answers", q.Encode(), got.Candidates, len(ids))
		}
		if len(ids) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < 6 {
		t.Errorf("only %d queries found reports: the test does not test", nonEmpty)
	}
	var page struct {
		Articles []struct{ ID string }
		More     bool
	}
	getJSON(t, hs.URL, "/api/articles?country=TR&offset=1&limit=1", &page)
	if all := want[5]; len(all) < 3 || len(page.Articles) != 1 || page.Articles[0].ID != all[1] || !page.More {
		t.Errorf("/api/articles?country=TR&offset=1&limit=1 = %+v, want %v and more", page, all[1:2])
	}
	for _, q := range []string{"", "q=talks", "from=April", "from=2023-05-01&to=2023-04-01", "country=TR&limit=many"} {
		body := get(t, hs.URL, "/api/articles?"+q, http.StatusBadRequest)
		if !strings.Contains(string(body), "error") {
			t.Errorf("/api/articles?%s: %s, want an error", q, body)
		}
	}
}
