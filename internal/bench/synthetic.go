package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/storyline/storyline"
)

// synthetic yields news-like reports as a collector would: n reports from
// first, in stories of 3 to 15 reports each, perDay reports a day, as a
// crawl of many outlets stores them: a larger store covers more days. A
// story has its own people, place, day and words; stories of one kind
// share their kind's words, as two earthquakes do; and a few well-known
// names turn up in reports of every story, as a president does. Report i
// is the same in every run.
type synthetic struct {
	first, n int
	bytes    *int64 // text written
}

// stories walks the reports in order and says which story each is in:
// stories are numbered by their first report, and a story's length is
// drawn from its number.
type stories struct{ story, size int }

// next moves to report i, which is at or after the last one asked for,
// and returns its story, its place in it and the story's length.
func (w *stories) next(i int) (story, index, size int) {
	if w.size == 0 {
		w.size = storySize(0)
	}
	for i >= w.story+w.size {
		w.story += w.size
		w.size = storySize(w.story)
	}
	return w.story, i - w.story, w.size
}

func storySize(story int) int { return 3 + rand.New(rand.NewPCG(uint64(story), 11)).IntN(13) }

// perDay is how many reports a day the synthetic outlets publish.
const perDay = 100

// The words reports are made of.
var (
	syllables = strings.Fields("ka ro vin del mar su ten lo bra gi fen ho zu pal ner is tam qu ol ber")
	// Given names are everyday words, as in news: common ones.
	given     = strings.Fields("John Maria David Anna Michael Sarah James Laura Robert Elena Peter Olga Ahmed Fatima Ali Leila Carlos Ana Juan Sofia Ivan Irina Chen Li Wei Yuki Kenji Hana Omar Amina Paul Julia Mark Emma Daniel Nina Thomas Clara Jose Lucia")
	famous    = []string{"Vladimir Putin", "Joe Biden", "Xi Jinping", "Recep Tayyip Erdogan", "Emmanuel Macron"}
	cities    = strings.Fields("Moscow Ankara Cairo Paris Lima Nairobi Jakarta Manila Warsaw Lagos Quito Hanoi Madrid Oslo Seoul Dakar")
	countries = strings.Fields("Syria Turkey Iran Russia Egypt France Peru Kenya Indonesia Poland Nigeria Ecuador Spain Norway Chile Ghana")
	common    = strings.Fields("the of and to in that for on with as said was were by at from had has have it its after would also more than about")
	kinds     = []struct{ verb, words string }{
		{"held talks with", "talks ministers meeting agreement delegation envoy summit ceasefire mediation foreign"},
		{"inspected damage with", "earthquake magnitude rescue collapsed aftershock epicentre tremor rubble survivors quake"},
		{"testified against", "trial court jury verdict prosecutors sentence defendant appeal testimony judge"},
		{"campaigned with", "election ballot voters parliament turnout coalition candidate polls campaign seats"},
		{"signed a deal with", "merger shares acquisition investors billion takeover bid stake regulators board"},
		{"trained with", "match coach season striker league transfer goals squad fixture stadium"},
		{"toured the site with", "flooding storm rain evacuated coast levee rivers shelters forecast hurricane"},
		{"negotiated with", "strike union workers wages factory walkout pay pickets contract dispute"},
	}
)

// name is the k-th name of n syllables, capitalised: surnames and towns
// of three (8,000 of them).
func name(k, n int) string {
	var s string
	for range n {
		s += syllables[k%20]
		k /= 20
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// word is the k-th word of a large made-up vocabulary: what a story says
// that others do not (its organisations, its objects, its numbers).
func word(k int) string {
	return syllables[k%20] + syllables[(k/20)%20] + syllables[(k/400)%20] + syllables[(k/8000)%20]
}

// report writes report i, which is report index of the size reports of
// story: a headline, a lede with the story's people, place and day, and
// sentences of the story's own words among its kind's and common ones,
// about 1.5 KB.
func report(i, story, index, size int) *storyline.Article {
	srng := rand.New(rand.NewPCG(uint64(story), 12))
	kind := kinds[srng.IntN(len(kinds))]
	people := make([]string, 3)
	for k := range people {
		people[k] = given[srng.IntN(len(given))] + " " + name(srng.IntN(8000), 3)
	}
	// A capital most often, else a town of its own.
	city, country := cities[srng.IntN(len(cities))], countries[srng.IntN(len(countries))]
	if srng.IntN(3) == 0 {
		city = name(srng.IntN(8000), 3)
	}
	own := make([]string, 12)
	for k := range own {
		own[k] = word(srng.IntN(160000))
	}
	start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, story/perDay+srng.IntN(3))
	event := start.AddDate(0, 0, srng.IntN(3))

	rng := rand.New(rand.NewPCG(uint64(i), 13))
	published := start.AddDate(0, 0, index*7/size+rng.IntN(2))
	words := strings.Fields(kind.words)
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s in %s, %s, on %s, officials said.\n", people[0], kind.verb, people[1], city, country, event.Format("January 2"))
	for range 8 + rng.IntN(6) {
		for range 10 + rng.IntN(8) {
			switch r := rng.IntN(20); {
			case r < 11:
				b.WriteString(pick(common))
			case r < 12:
				b.WriteString(pick(words))
			case r < 18:
				b.WriteString(pick(own))
			default:
				b.WriteString(pick(people))
			}
			b.WriteByte(' ')
		}
		b.WriteString(pick(common) + ".\n")
	}
	fmt.Fprintf(&b, "%s said the %s would go on next week.", people[2], pick(words))
	if rng.IntN(20) == 0 {
		fmt.Fprintf(&b, " %s was told of the %s.", pick(famous), pick(words))
	}
	return &storyline.Article{ID: fmt.Sprintf("synthetic-%07d", i), Title: fmt.Sprintf("%s: %s in %s", people[0], words[0], city),
		Text: b.String(), Published: published}
}

func (s synthetic) Collect(ctx context.Context, sources []string, out chan<- storyline.Collected) {
	var w stories
	for i := s.first; i < s.first+s.n; i++ {
		story, index, size := w.next(i)
		a := report(i, story, index, size)
		*s.bytes += int64(len(a.Text))
		select {
		case out <- storyline.Collected{Source: sources[0], Input: a.ID, Article: a}:
		case <-ctx.Done():
			return
		}
	}
}
