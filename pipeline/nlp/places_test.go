package nlp

import (
	"maps"
	"testing"

	"github.com/storyline/storyline"
)

// places returns the place mentions of text: mention → norm/country.
func places(t *testing.T, text string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range extracted(t, text, "2023-05-10") {
		if e.Type == storyline.Place {
			out[e.Text] = e.Norm + "/" + e.Country
		}
	}
	return out
}

func TestPlaces(t *testing.T) {
	tests := []struct {
		name, text string
		want       map[string]string
	}{
		{"city", "The ministers met in Aleppo on Tuesday.", map[string]string{"Aleppo": "Aleppo/SY"}},
		{"longest match", "Rockets hit Deir ez-Zor and Ho Chi Minh City was quiet.",
			map[string]string{"Deir ez-Zor": "Deir ez-Zor/SY", "Ho Chi Minh City": "Ho Chi Minh City/VN"}},
		{"press spelling", "Shelling was reported in Kiev and in Raqqa.", map[string]string{"Kiev": "Kyiv/UA", "Raqqa": "Raqqa/SY"}},
		{"abbreviation", "The forum opened in St. Petersburg.", map[string]string{"St. Petersburg": "Saint Petersburg/RU"}},
		{"full stop", "The delegation flew to Tehran.", map[string]string{"Tehran": "Tehran/IR"}},
		{"region", "Troops massed near Idlib and in Crimea.", map[string]string{"Idlib": "Idlib/SY", "Crimea": "Crimea/UA"}},
		{"direction and country", "Turkish forces operate in northern Syria.",
			map[string]string{"northern Syria": "northern Syria/SY"}},
		{"hyphenated direction", "Clashes broke out in north-west Syria.",
			map[string]string{"north-west Syria": "north-west Syria/SY"}},
		{"country mentioned decides", "Fighting in Tripoli worried Lebanon.", map[string]string{"Tripoli": "Tripoli/LB"}},
		{"capital without context", "Fighting in Tripoli went on.", map[string]string{"Tripoli": "Tripoli/LY"}},

		// Metonymy: a capital for its government is not a place.
		{"capital says", "Moscow said the talks would go on.", map[string]string{}},
		{"pair of capitals agrees", "Ankara and Damascus agreed to meet again.", map[string]string{}},
		{"relation of capitals", "The Ankara-Damascus reconciliation stalled.", map[string]string{}},
		{"talks in a capital", "Talks in Moscow said to be tense began on Monday.", map[string]string{"Moscow": "Moscow/RU"}},
		{"capital after a preposition", "Lavrov arrived from Moscow.", map[string]string{"Moscow": "Moscow/RU"}},

		// Words and names that a city shares.
		{"lower case", "The weather was nice and the phone mobile.", map[string]string{}},
		{"common word in the text", "Reading the report, he said reading was slow.", map[string]string{}},
		{"person's name", "Paris Hilton arrived.", map[string]string{}},
		{"surname of a person in the text", "Michael Jackson sang. Later Jackson danced.", map[string]string{}},
		{"administration", "The Bush administration agreed.", map[string]string{}},
		{"newspaper", "The Washington Post reported it.", map[string]string{}},
		{"agreement named for a city", "The Minsk agreements were signed.", map[string]string{}},
		{"capitalised direction in a name", "They climbed on the South Island.", map[string]string{}},
		{"direction begins a sentence", "Northern Syria was shelled.", map[string]string{"Northern Syria": "northern Syria/SY"}},
		{"company", "She drove a Toyota Camry.", map[string]string{}},
		{"team", "The Philadelphia 76ers and the Los Angeles Angels won.", map[string]string{}},
		{"gulf of", "Pirates attacked a ship in the Gulf of Aden.", map[string]string{}},
		{"longer place", "She checked into a clinic in Newport Beach.", map[string]string{}},

		// The country finder keeps what it finds.
		{"country with a city's name", "Georgia and Armenia signed a deal.", map[string]string{}},
		// Georgia the US state is a place of the United States.
		{"US state", "Police in Atlanta, Georgia, arrested him.", map[string]string{"Atlanta": "Atlanta/US", "Georgia": "Georgia/US"}},
		{"US state region", "Born in rural south Georgia, she moved to Texas.", map[string]string{"Georgia": "Georgia/US", "Texas": "Texas/US"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := places(t, tc.text); !maps.Equal(got, tc.want) {
				t.Errorf("places of %q = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

// TestPlacesKeepCountries checks that a region named by a country keeps the
// country mention ("northern Syria" is a place and still holds Syria),
// while a city named after one takes it ("Kuwait City", as CoNLL's gold
// leaves "Panama City" no country).
func TestPlacesKeepCountries(t *testing.T) {
	text := "Turkish forces operate in northern Syria, and Kuwait City hosted the talks."
	got := found(t, text, "", storyline.Country)
	want := map[string]string{"Turkish": "TR", "Syria": "SY"}
	if !maps.Equal(got, want) {
		t.Errorf("countries of %q = %v, want %v", text, got, want)
	}
}
