package storyline_test

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/storyline/storyline"

// packages lists every package of the module with its imports, tests
// left out.
func packages(t *testing.T) map[string][]string {
	t.Helper()
	pkgs := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		p, err := build.ImportDir(path, 0)
		if err != nil {
			return nil // no Go files here
		}
		pkgs[filepath.ToSlash(filepath.Join(module, path))] = p.Imports
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// TestStagesDoNotImportEachOther holds the layout the README describes:
// the stages meet only in pipeline and the commands.
func TestStagesDoNotImportEachOther(t *testing.T) {
	stages := []string{module + "/pipeline/collect", module + "/pipeline/dedup", module + "/pipeline/nlp", module + "/pipeline/story", module + "/store"}
	pkgs := packages(t)
	for _, stage := range stages {
		if _, ok := pkgs[stage]; !ok {
			t.Fatalf("stage %s not found among %d packages", stage, len(pkgs))
		}
		for pkg, imports := range pkgs {
			if pkg != stage && !strings.HasPrefix(pkg, stage+"/") {
				continue
			}
			for _, imp := range imports {
				if slices.Contains(stages, imp) && imp != stage || imp == module+"/pipeline" {
					t.Errorf("%s imports %s: stages meet only in pipeline", pkg, imp)
				}
			}
		}
	}
}

// TestEachDependencyHasOneHome: a library is imported only by the package
// that owns it (and its own internal packages, tests aside).
func TestEachDependencyHasOneHome(t *testing.T) {
	homes := map[string][]string{
		"go.etcd.io/bbolt":                       {"/store"},
		"github.com/gocolly/colly/v2":            {"/pipeline/collect"},
		"github.com/markusmobius/go-trafilatura": {"/pipeline/collect"},
		"github.com/markusmobius/go-htmldate":    {"/pipeline/collect"},
		"github.com/mmcdole/gofeed":              {"/pipeline/collect"},
		"github.com/nats-io/nats.go":             {"/pipeline/queue"},
		// The server runs embedded in tests only, through this helper.
		"github.com/nats-io/nats-server/v2": {"/internal/natstest"},
		// The benchmark runs prose itself, as the baseline it measures against.
		"github.com/jdkato/prose/v2": {"/pipeline/nlp", "/internal/bench"},
	}
	for pkg, imports := range packages(t) {
		for _, imp := range imports {
			for lib, owners := range homes {
				if imp != lib && !strings.HasPrefix(imp, lib+"/") {
					continue
				}
				if !slices.ContainsFunc(owners, func(o string) bool { return pkg == module+o || strings.HasPrefix(pkg, module+o+"/") }) {
					t.Errorf("%s imports %s, which belongs to %v", pkg, imp, owners)
				}
			}
		}
	}
}
