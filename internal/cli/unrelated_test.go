package cli

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// A storyTopic tells one kind of event in a few reports. In each report
// %[1]s and %[2]s are the people's full names, %[3]s and %[4]s their
// surnames, %[5]s the city and %[6]s the weekday of the event.
type storyTopic struct {
	title   string
	reports []string
}

var unrelatedTopics = []storyTopic{
	{"trade talks", []string{
		"%[1]s and %[2]s met in %[5]s on %[6]s to discuss a trade agreement between their governments. %[3]s said the talks on tariffs and steel quotas were constructive, and %[4]s promised a second round of negotiations.",
		"Negotiators led by %[1]s resumed trade talks in %[5]s after the %[6]s meeting with %[2]s. %[4]s told reporters that steel quotas remained the main obstacle, while %[3]s expected a tariff deal within weeks.",
		"The tariff negotiations in %[5]s ended without a deal, %[1]s said. %[3]s blamed the steel quotas; %[2]s said %[4]s would return to the table next month.",
	}},
	{"football", []string{
		"%[1]s scored twice as the visitors beat the league leaders 3-1 in %[5]s on %[6]s. Coach %[2]s praised the striker, and %[3]s has now scored 14 goals this season.",
		"%[2]s said the title race was open after %[1]s's double in %[5]s. %[3]s, signed in the summer, was substituted late in the second half; %[4]s called the win the club's best of the season.",
		"Fans in %[5]s chanted the name of %[1]s after the 3-1 win. %[4]s said the coaching staff would rest %[3]s before the cup tie; %[2]s denied transfer rumours.",
	}},
	{"trial", []string{
		"A jury in %[5]s found %[1]s guilty of fraud on %[6]s. Prosecutor %[2]s told the court that %[3]s had stolen pension savings from hundreds of clients, and %[4]s asked for a long sentence.",
		"%[1]s will appeal against the fraud verdict handed down in %[5]s, the defence said. %[2]s, who led the prosecution, said %[3]s had shown no remorse; %[4]s declined to comment on the appeal.",
		"The judge in %[5]s set a sentencing hearing for %[1]s, convicted of defrauding pensioners. %[4]s said the victims would testify; %[3]s remained free on bail, %[2]s said.",
	}},
	{"earthquake", []string{
		"A magnitude 6.1 earthquake struck near %[5]s on %[6]s, killing at least 12 people. Rescue chief %[1]s said teams were searching collapsed buildings, and seismologist %[2]s warned of aftershocks. %[3]s asked residents to stay outdoors.",
		"Rescuers pulled survivors from the rubble in %[5]s after the quake, %[1]s said. %[2]s recorded 40 aftershocks overnight; %[4]s said the death toll could rise, and %[3]s appealed for blood donors.",
		"Aftershocks rattled %[5]s as the death toll from the earthquake rose to 19. %[3]s said rescue teams had reached the mountain villages; %[2]s said %[4]s had measured a magnitude 5.2 aftershock.",
	}},
	{"film festival", []string{
		"%[1]s won the best actress award at the film festival in %[5]s on %[6]s for her role in a drama directed by %[2]s. %[3]s thanked the jury, and %[4]s dedicated the prize to the film's crew.",
		"The drama by %[2]s took two prizes at the %[5]s festival. %[1]s, named best actress, said %[4]s had rewritten the screenplay during shooting; %[3]s will star in the director's next film.",
		"Critics in %[5]s praised the performance of %[1]s in the prize-winning drama. %[4]s said the film would open in cinemas in the spring; %[3]s called the award a surprise, %[2]s said.",
	}},
}

var (
	unrelatedGivens   = []string{"Maria", "John", "Anna", "David", "Elena", "Peter", "Laura", "Michael", "Julia", "Thomas", "Karen", "Robert"}
	unrelatedFamilies = []string{"Keller", "Novak", "Ortega", "Lindqvist", "Moreau", "Bianchi", "Kowalski", "Haddad", "Tanaka", "Okafor", "Brennan", "Varga"}
	unrelatedCities   = []string{"Vienna", "Lisbon", "Nairobi", "Manila", "Lima", "Oslo", "Cairo", "Seoul"}
)

// unrelatedStory writes the reports of topic about two people in city,
// one a day from day, with ids prefix-1, prefix-2...
func unrelatedStory(prefix string, topic storyTopic, people [2]string, city string, day time.Time) []map[string]string {
	surname := func(n string) string { return n[strings.LastIndexByte(n, ' ')+1:] }
	var docs []map[string]string
	for i, tmpl := range topic.reports {
		text := fmt.Sprintf(tmpl, people[0], people[1], surname(people[0]), surname(people[1]), city, day.Weekday())
		docs = append(docs, map[string]string{
			"id":        fmt.Sprintf("%s-%d", prefix, i+1),
			"source":    "property",
			"title":     fmt.Sprintf("%s in %s", topic.title, city),
			"text":      text,
			"published": day.AddDate(0, 0, i+1).Format(time.DateOnly),
		})
	}
	return docs
}

// TestUnrelatedStoryLeavesNamesAlone ingests a story alone, and then
// beside an unrelated one (another topic and city, other people, some of
// them sharing the first story's surnames), in either order, and wants the
// same canonical name for every person mentioned in the first story's
// reports: what a store holds besides a story must not rename its people.
func TestUnrelatedStoryLeavesNamesAlone(t *testing.T) {
	trials := 12
	if testing.Short() {
		trials = 4
	}
	r := rand.New(rand.NewPCG(13, 7))
	for trial := range trials {
		topics := r.Perm(len(unrelatedTopics))
		cities := r.Perm(len(unrelatedCities))
		givens := r.Perm(len(unrelatedGivens))
		families := r.Perm(len(unrelatedFamilies))
		firstPeople := [2]string{
			unrelatedGivens[givens[0]] + " " + unrelatedFamilies[families[0]],
			unrelatedGivens[givens[1]] + " " + unrelatedFamilies[families[1]],
		}
		// The other story's people share one or both surnames, never a
		// full name.
		otherPeople := [2]string{
			unrelatedGivens[givens[2]] + " " + unrelatedFamilies[families[0]],
			unrelatedGivens[givens[3]] + " " + unrelatedFamilies[families[1+r.IntN(2)]],
		}
		day := time.Date(2023, time.Month(1+r.IntN(12)), 1+r.IntN(25), 0, 0, 0, 0, time.UTC)
		otherDay := day.AddDate(0, 0, r.IntN(5)-2)
		first := unrelatedStory("first", unrelatedTopics[topics[0]], firstPeople, unrelatedCities[cities[0]], day)
		other := unrelatedStory("other", unrelatedTopics[topics[1]], otherPeople, unrelatedCities[cities[1]], otherDay)

		alone := firstStoryNames(t, first)
		mixed := first
		if r.IntN(2) == 0 {
			mixed = slices.Concat(other, first)
		} else {
			mixed = slices.Concat(first, other)
		}
		beside := firstStoryNames(t, mixed)
		for id, want := range alone {
			if got := beside[id]; !slices.Equal(got, want) {
				t.Errorf("trial %d (%s in %s, %v; beside %s in %s, %v): %s names %v, alone %v",
					trial, unrelatedTopics[topics[0]].title, unrelatedCities[cities[0]], firstPeople,
					unrelatedTopics[topics[1]].title, unrelatedCities[cities[1]], otherPeople, id, got, want)
			}
		}
	}
}

// firstStoryNames ingests docs into a new store and returns, for each report of
// the first story, its person mentions as dump shows them ("text→norm"),
// after checking that the first story's reports make one story of their
// own.
func firstStoryNames(t *testing.T, docs []map[string]string) map[string][]string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "reports.jsonl")
	var b strings.Builder
	for _, d := range docs {
		line, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(src, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "news.db")
	if r := ingest(t, "-db", db, src); r.code != exitOK {
		t.Fatalf("ingest: exit %d: %s", r.code, r.stderr)
	}
	names := map[string][]string{}
	stories := map[string]string{} // report → story
	for _, a := range readDump(t, extract(t, "dump", "-db", db).stdout) {
		stories[a.ID] = a.Story
		if !strings.HasPrefix(a.ID, "first-") {
			continue
		}
		names[a.ID] = []string{}
		for _, e := range a.Entities {
			if e.Type == storyline.Person {
				names[a.ID] = append(names[a.ID], e.Text+"→"+e.Norm)
			}
		}
	}
	story := stories["first-1"]
	for id, s := range stories {
		if first := strings.HasPrefix(id, "first-"); first != (s == story) {
			t.Fatalf("%s is in story %q, first-1 in %q: the stories are not told apart", id, s, story)
		}
	}
	return names
}
