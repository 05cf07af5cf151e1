package collect

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

func TestParseResponse(t *testing.T) {
	story := page("Story", "Faisal Mekdad spoke with Sergey Lavrov in Moscow on Wednesday.")
	withHead := func(tags string) string { return strings.Replace(story, "<head>", "<head>"+tags, 1) }
	dated := withHead(`<meta property="article:published_time" content="2023-04-25T10:00:00Z">`)
	listed := time.Date(2023, 5, 1, 8, 0, 0, 0, time.UTC)
	fetched := time.Date(2023, 6, 2, 12, 0, 0, 0, time.FixedZone("+03", 3*3600))
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	tests := []struct {
		name      string
		requested string
		final     string // "" is requested
		header    http.Header
		body      string
		listed    time.Time
		// want is the article as "ID URL published from ETag Last-Modified".
		want        string
		wantEntries []Entry
		wantErr     error
	}{
		{name: "the page's date comes first", body: dated, listed: listed, header: html,
			want: "https://news.example/a https://news.example/a 2023-04-25 page"},
		{name: "the listing's date when the page has none", body: story, listed: listed, header: html,
			want: "https://news.example/a https://news.example/a 2023-05-01 feed"},
		{name: "never the fetch time", body: story, header: html,
			want: "https://news.example/a https://news.example/a"},
		{name: "key is the canonical URL, URL as requested, validators kept",
			requested: "https://news.example/old?utm_source=x", final: "https://News.Example:443/story?id=7&fbclid=z",
			header: http.Header{"Content-Type": {"text/html"}, "Etag": {`"v1"`}, "Last-Modified": {"Tue, 25 Apr 2023 10:00:00 GMT"}},
			body:   withHead(`<link rel="canonical" href="/news/story-7?utm_medium=email">`),
			want:   `https://news.example/news/story-7 https://news.example/old?utm_source=x "v1" Tue, 25 Apr 2023 10:00:00 GMT`},
		{name: "another site's canonical URL is ignored", final: "https://news.example/a?id=1&utm_campaign=c", header: html,
			body: withHead(`<link rel="canonical" href="https://another-site.example/stolen">`),
			want: "https://news.example/a?id=1 https://news.example/a"},
		{name: "a page under a generic content type", header: http.Header{"Content-Type": {"application/octet-stream"}}, body: story,
			want: "https://news.example/a https://news.example/a"},
		{name: "a feed under a wrong content type lists its items", requested: "https://news.example/feeds/main.xml", header: html,
			body: `<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>
<item><link>../p/1</link><pubDate>Wed, 10 May 2023 16:40:05 +0000</pubDate></item><item><link>https://news.example/p/2</link></item></channel></rss>`,
			wantEntries: []Entry{{URL: "https://news.example/p/1", Listed: time.Date(2023, 5, 10, 16, 40, 5, 0, time.UTC)}, {URL: "https://news.example/p/2"}}},
		{name: "a sitemap lists its pages", requested: "https://news.example/sitemap.xml", header: http.Header{"Content-Type": {"application/xml"}},
			body:        `<urlset><url><loc>/p/3</loc><lastmod>2023-05-09</lastmod></url></urlset>`,
			wantEntries: []Entry{{URL: "https://news.example/p/3", Listed: time.Date(2023, 5, 9, 0, 0, 0, 0, time.UTC)}}},
		{name: "a PDF is refused", header: http.Header{"Content-Type": {"application/pdf"}}, body: "%PDF-1.4", wantErr: storyline.ErrUnsupported},
		{name: "a page of navigation has no article", header: html,
			body: "<html><body><nav>Home News</nav></body></html>", wantErr: storyline.ErrNoText},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.requested == "" {
				tc.requested = "https://news.example/a"
			}
			if tc.final == "" {
				tc.final = tc.requested
			}
			final, err := url.Parse(tc.final)
			if err != nil {
				t.Fatal(err)
			}
			p, err := ParseResponse(Response{Requested: tc.requested, Final: final, Header: tc.header, Body: []byte(tc.body),
				Listed: tc.listed, Fetched: fetched})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("ParseResponse error = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseResponse: %v", err)
			}
			if !slices.EqualFunc(p.Entries, tc.wantEntries, func(a, b Entry) bool { return a.URL == b.URL && a.Listed.Equal(b.Listed) }) {
				t.Errorf("ParseResponse entries = %v, want %v", p.Entries, tc.wantEntries)
			}
			if tc.want == "" {
				if p.Article != nil {
					t.Errorf("ParseResponse of a listing returned an article %q", p.Article.ID)
				}
				return
			}
			a := p.Article
			if a == nil {
				t.Fatal("ParseResponse returned no article")
			}
			got := strings.Join(slices.DeleteFunc([]string{a.ID, a.URL, a.PublishedDate(), a.PublishedFrom, a.ETag, a.LastModified},
				func(s string) bool { return s == "" }), " ")
			if got != tc.want {
				t.Errorf("ParseResponse article = %q, want %q", got, tc.want)
			}
			if !a.Fetched.Equal(fetched) || a.Fetched.Location() != time.UTC {
				t.Errorf("Fetched = %v, want %v in UTC", a.Fetched, fetched)
			}
		})
	}
}
