package web

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/storyline/storyline"
)

// network is who met whom drawn as SVG by the server: people on an outer
// ring, countries on an inner one, an edge per pair of the story, as
// wide as the events it stands for. A story has tens of nodes at most, so
// a ring reads as well as a force layout, with no script to draw it.
type network struct {
	Width, Height int
	Nodes         []node
	Edges         []edge
}

type node struct {
	Name    string
	Type    storyline.EntityType
	X, Y    float64
	LabelX  float64
	Anchor  string // text-anchor of the label: the side away from the centre
	LabelDY float64
}

type edge struct {
	Index          int // into the story's pairs
	A, B           string
	X1, Y1, X2, Y2 float64
	Width          float64
	Events         []int
	EventList      string // the events, space-separated, for the page's script
}

// layout places the story's pair members and edges.
func layout(s *storyline.Story) network {
	// Wide enough for the labels of the outer ring on either side.
	const cx, cy = 380.0, 270.0
	n := network{Width: 760, Height: 540}
	var people, countries []string
	for _, p := range s.Pairs {
		list := &people
		if p.Type == storyline.Country {
			list = &countries
		}
		*list = append(*list, p.A, p.B)
	}
	// In the story's own order: the most reported first.
	order := func(names, ranked []string) []string {
		names = sortedSet(names)
		slices.SortStableFunc(names, func(a, b string) int { return rank(ranked, a) - rank(ranked, b) })
		return names
	}
	people, countries = order(people, s.People), order(countries, s.Countries)
	at := map[string][2]float64{}
	ring := func(names []string, typ storyline.EntityType, r float64) {
		for i, name := range names {
			a := 2*math.Pi*float64(i)/float64(len(names)) - math.Pi/2
			x, y := cx+r*math.Cos(a), cy+r*math.Sin(a)
			at[string(typ)+name] = [2]float64{x, y}
			nd := node{Name: name, Type: typ, X: round(x), Y: round(y), LabelX: round(x + 10*math.Cos(a)), LabelDY: 4, Anchor: "start"}
			if math.Cos(a) < -0.1 {
				nd.Anchor = "end"
			} else if math.Abs(math.Cos(a)) <= 0.1 {
				nd.Anchor = "middle"
				nd.LabelDY = round(14 * math.Sin(a) * 1.2)
				if nd.LabelDY < 0 {
					nd.LabelDY -= 2
				} else {
					nd.LabelDY += 8
				}
			}
			n.Nodes = append(n.Nodes, nd)
		}
	}
	ring(people, storyline.Person, 200)
	ring(countries, storyline.Country, 85)
	for i, p := range s.Pairs {
		a, b := at[string(p.Type)+p.A], at[string(p.Type)+p.B]
		ev := make([]string, len(p.Events))
		for j, e := range p.Events {
			ev[j] = strconv.Itoa(e)
		}
		n.Edges = append(n.Edges, edge{Index: i, A: p.A, B: p.B, X1: round(a[0]), Y1: round(a[1]), X2: round(b[0]), Y2: round(b[1]),
			Width: round(1 + 1.5*math.Sqrt(float64(len(p.Events)))), Events: p.Events, EventList: strings.Join(ev, " ")})
	}
	return n
}

func rank(ranked []string, name string) int {
	if i := slices.Index(ranked, name); i >= 0 {
		return i
	}
	return len(ranked)
}

func round(f float64) float64 { return math.Round(f*10) / 10 }
