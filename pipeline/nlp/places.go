package nlp

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storyline/storyline"
)

type placeRef struct {
	name, country string
	population    int
	capital       bool
}

// placeTable finds cities and regions below the country (places.json,
// generated from GeoNames by internal/genplaces).
type placeTable struct {
	byKey    map[string][]placeRef // lowercased phrase → the places of that name, most populous first
	maxWords int
	// countryNames are the countries' common English names, for the norm of
	// "northern Syria".
	countryNames map[string]string
}

func loadPlaces(places, countries []byte) (*placeTable, error) {
	var table []struct {
		Name       string   `json:"name"`
		Alt        []string `json:"alt"`
		Country    string   `json:"country"`
		Population int      `json:"population"`
		Kind       string   `json:"kind"`
	}
	if err := json.Unmarshal(places, &table); err != nil {
		return nil, err
	}
	var cs []struct {
		Code  string   `json:"code"`
		Names []string `json:"names"`
	}
	if err := json.Unmarshal(countries, &cs); err != nil {
		return nil, err
	}
	t := &placeTable{byKey: map[string][]placeRef{}, countryNames: map[string]string{}}
	for _, c := range cs {
		if len(c.Names) > 0 {
			t.countryNames[c.Code] = c.Names[0]
		}
	}
	for _, p := range table {
		ref := placeRef{p.Name, p.Country, p.Population, p.Kind == "capital"}
		for _, n := range append([]string{p.Name}, p.Alt...) {
			key := phraseKey(n)
			if key == "" || slices.ContainsFunc(t.byKey[key], func(r placeRef) bool { return r.name == ref.name && r.country == ref.country }) {
				continue
			}
			t.byKey[key] = append(t.byKey[key], ref)
			t.maxWords = max(t.maxWords, len(words(n)))
		}
	}
	for _, refs := range t.byKey {
		slices.SortStableFunc(refs, func(a, b placeRef) int { return b.population - a.population })
	}
	return t, nil
}

// directions before a country name make a place of a part of it: "northern
// Syria" (the guidelines still count "Syria" as the country).
var directions = setOf("north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
	"northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern", "southeastern",
	"southwestern", "north-east", "north-west", "south-east", "south-west", "north-eastern", "north-western",
	"south-eastern", "south-western")

// placePrepositions before a place make it the place itself, whatever
// follows: "talks in Moscow said to be…".
var placePrepositions = setOf("in", "at", "to", "from", "near", "into", "outside", "inside", "toward", "towards",
	"via", "around", "across", "through", "of")

// governmentVerbs after a capital make it its government, which the
// guidelines do not count as a place: "Moscow said", "Ankara warned".
var governmentVerbs = setOf("said", "says", "say", "warned", "warns", "announced", "announces", "accused", "accuses",
	"urged", "urges", "insisted", "insists", "denied", "denies", "rejected", "rejects", "wants", "wanted", "demanded",
	"demands", "responded", "responds", "decided", "decides", "agreed", "agrees", "hopes", "hoped", "believes",
	"believed", "claims", "claimed", "stated", "signaled", "signalled", "threatened", "threatens", "condemned",
	"condemns", "welcomed", "welcomes", "refused", "refuses", "blamed", "blames", "sees", "considers", "expects",
	"expected", "sought", "seeks", "proposed", "proposes", "offered", "offers", "supports", "supported", "backs",
	"backed", "opposes", "opposed", "imposed", "imposes", "recognized", "recognised", "recognizes", "recognises",
	"will", "would", "has", "had", "is", "was", "must", "should", "could", "can", "may", "might", "does", "did",
	"sent", "sends", "asked", "asks", "told", "tells", "called", "calls", "vowed", "vows", "pledged", "pledges",
	"insisted", "reiterated", "confirmed", "confirms", "maintains", "maintained", "sanctioned", "retaliated",
	"continues", "continued", "remains", "remained", "needs", "needed", "knows", "knew", "understands")

// relationNouns after a pair of capitals make them their governments:
// "Ankara-Damascus reconciliation", "Moscow-Kyiv talks".
var relationNouns = setOf("talks", "ties", "relations", "relationship", "reconciliation", "rapprochement", "rift",
	"dispute", "deal", "agreement", "accord", "axis", "alliance", "normalization", "normalisation", "dialogue",
	"negotiations", "tensions", "channel", "contacts", "cooperation", "détente", "detente", "thaw", "summit",
	"meeting", "track", "rivalry", "feud", "standoff", "pact", "understanding", "partnership")

// namedFor after a place, in any case, make it part of the name of an
// agreement, a policy or a government: "Minsk agreements", "the Astana
// format", "the Bush administration".
var namedFor = setOf("format", "process", "agreement", "agreements", "accord", "accords", "protocol",
	"declaration", "communique", "communiqué", "convention", "treaty", "administration", "government", "regime",
	"doctrine", "family")

// nameTails after a place, capitalised, make it part of the name of
// something else: a newspaper ("Washington Post", "The Hollywood
// Reporter"), a team or a company, or another place ("Newport Beach",
// "Tasman Glacier", "Hampton East").
var nameTails = setOf("post", "times", "journal", "tribune", "herald", "gazette", "news", "daily", "reporter",
	"united", "university", "college", "fc", "club", "exchange", "stock", "bank", "airlines", "airways", "motors",
	"inc", "corp", "ltd", "plc", "group", "marathon", "open", "masters", "cup", "rovers", "city", "county",
	"wanderers", "athletic", "rangers", "symphony", "philharmonic", "opera", "beach", "heights", "hills",
	"springs", "falls", "valley", "island", "islands", "glacier", "lake", "river", "bay", "park", "gardens", "east",
	"west", "north", "south", "mountains", "peninsula", "harbor", "harbour", "airport", "street", "road", "avenue",
	"square", "bridge", "center", "centre", "stadium", "state", "police", "hospital", "zoo", "township")

// partOf, then "of", before a place make it part of another name: "Gulf of
// Aden", "University of Michigan", "Duke of York".
var partOf = setOf("gulf", "bay", "sea", "strait", "straits", "isle", "cape", "university", "bank", "duke",
	"duchess", "earl", "archbishop", "bishop")

// find returns the place mentions of text: longest match of the table on
// words with a capital, and a direction before a country name. It leaves
// out what the table matches but the text uses otherwise: common words
// ("Reading" as a gerund: prose does not tag it NNP, or the text uses
// "reading"), a capital standing for its government, one word of a longer
// name ("Paris Hilton", "Washington Post", "Minsk agreements"); and
// whatever overlaps a person or lies within a country mention. names are
// all the table's matches of two words or more, those left out included:
// "New Mexico" in "the University of New Mexico" is no place of its own,
// and still no mention of Mexico.
func (t *placeTable) find(text string, toks []token, countries, people []storyline.Entity) (places, names []storyline.Entity) {
	ws := words(text)
	lower := lowercaseWords(text)
	mentioned := map[string]bool{}
	for _, c := range countries {
		mentioned[c.Norm] = true
	}
	// A word of a person's name is the person's wherever it stands:
	// "Jackson" beside "Michael Jackson".
	nameWords := map[string]bool{}
	for _, p := range people {
		for _, w := range words(p.Text) {
			nameWords[w.text] = true
		}
	}
	var out []storyline.Entity
	for i := 0; i < len(ws); {
		n, refs, end := t.matchAt(text, ws, i)
		if n == 0 {
			i++
			continue
		}
		e := storyline.Entity{Type: storyline.Place, Start: ws[i].start, End: end}
		e.Text = text[e.Start:e.End]
		ref := pick(refs, mentioned)
		e.Norm, e.Country = ref.name, ref.country
		if n > 1 && !countryAt(countries, e.Start, e.End) { // "Hong Kong" is the table's and the country finder's
			names = append(names, e)
		}
		if !(n == 1 && nameWords[e.Text]) && t.plausible(text, toks, e, n, ref, lower, countries) {
			out = append(out, e)
		}
		i += n
	}
	out = append(out, t.regionsOfCountries(text, ws, countries)...)
	personAt := newSpanIndex(people)
	out = slices.DeleteFunc(out, func(e storyline.Entity) bool {
		return personAt.overlaps(e.Start, e.End) || overlapsOutside(countries, e)
	})
	slices.SortFunc(out, func(a, b storyline.Entity) int { return a.Start - b.Start })
	return out, names
}

// countryStartsAt reports whether a country of cs (in order) starts at off.
func countryStartsAt(cs []storyline.Entity, off int) bool {
	i := sort.Search(len(cs), func(i int) bool { return cs[i].Start >= off })
	return i < len(cs) && cs[i].Start == off
}

// countryAt reports whether a country of cs (in order) lies on [start, end).
func countryAt(cs []storyline.Entity, start, end int) bool {
	i := sort.Search(len(cs), func(i int) bool { return cs[i].Start >= start })
	return i < len(cs) && cs[i].Start == start && cs[i].End == end
}

// overlapsOutside reports whether a country of cs (disjoint, in order)
// overlaps place e without lying strictly inside it: a place may hold a
// country ("northern Syria", "Kuwait City"), never lie in one or cross it.
func overlapsOutside(cs []storyline.Entity, e storyline.Entity) bool {
	i := sort.Search(len(cs), func(i int) bool { return cs[i].End > e.Start })
	for ; i < len(cs) && cs[i].Start < e.End; i++ {
		if c := cs[i]; c.Start < e.Start || c.End > e.End || c.End-c.Start == e.End-e.Start {
			return true
		}
	}
	return false
}

// pick chooses among places of one name: one in a country the text
// mentions ("Tripoli" beside "Lebanon"), else a capital, else the most
// populous.
func pick(refs []placeRef, mentioned map[string]bool) placeRef {
	if i := slices.IndexFunc(refs, func(r placeRef) bool { return mentioned[r.country] }); i >= 0 {
		return refs[i]
	}
	if i := slices.IndexFunc(refs, func(r placeRef) bool { return r.capital }); i >= 0 {
		return refs[i]
	}
	return refs[0]
}

// matchAt tries the longest phrase of words starting at ws[i], words
// separated by a space or a hyphen ("Deir ez-Zor", "Al-Bab"), or by the dot
// of an abbreviation ("St. Petersburg").
func (t *placeTable) matchAt(text string, ws []word, i int) (int, []placeRef, int) {
	first, _ := utf8.DecodeRuneInString(ws[i].text)
	if !unicode.IsUpper(first) {
		return 0, nil, 0
	}
	var key strings.Builder
	for n := min(t.maxWords, len(ws)-i); n >= 1; n-- {
		key.Reset()
		ok := true
		for k := i; k < i+n && ok; k++ {
			if k > i {
				sep := text[ws[k-1].end:ws[k].start]
				ok = sep == " " || sep == "-" || sep == ". " && len(ws[k-1].text) <= 3
				key.WriteByte(' ')
			}
			key.WriteString(strings.ToLower(ws[k].text))
		}
		last, _ := utf8.DecodeRuneInString(ws[i+n-1].text)
		if !ok || !unicode.IsUpper(last) {
			continue
		}
		k := key.String()
		end := ws[i+n-1].end
		if refs, found := t.byKey[k]; found {
			return n, refs, end
		}
		if strings.HasSuffix(k, ".") {
			// A sentence's full stop after a name ("...in Moscow.").
			if refs, found := t.byKey[k[:len(k)-1]]; found {
				return n, refs, end - 1
			}
		}
	}
	return 0, nil, 0
}

// plausible applies the checks of find to one match of n words.
func (t *placeTable) plausible(text string, toks []token, e storyline.Entity, n int, ref placeRef, lower map[string]bool, countries []storyline.Entity) bool {
	at := tokenAt(toks, e.Start)
	if at < 0 {
		return false
	}
	if n == 1 {
		if tag := toks[at].tag; tag != "NNP" && tag != "NNPS" || lower[e.Text] {
			return false
		}
	}
	if at >= 2 && strings.EqualFold(toks[at-1].text, "of") && isCapitalised(toks[at-2].text) && partOf[strings.ToLower(toks[at-2].text)] {
		return false
	}
	next := at + 1
	for next < len(toks) && toks[next].start < e.End {
		next++
	}
	if next < len(toks) {
		w := strings.ToLower(toks[next].text)
		if namedFor[w] || nameTails[w] && isCapitalised(toks[next].text) {
			return false
		}
		properNext := (toks[next].tag == "NNP" || toks[next].tag == "NNPS") && isCapitalised(toks[next].text) &&
			sameLine(text, toks[at], toks[next]) && len(t.byKey[phraseKey(toks[next].text)]) == 0 &&
			!isTitle(toks[next].text)
		// One word of a longer name: "Paris Hilton", "Toyota Camry".
		if n == 1 && properNext && !calendarWords[strings.ToLower(toks[next].text)] {
			return false
		}
		// A team: "Los Angeles Angels", "Philadelphia 76ers".
		if properNext && strings.HasSuffix(toks[next].text, "s") || teamNumber(toks[next].text) {
			return false
		}
	}
	if !ref.capital {
		return true
	}
	prev := at - 1
	if prev >= 0 && placePrepositions[strings.ToLower(toks[prev].text)] {
		return true
	}
	return !t.government(text, toks, e, next, countries)
}

// government reports a capital standing for its government: the subject of
// a verb of speech or decision ("Moscow said", "Ankara and Damascus
// agreed"), or one side of a relation ("Ankara-Damascus reconciliation").
func (t *placeTable) government(text string, toks []token, e storyline.Entity, next int, countries []storyline.Entity) bool {
	// A hyphenated pair: "Ankara-Damascus", "Moscow-Kyiv".
	end := e.End
	for end < len(text) && text[end] == '-' {
		rest := words(text[end+1 : min(len(text), end+1+64)])
		if len(rest) == 0 || rest[0].start != 0 {
			break
		}
		end += 1 + rest[0].end
	}
	if end > e.End || e.Start > 0 && text[e.Start-1] == '-' {
		for next < len(toks) && toks[next].start < end {
			next++
		}
		return next < len(toks) && relationNouns[strings.ToLower(toks[next].text)]
	}
	// "Ankara and Damascus said": skip the other side of a pair.
	if next+1 < len(toks) && (toks[next].text == "and" || toks[next].text == ",") {
		other := toks[next+1]
		if len(t.byKey[phraseKey(other.text)]) > 0 || countryStartsAt(countries, other.start) {
			next += 2
		}
	}
	return next < len(toks) && governmentVerbs[strings.ToLower(toks[next].text)]
}

// regionsOfCountries finds "northern Syria": a direction right before a
// country's name.
func (t *placeTable) regionsOfCountries(text string, ws []word, countries []storyline.Entity) []storyline.Entity {
	var out []storyline.Entity
	for _, c := range countries {
		if c.Form != storyline.FormName {
			continue
		}
		// The word right before the country, one space before it.
		i := sort.Search(len(ws), func(i int) bool { return ws[i].end > c.Start }) - 1
		if i < 0 || text[ws[i].end:c.Start] != " " || !directions[strings.ToLower(ws[i].text)] || isCapitalised(ws[i].text) && !sentenceStart(text, ws[i].start) {
			// "South Island", "North Macedonia": a capitalised direction
			// inside a sentence begins a name of its own.
			continue
		}
		start := ws[i].start
		// "north-west Syria": the direction's first half.
		if i > 0 && text[ws[i-1].end:ws[i].start] == "-" && directions[strings.ToLower(ws[i-1].text+"-"+ws[i].text)] {
			start = ws[i-1].start
		}
		dir := strings.ToLower(text[start:ws[i].end])
		out = append(out, storyline.Entity{Type: storyline.Place, Text: text[start:c.End], Start: start, End: c.End,
			Norm: dir + " " + t.countryNames[c.Norm], Country: c.Norm})
	}
	return out
}

// sentenceStart reports whether off begins a sentence, a line or the text.
func sentenceStart(text string, off int) bool {
	before := strings.TrimRight(text[:off], " \t\"'“‘")
	return before == "" || strings.ContainsRune(".!?\n", rune(before[len(before)-1]))
}

// teamNumber reports a team's name that starts with digits: "76ers".
func teamNumber(w string) bool {
	digits := strings.TrimLeft(w, "0123456789")
	return digits != w && digits != "" && unicode.IsLetter(rune(digits[0]))
}

// tokenAt is the index of the token that holds byte offset off, or -1.
func tokenAt(toks []token, off int) int {
	i, _ := slices.BinarySearchFunc(toks, off, func(t token, off int) int {
		if t.end <= off {
			return -1
		}
		if t.start > off {
			return 1
		}
		return 0
	})
	if i < len(toks) && toks[i].start <= off && off < toks[i].end {
		return i
	}
	return -1
}
