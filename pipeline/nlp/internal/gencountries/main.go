// Command gencountries writes the country table of the NLP stage from two
// maintained data packages: world-countries (mledoze/countries, ODbL: names,
// official names, alternative spellings, English demonyms, capitals,
// independence) and
// i18n-iso-countries (MIT: the English names in common use). generate.sh
// fetches both with npm and runs it; the output is committed, so building
// storyline needs neither npm nor the network.
//
//	go run ./pipeline/nlp/internal/gencountries -world countries.json -i18n en.json -out pipeline/nlp/countries.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"
)

// Entry is one country of the generated table.
type Entry struct {
	Code     string   `json:"code"`
	Names    []string `json:"names"`
	Demonyms []string `json:"demonyms"`
	Capitals []string `json:"capitals"`
}

type worldCountry struct {
	CCA2        string `json:"cca2"`
	Independent *bool  `json:"independent"`
	Name        struct {
		Common   string `json:"common"`
		Official string `json:"official"`
	} `json:"name"`
	AltSpellings []string `json:"altSpellings"`
	Capital      []string `json:"capital"`
	Demonyms     map[string]struct {
		F string `json:"f"`
		M string `json:"m"`
	} `json:"demonyms"`
}

// notIndependentButCountries are the states the annotation guidelines count
// although world-countries does not mark them independent.
var notIndependentButCountries = map[string]bool{"PS": true, "XK": true, "TW": true}

// uninhabited territories have an ISO code but no news of their own, and
// names that only mislead ("South Georgia" beside the US state).
var uninhabited = map[string]bool{"AQ": true, "BV": true, "GS": true, "HM": true, "IO": true, "TF": true, "UM": true}

func main() {
	world := flag.String("world", "", "world-countries countries.json")
	i18n := flag.String("i18n", "", "i18n-iso-countries langs/en.json")
	out := flag.String("out", "", "output file")
	flag.Parse()
	if err := run(*world, *i18n, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencountries:", err)
		os.Exit(1)
	}
}

func run(worldPath, i18nPath, outPath string) error {
	var world []worldCountry
	if err := readJSON(worldPath, &world); err != nil {
		return err
	}
	var i18n struct {
		Countries map[string]json.RawMessage `json:"countries"`
	}
	if err := readJSON(i18nPath, &i18n); err != nil {
		return err
	}
	var table []Entry
	territories := map[string]bool{}
	for _, c := range world {
		if uninhabited[c.CCA2] {
			continue
		}
		// A territory with a code of its own (Hong Kong, Puerto Rico) is
		// named by its English names only: its other spellings ("Mann" for
		// the Isle of Man) are surnames and words.
		state := c.Independent != nil && *c.Independent || notIndependentButCountries[c.CCA2]
		e := Entry{Code: c.CCA2}
		names := []string{c.Name.Common, c.Name.Official}
		if state {
			names = append(names, c.AltSpellings...)
		}
		names = append(names, i18nNames(i18n.Countries[c.CCA2])...)
		for _, n := range names {
			if usableName(n, c.CCA2) && !notCountryNames[n] {
				e.Names = append(e.Names, n)
			}
		}
		if d, ok := c.Demonyms["eng"]; ok {
			e.Demonyms = append(e.Demonyms, d.M, d.F)
		}
		for _, capital := range c.Capital {
			// A territory's capital ("Hamilton", "Douglas", "Stanley") is
			// a surname more often than a seat of government.
			if state && usableName(capital, c.CCA2) {
				e.Capitals = append(e.Capitals, capital)
			}
		}
		e.Names, e.Demonyms, e.Capitals = dedupe(e.Names), dedupe(e.Demonyms), dedupe(e.Capitals)
		if !state {
			territories[c.CCA2] = true
		}
		table = append(table, e)
	}
	// "Dutch" of the Caribbean Netherlands, "American" of the Northern
	// Mariana Islands: a territory shares its state's demonym, which stays
	// the state's.
	stateDemonyms := map[string]bool{}
	for _, e := range table {
		if !territories[e.Code] {
			for _, d := range e.Demonyms {
				stateDemonyms[d] = true
			}
		}
	}
	for i, e := range table {
		if territories[e.Code] {
			table[i].Demonyms = slices.DeleteFunc(e.Demonyms, func(d string) bool { return stateDemonyms[d] })
		}
	}
	slices.SortFunc(table, func(a, b Entry) int { return strings.Compare(a.Code, b.Code) })
	data, err := json.MarshalIndent(table, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(outPath, append(data, '\n'), 0o644)
}

// notCountryNames are spellings that, in English text, are a word or a given name far more often than the country: "Island" (Iceland
// in German and Swedish), "Dominique" (Dominica in French), "Reunion"
// (Réunion without its accent).
var notCountryNames = map[string]bool{"Island": true, "Dominique": true, "Reunion": true}

// i18nNames reads a name that is either a string or a list of strings.
func i18nNames(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	json.Unmarshal(raw, &many)
	return many
}

// usableName keeps names a news text can contain as written: Latin script,
// no "Korea, Republic of" inversions or parenthesised notes, and no bare
// two-letter codes but the press's "US" and "UK".
func usableName(n, code string) bool {
	if n == "" || strings.ContainsAny(n, ",()") {
		return false
	}
	if len(n) <= 2 && n != "US" && n != "UK" {
		return false
	}
	for _, r := range n {
		if unicode.IsLetter(r) && !unicode.In(r, unicode.Latin) {
			return false
		}
	}
	return true
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
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
