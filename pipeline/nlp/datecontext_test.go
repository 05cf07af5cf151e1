package nlp

import (
	"maps"
	"testing"

	"github.com/storyline/storyline"
)

// TestListDatesTakeTheirHeadingsYear: the days of a list take the year of
// the list's heading or of a date above them, not the year nearest the
// publication date; a day in running prose still does.
func TestListDatesTakeTheirHeadingsYear(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       map[string]string
	}{
		{"tour list under a heading", "The band announced its tour.\n\n2020 Tour Dates\n\nAug. 30 – Wembley Stadium, London\n\nSept. 2 – Olympiastadion, Berlin",
			map[string]string{"2020": "2020", "Aug. 30": "2020-08-30", "Sept. 2": "2020-09-02"}},
		{"list after a dated item", "Fixtures:\nMarch 3, 2021 – Leeds\nMarch 10 – Everton",
			map[string]string{"March 3, 2021": "2021-03-03", "March 10": "2021-03-10"}},
		{"running prose", "The band said on Tuesday that the concert on Aug. 30 was sold out, after a 2020 tour that was cancelled.",
			map[string]string{"Tuesday": "2019-09-03", "Aug. 30": "2019-08-30", "2020": "2020"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := found(t, tc.text, "2019-09-05", storyline.Date); !maps.Equal(got, tc.want) {
				t.Errorf("dates = %v, want %v", got, tc.want)
			}
		})
	}
}
