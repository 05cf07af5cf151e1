package nlp

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/identity"
)

// findPeople returns the person mentions of text: the names prose labels
// PERSON and those that follow a title, trimmed to the name itself, then every
// later use of a found surname; each normed to the fullest form in the text.
func findPeople(text string, toks []token, g *gazetteer, places *placeTable, countries []storyline.Entity, lowerTag func(string) string) []storyline.Entity {
	type span struct {
		from, to int // token range [from, to)
		titled   bool
	}
	lower := lowercaseWords(text)
	lowerStems := make(map[string]bool, len(lower))
	for w := range lower {
		lowerStems[stem(w)] = true
	}
	headline := headlineLines(text)
	// namedElsewhere are the words the text capitalises inside a sentence
	// outside headlines: "DeGeneres" in "Ellen DeGeneres will host", which
	// the tagger takes for a verb in "Ellen DeGeneres To Host".
	namedElsewhere := map[string]bool{}
	for k := 1; k < len(toks); k++ {
		if w := toks[k].text; isCapitalised(w) && !headline(toks[k].start) && sameLine(text, toks[k-1], toks[k]) &&
			!strings.ContainsAny(toks[k-1].text, ".!?:") {
			namedElsewhere[w] = true
		}
	}
	// more reports whether token k may continue a name that prose's label
	// or a title or given name started: not a word the text uses in lower
	// case ("Gary Ross Will Not Direct", "will" being in the text), not a
	// function word, and in a headline in title case not a verb either
	// ("Esther Williams Dies At 91"), unless the text writes it as a name
	// elsewhere.
	more := func(k int) bool {
		w := toks[k].text
		if k > 0 && sentenceDot(toks[k-1].text) || isHead(w) {
			return false
		}
		if !nameWord(w) || identity.IsParticle(w) {
			return nameWord(w)
		}
		if functionWords[strings.ToLower(w)] || lower[w] {
			return false
		}
		// An acronym ends a name in mixed case: "Dell XPS".
		if up := strings.ToUpper(w); up == w && utf8.RuneCountInString(w) > 1 && k > 0 && strings.ToUpper(toks[k-1].text) != toks[k-1].text {
			return false
		}
		// "Gary Ross Wo|n't": a word cut from its contraction.
		if k+1 < len(toks) && glued(toks[k], toks[k+1]) && (toks[k+1].text == "n't" || toks[k+1].text == "n’t") {
			return false
		}
		if headline(toks[k].start) && !namedElsewhere[w] {
			// A verb of the headline: tagged so, used in lower case, or
			// inflected after a surname ("Lindsay Lohan Checks Into"); or
			// any word after one that the text names elsewhere ("Gary Ross
			// Will Not Direct", "Ross was in negotiations").
			afterSurname := k > 0 && (!givenNames[toks[k-1].text] || k > 1 && givenNames[toks[k-2].text] || namedElsewhere[toks[k-1].text])
			inflected := stem(w) != w && afterSurname
			return !strings.HasPrefix(toks[k].tag, "VB") && toks[k].tag != "MD" && !lowerStems[stem(w)] && !inflected &&
				!(k > 0 && namedElsewhere[toks[k-1].text])
		}
		return true
	}
	var spans []span
	for i := 0; i < len(toks); {
		if !strings.HasSuffix(toks[i].label, "PERSON") {
			i++
			continue
		}
		j := i + 1
		// Extend over the rest of the name where prose stopped early
		// ("Bashar" + "al-Assad", "Hulusi" + "Akar", "Mark O" + "'Meara").
		for j < len(toks) && sameLine(text, toks[j-1], toks[j]) && !sentenceDot(toks[j-1].text) && (strings.HasSuffix(toks[j].label, "PERSON") && (!headline(toks[j].start) || more(j)) ||
			// "James R. Dabney": the dot of a middle initial, a name after it.
			j-1 > i && toks[j].text == "." && glued(toks[j-1], toks[j]) && isInitial(toks[j-1].text) && j+1 < len(toks) && nameWord(toks[j+1].text) ||
			more(j) && !isTitle(toks[j].text) && !g.isCountryWord(toks[j].text) ||
			glued(toks[j-1], toks[j]) && apostropheName(toks[j].text)) {
			j++
		}
		// And back over initials and particles: "P. Simmons", "de Silva".
		from := i
		for from > 0 && sameLine(text, toks[from-1], toks[from]) {
			switch {
			case from > 1 && toks[from-1].text == "." && glued(toks[from-2], toks[from-1]) && isInitial(toks[from-2].text):
				from -= 2
				continue
			case isInitial(strings.TrimSuffix(toks[from-1].text, ".")) && len(toks[from-1].text) <= 2:
				from--
				continue
			case identity.IsParticle(toks[from-1].text):
				from--
				continue
			}
			break
		}
		spans = append(spans, span{from: from, to: j, titled: from > 0 && isTitle(toks[from-1].text)})
		i = j
	}
	for i := 0; i < len(toks); i++ {
		if !isTitle(toks[i].text) {
			continue
		}
		// Skip the whole title: "Deputy Foreign Minister", "EDITOR IN CHIEF-".
		j := i + 1
		for j < len(toks) && (isTitle(toks[j].text) || titleJoiners[strings.ToLower(toks[j].text)]) && sameLine(text, toks[j-1], toks[j]) {
			j++
		}
		k := j
		// "the Governor of Alaska": a title ending in a joiner names a place.
		for k < len(toks) && k-j < 7 && more(k) && sameLine(text, toks[k-1], toks[k]) &&
			!g.isCountryWord(toks[k].text) && !titleJoiners[strings.ToLower(toks[j-1].text)] {
			k++
		}
		if k > j {
			spans = append(spans, span{from: j, to: k, titled: true})
		}
	}

	// A given name followed by capitalised words: "Jesper Parnevik", whom
	// prose does not know. An initial before a surname: "C. Lewis".
	countrySurname := countrySurnames(text, toks, g, lower, headline, lowerTag)
	titleSurname := titleSurnames(text, toks, lower, headline)
	for i := 0; i < len(toks); i++ {
		var j int
		switch {
		case givenNames[toks[i].text]:
			j = i + 1
		case isInitial(toks[i].text) && i+2 < len(toks) && toks[i+1].text == "." && glued(toks[i], toks[i+1]) &&
			(i == 0 || toks[i-1].text != "."):
			j = i + 2
		default:
			continue
		}
		k := j
		for k < len(toks) && k-j < 4 && sameLine(text, toks[k-1], toks[k]) && (more(k) &&
			!isTitle(toks[k].text) && !g.isCountryWord(toks[k].text) && !identity.IsParticle(strings.ToLower(toks[k].text)) ||
			glued(toks[k-1], toks[k]) && apostropheName(toks[k].text)) {
			k++
		}
		if k == j && k < len(toks) && (countrySurname[toks[k].start] || titleSurname[toks[k].start]) {
			k++
		}
		if k > j {
			spans = append(spans, span{from: i, to: k, titled: i > 0 && isTitle(toks[i-1].text)})
			i = k - 1
		}
	}

	countryAt := newSpanIndex(countries)
	inCountry := func(t token) bool { return !countrySurname[t.start] && countryAt.overlaps(t.start, t.end) }
	countryWord := func(t token) bool { return !countrySurname[t.start] && g.isCountryWord(t.text) }
	// surnames end the names of two words or more: "Clinton" of "Bill
	// Clinton" is a surname in "the Clinton campaign".
	surnames := map[string]bool{}
	for _, s := range spans {
		if s.to-s.from > 1 {
			surnames[toks[s.to-1].text] = true
		}
	}
	var people []storyline.Entity
	for _, s := range spans {
		from, to, ok := trimName(toks, s.from, s.to, countryWord, inCountry, titleSurname)
		if !ok || !plausibleName(text, toks, s.from, from, to, s.titled, lower, surnames, g, places) ||
			!s.titled && to-from == 1 && englishWord(text, toks, from, surnames, lowerTag) {
			continue
		}
		e := storyline.Entity{Type: storyline.Person, Start: toks[from].start, End: toks[to-1].end}
		if sentenceDot(toks[to-1].text) {
			e.End-- // "after Whoopi Goldberg."
		}
		e.Text = text[e.Start:e.End]
		people = append(people, e)
	}
	people = longestFirst(people)
	plausible := func(from, to int) bool {
		return plausibleName(text, toks, from, from, to, false, lower, surnames, g, places)
	}
	people = longestFirst(append(people, cuedNames(text, toks, people, lower, g, places, headline, lowerTag, plausible)...))
	// A country's name the text uses as a surname is the person's where no
	// preposition makes it the country: "Jordan said".
	taught := map[string]bool{}
	for _, p := range people {
		if last := p.Text[strings.LastIndexByte(p.Text, ' ')+1:]; countrySurname[p.End-len(last)] {
			taught[last] = true
		}
	}
	countryAtToken := func(i int) bool {
		return inCountry(toks[i]) && (!taught[toks[i].text] || countryCue(toks, i))
	}
	given, full := givenNameMentions(text, toks, people, lower, places, lowerTag, countryAtToken)
	people = append(people, laterMentions(toks, people, countryAtToken)...)
	people = longestFirst(append(people, given...))
	normPeople(people)
	normGivenNames(people, full)
	return people
}

// plausibleName rejects what prose labels PERSON but is no person: capitals,
// acronyms (SANA, NATO), groups (Arab), outlets ("outlet Sputnik"), headline
// and furniture words that the text also uses in lower case ("Ministry",
// "Source"), and names in capitals unless a title stands before them.
func plausibleName(text string, toks []token, spanFrom, from, to int, titled bool, lower, surnames map[string]bool, g *gazetteer, places *placeTable) bool {
	name := toks[from].text
	for _, t := range toks[from+1 : to] {
		name += " " + t.text
	}
	if g.places[phraseKey(name)] || !titled && places.isPlaceName(name) && (to-from > 1 || !givenNames[name]) {
		return false
	}
	// "Brooklyn Teen", "Troy, Michigan": a name that starts with a place,
	// or stands before a region, is that place's.
	if first := toks[from].text; to-from > 1 && !titled && places.isPlaceName(first) && !givenNames[first] ||
		to+1 < len(toks) && toks[to].text == "," && places.isRegion(toks[to+1].text) {
		return false
	}
	if spanFrom > 0 && mediaWords[strings.ToLower(toks[spanFrom-1].text)] {
		return false
	}
	// "Dow Jones & Company", "Procter & Gamble": a firm.
	if to < len(toks) && toks[to].text == "&" || from > 0 && toks[from-1].text == "&" {
		return false
	}
	if !slices.ContainsFunc(toks[from:to], func(t token) bool { return !interfaceWords[strings.ToLower(t.text)] }) {
		return false
	}
	shouting := strings.ToUpper(name) == name
	if shouting && (to-from == 1 || !titled) {
		return false
	}
	// ("– David Dunkley" over "HOUSE RULES": a head on the next line heads nothing.)
	if slices.ContainsFunc(toks[from:to], func(t token) bool { return isHead(t.text) }) ||
		to < len(toks) && sameLine(text, toks[to-1], toks[to]) && isHeadAfter(toks[to].text) {
		return false
	}
	// "The Golden Compass", "The Big Lebowski": a title of a work or a
	// firm, not a person. "San Diego Padres", "Santa Monica": a place.
	if to-from > 1 && from > 0 && toks[from-1].text == "The" && !titled || placePrefixes[strings.ToLower(toks[from].text)] ||
		// "Lake Berryessa", "St Catherine", "St. Thomas": a place's prefix
		// or a saint's before the name; the place or church is meant.
		from > 0 && isCapitalised(toks[from-1].text) && (placePrefixes[strings.ToLower(toks[from-1].text)] || saints[strings.ToLower(toks[from-1].text)]) ||
		from > 0 && nameWord(toks[from-1].text) && places.isPlaceName(toks[from-1].text+" "+toks[from].text) {
		return false
	}
	// "this year's Oscar host": a given name alone before a noun names a
	// thing after a person, not the person.
	if to-from == 1 && !titled && givenNames[toks[from].text] && !surnames[toks[from].text] && to < len(toks) &&
		(toks[to].tag == "NN" || toks[to].tag == "NNS") && !isCapitalised(toks[to].text) {
		return false
	}
	// "Al Jazeera", "Al-Watan": a lone word behind a capitalised article-like
	// particle is an outlet's or a place's name; "al-Assad" alone comes back
	// as a later mention once "Bashar al-Assad" is known.
	if to-from == 2 && identity.IsParticle(strings.ToLower(toks[from].text)) && isCapitalised(toks[from].text) {
		return false
	}
	if to-from == 1 {
		if from > spanFrom && identity.IsParticle(strings.ToLower(toks[from-1].text)) {
			return false
		}
		if p, _, ok := strings.Cut(toks[from].text, "-"); ok && identity.IsParticle(strings.ToLower(p)) {
			return false
		}
		// "Iran Update", "American Pie": a word right after a country, with
		// no title, is a headline's noun or a title's.
		if from > 0 && g.isCountryWord(toks[from-1].text) && !titled {
			return false
		}
	}
	for _, t := range toks[from:to] {
		w := strings.ToLower(t.text)
		if groupWords[w] || (!identity.IsParticle(w) && !shouting && lower[t.text]) {
			return false
		}
		if g.places[phraseKey(t.text)] {
			return false
		}
	}
	return true
}

// isPlaceName reports a city or region of the place table: "Virginia
// Beach", "Santa Rosa", "Aceh".
func (t *placeTable) isPlaceName(name string) bool { return len(t.byKey[phraseKey(name)]) > 0 }

// isRegion reports a region of the place table with no city of that name:
// "Michigan", "California".
func (t *placeTable) isRegion(name string) bool {
	refs := t.byKey[phraseKey(name)]
	return len(refs) > 0 && !slices.ContainsFunc(refs, func(r placeRef) bool { return r.population > 0 || r.capital })
}

func isCapitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// lowercaseWords is the set of capitalised forms of the words text uses in
// lower case: "Ministry" is in it when "ministry" is in the text.
func lowercaseWords(text string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		r, size := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) && !identity.IsParticle(w) {
			set[string(unicode.ToUpper(r))+w[size:]] = true
		}
	}
	return set
}

// headlineLines returns whether the line at a byte offset of text is a
// headline in title case: three words of four letters or more, all
// capitalised but for function words ("Esther Williams Dies At Age 91",
// "Yvonne Hiller Charged with Two Counts of Murder"). There every word of a
// phrase is capitalised, and a capital says nothing of a name.
func headlineLines(text string) func(at int) bool {
	memo := map[int]bool{}
	return func(at int) bool {
		start := strings.LastIndexByte(text[:at], '\n') + 1
		if h, ok := memo[start]; ok {
			return h
		}
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text) - start
		}
		long, lowered := 0, false
		for _, w := range strings.FieldsFunc(text[start:start+end], func(r rune) bool { return !unicode.IsLetter(r) }) {
			if utf8.RuneCountInString(w) < 4 {
				continue
			}
			long++
			if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) && !functionWords[w] {
				lowered = true
			}
		}
		memo[start] = long >= 3 && !lowered
		return memo[start]
	}
}

// stem is a capitalised verb or plural without its ending, as the text would
// write it in lower case elsewhere: "Checks", "Charged" → "Check", "Charg".
func stem(w string) string {
	for _, suf := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// sentenceDot reports a word that the tokenizer left with the dot of a
// sentence's end ("Pro." of "MacBook Pro. I've", "Goldberg." at the end of
// a text): a name may end with it, never run on past it.
func sentenceDot(w string) bool {
	rest, ok := strings.CutSuffix(w, ".")
	if !ok || utf8.RuneCountInString(rest) < 2 || strings.Contains(rest, ".") {
		return false
	}
	l := strings.ToLower(w)
	return !titles[l] && l != "jr." && l != "sr." && !identity.IsParticle(l)
}

// isHead reports a noun that heads the name of a place or organisation:
// "Center".
func isHead(w string) bool { return nameHeads[strings.ToLower(w)] }

// isHeadAfter reports a head noun after a name, also a plural in lower
// case: "the Interior and Commerce departments". ("Rivers" in capitals is
// a surname.)
func isHeadAfter(w string) bool {
	return isHead(w) || !isCapitalised(w) && nameHeads[strings.TrimSuffix(w, "s")]
}

// glued reports two tokens written without space between them.
func glued(a, b token) bool { return a.end == b.start }

// isInitial reports a single capital letter: the "P" of "P. Simmons".
func isInitial(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	return size == len(w) && unicode.IsUpper(r)
}

// apostropheName reports the "'Meara" that prose's tokenizer cuts off
// "O'Meara".
func apostropheName(w string) bool {
	for _, q := range []string{"'", "’"} {
		if rest, ok := strings.CutPrefix(w, q); ok {
			r, _ := utf8.DecodeRuneInString(rest)
			return unicode.IsUpper(r)
		}
	}
	return false
}

// sameLine reports whether two tokens are on one line: names never span lines.
func sameLine(text string, a, b token) bool {
	return !strings.ContainsRune(text[a.end:b.start], '\n')
}

// nameWord reports whether a token can be part of a name: capitalised, or a
// particle, or all capitals (a headline or a masthead).
func nameWord(w string) bool {
	if sentenceDot(w) {
		w = w[:len(w)-1]
	}
	if identity.IsParticle(strings.ToLower(w)) {
		return true
	}
	if p, rest, ok := strings.Cut(w, "-"); ok && identity.IsParticle(strings.ToLower(p)) {
		w = rest // al-Assad, bin-Salman
	}
	if calendarWords[strings.ToLower(strings.TrimSuffix(w, "."))] {
		return false // "Davison Feb. 1": a date follows the name
	}
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) || !isInitial(w) && functionWords[strings.ToLower(strings.ReplaceAll(w, "’", "'"))] {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && r != '-' && r != '\'' && r != '’' && r != '.' {
			return false
		}
	}
	// A dot ends a sentence ("MacBook Pro. I've") unless it marks an
	// initial or an abbreviation: "J.", "J.R.", "Jr.", "St.".
	if before, _, ok := strings.Cut(w, "."); ok && !isInitial(before) && !identity.IsParticle(strings.ToLower(w)) &&
		!titles[strings.ToLower(w)] && strings.ToLower(w) != "jr." && strings.ToLower(w) != "sr." {
		return false
	}
	return true
}

// trimName narrows the tokens [from, to) to the name: titles, demonyms and
// countries off the front, possessives and particles off the end. It
// rejects what is left when it is no name at all.
func trimName(toks []token, from, to int, countryWord, inCountry func(token) bool, titleSurname map[int]bool) (int, int, bool) {
	for from < to && (isTitle(toks[from].text) || titleJoiners[strings.ToLower(toks[from].text)] || countryWord(toks[from]) ||
		!nameWord(toks[from].text) || inCountry(toks[from]) ||
		// A particle leads a name only when a name follows it: "de Silva",
		// "El Hassane Lahssini", but not "the" of "the Al".
		identity.IsParticle(strings.ToLower(toks[from].text)) && (from+1 >= to || !nameWord(toks[from+1].text))) {
		from++
	}
	for to > from && (isPossessive(toks[to-1].text) || !nameWord(toks[to-1].text) ||
		identity.IsParticle(strings.ToLower(toks[to-1].text)) || countryWord(toks[to-1]) || inCountry(toks[to-1])) {
		to--
	}
	if from >= to {
		return 0, 0, false
	}
	for k := from; k < to; k++ {
		if k > from && glued(toks[k-1], toks[k]) && (apostropheName(toks[k].text) || toks[k].text == "." && isInitial(toks[k-1].text)) {
			continue
		}
		if !nameWord(toks[k].text) || titles[strings.ToLower(toks[k].text)] && !titleSurname[toks[k].start] || inCountry(toks[k]) {
			return 0, 0, false
		}
	}
	return from, to, true
}

func isPossessive(w string) bool {
	return w == "'s" || w == "’s" || w == "'" || w == "’"
}

// longestFirst removes mentions overlapping a longer one, keeping order by start.
func longestFirst(es []storyline.Entity) []storyline.Entity {
	byLen := slices.Clone(es)
	slices.SortStableFunc(byLen, func(a, b storyline.Entity) int { return (b.End - b.Start) - (a.End - a.Start) })
	end := 0
	for _, e := range es {
		end = max(end, e.End)
	}
	marks := newByteMarks(end)
	var kept []storyline.Entity
	for _, e := range byLen {
		if !marks.taken(e.Start, e.End) {
			kept = append(kept, e)
			marks.take(e.Start, e.End)
		}
	}
	slices.SortFunc(kept, func(a, b storyline.Entity) int { return a.Start - b.Start })
	return kept
}

// laterMentions finds the other uses of names already found: the surname
// alone ("Lavrov" after "Sergei Lavrov"), before or after the full name;
// never inside a country's name ("Korea" of "North Korea").
func laterMentions(toks []token, found []storyline.Entity, inCountry func(i int) bool) []storyline.Entity {
	known := map[string]bool{}
	for _, p := range found {
		// Only full names teach a surname: a lone word prose got wrong would
		// spread its error through the text. "Lee" counts: its key is "le",
		// but the surname has three letters.
		if f := strings.Fields(p.Text); len(f) > 1 && utf8.RuneCountInString(f[len(f)-1]) >= 3 {
			known[identity.SurnameKey(p.Text)] = true
		}
	}
	var out []storyline.Entity
	for i, t := range toks {
		w, end := t.text, t.end
		if sentenceDot(w) {
			w, end = w[:len(w)-1], end-1
		}
		if !nameWord(w) || identity.IsParticle(strings.ToLower(w)) || !known[identity.SurnameKey(w)] || inCountry(i) ||
			i+1 < len(toks) && isHeadAfter(toks[i+1].text) || // "the Betty Ford Center"
			isTitle(w) && i+1 < len(toks) && capitalisedWord(toks[i+1].text) { // "King Charles" beside "Gayle King"
			continue
		}
		out = append(out, storyline.Entity{Type: storyline.Person, Text: w, Start: t.start, End: end})
	}
	return out
}

// normPeople gives each mention the fullest form of its name in the text:
// the longest full name Compatible with it ("Mark Heller" → "Mark Jay
// Heller", "Lavrov" → "Sergei Lavrov") when all such names are compatible
// with one another; a full name is never normed to another person's ("Joe
// Biden", "Hunter Biden"), and a surname that both share stays as written.
// Names in capitals are title-cased.
func normPeople(people []storyline.Entity) {
	var names []string // distinct texts, in order of first use
	for _, p := range people {
		if !slices.Contains(names, p.Text) {
			names = append(names, p.Text)
		}
	}
	fullest := make(map[string]string, len(names))
	for _, n := range names {
		best, whole := n, true
		var seen []string
		for _, m := range names {
			if m == n || !identity.Compatible(n, m) {
				continue
			}
			for _, o := range seen {
				if !identity.Compatible(o, m) {
					whole = false
				}
			}
			seen = append(seen, m)
			if len(strings.Fields(m)) > len(strings.Fields(best)) {
				best = m
			}
		}
		if !whole {
			best = n
		}
		fullest[n] = best
	}
	for i := range people {
		people[i].Norm = titleCaseIfShouting(fullest[people[i].Text])
	}
}

// titleCaseIfShouting turns "ABDULLAH BIN SALIM" into "Abdullah bin Salim".
func titleCaseIfShouting(name string) string {
	if strings.ToUpper(name) != name {
		return name
	}
	fields := strings.Fields(strings.ToLower(name))
	for i, f := range fields {
		// Particles stay lower case, but for the "Al" of a Gulf family
		// name written apart ("Al Saud", "Al Shueili").
		if identity.IsParticle(f) && i > 0 && f != "al" {
			continue
		}
		r, size := utf8.DecodeRuneInString(f)
		fields[i] = string(unicode.ToUpper(r)) + f[size:]
	}
	return strings.Join(fields, " ")
}
