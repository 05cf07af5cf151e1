package nlp

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
)

// cuedNames finds the full names of two words that neither prose nor the
// given-name list knows ("Renada Chisholm", "Inderdai Deyal", "Nic
// Batum": the list lacks many Caribbean, Indo-Guyanese, Korean and short
// forms of names) where the text itself says that a person is meant: the
// name speaks ("Renada Chisholm said"), has an age ("Dennise Laboy, 55,",
// "54-year-old Bharrat Ramdehol"), or ends in a word the text uses alone
// for a person — a lone name found, the surname of another full name
// ("Junmyung Lee" beside "James Lee") or a word that speaks ("Onwurah
// said" makes "Chi Onwurah" a name). On real news pages these were a
// third of the people missed, each taking every later use of its surname
// with it. plausible(from, to) applies the checks of every other name
// ("Dow Jones & Company" is a firm beside "Howard Jones").
func cuedNames(text string, toks []token, people []storyline.Entity, lower map[string]bool, g *gazetteer,
	places *placeTable, headline func(int) bool, lowerTag func(string) string, plausible func(from, to int) bool) []storyline.Entity {
	found := newSpanIndex(people)
	surnames := map[string]bool{}
	for _, p := range people {
		f := strings.Fields(p.Text)
		surnames[f[len(f)-1]] = true
	}
	for k := 0; k+1 < len(toks); k++ {
		if reportingVerbs[toks[k+1].text] && sameLine(text, toks[k], toks[k+1]) {
			surnames[toks[k].text] = true
		}
	}
	// word reports a token that can be a word of such a name: capitalised,
	// no English word, title, country, head, place prefix or group.
	word := func(k int) bool {
		w := toks[k].text
		l := strings.ToLower(w)
		return isCapitalised(w) && nameWord(w) && !isInitial(w) && !strings.Contains(w, ".") && strings.ToUpper(w) != w &&
			!functionWords[l] && !lower[w] && !isTitle(w) && !g.isCountryWord(w) && !isHead(w) && !identity.IsParticle(l) &&
			!interfaceWords[l] && !groupWords[l] && !placePrefixes[l] && !saints[l] && !calendarWords[l] &&
			!g.places[phraseKey(w)] && !headline(toks[k].start)
	}
	var out []storyline.Entity
	for k := 1; k < len(toks); k++ {
		v, w := toks[k-1], toks[k]
		if text[v.end:w.start] != " " || found.overlaps(v.start, w.end) || !word(k-1) || !word(k) ||
			k >= 2 && sameLine(text, toks[k-2], v) && capitalisedWord(toks[k-2].text) ||
			k+1 < len(toks) && sameLine(text, w, toks[k+1]) && (capitalisedWord(toks[k+1].text) || isHeadAfter(toks[k+1].text)) {
			continue
		}
		// The first word is no English word capitalised by its place ("Asked
		// Chisholm", "Editing Choy"), nor a place ("Throgs Neck" is one
		// only to GeoNames' neighbourhoods, which the table leaves out).
		if tag := lowerTag(v.text); tag != "" && !strings.HasPrefix(tag, "NNP") && !givenNames[v.text] ||
			places.isPlaceName(v.text+" "+w.text) || places.isPlaceName(v.text) && !givenNames[v.text] {
			continue
		}
		speaks := k+1 < len(toks) && reportingVerbs[toks[k+1].text]
		if !surnames[w.text] && !speaks && !aged(toks, k+1) && !yearOld.MatchString(text[:v.start]) || !plausible(k-1, k+1) {
			continue
		}
		out = append(out, storyline.Entity{Type: storyline.Person, Start: v.start, End: w.end, Text: text[v.start:w.end]})
	}
	return out
}

// yearOld ends the text before a name with an age: "54-year-old ".
var yearOld = regexp.MustCompile(`\d-year-old $`)

// aged reports an age in commas at toks[k]: ", 55," or ", 41, of".
func aged(toks []token, k int) bool {
	if k+2 >= len(toks) || toks[k].text != "," || toks[k+2].text != "," && toks[k+2].text != ")" {
		return false
	}
	n, err := strconv.Atoi(toks[k+1].text)
	return err == nil && n >= 10 && n < 110
}

// surnameTitles are titles that are also common surnames: right after a
// given name and ending the name they are its surname ("Gayle King",
// "Stephen King said"), not a title ("King Charles").
var surnameTitles = setOf("king", "bishop", "prince", "pope", "chancellor", "cardinal")

// titleSurnames are the start offsets of the tokens that are such a title
// used as a surname: after a given name the text does not use in lower
// case, one space apart, with no capitalised word after it on its line,
// outside a title-case headline.
func titleSurnames(text string, toks []token, lower map[string]bool, headline func(int) bool) map[int]bool {
	at := map[int]bool{}
	for k := 1; k < len(toks); k++ {
		given, w := toks[k-1], toks[k]
		if !surnameTitles[strings.ToLower(w.text)] || !isCapitalised(w.text) || strings.ToUpper(w.text) == w.text ||
			!givenNames[given.text] || lower[given.text] || text[given.end:w.start] != " " || headline(w.start) ||
			k+1 < len(toks) && sameLine(text, w, toks[k+1]) && capitalisedWord(toks[k+1].text) {
			continue
		}
		at[w.start] = true
	}
	return at
}

// givenNameMentions finds a given name used alone for a person the text
// names in full ("Zoe" after "Zoe Anderson", "Mekhi" after "Mekhi
// Gbedey"): the name of the list, never used in lower case by the text,
// standing apart from other capitalised words and quotes ("Judy" the
// film), no place ("Washington"), month or day ("June"), and not an
// English word opening a sentence ("Will", "Grant"). Each is normed to its full name where only
// one full name starts with it.
func givenNameMentions(text string, toks []token, people []storyline.Entity, lower map[string]bool, places *placeTable,
	lowerTag func(string) string, inCountry func(int) bool) (mentions []storyline.Entity, full map[string]string) {
	full = map[string]string{}
	surnames := map[string]bool{}
	for _, p := range people {
		f := strings.Fields(p.Text)
		if len(f) < 2 {
			continue
		}
		surnames[f[len(f)-1]] = true
		if !givenNames[f[0]] || lower[f[0]] || places.isPlaceName(f[0]) {
			continue
		}
		if prev, ok := full[f[0]]; ok && prev != p.Text && !identity.Compatible(prev, p.Text) {
			full[f[0]] = "" // two people: a mention, normed to neither
		} else if !ok || len(p.Text) > len(prev) {
			full[f[0]] = p.Text
		}
	}
	for i, t := range toks {
		w, end := t.text, t.end
		if sentenceDot(w) {
			w, end = w[:len(w)-1], end-1
		}
		if _, ok := full[w]; !ok || surnames[w] || inCountry(i) || calendarWords[strings.ToLower(w)] || isMonth(w) ||
			i > 0 && sameLine(text, toks[i-1], t) && capitalisedWord(toks[i-1].text) && !isTitle(toks[i-1].text) ||
			end == t.end && i+1 < len(toks) && sameLine(text, t, toks[i+1]) &&
				(capitalisedWord(toks[i+1].text) || isHeadAfter(toks[i+1].text) || glued(t, toks[i+1]) && apostropheName(toks[i+1].text)) {
			continue
		}
		if tag := lowerTag(w); opensSentence(text, toks, i) && tag != "" && !strings.HasPrefix(tag, "NNP") ||
			strings.HasSuffix(text[:t.start], "“") && strings.HasPrefix(strings.TrimLeft(text[end:], ".,"), "”") {
			continue
		}
		mentions = append(mentions, storyline.Entity{Type: storyline.Person, Text: w, Start: t.start, End: end})
	}
	return mentions, full
}

// isMonth reports a month's name, which given names share ("May",
// "June", "July").
func isMonth(w string) bool {
	for m := time.January; m <= time.December; m++ {
		if m.String() == w {
			return true
		}
	}
	return false
}

// normGivenNames gives a lone given name the norm of the one full name
// that starts with it (full, from givenNameMentions), which normPeople
// cannot: "Zoe" and "Zoe Anderson" share no surname.
func normGivenNames(people []storyline.Entity, full map[string]string) {
	norms := map[string]string{}
	for _, p := range people {
		norms[p.Text] = p.Norm
	}
	for i, p := range people {
		if f := full[p.Text]; f != "" && norms[f] != "" {
			people[i].Norm = norms[f]
		}
	}
}
