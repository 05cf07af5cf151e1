package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadOnlyStores: a store file that may not be written, or a directory
// where none may be created, gives ingest and extract run one clear error
// naming the store and exit status 1, and changes nothing; extract dump,
// which only reads, works on a read-only file. The commands run as a real
// process; as root, which may write anything, they run as nobody.
func TestReadOnlyStores(t *testing.T) {
	ingestBin, extractBin := commands(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "news.db")
	docs := fixtureFile(t, "docs.jsonl")
	if r := ingest(t, "-db", db, docs); r.code != 0 {
		t.Fatalf("fixtures: %s", r.stderr)
	}
	roDir := filepath.Join(dir, "read-only")
	if err := os.Mkdir(roDir, 0o555); err != nil {
		t.Fatal(err)
	}
	// As nobody, the commands, the corpus and the store's directory must be
	// within reach.
	for _, p := range []string{filepath.Dir(ingestBin), dir, filepath.Dir(dir), filepath.Dir(docs), filepath.Dir(filepath.Dir(docs)), docs} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	run := func(bin string, args ...string) (int, string, string) {
		cmd := exec.Command(bin, args...)
		if os.Getuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, stdout.String(), stderr.String()
	}
	newDB := filepath.Join(roDir, "news.db")
	for _, tc := range []struct {
		name string
		bin  string
		args []string
		want string
	}{
		{"ingest into a read-only file", ingestBin, []string{"-db", db, docs}, "ingest: open store " + db + ": open " + db + ": permission denied"},
		{"extract run on a read-only file", extractBin, []string{"run", "-db", db}, "extract: open store " + db + ": open " + db + ": permission denied"},
		{"extract run -all on a read-only file", extractBin, []string{"run", "-all", "-db", db}, "permission denied"},
		{"ingest into a read-only directory", ingestBin, []string{"-db", newDB, docs}, "ingest: open store " + newDB + ": open " + newDB + ": permission denied"},
	} {
		code, _, stderr := run(tc.bin, tc.args...)
		if code != 1 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 and one line with %q", tc.name, code, stderr, tc.want)
		}
	}
	if _, err := os.Stat(newDB); !os.IsNotExist(err) {
		t.Errorf("a store was created in the read-only directory: %v", err)
	}
	after, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the read-only store changed")
	}
	// Reading needs no write.
	code, stdout, stderr := run(extractBin, "dump", "-db", db)
	if n := len(readDump(t, stdout)); code != 0 || n != 5 {
		t.Errorf("extract dump of a read-only file: exit %d, %d reports, want 0 and 5\n%s", code, n, stderr)
	}
}
