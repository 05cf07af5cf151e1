package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/storyline/storyline"
)

func readPred(t *testing.T, path string) map[string][]storyline.Entity {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pred := map[string][]storyline.Entity{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p struct {
			ID       string             `json:"id"`
			Entities []storyline.Entity `json:"entities"`
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		pred[p.ID] = p.Entities
	}
	return pred
}

// normalize round-trips v through JSON so that two reports compare as data.
func normalize(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAgreesWithReferenceScorer scores a small case that exercises every
// rule (a missing document, an invalid prediction, demonyms, a CoNLL-style
// person without norm, transliterated names) and compares the whole report
// with what the reference scorer printed for it (testdata/reference.json,
// from: go -C shared/eval/score run . -json gold.jsonl pred.jsonl).
func TestAgreesWithReferenceScorer(t *testing.T) {
	gold, err := ReadGold("testdata/gold.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	got := normalize(t, Score(gold, readPred(t, "testdata/pred.jsonl")).JSON())
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Overall any `json:"overall"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.MarshalIndent(got, "", " ")
	wantJSON, _ := json.MarshalIndent(ref.Overall, "", " ")
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("report differs from the reference scorer's:\n--- got\n%s\n--- reference\n%s", gotJSON, wantJSON)
	}
}

// TestAgreesWithLiveReferenceScorer runs the reference scorer itself when
// the shared folder is beside the project; the project does not need it.
func TestAgreesWithLiveReferenceScorer(t *testing.T) {
	scorer := referenceScorer(t, "score")
	gold, _ := filepath.Abs("testdata/gold.jsonl")
	pred, _ := filepath.Abs("testdata/pred.jsonl")
	out, err := exec.Command("go", "-C", scorer, "run", ".", "-json", gold, pred).Output()
	if err != nil {
		t.Fatalf("reference scorer: %v", err)
	}
	want, _ := os.ReadFile("testdata/reference.json")
	if !bytes.Equal(bytes.TrimSpace(out), bytes.TrimSpace(want)) {
		t.Errorf("testdata/reference.json is not what the reference scorer prints now:\n%s", out)
	}
}

func TestReadGoldRejectsBadFiles(t *testing.T) {
	for name, content := range map[string]string{
		"no id":        `{"text":"x","types":["person"]}`,
		"duplicate id": "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"a\",\"text\":\"y\"}",
		"bad type":     `{"id":"a","text":"x","types":["city"]}`,
		"bad offsets":  `{"id":"a","text":"Iran","types":["country"],"entities":[{"start":0,"end":9,"type":"country","text":"Iran","norm":"IR"}]}`,
		"not json":     `{"id":`,
	} {
		if _, err := readGold(bytes.NewReader([]byte(content)), name); err == nil {
			t.Errorf("%s: readGold accepted it", name)
		}
	}
}

// referenceScorer is the directory of the shared reference scorer name,
// when the shared folder is beside the project; the test is skipped
// without it, and under -short, since the scorer is built first.
func referenceScorer(t *testing.T, name string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("../../../shared/eval", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err != nil {
		t.Skipf("shared/eval/%s not beside the project", name)
	}
	if testing.Short() {
		t.Skip("builds the reference scorer")
	}
	return dir
}
