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
	// Places named after a country are places: "the Jordan Valley", "the
	// Congo Basin", "the Panama Canal".
	"valley", "river", "basin", "sea", "lake", "gulf", "bay", "canal", "desert", "mountains", "plateau")

// surnameStoppers after a country that is also a given name ("Chad",
// "Jordan", "Georgia", "Israel") keep it a country: "Israel Defense
// Forces", "Georgia Tech". Titles ("Jordan King Abdullah") and country
// words are checked apart.
var surnameStoppers = setOf("coast", "defense", "defence", "army", "navy", "police", "government", "state", "national", "central",
	"tech", "university", "museum", "railways", "radio", "television", "tv", "news", "times", "post",
	"said", "says", "and", "or")

// partOfOtherName reports whether the country matched by ws[i:i+n] is a word
// of a longer name that is not the country's: an outlet, firm or event
// ("USA Today", "American Music Awards"), a person whose given name is a
// country's ("Chad Thomas", "Jordan Spira"), or the airline "Emirates".
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
	if len(run) > 0 && !shouting && nameHeadsAfterCountry[strings.ToLower(strings.TrimSuffix(run[len(run)-1].text, "."))] {
		return true
	}
	phrase := text[ws[i].start:ws[i+n-1].end]
	if ref.form == storyline.FormName && n == 1 && givenNames[phrase] && len(run) > 0 {
		next := strings.TrimSuffix(run[0].text, ".")
		if utf8.RuneCountInString(next) > 1 && !isTitle(next) && !g.isCountryWord(next) &&
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

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// dropInsidePlaces removes the country mentions that are words of a longer
// place name: "Inner Mongolia", "New Mexico", "Kuwait City", "Jersey City"
// are places of China, the United States and Kuwait, not mentions of
// Mongolia, Mexico or Jersey. A region named by a direction and a country
// ("northern Syria", "Northern Iraq" at a sentence's start) still mentions
// it: its norm begins with the direction in lower case.
func dropInsidePlaces(countries, places []storyline.Entity) []storyline.Entity {
	// A place never lies exactly on a country (find drops it), so a place
	// that covers a country is longer than it.
	named := newSpanIndex(slices.DeleteFunc(slices.Clone(places), func(p storyline.Entity) bool { return !startsUpper(p.Norm) }))
	return slices.DeleteFunc(countries, func(c storyline.Entity) bool { return named.covers(c.Start, c.End) })
}
