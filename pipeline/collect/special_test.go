//go:build unix

package collect

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// TestNonRegularFiles: a named pipe in a source directory, or named
// directly, and a .jsonl linked to a device are skipped with a line saying
// so, instead of blocking the run on a read that never comes (or never
// ends); the regular files beside them are read.
func TestNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "a.jsonl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	device := filepath.Join(dir, "b.jsonl")
	if err := os.Symlink("/dev/zero", device); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "c.txt"), []byte("Vladimir Putin met Recep Tayyip Erdogan in Sochi."), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{dir, fifo} {
		done := make(chan []storyline.Collected)
		go func() {
			out := make(chan storyline.Collected)
			go func() {
				New(Options{}).Collect(context.Background(), []string{src}, out)
				close(out)
			}()
			var got []storyline.Collected
			for it := range out {
				if it.Queued == 0 { // a note for progress, no result
					got = append(got, it)
				}
			}
			done <- got
		}()
		var got []storyline.Collected
		select {
		case got = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Collect(%s) still blocked after 10 s", src)
		}
		skipped, read := map[string]string{}, 0
		for _, it := range got {
			switch {
			case errors.Is(it.Err, storyline.ErrUnsupported):
				skipped[filepath.Base(it.Input)] = it.Err.Error()
			case it.Err != nil:
				t.Errorf("%s: %v", it.Input, it.Err)
			default:
				read++
			}
		}
		want := map[string]string{"a.jsonl": "named pipe", "b.jsonl": "device"}
		wantRead := 1
		if src == fifo {
			want, wantRead = map[string]string{"a.jsonl": "named pipe"}, 0
		}
		for name, kind := range want {
			if !strings.Contains(skipped[name], kind) {
				t.Errorf("Collect(%s): %s skipped with %q, want a line naming a %s", src, name, skipped[name], kind)
			}
		}
		if len(skipped) != len(want) || read != wantRead {
			t.Errorf("Collect(%s): skipped %v and read %d files, want %d skipped and %d read", src, skipped, read, len(want), wantRead)
		}
	}
}
