package collect

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/runtogether"
)

// realPageTests are pages written to reproduce what real news pages do to
// text and metadata: tables, lists and line breaks whose words ran together,
// site names taken from a publisher's Facebook URL, a copyright line, an
// abbreviation or a dateline in the <title>, the loopback address a page was
// served from, titles that carry the site's name, and publication dates
// hidden among modified dates, comments, time zones and placeholders.
var realPageTests = []struct {
	file, url     string
	title, source string
	// published is the day the page was published, "" when it says not.
	published string
	// want are in the text; wantNot are not.
	want, wantNot []string
}{
	{
		file: "match-report-table.html", url: "http://127.0.0.1:18181/2024/03/26/ukraine-iceland",
		published: "2024-03-26",
		title:     "Mudryk strikes late as Ukraine edge past Iceland to reach Euro 2024",
		source:    "127.0.0.1",
		want: []string{
			"Player\nGoals\nLast appearance\n\nMykhailo Mudryk\n1\nUkraine\n\n",       // a cell ends a line, a row a block
			"First appearance\n\nRussia",                                              // list items are blocks
			"Venue\n\nTarczynski Arena",                                               // so are dt and dd
			"Mykolenko\nIceland: Valdimarsson; Gretarsson, Ingason, Palsson\nReferee", // <br> ends a line
			"memoir Golden Generation appeared last year, praised Anatoliy Trubin and the back four",
			"Pressing Ukraine won the ball back", // the space after an inline element
			"book\nentitled Golden Generation, Kyiv Press.",
		},
		wantNot: []string{
			"appearanceUkraine", "appearanceRussia", "UkraineViktor", "MykolenkoIceland",
			"MudrykViktor", "GironaArtem", // a <br> in a cell among other elements
			"GenerationAppeared", "PressingUkraine", "entitledGolden",
		},
	},
	{
		file: "techcrunch-suffix.html", url: "https://techcrunch.com/2024/04/14/openai-tokyo-office/",
		published: "2024-04-14",
		title:     "OpenAI opens its first office in Asia with a hub in Tokyo",
		source:    "TechCrunch",
		// The headline leads the text once, as the title.
		want:    []string{"OpenAI opens its first office in Asia with a hub in Tokyo\n\nOpenAI is opening"},
		wantNot: []string{"– TechCrunch"},
	},
	{
		file: "zdnet-facebook-publisher.html", url: "https://www.zdnet.com/article/windows-10-support-ends/",
		published: "2023-06-27",
		title:     "Microsoft confirms Windows 10 support ends in October 2025",
		source:    "ZDNet", // the title's suffix names the host's site; the Facebook page does not
	},
	{
		file: "site-name-title.html", url: "https://thehill.com/homenews/senate/4229516-senate-passes-stopgap/",
		published: "2023-09-30",
		title:     "Senate passes stopgap bill hours before shutdown deadline",
		source:    "The Hill",
	},
	{
		file: "copyright-meta.html", url: "https://www.valleytimes.example/news/malibu-fire",
		published: "2014-01-16",
		title:     "Brush fire forces evacuations near Malibu",
		source:    "valleytimes.example",
	},
	{
		file: "copyright-holder.html", url: "https://www.guampdn.com/story/news/local/2019/10/28/typhoon-warning/",
		published: "2019-10-28",
		title:     "Typhoon warning issued as storm nears Guam",
		source:    "Pacific Daily News",
	},
	{
		file: "hosted-publisher.html", url: "https://www.wirenews.example/business/trade-deficit",
		published: "2019-12-05",
		title:     "Trade deficit narrows as exports climb to record",
		source:    "wirenews.example",
	},
	{
		file: "title-abbreviation.html", url: "https://www.wirenews.example/us/jobless-claims",
		published: "2019-04-18",
		title:     "Jobless claims fall to lowest level since 1969",
		source:    "wirenews.example",
	},
	{
		file: "title-dateline.html", url: "https://sportsdesk.example/nhl/blues-jets",
		published: "2019-11-02",
		title:     "Blues rally past Jets in overtime",
		source:    "sportsdesk.example",
		// The headline, broken with <br>, leads the text once, as the title.
		want:    []string{"Blues rally past Jets in overtime\n\nRyan O'Reilly scored"},
		wantNot: []string{"Jets\nin overtime"},
	},
	{
		file: "title-suffix-only.html", url: "https://arstechnica.com/science/2023/11/google-weather-model/",
		published: "2023-11-14",
		title:     "Google's new AI model can predict the weather 10 days out",
		source:    "Ars Technica", // the <title> names the site, the metadata only its domain
	},
	{
		file: "live-updates.html", url: "https://globalnews.ca/news/9364411/zelensky-biden-washington/",
		published: "2022-12-21",
		title:     "Zelensky meets Biden in Washington - live updates", // the suffix that is not the site stays
		source:    "Global News",
	},
	{
		// The page's modified time stands first, its JSON-LD says when it
		// was published (statisticsglobe.com).
		file: "modified-meta-first.html", url: "https://www.riversidepost.example/council-delays-vote/",
		title: "Council delays vote on riverside housing plan", source: "Riverside Post",
		published: "2019-09-24",
	},
	{
		// A generic "date" meta and an analytics date are the modified
		// time; the header shows it too (nationalgeographic.co.uk, reuters.com).
		file: "generic-date-meta.html", url: "https://www.natgeo.example/environment/2020/01/wild-goats",
		title: "Wild goats ruled this island for a century. Now it is being reborn", source: "natgeo.example",
		published: "2020-01-03",
	},
	{
		// Published at 02:08 UTC on the 29th, 22:08 on the 28th where
		// the paper is (stluciatimes.com).
		file: "utc-rollover.html", url: "https://www.islandtimes.example/dea-officials-arrest-premier/",
		title: "Premier arrested on drug charges, governor calls for calm", source: "islandtimes.example",
		published: "2022-04-28",
	},
	{
		// The URL's day is the publisher's; the declared time is UTC
		// (pagesix.com).
		file: "url-date.html", url: "https://pagesix.com/2020/02/24/former-press-secretary-exits/",
		title: "Former press secretary exits studio role", source: "pagesix.com",
		published: "2020-02-24",
	},
	{
		// The only date is a reader's comment's (fifplay.com).
		file: "comment-date.html", url: "https://www.gamesettings.example/game-settings/",
		title: "Game settings explained", source: "gamesettings.example",
	},
	{
		// A wiki's "last modified" is no publication (stardewvalleywiki.com).
		file: "last-modified.html", url: "https://valleywiki.example/Penny",
		title: "Penny", source: "Valley Wiki",
	},
	{
		// dateCreated 01/01/2004 is a placeholder, a copyright year no day,
		// "Updated" no publication (bettycrocker.com).
		file: "placeholder-created.html", url: "https://www.kitchens.example/recipes/pineapple-cake",
		title: "Easy Pineapple Upside-Down Cake", source: "kitchens.example",
	},
	{
		// A session's expiry in a script's state (reddit.com).
		file: "script-state.html", url: "https://forum.example/r/python/comments/1bbbwk/init_py/",
		title: "What do you put in __init__.py?", source: "forum.example",
	},
	{
		// A modified time is all the page declares (plantcaretoday.com
		// without its published time).
		file: "modified-only.html", url: "https://plants.example/bougainvillea.html",
		title: "How to grow and care for bougainvillea", source: "plants.example",
	},
	{
		// A copyright year is no day (nestle-family.com).
		file: "copyright-year-only.html", url: "https://www.familykitchen.example/recipes/roasted-chicken",
		title: "Roasted chicken with oriental rice", source: "familykitchen.example",
	},
	{
		// The dateline under the headline holds two dates; a list of
		// other stories, after the logo's <h1>, dates of its own
		// (world.kbs.co.kr).
		file: "headline-dateline.html", url: "https://world.radio.example/news_view.htm?seq=181595",
		title: "Colder temperatures forecast for Wednesday after cold wave alert", source: "world.radio.example",
		published: "2023-11-07",
	},
	{
		// A bare date under the headline (womencantalksports.com).
		file: "bare-dateline.html", url: "http://www.talksports.example/top-10-women-talking-sports/",
		title: "Top 10 Women Talking Sports", source: "talksports.example",
		published: "2014-01-22",
	},
	{
		// A drop cap set apart before its paragraph, and words an editor
		// split into elements (standard.co.uk, observer.com).
		file: "drop-cap.html", url: "https://www.standard.example/news/uk/turkey-poland-quarantine-a4561256.html",
		title: "Turkey, Poland, Caribbean islands added to UK quarantine list", source: "Evening Standard",
		want:    []string{"\n\nTurkey, Poland and the Caribbean", "the Château de Versailles region", "rules online before"},
		wantNot: []string{"\n\nurkey", "Ch âteau", "onlin e"},
	},
	{
		// A hidden copy of a name for the page's microdata
		// (german.stackexchange.com).
		file: "hidden-copy.html", url: "https://german.stackexchange.example/questions/10376/wurde-versus-war",
		title: `When to use "wurde" versus "war"`, source: "german.stackexchange.example",
		want:    []string{"answered Feb 6, 2014 by Tom Au"},
		wantNot: []string{"AuTom", "Tom Au Tom Au"},
	},
	{
		// Authors in elements HTML does not know, links set apart by
		// style (acpjournals.org).
		file: "reference-list.html", url: "https://www.journals.example/doi/10.7326/M19-3075",
		title: "The Effect of Influenza Vaccination for the Elderly on Hospitalization and Mortality", source: "journals.example",
		published: "2020-03-03",
		want:      []string{"Medlock J and Galvani AP.", "Crossref Medline Google Scholar"},
		wantNot:   []string{"JandGalvani", "CrossrefMedline"},
	},
	{
		// A recipe card's fields in spans set apart by style
		// (eatwhattonight.com).
		file: "recipe-card.html", url: "https://eatwhattonight.example/2020/09/vegan-char-kway-teow/",
		title: "Vegan Char Kway Teow (Stir Fry Flat Rice Noodles)", source: "eatwhattonight.example",
		published: "2020-09-28",
		want:      []string{"Course: Main Cuisine: Chinese Difficulty: Easy"},
		wantNot:   []string{"MainCuisine"},
	},
}

func TestParseHTMLRealPages(t *testing.T) {
	for _, tc := range realPageTests {
		t.Run(tc.file, func(t *testing.T) {
			a := parseRealPage(t, tc.file, tc.url)
			if a.Title != tc.title {
				t.Errorf("ParseHTML(%s).Title = %q, want %q", tc.file, a.Title, tc.title)
			}
			if a.Source != tc.source {
				t.Errorf("ParseHTML(%s).Source = %q, want %q", tc.file, a.Source, tc.source)
			}
			if got := a.PublishedDate(); got != tc.published {
				t.Errorf("ParseHTML(%s).Published = %q, want %q", tc.file, got, tc.published)
			}
			bad := false
			for _, s := range tc.want {
				if !strings.Contains(a.Text, s) {
					t.Errorf("ParseHTML(%s).Text lacks %q", tc.file, s)
					bad = true
				}
			}
			for _, s := range tc.wantNot {
				if strings.Contains(a.Text, s) {
					t.Errorf("ParseHTML(%s).Text has %q", tc.file, s)
					bad = true
				}
			}
			if bad {
				t.Logf("text:\n%s", a.Text)
			}
		})
	}
}

// TestNoRunTogetherWords checks every page the tests hold, the fixtures'
// too: each word of the kept text that joins a letter or digit to a capital
// stands within one text node of the page (or its <title> and meta tags),
// so no two blocks, cells or lines were glued into a word that the page
// never shows ("appearanceUkraine"). Other words may span text nodes as
// the page itself shows them ("<span>T</span><p>urkey", "Ch<span>â</span>").
func TestNoRunTogetherWords(t *testing.T) {
	pages, _ := filepath.Glob("testdata/realpages/*.html")
	fixturePages, _ := filepath.Glob(filepath.Join(fixtureDir(t), "pages", "*.html"))
	pages = append(pages, fixturePages...)
	if len(pages) == 0 {
		t.Fatal("no pages")
	}
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		a, err := ParseHTML(strings.NewReader(string(data)), nil)
		if err != nil {
			t.Fatalf("ParseHTML(%s): %v", page, err)
		}
		words, err := runtogether.Words(data, a.Text)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range words {
			t.Errorf("ParseHTML(%s): word %q is in no text node of the page: blocks ran together", filepath.Base(page), w)
		}
	}
}

func parseRealPage(t *testing.T, file, pageURL string) *storyline.Article {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata/realpages", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseHTML(f, u)
	if err != nil {
		t.Fatalf("ParseHTML(%s): %v", file, err)
	}
	return a
}
