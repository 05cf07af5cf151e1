package nlp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/storyline/storyline"
)

var (
	sharedOnce sync.Once
	shared     *Extractor
	sharedErr  error
)

// extractor builds the model once for the whole package's tests.
func extractor(t testing.TB) *Extractor {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = New() })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func day(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// found returns the text and norm of the entities of one type.
func found(t *testing.T, text, dct string, typ storyline.EntityType) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range extracted(t, text, dct) {
		if e.Type == typ {
			out[e.Text] = e.Norm
		}
	}
	return out
}

// extracted returns the entities of text, each checked against its offsets.
func extracted(t *testing.T, text, dct string) []storyline.Entity {
	t.Helper()
	ents, err := extractor(t).Extract(context.Background(), text, day(dct))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if text[e.Start:e.End] != e.Text {
			t.Fatalf("Extract(%q): %+v: text[start:end] = %q", text, e, text[e.Start:e.End])
		}
	}
	return ents
}

// A dateCase is a case of testdata/dates.txt: a text, its DCT, and the
// dates Extract must find in it, mention → TIMEX3 value.
type dateCase struct {
	pos       string // dates.txt:line
	text, dct string
	want      map[string]string
}

// readDates reads the cases of testdata/dates.txt; its header says how
// they are written.
func readDates(t *testing.T) []dateCase {
	t.Helper()
	const name = "dates.txt"
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var cases []dateCase
	for i, line := range strings.Split(string(data), "\n") {
		pos := fmt.Sprintf("%s:%d", name, i+1)
		f := strings.Split(line, "\t")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case len(f) == 2 && f[0] != "":
			dct := f[0]
			if dct == "-" {
				dct = ""
			}
			cases = append(cases, dateCase{pos: pos, text: f[1], dct: dct, want: map[string]string{}})
		case len(f) == 3 && f[0] == "" && len(cases) > 0:
			want := cases[len(cases)-1].want
			if _, twice := want[f[1]]; twice {
				t.Fatalf("%s: %q twice in one case", pos, f[1])
			}
			want[f[1]] = f[2]
		default:
			t.Fatalf("%s: want DCT<tab>text or <tab>mention<tab>value: %q", pos, line)
		}
	}
	if len(cases) == 0 {
		t.Fatalf("%s: no cases", name)
	}
	return cases
}

func TestDates(t *testing.T) {
	for _, tc := range readDates(t) {
		got := found(t, tc.text, tc.dct, storyline.Date)
		if len(got) != len(tc.want) {
			t.Errorf("%s: dates of %q (DCT %s) = %v, want %v", tc.pos, tc.text, tc.dct, got, tc.want)
			continue
		}
		for text, norm := range tc.want {
			if got[text] != norm {
				t.Errorf("%s: dates of %q (DCT %s) = %v, want %q → %s", tc.pos, tc.text, tc.dct, got, text, norm)
			}
		}
	}
}

func TestCountries(t *testing.T) {
	tests := []struct {
		text string
		want map[string]string // text → norm/form
	}{
		{"Iran, Russia, Syria and Turkey met.", map[string]string{"Iran": "IR/name", "Russia": "RU/name", "Syria": "SY/name", "Turkey": "TR/name"}},
		{"Türkiye and Turkiye are one.", map[string]string{"Türkiye": "TR/name", "Turkiye": "TR/name"}},
		{"Syria-Turkey relations and Russia-mediated talks", map[string]string{"Syria": "SY/name", "Turkey": "TR/name", "Russia": "RU/name"}},
		{"pro-Syrian outlets and Iranian-Russian support", map[string]string{"Syrian": "SY/demonym", "Iranian": "IR/demonym", "Russian": "RU/demonym"}},
		{"the Russian Foreign Ministry and Chinese-brokered ties", map[string]string{"Russian": "RU/demonym", "Chinese": "CN/demonym"}},
		{"opposition from Syrians in the north", map[string]string{"Syrians": "SY/demonym"}},
		{"Syria's war and Turkey’s troops", map[string]string{"Syria": "SY/name", "Turkey": "TR/name"}},
		{"Saudi Arabia and the Saudi Foreign Minister", map[string]string{"Saudi Arabia": "SA/name", "Saudi": "SA/demonym"}},
		{"the United States and the U.S. and Britain", map[string]string{"United States": "US/name", "U.S.": "US/name", "Britain": "GB/name"}},
		{"OMAN", map[string]string{"OMAN": "OM/name"}},
		// Not countries: capitals, regions, blocs, the pronoun "us".
		{"Moscow, Ankara and Damascus-Ankara talks at the Arab League and NATO; let us go", map[string]string{}},
		{"turkey for dinner", map[string]string{}},
		// A country's name inside a longer place name is the place's.
		{"Coal mines in Inner Mongolia and wildfires in New Mexico closed roads.", map[string]string{}},
		{"He grew up in Merritt Island, Florida, and moved to Jersey City.", map[string]string{}},
		{"Northern Iraq has been under Kurdish control; strikes hit northern Syria.", map[string]string{"Iraq": "IQ/name", "Syria": "SY/name"}},
		{"Guinea-Bissau and Guinea signed the deal.", map[string]string{"Guinea-Bissau": "GW/name", "Guinea": "GN/name"}},
		// Outlets, firms and events named after a country are not it.
		{"The American Music Awards aired on Sunday, USA Today reported, and China Daily agreed.", map[string]string{}},
		{"She won the U.S. Open before flying Japan Airlines home.", map[string]string{}},
		{"Air France and Air India cut flights to Canada.", map[string]string{"Canada": "CA/name"}},
		{"Passengers on Emirates were stranded in the Emirates after the storm.", map[string]string{"Emirates": "AE/name"}},
		{"SOCCER - WALES BEAT SAN MARINO IN WORLD CUP QUALIFIER .", map[string]string{"SAN MARINO": "SM/name"}},
		// A country's name as a surname, after a given name and then alone,
		// is the person's; after a preposition it is the country.
		{"Neil Jordan says the film cost him sleep. Jordan said so in Venice.", map[string]string{}},
		{"Neil Jordan says the film cost him sleep, then visited Jordan.", map[string]string{"Jordan": "JO/name"}},
		{"Trevor Holland, 52, escaped. Holland was moved; Will France win? Prince Harry Canada move confirmed.", map[string]string{"France": "FR/name", "Canada": "CA/name"}},
		// A country that is a given name, before a surname, is a person's.
		{"Chad Thomas scored twice and Jordan Spira made the save.", map[string]string{}},
		{"Troops moved into the Jordan Valley, Chad said, and Israel Defense Forces agreed.", map[string]string{"Chad": "TD/name", "Israel": "IL/name"}},
		// The peoples of the Americas are a group, not the United States or India.
		{"A Native American judge of the Quinault Indian Nation spoke to American Indian voters.", map[string]string{}},
		{"The Nooksack Indian tribe met American officials.", map[string]string{"American": "US/demonym"}},
		{"Native Americans ran the Indian casinos, and Indian troops paraded.", map[string]string{"Indian": "IN/demonym"}},
		// Territories with a code of their own.
		{"Protests in Hong Kong and Macau spread to Taiwan and Puerto Rico.", map[string]string{"Hong Kong": "HK/name", "Macau": "MO/name", "Taiwan": "TW/name", "Puerto Rico": "PR/name"}},
		{"Boats patrol Puerto Rico and the U.S. Virgin Islands; divers love the British Virgin Islands.",
			map[string]string{"Puerto Rico": "PR/name", "U.S. Virgin Islands": "VI/name", "British Virgin Islands": "VG/name"}},
		{"Dominican officials in Dominica met.", map[string]string{"Dominican": "DO/demonym", "Dominica": "DM/name"}},
		// Georgia the US state is no country; the country keeps its neighbours.
		{"Police in Atlanta, Georgia, and in Fulton County, Georgia, arrested him.", map[string]string{}},
		{"Georgia Gov. Brian Kemp and Georgia's Republican primary; she studied at Georgia Tech.", map[string]string{}},
		{"A Georgia judge sentenced him. Death sentences in Georgia require a unanimous jury.", map[string]string{}},
		{"Born in rural south Georgia, she moved to Texas.", map[string]string{}},
		{"Georgia and Armenia met in Tbilisi, Georgia. Georgia's president greeted Georgian troops.",
			map[string]string{"Georgia": "GE/name", "Armenia": "AM/name", "Georgian": "GE/demonym"}},
		{"Russia sent troops into Georgia in 2008, and Georgia asked Washington for help.",
			map[string]string{"Russia": "RU/name", "Georgia": "GE/name"}},
		// Other names that hold a country.
		{"The Pan American Health Organization, Latin American leaders and a West-Indian bowler.", map[string]string{}},
		{"She left the Spanish Town Police Station for the Indian Village community.", map[string]string{}},
		{"She attended the University of New Mexico; the bus runs parallel to US 1.", map[string]string{}},
		{"Ships in the Gulf of Mexico, the Gulf of Thailand and the Indian Ocean.", map[string]string{}},
		{"We ate on Turkey Day, as The Times of Israel and Breaking Belize News reported.", map[string]string{}},
		{"Markets closed for the U.S. Labor Day holiday; the U.S. 30-year bond fell.", map[string]string{"U.S.": "US/name"}},
		// A language is no country (a demonym is an adjective or a people).
		{"It means water in both Spanish and Portuguese, and in Greek. Speaking French, she said so.", map[string]string{}},
		{"For more on learning Japanese\n\nLearn Japanese with us.", map[string]string{}},
		{"Cities in German states and Caribbean, American, and Cypriot firms.",
			map[string]string{"German": "DE/demonym", "American": "US/demonym", "Cypriot": "CY/demonym"}},
		// American the airline.
		{"Delta, American and United cut routes. American Airlines said American plans to fly to Rome.", map[string]string{}},
		{"The airline blamed American occupiers, and an American said flights stopped.", map[string]string{"American": "US/demonym"}},
	}
	for _, tc := range tests {
		ents, err := extractor(t).Extract(context.Background(), tc.text, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, e := range ents {
			if e.Type == storyline.Country {
				got[e.Text] = e.Norm + "/" + e.Form
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("countries of %q = %v, want %v", tc.text, got, tc.want)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("countries of %q = %v, want %s → %s", tc.text, got, k, v)
			}
		}
	}
}

func TestPeople(t *testing.T) {
	tests := []struct {
		text string
		want map[string]string // mention → norm within the article
	}{
		{"Russian President Vladimir Putin spoke. Putin said more.",
			map[string]string{"Vladimir Putin": "Vladimir Putin", "Putin": "Vladimir Putin"}},
		{"Saudi Foreign Minister Prince Faisal bin Farhan Al Saud visited Damascus.",
			map[string]string{"Faisal bin Farhan Al Saud": "Faisal bin Farhan Al Saud"}},
		{"Moscow is Syrian President Bashar al-Assad's main ally. Later al-Assad was invited.",
			map[string]string{"Bashar al-Assad": "Bashar al-Assad", "al-Assad": "Bashar al-Assad"}},
		{"Turkish Defence Minister Hulusi Akar met them. \"We are ready,\" Akar said.",
			map[string]string{"Hulusi Akar": "Hulusi Akar", "Akar": "Hulusi Akar"}},
		{"EDITOR IN CHIEF- ABDULLAH BIN SALIM AL SHUEILI\n\nOman news",
			map[string]string{"ABDULLAH BIN SALIM AL SHUEILI": "Abdullah bin Salim Al Shueili"}},
		// Not people: outlets, capitals, groups, furniture words.
		{"Bogdanov told Russian state media outlet Sputnik that Riyadh and the Arab League agree, the ministry said. Ministry officials agreed.",
			map[string]string{}},
	}
	for _, tc := range tests {
		got := found(t, tc.text, "", storyline.Person)
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("people of %q = %v, want %q → %q", tc.text, got, k, v)
			}
		}
		for k := range got {
			if _, ok := tc.want[k]; !ok && k != "Bogdanov" {
				t.Errorf("people of %q: unexpected %q", tc.text, k)
			}
		}
	}
}

func TestExtractOffsetsOnAwkwardText(t *testing.T) {
	for _, text := range []string{
		"", " ", "\x00\xff\xfe", "“Quoted” Putin’s ‘words’ &rsquo; in Syria’s war",
		"مرحبا Syria שלום Turkey", "Sergei Lavrov\n\nLavrov", "on Tuesday", "U.S.", "May",
	} {
		ents, err := extractor(t).Extract(context.Background(), text, day("2023-03-28"))
		if err != nil {
			t.Errorf("Extract(%q): %v", text, err)
		}
		for _, e := range ents {
			if e.Start < 0 || e.End > len(text) || e.Start >= e.End || text[e.Start:e.End] != e.Text ||
				!utf8.ValidString(e.Text) && utf8.ValidString(text) {
				t.Errorf("Extract(%q): bad entity %+v", text, e)
			}
		}
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{"Russian President Vladimir Putin met Erdogan on Tuesday in Moscow.",
		"“Syria’s” 3 to 4 April", "Wednesday, April 24, 2024 | Shawwal 14, 1445 H", "al-Assad's", "U.S.-Iran"} {
		f.Add(s, "2023-03-28")
	}
	x, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, dct string) {
		d, _ := time.Parse(time.DateOnly, dct)
		ents, err := x.Extract(context.Background(), text, d)
		if err != nil {
			return // a recovered library panic is reported, not a crash
		}
		again, _ := x.Extract(context.Background(), text, d)
		if len(again) != len(ents) {
			t.Fatalf("Extract(%q) not deterministic", text)
		}
		for i, e := range ents {
			if e.Start < 0 || e.End > len(text) || e.Start >= e.End || text[e.Start:e.End] != e.Text {
				t.Fatalf("Extract(%q): entity %+v out of bounds or text mismatch", text, e)
			}
			// Only valid text has sequences to cut: the collector hands on
			// nothing else ("U.S.\xb1" ends a country before a stray byte).
			if utf8.ValidString(text) && (!utf8.RuneStart(text[e.Start]) || e.End < len(text) && !utf8.RuneStart(text[e.End])) {
				t.Fatalf("Extract(%q): entity %+v cuts a UTF-8 sequence", text, e)
			}
			if again[i] != e {
				t.Fatalf("Extract(%q) not deterministic: %+v then %+v", text, e, again[i])
			}
		}
	})
}

// fixtureTexts are the texts of the five fixture articles.
func fixtureTexts(tb testing.TB) []string {
	tb.Helper()
	data, err := os.ReadFile("../../fixtures/docs.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	var texts []string
	for line := range strings.Lines(string(data)) {
		var d struct{ Text string }
		if json.Unmarshal([]byte(line), &d) == nil {
			texts = append(texts, d.Text)
		}
	}
	return texts
}

func benchmarkOne(b *testing.B, step func(string)) {
	texts := fixtureTexts(b)
	var n int64
	for _, t := range texts {
		n += int64(len(t))
	}
	b.SetBytes(n / int64(len(texts)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		step(texts[i%len(texts)])
	}
}

// BenchmarkExtract is the whole extraction of one article on one core.
func BenchmarkExtract(b *testing.B) {
	x := extractor(b)
	day := day("2023-04-25")
	benchmarkOne(b, func(t string) { x.Extract(context.Background(), t, day) })
}

// TestSharedModelIsSafe runs one Extractor from many goroutines, as the
// pipeline's workers do, and wants what a single goroutine gets. Run with
// -race it also shows that the models are only read during inference.
func TestSharedModelIsSafe(t *testing.T) {
	x := extractor(t)
	texts := fixtureTexts(t)
	dct := day("2023-04-25")
	want := make([][]storyline.Entity, len(texts))
	for i, text := range texts {
		want[i], _ = x.Extract(context.Background(), text, dct)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range len(texts) * 2 {
				i := (g + k) % len(texts)
				got, err := x.Extract(context.Background(), texts[i], dct)
				if err != nil || len(got) != len(want[i]) {
					t.Errorf("goroutine %d, text %d: %d entities (%v), want %d", g, i, len(got), err, len(want[i]))
					return
				}
				for j := range got {
					if got[j] != want[i][j] {
						t.Errorf("goroutine %d, text %d: %+v, want %+v", g, i, got[j], want[i][j])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkExtractLong extracts the fixture articles repeated to 64 KB and
// to 256 KB: a long repetitive article holds tens of thousands of
// mentions, and time per byte must not grow with the length (compare the
// MB/s of the two sizes).
func BenchmarkExtractLong(b *testing.B) {
	joined := strings.Join(fixtureTexts(b), "\n\n")
	for _, size := range []int{64 << 10, 256 << 10} {
		text := strings.Repeat(joined+"\n\n", size/len(joined)+1)[:size]
		text = strings.ToValidUTF8(text, "")
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			x := extractor(b)
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := x.Extract(context.Background(), text, day("2023-04-25")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestExtractStopsWhenCancelled: a cancelled extraction returns the
// context's error instead of going through every stage of a long text.
func TestExtractStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	text := strings.Repeat(strings.Join(fixtureTexts(t), "\n\n"), 4)
	if ents, err := extractor(t).Extract(ctx, text, day("2023-04-25")); !errors.Is(err, context.Canceled) || ents != nil {
		t.Errorf("Extract after cancel = %d entities, %v; want none and context.Canceled", len(ents), err)
	}
}
