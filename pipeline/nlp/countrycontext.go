package nlp

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storyline/storyline"
)

// nameHeadsAfterCountry end the names of outlets, firms, contests and
// events that begin with a country: "USA Today", "China Daily", "Japan
// Airlines", "the U.S. Open", "the American Music Awards". Such a name
// names the outlet or the event, not the country (CoNLL's gold marks it an
// organisation or a miscellaneous name). Bodies of the state ("the Russian
// Foreign Ministry", "the Turkish Army") are not here: they speak for the
// country, and the guidelines count them.
var nameHeadsAfterCountry = setOf("today", "daily", "times", "post", "herald", "tribune", "journal", "gazette",
	"express", "airlines", "airways", "air", "open", "masters", "league", "awards", "award", "cup",
	"championship", "championships", "prix", "idol", "inc", "ltd", "corp", "corporation", "exchange",
	"news", "prospect",
	// Places named after a country are places: "the Jordan Valley", "the
	// Congo Basin", "the Panama Canal", "the Indian Ocean", "US Route 1".
	"valley", "river", "basin", "sea", "lake", "gulf", "bay", "canal", "desert", "mountains", "plateau",
	"ocean", "town", "village", "route", "highway")

// headsRightAfterCountry make a name of the country word right before
// them, whatever follows: a place ("the Spanish Town Police Station", "the
// Indian Village community") or a holiday ("Turkey Day", "Australia Day";
// "the U.S. Labor Day weekend" still names the country).
var headsRightAfterCountry = setOf("town", "village", "valley", "river", "basin", "canal", "desert", "plateau", "day")

// headsBeforeOf name what "of" and a country end: a sea or a gulf ("the
// Gulf of Mexico", "the Gulf of Thailand", the guidelines' regions), or an
// outlet ("The Times of Israel").
var headsBeforeOf = setOf("gulf", "bay", "sea", "strait", "straits", "times")

// regionDemonyms are the demonyms that a word before them makes a region's
// people: "Latin American", "North American", "the Pan American Health
// Organization" are not the United States, nor "West Indian" (the
// Caribbean's) India.
var regionDemonyms = map[string]map[string]bool{
	"american": setOf("north", "south", "central", "latin", "pan", "meso"),
	"indian":   setOf("west"),
}

// surnameStoppers after a country that is also a given name ("Chad",
// "Jordan", "Georgia", "Israel") keep it a country: "Israel Defense
// Forces"; "Georgia Tech" is then the US state's (countrysenses.go).
// Titles ("Jordan King Abdullah", "Georgia Gov. Brian Kemp") and country
// words are checked apart.
var surnameStoppers = setOf("coast", "defense", "defence", "army", "navy", "police", "government", "state", "national", "central",
	"tech", "university", "museum", "railways", "radio", "television", "tv", "news", "times", "post",
	"said", "says", "and", "or")

// partOfOtherName reports whether the country matched by ws[i:i+n] is a word
// of a longer name that is not the country's: an outlet, firm or event
// ("USA Today", "American Music Awards"), a place or a road ("the Gulf of
// Mexico", "Spanish Town", "US 1"), a region's people ("Latin American"),
// a person whose given name is a country's ("Chad Thomas", "Jordan
// Spira"), or the airline "Emirates"; or whether it names a language ("in
// Greek").
func (g *gazetteer) partOfOtherName(text string, ws []word, i, n int, ref countryRef) bool {
	// The capitalised words that follow, up to three, one space apart.
	var run []word
	for k := i + n; k < len(ws) && len(run) < 3; k++ {
		if text[ws[k-1].end:ws[k].start] != " " || !startsUpper(ws[k].text) {
			break
		}
		run = append(run, ws[k])
	}
	// In a headline in capitals every word is capitalised: "WALES BEAT SAN
	// MARINO IN WORLD CUP QUALIFIER" names San Marino.
	shouting := len(run) > 0 && strings.ToUpper(text[ws[i].start:run[len(run)-1].end]) == text[ws[i].start:run[len(run)-1].end]
	if len(run) > 0 && !shouting && (nameHeadsAfterCountry[strings.ToLower(strings.TrimSuffix(run[len(run)-1].text, "."))] ||
		headsRightAfterCountry[strings.ToLower(run[0].text)]) {
		return true
	}
	// "the Gulf of Mexico", "The Times of Israel".
	if i >= 2 && ws[i-1].text == "of" && startsUpper(ws[i-2].text) && headsBeforeOf[strings.ToLower(ws[i-2].text)] {
		return true
	}
	// "Air France", "Air Canada", "Air India": the airline.
	if ref.form == storyline.FormName && i > 0 && ws[i-1].text == "Air" && text[ws[i-1].end:ws[i].start] == " " {
		return true
	}
	// "Latin American", "West Indian".
	if n == 1 && ref.form == storyline.FormDemonym && i > 0 && startsUpper(ws[i-1].text) && joined(text, ws[i-1], ws[i]) &&
		regionDemonyms[strings.ToLower(strings.TrimSuffix(ws[i].text, "s"))][strings.ToLower(ws[i-1].text)] {
		return true
	}
	// "parallel to US 1", "in Greek".
	if ref.code == "US" && roadNumber(text, ws, i, n) || n == 1 && ref.form == storyline.FormDemonym && g.language(text, ws, i) {
		return true
	}
	phrase := text[ws[i].start:ws[i+n-1].end]
	if ref.form == storyline.FormName && n == 1 && givenNames[phrase] && len(run) > 0 {
		next := strings.TrimSuffix(run[0].text, ".")
		if utf8.RuneCountInString(next) > 1 && !isTitle(next) && !isTitle(next+".") && !g.isCountryWord(next) &&
			!calendarWords[strings.ToLower(next)] && !surnameStoppers[strings.ToLower(next)] &&
			!g.places[phraseKey(next)] && strings.ToUpper(next) != next {
			return true
		}
	}
	if nativePeople(text, ws, i, n) {
		return true
	}
	// "the Emirates" is the country; "Emirates", bare, the airline.
	if strings.EqualFold(phrase, "Emirates") {
		before := strings.Fields(text[:ws[i].start])
		return len(before) == 0 || !strings.EqualFold(before[len(before)-1], "the")
	}
	return false
}

// nativeHeads follow "Indian" where it names the peoples of the Americas:
// "the Nooksack Indian Tribe", "Indian reservations", "Bureau of Indian
// Affairs".
var nativeHeads = setOf("tribe", "tribes", "tribal", "nation", "nations", "reservation", "reservations",
	"country", "affairs", "casino", "casinos", "gaming", "health")

// nativePeople reports the demonym matched by ws[i:i+n] in a name of the
// peoples of the Americas, which the guidelines count as a group, not the
// United States or India: "Native American", "American Indian", "the
// Quinault Indian Nation".
func nativePeople(text string, ws []word, i, n int) bool {
	if n != 1 {
		return false
	}
	w := strings.TrimSuffix(ws[i].text, "s")
	prev, next := "", ""
	if i > 0 && strings.TrimSpace(text[ws[i-1].end:ws[i].start]) == "" {
		prev = strings.ToLower(ws[i-1].text)
	}
	if i+1 < len(ws) && strings.TrimSpace(text[ws[i].end:ws[i+1].start]) == "" {
		next = strings.ToLower(strings.TrimSuffix(ws[i+1].text, "s"))
	}
	switch w {
	case "American":
		return prev == "native" || next == "indian"
	case "Indian":
		return prev == "american" || prev == "native" || nativeHeads[next] || nativeHeads[next+"s"]
	}
	return false
}

// joined reports two words one space or one hyphen apart ("Latin
// American", "West‐Indian").
func joined(text string, a, b word) bool {
	switch text[a.end:b.start] {
	case " ", "-", "\u2010", "\u2011":
		return true
	}
	return false
}

// roadPrepositions stand before a numbered road: "parallel to US 1",
// "north on U.S. 27".
var roadPrepositions = setOf("to", "on", "along", "off", "onto", "via", "of", "from", "take", "took", "near",
	"across", "crossing", "and", "at")

// roadNumber reports the United States matched by ws[i:i+n] naming a
// highway: "US 1", "U.S. 27" after a preposition. Not "the U.S. 30-year
// benchmark".
func roadNumber(text string, ws []word, i, n int) bool {
	if i == 0 || !roadPrepositions[strings.ToLower(ws[i-1].text)] {
		return false
	}
	rest, spaced := strings.CutPrefix(text[ws[i+n-1].end:], " ")
	after := strings.TrimLeft(rest, "0123456789")
	if digits := len(rest) - len(after); !spaced || digits < 1 || digits > 3 {
		return false
	}
	return after == "" || !strings.ContainsAny(after[:1], "-,.%:/") ||
		after[0] == '.' && (len(after) == 1 || after[1] == ' ' || after[1] == '\n')
}

// languageCues stand before a language's name: "in Greek", "speaking
// French", "learning Japanese".
var languageCues = setOf("in", "into", "speak", "speaks", "speaking", "spoke", "spoken", "learn", "learns",
	"learning", "learned", "learnt", "study", "studies", "studying", "studied", "teach", "teaches", "teaching",
	"taught", "fluent")

// afterLanguage are the words that may follow a language's name, where a
// noun follows an adjective: "in German, French and English", "Same in
// German.", but "in German cities" names the country's cities.
var afterLanguage = setOf("and", "or", "but", "with", "in", "on", "at", "for", "to", "by", "as", "is", "was",
	"are", "were", "than", "from", "so", "because", "when", "while", "too", "also", "instead", "only", "now",
	"fluently", "well", "means", "translation", "subtitles")

// language reports the demonym ws[i] naming a language, which the
// guidelines do not count (a demonym is "the adjective or people noun"):
// after a cue ("in Greek", "Speaking French"), or joined by "and" or "or"
// to such a name ("in both Spanish and Portuguese"), and followed by no
// noun. "registered in Caribbean, American, and Cypriot jurisdictions"
// names no language: "Caribbean" is none.
func (g *gazetteer) language(text string, ws []word, i int) bool {
	if strings.HasSuffix(ws[i].text, "s") {
		return false // "Russians": a people.
	}
	rest := strings.TrimLeft(text[ws[i].end:], " ")
	if rest != "" && (rest[0] == '-' || rest[0] == '\'') {
		return false // "French-speaking", "Japan's"
	}
	if i+1 < len(ws) && strings.Trim(text[ws[i].end:ws[i+1].start], " ") == "" && !afterLanguage[ws[i+1].text] {
		return false
	}
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		prev := strings.ToLower(ws[k].text)
		if languageCues[prev] {
			return true
		}
		// "in both Spanish and Portuguese": step back over the pair.
		if ref, ok := g.lookup(ws[k].text); prev != "both" && prev != "and" && prev != "or" && !(ok && ref.form == storyline.FormDemonym) {
			return false
		}
	}
	return false
}

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// dropInsidePlaces removes the country mentions that are words of a longer
// place name (names, the place table's matches of two words or more):
// "Inner Mongolia", "New Mexico", "Kuwait City", "Jersey City" are places
// of China, the United States and Kuwait, not mentions of Mongolia, Mexico
// or Jersey. A region named by a direction and a country ("northern
// Syria") is no match of the table and still mentions it.
func dropInsidePlaces(countries, names []storyline.Entity) []storyline.Entity {
	// A place never lies exactly on a country (the table holds no country's
	// name), so a name that covers a country is longer than it.
	named := newSpanIndex(names)
	return slices.DeleteFunc(countries, func(c storyline.Entity) bool { return named.covers(c.Start, c.End) })
}
