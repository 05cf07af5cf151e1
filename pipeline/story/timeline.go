package story

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/timex"
)

// Timeline merges the mentions of a story's reports into its timeline,
// oldest event first. mentions maps an article's ID to what Mentions found
// in it; articles give the texts that evidence and positions refer to (an
// article with mentions but missing from articles still counts, without a
// What of its own). Mentions of one event are those with the same date and
// a participant or trigger in common, and a week's or month's mention
// ("earlier this month") joins the day inside it ("on Tuesday", "April 25")
// that shares a person, or a trigger and a country or place, with it; when
// several reports give that week or month, it stays an entry of its own
// too, weighed at half. A headline dated only by its report's day joins
// the event of its kind the story dates in the two days before. The
// result does not depend on the order of articles or of the map.
func Timeline(articles []*storyline.Article, mentions map[string][]storyline.Mention) []storyline.Event {
	texts := map[string]string{}
	for _, a := range articles {
		texts[a.ID] = a.Text
	}
	items := collectMentions(texts, mentions)
	groups := groupMentions(items)
	events := make([]storyline.Event, 0, len(groups))
	for _, g := range groups {
		events = append(events, makeEvent(g, texts))
	}
	lastPublished := math.MinInt32
	for _, a := range articles {
		if r, ok := daySpanOf(timex.DayOf(a.Published).String()); ok && !a.Published.IsZero() {
			lastPublished = max(lastPublished, r.first)
		}
	}
	if lastPublished == math.MinInt32 {
		lastPublished = math.MaxInt32 // none known: no date is too late
	}
	rankEvents(events, groups, lastPublished)
	slices.SortStableFunc(events, func(a, b storyline.Event) int {
		ra, _ := daySpanOf(a.When)
		rb, _ := daySpanOf(b.When)
		return cmp.Or(cmp.Compare(ra.first, rb.first), cmp.Compare(ra.last, rb.last),
			cmp.Compare(b.Weight, a.Weight), strings.Compare(a.What, b.What))
	})
	return events
}

// mentionItem is one mention with what merging and ranking need of it.
type mentionItem struct {
	article string
	m       storyline.Mention
	r       daySpan
	pos     float64 // where its sentence starts in the report, 0 to 1
	who     []string
	// coarse marks a mention joined to an event dated more precisely by
	// others (a month's to its day): it adds reports and evidence, but
	// names others than the day's participants as often as the same.
	coarse bool
	// echo marks the mentions of a week's or month's entry that several
	// reports give and that also joined the day inside it.
	echo bool
}

// daySpan is the inclusive range of days a value covers, counted from the
// Unix epoch.
type daySpan struct{ first, last int }

func (r daySpan) size() int { return r.last - r.first + 1 }

func (r daySpan) in(o daySpan) bool { return o.first <= r.first && r.last <= o.last }

func daySpanOf(when string) (daySpan, bool) {
	v, err := timex.Parse(when)
	if err != nil {
		return daySpan{}, false
	}
	start, end, ok := v.Span()
	if !ok {
		return daySpan{}, false
	}
	const day = 24 * time.Hour
	return daySpan{int(start.Unix() / 86400), int(end.Add(-day).Unix() / 86400)}, true
}

// collectMentions flattens the mentions into items in a fixed order: by date, then
// article and offset, so that nothing later depends on the map's order.
func collectMentions(texts map[string]string, mentions map[string][]storyline.Mention) []mentionItem {
	var items []mentionItem
	for id, ms := range mentions {
		size := len(texts[id])
		for _, m := range ms {
			r, ok := daySpanOf(m.When)
			if !ok {
				continue
			}
			size = max(size, m.End)
			if fromPublication(m) {
				// A headline tells the news of its day or of the day or
				// two before ("Woman shoots co-workers" the morning after
				// the shooting): the event it reports, if the story dates
				// it in that span, is the headline's.
				r.first -= headlineDays
			}
			who := slices.Concat(tagged("p:", m.People), tagged("c:", m.Countries), tagged("l:", m.Places))
			items = append(items, mentionItem{article: id, m: m, r: r, pos: float64(m.Start) / float64(max(size, 1)), who: who})
		}
	}
	slices.SortFunc(items, func(a, b mentionItem) int {
		return cmp.Or(cmp.Compare(a.r.first, b.r.first), cmp.Compare(a.r.last, b.r.last),
			strings.Compare(a.article, b.article), cmp.Compare(a.m.Start, b.m.Start),
			cmp.Compare(a.m.DateStart, b.m.DateStart))
	})
	return items
}

// headlineDays is how many days before its report's publication a
// headline's news may have happened.
const headlineDays = 2

// fromPublication reports whether m is dated by its report's publication
// day: a headline or lede without a date of its own, or a sentence that goes
// on telling one (whose date offsets, copied from it, are empty too).
func fromPublication(m storyline.Mention) bool {
	return m.Dated == storyline.DatedPublished || m.Dated == storyline.DatedEarlier && m.DateStart == m.DateEnd
}

func tagged(tag string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = tag + x
	}
	return out
}

// groupMentions puts the items of one event together: the same date and a
// participant or trigger in common (or no participant to tell them apart,
// but for a year, see joinLong); then nest joins weeks and months to the
// days inside them.
func groupMentions(items []mentionItem) [][]mentionItem {
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(i, j int) {
		a, b := find(i), find(j)
		if a != b {
			parent[max(a, b)] = min(a, b) // the lower index roots: order-independent
		}
	}
	for i := 0; i < len(items); {
		end := i + 1
		for end < len(items) && items[end].r == items[i].r {
			end++
		}
		if items[i].r.size() > 31 {
			joinLong(items, i, end, find, union)
		} else {
			for a := i; a < end; a++ {
				for b := a + 1; b < end; b++ {
					if sameEvent(items[a], items[b]) {
						union(a, b)
					}
				}
			}
		}
		i = end
	}
	byRoot := map[int][]mentionItem{}
	var roots []int
	for i, it := range items {
		r := find(i)
		if _, ok := byRoot[r]; !ok {
			roots = append(roots, r)
		}
		byRoot[r] = append(byRoot[r], it)
	}
	out := make([][]mentionItem, len(roots))
	for k, r := range roots {
		out[k] = byRoot[r]
	}
	return nest(out)
}

// joinLong groups items[i:end], which share a date longer than a month (a
// year, a season): the ones that name someone as sameEvent has it, and each
// that names no one with the largest of those groups, or with the other
// anonymous ones when none names anyone. A mention that names no one cannot
// tell two events apart, but it does not make one event of two that name
// different people either: "in 2002" is said of many things in a story's
// background (a coach leaving, a team's playoffs, an investigation), and
// chained through one anonymous mention they would count as one event told
// by every report that names the year (on ECB+ dev with the gold stories,
// date F1 0.764 -> 0.778). A day's or a month's mentions still chain: its
// headlines and ledes name no one and tell its one event.
func joinLong(items []mentionItem, i, end int, find func(int) int, union func(int, int)) {
	var anon []int
	for a := i; a < end; a++ {
		if len(items[a].who) == 0 {
			anon = append(anon, a)
			continue
		}
		for b := a + 1; b < end; b++ {
			if len(items[b].who) > 0 && sameEvent(items[a], items[b]) {
				union(a, b)
			}
		}
	}
	size := map[int]int{}
	best := -1
	for a := i; a < end; a++ {
		if len(items[a].who) == 0 {
			continue
		}
		r := find(a)
		size[r]++
		if best < 0 || size[r] > size[best] || size[r] == size[best] && r < best {
			best = r
		}
	}
	for k, a := range anon {
		switch {
		case best >= 0:
			union(a, best)
		case k > 0:
			union(a, anon[0])
		}
	}
}

// nest joins each group dated by a week, a month or a short interval to
// the group dated more precisely inside it that tells of the same event
// (Tuesday's talks and "talks earlier this month"): one that shares a
// person with it, or the kind of event, or two countries or places. The
// finest groups take in the coarser ones first, so a month can join a
// day through the week that joined it. Years are left apart: a year names
// a different event far more often than it names a day's.
func nest(groups [][]mentionItem) [][]mentionItem {
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	span := func(i int) daySpan { return groups[i][0].r }
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(span(a).size(), span(b).size()) })
	into := make([]int, len(groups)) // the group each was joined to, or itself
	for i := range into {
		into[i] = i
	}
	for _, c := range order {
		cr := span(c)
		if cr.size() == 1 || cr.size() > 31 {
			continue
		}
		best, bestScore := -1, 0
		for f := range groups {
			fr := span(f)
			if into[f] != f || fr.size() >= cr.size() || !fr.in(cr) {
				continue
			}
			sc := affinity(groups[c], groups[f])
			if sc > 0 && (sc > bestScore || sc == bestScore && len(groups[f]) > len(groups[best])) {
				best, bestScore = f, sc
			}
		}
		if best >= 0 {
			for _, it := range groups[c] {
				// A headline's participants are its event's; a week's or
				// a month's may be another's.
				it.coarse = !fromPublication(it.m)
				groups[best] = append(groups[best], it)
			}
			into[c] = best
		}
	}
	var out [][]mentionItem
	for i, g := range groups {
		switch {
		case into[i] == i:
			out = append(out, g)
		case !fromPublication(g[0].m) && reportCount(g) >= 2:
			// Reports that date an event only by its week or month
			// ("the September shooting") date the story so: their
			// dating stays on the timeline as an entry of its own,
			// ranked below the day's, besides adding them to the day.
			echo := make([]mentionItem, len(g))
			for k, it := range g {
				it.echo = true
				echo[k] = it
			}
			out = append(out, echo)
		}
	}
	return out
}

func reportCount(g []mentionItem) int {
	seen := map[string]bool{}
	for _, it := range g {
		seen[it.article] = true
	}
	return len(seen)
}

// affinity scores how surely two groups of mentions tell of one event,
// zero when they may not: they must share a person, or the kind of event
// and, unless one names no one, two countries or places. A person in
// common counts 3, the kind 2, a country or place 1.
func affinity(a, b []mentionItem) int {
	who, kinds := map[string]bool{}, map[string]bool{}
	var bWho []string
	for _, it := range a {
		for _, w := range it.who {
			who[w] = true
		}
		if it.m.Trigger != "" {
			kinds[eventKind(it.m.Trigger)] = true
		}
	}
	sameKind := false
	for _, it := range b {
		for _, w := range it.who {
			bWho = appendUnique(bWho, w)
		}
		if it.m.Trigger != "" && kinds[eventKind(it.m.Trigger)] {
			sameKind = true
		}
	}
	people, others := 0, 0
	for _, w := range bWho {
		if who[w] {
			if strings.HasPrefix(w, "p:") {
				people++
			} else {
				others++
			}
		}
	}
	// A headline's news is one of the few days before it, so the kind of
	// event is enough; a week or a month holds more events.
	anonymous := len(who) == 0 || len(bWho) == 0 || fromPublication(a[0].m)
	if people == 0 && !(sameKind && (anonymous || others >= 2)) {
		return 0
	}
	score := 3*people + others
	if sameKind {
		score += 2
	}
	return score
}

// sameEvent reports whether two mentions of the same date tell of one
// event: either names no one to tell them apart, or they share a person, or
// two countries or places, or one and the kind of event.
func sameEvent(a, b mentionItem) bool {
	if len(a.who) == 0 || len(b.who) == 0 {
		return true
	}
	people, others := sharedWho(a.who, b.who)
	// A mention without a trigger tells of no other kind of event.
	sameKind := a.m.Trigger == "" || b.m.Trigger == "" || eventKind(a.m.Trigger) == eventKind(b.m.Trigger)
	return people > 0 || others >= 2 || others == 1 && sameKind
}

// sharedWho counts the people, and the countries and places, that the
// tagged participant lists a and b share.
func sharedWho(a, b []string) (people, others int) {
	for _, x := range a {
		if slices.Contains(b, x) {
			if strings.HasPrefix(x, "p:") {
				people++
			} else {
				others++
			}
		}
	}
	return people, others
}

// makeEvent makes the timeline entry of one group of mentions.
func makeEvent(g []mentionItem, texts map[string]string) storyline.Event {
	e := storyline.Event{When: mostPrecise(g)}
	people, countries, places := tally{}, tally{}, tally{}
	coarseCountries, coarsePlaces := tally{}, tally{}
	seen := map[storyline.Evidence]bool{}
	for _, it := range g {
		e.Articles = appendUnique(e.Articles, it.article)
		if it.coarse {
			coarseCountries.add(it.m.Countries)
			coarsePlaces.add(it.m.Places)
		} else {
			people.add(it.m.People)
			countries.add(it.m.Countries)
			places.add(it.m.Places)
		}
		ev := storyline.Evidence{Article: it.article, Start: it.m.Start, End: it.m.End}
		if !seen[ev] {
			seen[ev] = true
			e.Evidence = append(e.Evidence, ev)
		}
	}
	slices.Sort(e.Articles)
	slices.SortFunc(e.Evidence, func(a, b storyline.Evidence) int {
		return cmp.Or(strings.Compare(a.Article, b.Article), cmp.Compare(a.Start, b.Start))
	})
	// The precise mentions' participants are the event's. The coarse ones'
	// countries and places stand in when the precise name none ("the first
	// meeting, on December 28"): a story's countries and places are few
	// and recur from event to event, where its people change.
	if len(countries) == 0 {
		countries = coarseCountries
	}
	if len(places) == 0 {
		places = coarsePlaces
	}
	e.People, e.Countries, e.Places = people.ranked(), countries.common().ranked(), places.ranked()
	best := slices.MinFunc(g, clearer)
	if t, ok := texts[best.article]; ok && best.m.End <= len(t) {
		e.What = strings.Join(strings.Fields(t[best.m.Start:best.m.End]), " ")
	}
	return e
}

// mostPrecise is the most precise date the group's mentions give; among equals
// the one most mentions give, then the earliest.
func mostPrecise(g []mentionItem) string {
	count := map[string]int{}
	for _, it := range g {
		count[it.m.When]++
	}
	best := g[0]
	for _, it := range g[1:] {
		if c := cmp.Or(cmp.Compare(it.r.size(), best.r.size()),
			cmp.Compare(count[best.m.When], count[it.m.When]),
			strings.Compare(it.m.When, best.m.When)); c < 0 {
			best = it
		}
	}
	return best.m.When
}

// clearer orders the mentions of an event by how well their sentence tells
// it: one with a trigger, then the earliest in its report, then the
// shortest.
func clearer(a, b mentionItem) int {
	return cmp.Or(cmp.Compare(boolInt(a.m.Trigger == ""), boolInt(b.m.Trigger == "")),
		cmp.Compare(a.pos, b.pos), cmp.Compare(a.m.End-a.m.Start, b.m.End-b.m.Start),
		strings.Compare(a.article, b.article), cmp.Compare(a.m.Start, b.m.Start))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tally counts how many mentions name each participant.
type tally map[string]int

func (c tally) add(xs []string) {
	for _, x := range xs {
		c[x]++
	}
}

// common keeps the participants named by more than half as many mentions as
// the most named: an event told in several sentences is told with its own
// participants in each, and a name only one of them gives is more often
// another event's ("after the February 6 earthquake, and the Chinese-brokered
// deal between Iran and Saudi Arabia").
func (c tally) common() tally {
	most := 0
	for _, n := range c {
		most = max(most, n)
	}
	out := tally{}
	for x, n := range c {
		if 2*n >= most {
			out[x] = n
		}
	}
	return out
}

// ranked is the participants, most mentioned first, then by name.
func (c tally) ranked() []string {
	out := make([]string, 0, len(c))
	for x := range c {
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(c[b], c[a]), strings.Compare(a, b)) })
	return out
}

// rankEvents sets each event's weight: the number of reports telling of
// it counts most; reports that name it with a trigger word, participants,
// a precise date and a place early in the reports (where news puts what
// matters) add to it. Events that share a date are not held down: a story's
// reports date one event by its day, week and month, and each is an entry.
// But of the events on the very same date only the heaviest keeps its
// weight: two entries of one day are more often one event told two ways
// (a shooting and the arrest that night, a death and its announcement)
// that the merge kept apart than two events a reader wants both of, and a
// timeline read from the top should reach another date first (on ECB+ dev
// with the gold stories, date F1 0.750 -> 0.764).
func rankEvents(events []storyline.Event, groups [][]mentionItem, lastPublished int) {
	heaviest := map[string]int{} // by date
	for i := range events {
		events[i].Weight = math.Round(eventScore(events[i], groups[i], lastPublished)*1000) / 1000
		if j, ok := heaviest[events[i].When]; !ok || events[i].Weight > events[j].Weight ||
			events[i].Weight == events[j].Weight && events[i].What < events[j].What {
			heaviest[events[i].When] = i
		}
	}
	for i := range events {
		if heaviest[events[i].When] != i {
			events[i].Weight = math.Round(events[i].Weight*rankTuned.Again*1000) / 1000
		}
	}
}

// rankWeights are the weights of an event's features; rankTuned holds the
// ones measured best on the ECB+ dev stories and the fixtures.
type rankWeights struct {
	Reports   float64 // per report telling of the event
	Triggered float64 // per report with a trigger word for it
	Who       float64 // per participant, up to four
	Precise   float64 // for a day; less for a week, a month, a year
	Early     float64 // for an event told at the head of a report
	Later     float64 // the factor of an event dated long after all the reports
	Echo      float64 // the factor of a week's or month's echo of a day's event
	Again     float64 // the factor of an event on the date of a heavier one
}

var rankTuned = rankWeights{Reports: 1, Triggered: 1, Who: 0.25, Precise: 1, Early: 1, Later: 0.3, Echo: 0.5, Again: 0.5}

func eventScore(e storyline.Event, g []mentionItem, lastPublished int) float64 {
	w := rankTuned
	r, _ := daySpanOf(e.When)
	prec := 1 / (1 + math.Log2(float64(r.size())))
	first := 1.0
	triggered := map[string]bool{}
	for _, it := range g {
		first = min(first, it.pos)
		if it.m.Trigger != "" {
			triggered[it.article] = true
		}
	}
	who := min(len(e.People)+len(e.Countries)+len(e.Places), 4)
	score := w.Reports*float64(len(e.Articles)) + w.Triggered*float64(len(triggered)) + w.Who*float64(who) +
		w.Precise*prec + w.Early*(1-first)
	if g[0].echo {
		score *= w.Echo
	}
	if r.first > lastPublished+31 {
		// Reports announce events weeks ahead, not years: a date long
		// after all of them is a teaser for another story or a misread.
		score *= w.Later
	}
	return score
}
