package nlp

import (
	_ "embed"
	"strings"
)

// titles are the roles and honorifics that precede a name and stay out of
// its span ("President Vladimir Putin" → Vladimir Putin). After one of them a
// run of capitalised words is taken for a name even where prose missed it.
var titles = setOf(
	"president", "vice", "prime", "minister", "ministers", "secretary", "foreign", "defence", "defense",
	"deputy", "assistant", "fm", "fms", "king", "queen", "prince", "princess", "crown", "sheikh",
	"emir", "sultan", "pope", "chancellor", "ambassador", "envoy", "spokesman", "spokeswoman",
	"spokesperson", "general", "gen", "gen.", "colonel", "col.", "lieutenant", "lt.", "admiral", "commander",
	"senator", "sen.", "sen", "rep.", "representative", "governor", "gov.", "mayor", "judge", "justice",
	"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "prof", "prof.", "professor", "sir", "dame",
	"lord", "lady", "chief", "head", "leader", "chairman", "chairwoman", "director", "editor", "counterpart",
	"ayatollah", "cleric", "interior", "finance", "economy", "trade", "energy", "intelligence", "former",
	"late", "acting", "speaker", "coach", "captain", "striker", "midfielder", "defender", "goalkeeper",
	"state", "ceo", "cfo", "coo", "executive", "managing", "manager", "analyst", "economist", "official",
	"officer", "vice-president", "chief-executive", "premier", "monsignor", "rabbi", "imam", "bishop",
	"archbishop", "cardinal", "father", "brother", "sister", "saint", "st", "mp", "mep", "deputies",
)

// nameHeads end the names of places, events and organisations, never of a
// person, or follow a name that stands for one: "Wall Street", "Labor Day",
// "Faroe Islands", "Magna Inc", "Oregon State Police", "the Richter scale",
// "a Harry Winston boutique", "the California Energy Commission".
var nameHeads = setOf("street", "road", "drive", "avenue", "square", "day", "island", "islands", "championship",
	"championships", "open", "cup", "centre", "center", "park", "stadium", "bank", "group", "university",
	"college", "party", "church", "inc", "inc.", "corp", "corp.", "co", "co.", "ltd", "ltd.", "plc", "ag",
	"llc", "holdings", "airlines", "airways", "motors", "international", "association", "federation",
	"council", "committee", "ministry", "department", "agency", "court", "league", "club", "city", "county",
	"valley", "river", "lake", "mountains", "gulf", "bay", "sea", "ocean", "hall", "house", "palace", "times",
	"post", "news", "journal", "telegraph", "tribune", "herald", "gazette", "exchange", "index", "fund",
	"company", "police", "command", "unit", "service", "services", "clinic", "hospital", "boulevard", "foods",
	"advisors", "partners", "plant", "ship", "scale", "boutique", "store", "stores", "shop", "jewellers",
	"jewelers", "foundation", "institute", "academy", "award", "awards", "prize", "trophy", "festival",
	"commission", "assembly", "corporation", "laboratory", "school", "resort", "hotel",
	"hotels", "spa", "museum", "library", "airport", "authority", "bureau", "organization", "organisation",
	"society", "coalition", "alliance", "institution")

// functionWords are English words of closed classes (articles,
// prepositions, conjunctions, pronouns, auxiliaries) and contractions: a
// name never holds one in capitals ("Ellen DeGeneres To Host", "Lindsay
// Lohan Checks Into Rehab"). Words that are also given names (Will, May)
// are not here.
var functionWords = setOf("the", "a", "an", "and", "or", "but", "nor", "so", "yet", "to", "into", "onto", "at",
	"of", "in", "on", "with", "without", "for", "from", "by", "as", "is", "are", "was", "were", "be", "been",
	"being", "has", "have", "had", "do", "does", "did", "not", "no", "this", "that", "these", "those", "it",
	"its", "he", "she", "we", "they", "you", "i", "me", "him", "her", "his", "our", "their", "your", "my", "who",
	"what", "when", "where", "why", "how", "which", "if", "then", "than", "after", "before", "over", "under",
	"about", "up", "out", "off", "down", "via", "vs", "vs.", "per", "amid", "against", "between", "during",
	"through", "while", "here", "there", "also", "just", "now", "again", "still", "all", "every", "any",
	"some", "would", "could", "should", "shall", "must", "might", "cannot", "can't", "won't", "don't",
	"didn't", "doesn't", "isn't", "wasn't", "aren't", "i'm", "i've", "i'd", "i'll", "we're", "we've",
	"we'll", "you're", "you've", "you'll", "they're", "they've", "they'll", "he's", "she's", "it's", "that's",
	"there's", "what's", "let's", "we'd", "you'd", "he'd", "she'd", "they'd", "it'd", "who'd", "that'd",
	"he'll", "she'll", "it'll", "that'll", "who's", "here's", "where's", "how's", "haven't", "hasn't",
	"hadn't", "weren't", "wouldn't", "couldn't", "shouldn't", "ain't")

// interfaceWords are the buttons and links of a page ("Click", "Share",
// "Check Also", "Facebook Twitter") and the platforms and companies pages name the way
// they name people ("Google said"): a name made of them alone is none.
var interfaceWords = setOf("click", "check", "see", "watch", "listen", "download", "view", "related", "share",
	"shares", "tweet", "email", "e-mail", "print", "subscribe",
	"comment", "comments", "reply", "login", "signup", "menu", "search", "advertisement", "sponsored",
	"newsletter", "follow", "loading", "facebook", "twitter", "instagram", "linkedin", "pinterest",
	"whatsapp", "reddit", "youtube", "tiktok", "snapchat", "flipboard", "google", "microsoft", "netflix",
	"spotify", "amazon", "uber", "airbnb", "paypal", "yahoo", "wikipedia", "x.com")

// placePrefixes start the names of places, never of people: "Santa
// Monica", "San Diego", "Fort Worth", "Rancho Mirage".
var placePrefixes = setOf("santa", "san", "los", "las", "fort", "port", "mount", "lake", "rancho", "palm")

// saints head the names of places, churches and schools far more often
// than of a saint: "St Catherine", "St. Thomas", "Bury St Edmunds".
var saints = setOf("st", "st.", "saint", "ste", "ste.", "sainte")

// titleJoiners link the words of a title: "Editor in Chief", "Minister of State".
var titleJoiners = setOf("in", "of", "-", "for", "and")

// isTitle reports a title word, also written with a dash ("CHIEF-").
func isTitle(w string) bool {
	w = strings.TrimSuffix(strings.TrimRight(strings.ToLower(w), "-"), "-elect") // "President-elect"
	return titles[w]
}

// calendarWords never continue a name; "May" and "June" as first names
// still come through prose's PERSON label.
var calendarWords = setOf("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
	"january", "february", "march", "april", "august", "september", "october", "november", "december")

func setOf(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

//go:embed givennames.txt
var givenNamesTxt string

// givenNames are first names in Latin script from many languages, generated
// from @faker-js/faker's locales by internal/gennames.
var givenNames = func() map[string]bool {
	m := map[string]bool{}
	for line := range strings.Lines(givenNamesTxt) {
		if n := strings.TrimSpace(line); n != "" {
			m[n] = true
		}
	}
	return m
}()

// groupWords name peoples, faiths and blocs that prose labels PERSON; they
// are neither people nor countries.
var groupWords = setOf("arab", "arabs", "kurd", "kurds", "kurdish", "european", "africa", "african", "asian",
	"western", "muslim", "muslims", "christian", "christians", "jewish", "jews", "sunni", "shia", "shiite",
	"islamic", "gulf", "latin", "nordic", "baltic", "balkan", "palestinians")

// mediaWords before a name make it an outlet: "outlet Sputnik", "agency SANA".
var mediaWords = setOf("outlet", "agency", "newspaper", "daily", "broadcaster", "channel", "website",
	"network", "magazine", "tv", "radio", "station", "paper", "wire")
