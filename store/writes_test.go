package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store/storetest"
)

// BenchmarkPutExtractions stores batches of 256 articles, then their
// extractions of 24 entities each, as the pipeline's writer does: what
// the query index costs every write.
func BenchmarkPutExtractions(b *testing.B) {
	db := storetest.Open(b)
	const batch = 256
	ents := []storyline.Entity{}
	for k := range 6 {
		ents = append(ents,
			storyline.Entity{Type: storyline.Person, Norm: fmt.Sprintf("Given Surname%d", k), Start: 0, End: 4},
			storyline.Entity{Type: storyline.Country, Norm: fmt.Sprintf("C%d", k), Start: 0, End: 4},
			storyline.Entity{Type: storyline.Place, Norm: fmt.Sprintf("Town %d", k), Start: 0, End: 4},
			storyline.Entity{Type: storyline.Date, Norm: "2023-04-25", Start: 0, End: 4})
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		puts := make([]storyline.ArticlePut, batch)
		xs := make([]*storyline.Extraction, batch)
		for j := range puts {
			a := storetest.Article(fmt.Sprintf("b%06d-%03d", i, j), fmt.Sprintf("Text %d of the report, long enough to hold its entities.", j))
			puts[j] = storyline.ArticlePut{Article: a}
			xs[j] = &storyline.Extraction{ArticleID: a.ID, Version: "v", ArticleHash: a.ContentHash(), Entities: ents}
		}
		if r := db.PutArticles(context.Background(), puts); r[0].Err != nil {
			b.Fatal(r[0].Err)
		}
		if errs := db.PutExtractions(context.Background(), xs); errs[0] != nil {
			b.Fatal(errs[0])
		}
	}
}
