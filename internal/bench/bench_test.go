package bench

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestDocsRepeatTheFixtures(t *testing.T) {
	ds, err := docs(12, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 12 || ds[0].text != ds[5].text || ds[0].published.IsZero() {
		t.Errorf("docs(12) = %d documents, first %q, repeated every 5: want the five fixtures repeated", len(ds), ds[0].text[:min(40, len(ds[0].text))])
	}
}

// TestChildOnlyWithItsRole: a process started without the role in its
// environment is not a measuring child, whatever its flags.
func TestChildOnlyWithItsRole(t *testing.T) {
	t.Setenv(RoleEnv, "")
	if child, err := Child(context.Background(), Options{N: 1}, io.Discard); child || err != nil {
		t.Errorf("Child without %s = %v, %v; want false", RoleEnv, child, err)
	}
	t.Setenv(RoleEnv, "frobnicate:x")
	if child, err := Child(context.Background(), Options{N: 1}, io.Discard); !child || err == nil {
		t.Errorf("Child with an unknown role = %v, %v; want true and an error", child, err)
	}
}

// TestSiteServesEveryDoc: the ingest rows' site lists and serves each
// document, its repeats told apart.
func TestSiteServesEveryDoc(t *testing.T) {
	ds := []doc{{"Title one\n\nIran and Turkey met.", time.Date(2023, 4, 25, 0, 0, 0, 0, time.UTC)}, {"Title one\n\nIran and Turkey met.", time.Time{}}}
	srv := httptest.NewServer(site(ds).Handler())
	defer srv.Close()
	for i, want := range []string{"Bench copy 0.", "Bench copy 1."} {
		resp, err := srv.Client().Get(srv.URL + "/story/" + string(rune('0'+i)))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), want) || !strings.Contains(string(body), "Iran and Turkey met.") {
			t.Errorf("page %d lacks %q or its text:\n%s", i, want, body)
		}
	}
}

// benchmarkProse runs one of prose's ways on each fixture in turn.
func benchmarkProse(b *testing.B, step func(*Baseline, string) (int, error)) {
	base, err := NewBaseline()
	if err != nil {
		b.Fatal(err)
	}
	ds, err := docs(5, "")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(textBytes(ds) / int64(len(ds)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := step(base, ds[i%len(ds)].text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProseCachedModel is prose with its default model built once.
func BenchmarkProseCachedModel(b *testing.B) { benchmarkProse(b, (*Baseline).CachedModel) }

// BenchmarkProseTokenize is prose's tokenizer alone.
func BenchmarkProseTokenize(b *testing.B) { benchmarkProse(b, (*Baseline).TokenizeOnly) }
