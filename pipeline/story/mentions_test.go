package story

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// ent makes an entity of type typ at the first occurrence of s in text.
func ent(t *testing.T, text string, typ storyline.EntityType, s, norm string) storyline.Entity {
	t.Helper()
	i := strings.Index(text, s)
	if i < 0 {
		t.Fatalf("%q not in %q", s, text)
	}
	return storyline.Entity{Type: typ, Text: s, Start: i, End: i + len(s), Norm: norm}
}

func TestMentions(t *testing.T) {
	type e = struct {
		typ        storyline.EntityType
		text, norm string
	}
	const (
		P = storyline.Person
		C = storyline.Country
		D = storyline.Date
		L = storyline.Place
	)
	for _, tc := range []struct {
		name      string
		published string
		text      string
		ents      []e
		want      []string // When Trigger Dated People Countries Places
	}{
		{"meeting", "2023-04-26", "Filler line.\nOn April 25, Moscow held a meeting of the defence ministers of Turkey and Syria.",
			[]e{{D, "April 25", "2023-04-25"}, {L, "Moscow", "Moscow"}, {C, "Turkey", "TR"}, {C, "Syria", "SY"}},
			[]string{"2023-04-25 held  [] [SY TR] [Moscow]"}},
		{"reporting date left out", "2023-03-28", "Filler line.\nThe ministers will meet early next week, Turkish officials said on Tuesday.",
			[]e{{D, "early next week", "2023-W14"}, {C, "Turkish", "TR"}, {D, "Tuesday", "2023-03-28"}},
			[]string{"2023-W14 meet  [] [TR] []"}},
		{"reporting verb after the date", "2023-04-25", "Filler line.\nThe foreign minister last week said that a meeting would take place.",
			[]e{{D, "last week", "2023-W16"}}, nil},
		{"reporting verb before the event", "2013-03-11", "Filler line.\nYesterday, the police explained that officers shot and killed the teenager.",
			[]e{{D, "Yesterday", "2013-03-10"}}, nil},
		{"countries of the date's clause", "2023-05-10", "Filler line.\nTies quickened after the February 6 earthquake in Turkey and Syria, and the deal between Iran and Saudi Arabia.",
			[]e{{D, "February 6", "2023-02-06"}, {C, "Turkey", "TR"}, {C, "Syria", "SY"}, {C, "Iran", "IR"}, {C, "Saudi Arabia", "SA"}},
			[]string{"2023-02-06 earthquake  [] [SY TR] []"}},
		{"references and placeholders", "2023-03-28", "Filler line.\nThey met in recent months and on Wednesday.",
			[]e{{D, "recent months", "PAST_REF"}, {D, "Wednesday", "XXXX-WXX-3"}}, nil},
		{"two events", "2013-05-03", "Filler line.\nLohan was at Betty Ford in 2010, and she checked into rehab on Thursday.",
			[]e{{P, "Lohan", "Lindsay Lohan"}, {D, "2010", "2010"}, {D, "Thursday", "2013-05-02"}},
			[]string{"2010   [Lindsay Lohan] [] []", "2013-05-02 checked into  [Lindsay Lohan] [] []"}},
		{"phrase", "2013-06-07", "Filler line.\nEsther Williams passed away on Thursday in her sleep.",
			[]e{{P, "Esther Williams", "Esther Williams"}, {D, "Thursday", "2013-06-06"}},
			[]string{"2013-06-06 passed away  [Esther Williams] [] []"}},
		{"headline in the present", "2023-05-10", "Russia, Syria, Turkey and Iran hold talks in Moscow\nMore text follows here.",
			[]e{{C, "Russia", "RU"}, {C, "Syria", "SY"}, {C, "Turkey", "TR"}, {C, "Iran", "IR"}, {L, "Moscow", "Moscow"}},
			[]string{"2023-05-10 hold talks published [] [IR RU SY TR] [Moscow]"}},
		{"going on", "2023-04-26", "Filler line.\nOn April 25, Moscow held a meeting of the ministers of Turkey and Syria. Sergey Shoigu held talks with his Syrian counterpart.",
			[]e{{D, "April 25", "2023-04-25"}, {L, "Moscow", "Moscow"}, {C, "Turkey", "TR"}, {C, "Syria", "SY"}, {P, "Sergey Shoigu", "Sergei Shoigu"}, {C, "Syrian", "SY"}},
			[]string{"2023-04-25 held  [] [SY TR] [Moscow]", "2023-04-25 held talks earlier [Sergei Shoigu] [SY] []"}},
		{"date line", "2023-04-26", "date 2023-04-26 Russia continues to make efforts to restore ties.\nMore.",
			[]e{{D, "2023-04-26", "2023-04-26"}, {C, "Russia", "RU"}}, nil},
		{"publication line", "2013-05-03", "Filler line.\nPUBLISHED: THURSDAY, MAY 2, 2013, 1:32 PM",
			[]e{{D, "2013", "2013"}}, nil},
		{"last week on a Sunday", "2009-12-06", "Filler line.\nHe escaped last week while being moved to Beaumont.",
			[]e{{D, "last week", "2009-W48"}, {L, "Beaumont", "Beaumont"}},
			[]string{"2009-W49 escaped  [] [] [Beaumont]"}},
		{"last week on a Monday", "2009-12-07", "Filler line.\nHe escaped last week while being moved to Beaumont.",
			[]e{{D, "last week", "2009-W49"}, {L, "Beaumont", "Beaumont"}},
			[]string{"2009-W49 escaped  [] [] [Beaumont]"}},
		{"this morning", "2007-04-10", "Filler line.\nHe was arrested a few hours after the attack this morning, police said.",
			nil, []string{"2007-04-10 attack  [] [] []"}},
		{"this morning in a quotation", "2013-06-07", "Filler line.\nHer son tweeted Thursday: \"She passed away peacefully this morning.\"",
			[]e{{D, "Thursday", "2013-06-06"}}, nil},
		{"part of the day", "2023-04-26", "Filler line.\nThe blast hit the town on Tuesday night.",
			[]e{{D, "Tuesday night", "2023-04-25TNI"}},
			[]string{"2023-04-25 hit  [] [] []"}},
	} {
		a := &storyline.Article{ID: tc.name, Text: tc.text}
		a.Published, _ = time.Parse(time.DateOnly, tc.published)
		var ents []storyline.Entity
		for _, x := range tc.ents {
			ents = append(ents, ent(t, tc.text, x.typ, x.text, x.norm))
		}
		var got []string
		for _, m := range Mentions(a, ents) {
			got = append(got, fmt.Sprintf("%s %s %s %v %v %v", m.When, m.Trigger, m.Dated, m.People, m.Countries, m.Places))
			if m.Start < 0 || m.End > len(tc.text) || m.Start >= m.End {
				t.Errorf("%s: sentence %d-%d out of the text", tc.name, m.Start, m.End)
			}
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s: Mentions(%q) =\n%s\nwant\n%s", tc.name, tc.text, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}
