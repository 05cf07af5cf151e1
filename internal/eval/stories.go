package eval

// Stories and timelines, scored as fixtures/STORIES.md ("Scoring") says and
// as the reference scorer (shared eval/scorestories) reads it where the text
// leaves room; the figures must agree with the reference's to the last digit,
// so its tie-breaks are kept here:
//
//   - Stories: B-cubed over the gold documents; a gold document that no
//     predicted story lists is a cluster of its own, and predicted ids not in
//     the gold are ignored (and counted as a warning).
//   - Pairing: most shared articles; ties go to the predicted story with
//     fewer gold documents, then to the earlier line. A gold story sharing no
//     article is unpaired: its entries count as missed, none as kept.
//   - Kept entries: the N highest weights; equal weights keep file order.
//   - Date pairs are taken greedily by decreasing overlap (shared days over
//     the days of the union), then more shared articles, then gold order,
//     then kept rank.
//   - Over matched pairs: reports recall is a mean over pairs whose gold
//     entry lists articles; countries and people are micro F1 over sets;
//     places accuracy counts pairs whose gold entry names places.
//   - A ratio with a zero denominator is NaN.

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
)

// ReadStoryGold reads a stories gold file. It rejects, naming file:line, a
// line without a story id or articles, a duplicate id, an article in two
// stories, and a timeline entry without a date or with an article outside
// its story; and a file without stories.
func ReadStoryGold(path string) ([]Story, error) {
	stories, err := readStories(path, true)
	if err == nil && len(stories) == 0 {
		err = fmt.Errorf("%s: no gold stories", path)
	}
	return stories, err
}

// ReadStoryPredictions reads a stories prediction file. It rejects, naming
// file:line, an article in two predicted stories (or twice in one) and a
// timeline entry without a date or without a numeric weight.
func ReadStoryPredictions(path string) ([]Story, error) { return readStories(path, false) }

func readStories(path string, gold bool) ([]Story, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	what := "prediction"
	if gold {
		what = "gold"
	}
	storyOf := map[string]int{} // article -> line
	ids := map[string]int{}     // gold story id -> line
	return readLines(f, path, func(n int, line []byte) (Story, error) { return readStory(line, n, what, storyOf, ids) })
}

// Story is one line of a stories gold or prediction file.
type Story struct {
	ID       string   `json:"story"`
	Articles []string `json:"articles"`
	Timeline []Entry  `json:"timeline"`
	Line     int      `json:"-"` // line of the file, for reports
}

// Entry is one timeline entry, gold or predicted. Weight is nil in the gold.
type Entry struct {
	When      string   `json:"when"`
	Weight    *float64 `json:"weight"`
	What      string   `json:"what"`
	Articles  []string `json:"articles"`
	People    []string `json:"people"`
	Countries []string `json:"countries"`
	Places    []string `json:"places"`
}

// readStory decodes and checks line n; storyOf and ids carry what earlier
// lines claimed.
func readStory(line []byte, n int, what string, storyOf, ids map[string]int) (Story, error) {
	gold := what == "gold"
	var s Story
	if line[0] != '{' {
		return s, fmt.Errorf("malformed %s line: not a JSON object", what)
	}
	if err := json.Unmarshal(line, &s); err != nil {
		return s, fmt.Errorf("malformed %s line: %w", what, jsonTypeErr(err))
	}
	s.Line = n
	if gold {
		switch prev, dup := ids[s.ID]; {
		case s.ID == "":
			return s, errors.New("gold line has no story id")
		case dup:
			return s, fmt.Errorf("duplicate gold story id %q (also line %d)", s.ID, prev)
		case len(s.Articles) == 0:
			return s, fmt.Errorf("gold story %q has no articles", s.ID)
		}
		ids[s.ID] = n
	}
	if s.ID == "" {
		s.ID = fmt.Sprintf("line %d", n)
	}
	inStory := map[string]bool{}
	for _, a := range s.Articles {
		prev, dup := storyOf[a]
		switch {
		case a == "":
			return s, fmt.Errorf("%s story %q: empty article id", what, s.ID)
		case dup && prev == n:
			return s, fmt.Errorf("%s story %q lists article %q twice", what, s.ID, a)
		case dup:
			return s, fmt.Errorf("article %q is in two %s stories (lines %d and %d)", a, what, prev, n)
		}
		storyOf[a] = n
		inStory[a] = true
	}
	for k, e := range s.Timeline {
		if strings.TrimSpace(e.When) == "" {
			return s, fmt.Errorf("%s story %q: timeline entry %d has no when", what, s.ID, k+1)
		}
		if !gold && e.Weight == nil {
			return s, fmt.Errorf("prediction story %q: timeline entry %d has no weight", s.ID, k+1)
		}
		for _, a := range e.Articles {
			if gold && !inStory[a] {
				return s, fmt.Errorf("gold story %q: timeline entry %d: article %q is not one of the story's articles", s.ID, k+1, a)
			}
		}
	}
	return s, nil
}

// jsonTypeErr words a JSON type error for the person who wrote the file,
// without Go's type names.
func jsonTypeErr(err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	if te.Field == "" {
		return fmt.Errorf("line is a JSON %s, want an object", te.Value)
	}
	want := te.Type.String()
	switch {
	case strings.HasPrefix(want, "[]"):
		want = "an array"
	case want == "string":
		want = "a string"
	case strings.Contains(want, "float"):
		want = "a number"
	default:
		want = "an object"
	}
	return fmt.Errorf("field %s is a JSON %s, want %s", te.Field, te.Value, want)
}

// StoriesReport is the whole score of a stories prediction.
type StoriesReport struct {
	Clusters  ClusterScore
	Timelines TimelineScore
	Warnings  StoryWarnings
}

// ClusterScore is part 1 of the scoring: B-cubed over the gold documents.
type ClusterScore struct {
	Docs        int // gold documents
	GoldStories int
	PredStories int // predicted clusters over gold documents, singletons included
	PredLines   int // stories in the prediction file
	Unlisted    int // gold documents in no predicted story
	P, R        float64
}

// F1 is the harmonic mean of P and R.
func (s ClusterScore) F1() float64 { return harmonic(s.P, s.R) }

// StoryTimeline is the timeline score of one gold story.
type StoryTimeline struct {
	Gold     string
	Pred     string // "" when unpaired
	PredLine int    // 0 when unpaired
	Shared   int    // articles shared with the paired story
	Entries  int    // gold entries
	Kept     int
	Matched  int
}

// TimelineScore is part 2: the gold stories with a timeline.
type TimelineScore struct {
	Stories, Paired        int
	Entries, Kept, Matched int
	ReportsSum             float64 // reports recall summed over ReportsN pairs
	ReportsN               int
	Countries, People      PRF
	PlacesOK, PlacesN      int
	PerStory               []StoryTimeline
}

// DateP, DateR and DateF1 are the date scores, micro over gold stories.
func (t TimelineScore) DateP() float64  { return ratio(t.Matched, t.Kept) }
func (t TimelineScore) DateR() float64  { return ratio(t.Matched, t.Entries) }
func (t TimelineScore) DateF1() float64 { return harmonic(t.DateP(), t.DateR()) }

// Reports is the mean share of a gold entry's articles that its matched
// entry lists.
func (t TimelineScore) Reports() float64 {
	if t.ReportsN == 0 {
		return math.NaN()
	}
	return t.ReportsSum / float64(t.ReportsN)
}

// Places is the share of matched pairs, among those whose gold entry names
// places, whose entries share a place.
func (t TimelineScore) Places() float64 { return ratio(t.PlacesOK, t.PlacesN) }

// StoryWarnings counts input oddities that do not stop scoring.
type StoryWarnings struct {
	PredArticlesNotInGold int
	GoldValuesNeverMatch  int // dates that are references, have X, or do not parse
	PredValuesNeverMatch  int
}

func harmonic(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r) // NaN when either is
}

// ScoreStories scores predicted stories against gold stories, both as the
// Read functions return them.
func ScoreStories(gold, pred []Story) *StoriesReport {
	res := &StoriesReport{}
	goldOf := map[string]int{} // article -> gold story
	for i, g := range gold {
		for _, a := range g.Articles {
			goldOf[a] = i
		}
		res.Warnings.GoldValuesNeverMatch += undated(g.Timeline)
	}
	predOf := map[string]int{} // gold article -> predicted story
	predSize := make([]int, len(pred))
	for j, p := range pred {
		for _, a := range p.Articles {
			if _, ok := goldOf[a]; !ok {
				res.Warnings.PredArticlesNotInGold++
				continue
			}
			predOf[a] = j
			predSize[j]++
		}
		res.Warnings.PredValuesNeverMatch += undated(p.Timeline)
	}
	res.Clusters = bcubed(gold, goldOf, predOf, predSize)
	res.Clusters.PredLines = len(pred)
	for _, g := range gold {
		if len(g.Timeline) > 0 {
			res.Timelines.add(g, pred, predOf, predSize)
		}
	}
	return res
}

func undated(es []Entry) int {
	n := 0
	for _, e := range es {
		if _, ok := parseDays(e.When); !ok {
			n++
		}
	}
	return n
}

func bcubed(gold []Story, goldOf, predOf map[string]int, predSize []int) ClusterScore {
	s := ClusterScore{GoldStories: len(gold), Docs: len(goldOf), P: math.NaN(), R: math.NaN()}
	shared := map[[2]int]int{} // (gold story, predicted story) -> documents in both
	used := map[int]bool{}
	for a, gi := range goldOf {
		if pj, ok := predOf[a]; ok {
			shared[[2]int{gi, pj}]++
			used[pj] = true
		} else {
			s.Unlisted++
		}
	}
	s.PredStories = len(used) + s.Unlisted
	if s.Docs == 0 {
		return s
	}
	var p, r float64
	for a, gi := range goldOf {
		gsize := float64(len(gold[gi].Articles))
		if pj, ok := predOf[a]; ok {
			in := float64(shared[[2]int{gi, pj}])
			p += in / float64(predSize[pj])
			r += in / gsize
		} else {
			p++
			r += 1 / gsize
		}
	}
	s.P, s.R = p/float64(s.Docs), r/float64(s.Docs)
	return s
}

// add scores the timeline of gold story g against the predicted story that
// shares most of its articles.
func (t *TimelineScore) add(g Story, pred []Story, predOf map[string]int, predSize []int) {
	t.Stories++
	t.Entries += len(g.Timeline)
	st := StoryTimeline{Gold: g.ID, Entries: len(g.Timeline)}
	count := map[int]int{}
	for _, a := range g.Articles {
		if pj, ok := predOf[a]; ok {
			count[pj]++
		}
	}
	best, bestN := -1, 0
	for pj, n := range count {
		if n > bestN || n == bestN && (predSize[pj] < predSize[best] || predSize[pj] == predSize[best] && pj < best) {
			best, bestN = pj, n
		}
	}
	if best >= 0 {
		t.Paired++
		p := pred[best]
		st.Pred, st.PredLine, st.Shared = p.ID, p.Line, bestN
		kept := topN(p.Timeline, len(g.Timeline))
		st.Kept = len(kept)
		pairs := matchEntries(g.Timeline, kept)
		st.Matched = len(pairs)
		for _, pr := range pairs {
			t.addPair(g.Timeline[pr[0]], kept[pr[1]])
		}
	}
	t.Kept += st.Kept
	t.Matched += st.Matched
	t.PerStory = append(t.PerStory, st)
}

// topN is the n entries with the highest weight; equal weights keep file order.
func topN(entries []Entry, n int) []Entry {
	out := append([]Entry(nil), entries...)
	sort.SliceStable(out, func(a, b int) bool { return weight(out[a]) > weight(out[b]) })
	return out[:min(n, len(out))]
}

func weight(e Entry) float64 {
	if e.Weight == nil {
		return math.Inf(-1)
	}
	return *e.Weight
}

// matchEntries pairs gold and kept entries one to one, greedily, most
// overlapping dates first; it returns (gold index, kept index) pairs.
func matchEntries(gold, kept []Entry) [][2]int {
	type cand struct {
		g, k, shared int
		ov           float64
	}
	var cands []cand
	for i, g := range gold {
		gr, gok := parseDays(g.When)
		for j, k := range kept {
			kr, kok := parseDays(k.When)
			if gok && kok && gr.matches(kr) {
				sh := intersect(set(g.Articles, strings.TrimSpace), set(k.Articles, strings.TrimSpace))
				cands = append(cands, cand{i, j, sh, gr.overlap(kr)})
			}
		}
	}
	sort.SliceStable(cands, func(a, b int) bool {
		x, y := cands[a], cands[b]
		switch {
		case x.ov != y.ov:
			return x.ov > y.ov
		case x.shared != y.shared:
			return x.shared > y.shared
		case x.g != y.g:
			return x.g < y.g
		}
		return x.k < y.k
	})
	pairs := make([][2]int, len(cands))
	for i, c := range cands {
		pairs[i] = [2]int{c.g, c.k}
	}
	return oneToOne(pairs)
}

func (t *TimelineScore) addPair(g, p Entry) {
	if ga := set(g.Articles, strings.TrimSpace); len(ga) > 0 {
		t.ReportsSum += float64(intersect(ga, set(p.Articles, strings.TrimSpace))) / float64(len(ga))
		t.ReportsN++
	}
	upper := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	gc, pc := set(g.Countries, upper), set(p.Countries, upper)
	t.Countries.add(intersect(gc, pc), len(pc), len(gc))
	t.People.add(peopleTP(g.People, p.People), len(set(p.People, foldName)), len(set(g.People, foldName)))
	lower := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	if gp := set(g.Places, lower); len(gp) > 0 {
		t.PlacesN++
		if intersect(gp, set(p.Places, lower)) > 0 {
			t.PlacesOK++
		}
	}
}
