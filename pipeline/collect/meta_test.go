package collect

import (
	"net/url"
	"testing"
)

func TestSourceName(t *testing.T) {
	tests := []struct {
		sitename, title, host, want string
	}{
		{"The New York Times", "", "nytimes.com", "The New York Times"},
		{"@TechCrunch", "", "techcrunch.com", "TechCrunch"},
		{"https://www.facebook.com/nytimes", "", "nytimes.com", "nytimes.com"},
		{"www.facebook.com/bbcnews", "", "bbc.co.uk", "bbc.co.uk"},
		{"127.0.0.1:18181", "", "127.0.0.1", "127.0.0.1"},
		{"localhost:8080", "", "", ""},
		{"Copyright 2014", "", "dailynews.example", "dailynews.example"},
		{"(c) 2009-2014 Daily News. All Rights Reserved", "", "dailynews.example", "Daily News"},
		{"U.S.", "", "reuters.com", "reuters.com"},
		{"Hosted", "", "apnews.com", "apnews.com"},
		{"WASHINGTON", "", "apnews.com", "apnews.com"},
		{"NEW YORK", "", "apnews.com", "apnews.com"},
		{"Washington Post", "", "washingtonpost.com", "Washington Post"},
		{"BBC", "", "bbc.co.uk", "BBC"},
		{"Reuters", "", "reuters.com", "Reuters"},
		{"reuters.com", "", "www.reuters.com", "reuters.com"},
		{"cnn.com", "", "reuters.com", "reuters.com"}, // another site's domain
		{"zdnet.com", "Windows 10 support ends | ZDNet", "zdnet.com", "ZDNet"},
		{"", "Windows 10 support ends | ZDNet", "zdnet.com", "ZDNet"},
		{"", "Windows 10 support ends | Tech", "zdnet.com", "zdnet.com"},
		{"Hosted", "", "", "Hosted"}, // without a host nothing tells it from a name
		{"© Spox 2022", "", "spox.com", "Spox"},
		{"2014 Winter Games News", "", "sochi.example", "2014 Winter Games News"},
		{"Deutscher Verband Flüssiggas e.V.", "", "dvfg.de", "Deutscher Verband Flüssiggas e.V."},
		{"St. Lucia Times News; St. Lucia Times News", "", "stluciatimes.com", "St. Lucia Times News"},
		{"Achtundvierzig", "", "achtundvierzig.hypotheses.org", "Achtundvierzig"},
		{"ভোরের কাগজ সংবাদ", "", "bhorerkagoj.com", "ভোরের কাগজ সংবাদ"},
		{"UK student halls too full to be safe, experts warn", "UK student halls too full to be safe, experts warn", "msn.com", "msn.com"},
		{"The Hill", "The Hill", "thehill.com", "The Hill"},
		{"Frollein Herr | Information und Inspiration rund um Fashion", "", "frolleinherr.com", "Frollein Herr"},
		{"polizeiticker.ch - Meldungen und Warnungen von der Polizei", "", "polizeiticker.ch", "polizeiticker.ch"},
		{"Business | Reuters", "", "reuters.com", "Business | Reuters"},
		{"News", "", "achtundvierzig.hypotheses.org", "achtundvierzig.hypotheses.org"},
	}
	for _, tc := range tests {
		if got := sourceName(tc.sitename, []string{tc.title}, tc.host); got != tc.want {
			t.Errorf("sourceName(%q, %q, %q) = %q, want %q", tc.sitename, tc.title, tc.host, got, tc.want)
		}
	}
}

func TestArticleTitle(t *testing.T) {
	tests := []struct {
		title, source, host string
		headlines           []string
		want                string
	}{
		{"Flood warnings issued - BBC News", "BBC", "bbc.co.uk", nil, "Flood warnings issued"},
		{"Trump indicted | CNN Politics", "CNN", "cnn.com", nil, "Trump indicted"},
		{"Ukraine war: latest | World news | The Guardian", "The Guardian", "theguardian.com", nil, "Ukraine war: latest | World news"},
		{"Miami-Dade crash - WSVN 7News | Miami News, Weather, Sports | Fort Lauderdale", "WSVN 7News", "wsvn.com", nil, "Miami-Dade crash"},
		{"Biden in Kyiv - live updates", "Global News", "globalnews.ca", nil, "Biden in Kyiv - live updates"},
		{"CNN anchor leaves CNN", "CNN", "cnn.com", []string{"Other"}, "CNN anchor leaves CNN"},
		{"ZDNet", "ZDNet", "zdnet.com", []string{"ZDNet", "Windows 10 support ends"}, "Windows 10 support ends"},
		{"zdnet.com", "", "zdnet.com", []string{"Windows 10 support ends"}, "Windows 10 support ends"},
		{"", "", "zdnet.com", []string{"Windows 10 support ends"}, "Windows 10 support ends"},
		{"The Hill", "The Hill", "thehill.com", nil, "The Hill"}, // no headline to put instead
	}
	for _, tc := range tests {
		if got := articleTitle(tc.title, tc.source, tc.host, tc.headlines); got != tc.want {
			t.Errorf("articleTitle(%q, %q, %q, %q) = %q, want %q", tc.title, tc.source, tc.host, tc.headlines, got, tc.want)
		}
	}
}

func TestSiteHost(t *testing.T) {
	tests := []struct {
		page, declared, want string
	}{
		{"https://www.zdnet.com/article/x", "", "zdnet.com"},
		{"http://127.0.0.1:18181/a", "https://www.zdnet.com/article/x", "zdnet.com"},
		{"http://127.0.0.1:18181/a", "", "127.0.0.1"},
		{"http://localhost:8080/a", "http://127.0.0.1/b", "localhost"},
		{"", "https://news.bbc.co.uk/x", "news.bbc.co.uk"},
		{"", "", ""},
	}
	for _, tc := range tests {
		var u *url.URL
		if tc.page != "" {
			u, _ = url.Parse(tc.page)
		}
		if got := siteHost(u, tc.declared); got != tc.want {
			t.Errorf("siteHost(%q, %q) = %q, want %q", tc.page, tc.declared, got, tc.want)
		}
	}
}
