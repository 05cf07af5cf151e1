package nlp

import (
	"slices"
	"strings"

	"github.com/storyline/storyline"
)

// The senses of a country word that only the text around it tells apart:
// Georgia the US state, American the airline.

// usStateAfter follow "Georgia" (or "Georgia's") where it is the US state:
// its offices and politics ("Georgia Gov. Brian Kemp", "Georgia's
// Republican primary"), its courts and laws ("a Georgia judge", "Georgia
// law": the country's would be "Georgian"), its universities and teams
// ("Georgia Tech"). The country has a president and a parliament, no
// governor, senators or counties.
var usStateAfter = setOf("gov", "governor", "sen", "senator", "senators", "rep", "representative", "republican",
	"republicans", "democrat", "democrats", "democratic", "gop", "legislature", "lawmakers", "legislators",
	"primary", "runoff", "runoffs", "county", "counties", "voters", "electors", "secretary", "attorney",
	"prosecutors", "senate", "house", "supreme", "general", "lottery", "state", "tech", "bulldogs", "dome",
	"southern", "power", "aquarium", "peach", "peaches", "judge", "judges", "law", "laws", "jury", "court", "courts",
	"sheriff", "officials", "residents", "native", "department", "bureau")

// caucasusAfter follow "Georgia" (or "Georgia's") where it is the country:
// "Georgia's president", "Georgia's breakaway regions".
var caucasusAfter = setOf("president", "presidential", "parliament", "prime", "premier", "foreign", "defence",
	"defense", "army", "troops", "military", "breakaway", "embassy", "ambassador", "patriarch", "orthodox", "lari")

// caucasusCountries are Georgia's neighbours and the powers of its wars:
// named in a text, they make its Georgia the country.
var caucasusCountries = setOf("AM", "AZ", "RU", "UA", "TR", "IR")

// caucasusWords name the country's region and its breakaway parts.
var caucasusWords = []string{"Caucasus", "Abkhazia", "Ossetia", "Tbilisi", "Adjara", "Batumi"}

// georgiaState turns the mentions of Georgia that mean the US state into
// places of the United States. The country keeps a mention where the text
// says so around it (Tbilisi or a neighbour beside it, "Georgia's
// president"); the state takes one after a US place ("Atlanta, Georgia",
// "Fulton County, Georgia") or beside another state, after "the state of",
// or before the state's offices, politics and teams. A mention with neither
// takes the sense of the text's other mentions, then of the text: the
// state where the text names US places and nothing of the Caucasus.
// The text's demonyms ("Georgians") go with the state when nothing else
// of the Caucasus is there.
func (t *placeTable) georgiaState(text string, countries, places []storyline.Entity) ([]storyline.Entity, []storyline.Entity) {
	isGeorgia := func(c storyline.Entity) bool { return c.Norm == "GE" && c.Form == storyline.FormName }
	if !slices.ContainsFunc(countries, isGeorgia) {
		return countries, places
	}
	sense := make(map[int]georgiaSense) // start of a Georgia mention → its sense
	anyState, anyCountry := false, false
	for k, c := range countries {
		if !isGeorgia(c) {
			continue
		}
		s := t.georgiaSense(text, countries, places, k)
		sense[c.Start] = s
		anyState = anyState || s == senseState
		anyCountry = anyCountry || s == senseCountry
	}
	caucasus := anyCountry || slices.ContainsFunc(countries, func(c storyline.Entity) bool { return caucasusCountries[c.Norm] }) ||
		slices.ContainsFunc(places, func(p storyline.Entity) bool {
			return p.Country == "GE" && !strings.HasSuffix(p.Norm, "Georgia") || p.Country == "AM" || p.Country == "AZ"
		}) ||
		slices.ContainsFunc(caucasusWords, func(w string) bool { return strings.Contains(text, w) })
	usPlaces := slices.ContainsFunc(places, func(p storyline.Entity) bool { return p.Country == "US" })
	bareState := anyState && !anyCountry || !caucasus && usPlaces
	var states []storyline.Entity
	countries = slices.DeleteFunc(countries, func(c storyline.Entity) bool {
		if isGeorgia(c) && (sense[c.Start] == senseState || sense[c.Start] == senseUnknown && bareState) {
			states = append(states, storyline.Entity{Type: storyline.Place, Text: c.Text, Start: c.Start, End: c.End,
				Norm: "Georgia", Country: "US"})
			return true
		}
		return false
	})
	if len(states) == 0 {
		return countries, places
	}
	if !caucasus && !slices.ContainsFunc(countries, isGeorgia) {
		// "Georgians" of a text whose every Georgia is the state are its people.
		countries = slices.DeleteFunc(countries, func(c storyline.Entity) bool { return c.Norm == "GE" })
	}
	// A region built on the country ("south Georgia") is the state's.
	places = dropOverlapping(places, states)
	places = append(places, states...)
	slices.SortFunc(places, func(a, b storyline.Entity) int { return a.Start - b.Start })
	return countries, places
}

// A georgiaSense is what the words around a mention make of Georgia.
type georgiaSense int

const (
	senseUnknown georgiaSense = iota
	senseState
	senseCountry
)

// georgiaSense is what the text right around countries[k], a mention of
// Georgia, makes of it.
func (t *placeTable) georgiaSense(text string, countries, places []storyline.Entity, k int) georgiaSense {
	c := countries[k]
	before, after := text[:c.Start], text[c.End:]
	// The place or country before ", " or " and ", and the one after.
	var prevPlace, nextPlace *storyline.Entity
	for i := range places {
		p := &places[i]
		if sep := text[min(p.End, c.Start):c.Start]; p.End <= c.Start && (sep == ", " || sep == " and ") {
			prevPlace = p
		}
		if sep := text[c.End:max(p.Start, c.End)]; p.Start >= c.End && (sep == ", " || sep == " and " || sep == ", and ") {
			nextPlace = p
		}
	}
	usRegion := func(p *storyline.Entity) bool { return p != nil && p.Country == "US" && t.isRegion(p.Text) }
	switch {
	case prevPlace != nil && prevPlace.Country == "US", usRegion(nextPlace),
		strings.HasSuffix(before, "County, "), strings.HasSuffix(strings.ToLower(before), "state of "):
		return senseState
	case prevPlace != nil && prevPlace.Country == "GE", nextPlace != nil && nextPlace.Country == "GE":
		return senseCountry
	}
	for _, o := range []int{k - 1, k + 1} {
		if o < 0 || o >= len(countries) || countries[o].Norm == "US" {
			continue
		}
		lo, hi := min(countries[o].End, c.End), max(countries[o].Start, c.Start)
		if sep := text[lo:hi]; sep == ", " || sep == " and " || sep == ", and " {
			return senseCountry // "Georgia and Armenia", "Russia, Georgia"
		}
	}
	// The word after, past a possessive: "Georgia Gov.", "Georgia's president".
	after = strings.TrimPrefix(strings.TrimPrefix(after, "'s"), "’s")
	if ws := words(after[:min(len(after), 40)]); len(ws) > 0 && strings.TrimSpace(after[:ws[0].start]) == "" {
		next := strings.ToLower(strings.TrimSuffix(ws[0].text, "."))
		switch {
		case usStateAfter[next]:
			return senseState
		case caucasusAfter[next]:
			return senseCountry
		}
	}
	return senseUnknown
}

// airlineContext are words of a text about air travel, where a bare
// "American" may be the airline.
var airlineContext = setOf("airline", "airlines", "carrier", "carriers", "flights", "flight", "aviation", "routes",
	"airport", "airports")

// airlines stand beside "American" in lists of carriers: "American and United".
var airlines = setOf("United", "Delta", "Southwest", "JetBlue", "Alaska", "Spirit", "Frontier", "Hawaiian",
	"Allegiant", "Lufthansa", "Qantas", "Emirates")

// dropAirline removes "American" where it names American Airlines, with no
// determiner before it: in a list of airlines in a text about air travel
// ("American and United cut routes"), or in a text that names American
// Airlines, as the subject of a verb ("American plans to begin service")
// or after "on" or "flying". A text on the Iraq war that says "airline"
// once keeps "from American occupiers to sectarian militias".
func dropAirline(text string, toks []token, countries []storyline.Entity) []storyline.Entity {
	if !slices.ContainsFunc(countries, func(c storyline.Entity) bool { return c.Text == "American" }) {
		return countries
	}
	if !slices.ContainsFunc(words(strings.ToLower(text)), func(w word) bool { return airlineContext[w.text] }) {
		return countries
	}
	named := strings.Contains(text, "American Airlines")
	return slices.DeleteFunc(countries, func(c storyline.Entity) bool {
		at := tokenAt(toks, c.Start)
		if c.Text != "American" || at < 0 {
			return false
		}
		prev, next, next2 := "", token{}, token{}
		if at > 0 {
			prev = strings.ToLower(toks[at-1].text)
		}
		if at+1 < len(toks) {
			next = toks[at+1]
		}
		if at+2 < len(toks) {
			next2 = toks[at+2]
		}
		if determiners[prev] {
			return false
		}
		listed := (next.text == "and" || next.text == ",") && airlines[next2.text] ||
			at >= 2 && (prev == "and" || prev == ",") && airlines[toks[at-2].text]
		verb := strings.HasPrefix(next.tag, "VB") && next.tag != "VBG" && next.tag != "VBN" || next.tag == "MD" ||
			next.tag == "NNS" && next2.text == "to" // "American plans to"
		flown := (prev == "on" || prev == "flying" || prev == "flew") && !isCapitalised(next.text) && next.tag != "NN" && next.tag != "NNS"
		return listed || named && (verb || flown)
	})
}

// determiners before "American" make it a person or an adjective: "an
// American", "the American pilot".
var determiners = setOf("a", "an", "the", "this", "that", "every", "each", "one", "another", "any", "no", "fellow",
	"first", "typical", "average", "young", "other", "many", "some")
