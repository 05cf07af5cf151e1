package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/store"
	"github.com/storyline/storyline/store/storetest"
)

const fillEnv = "STORYLINE_TEST_FILL_STORE"

// TestWriteErrorLeavesStoreWhole fills a store until the disk refuses to
// grow the file: a child process (this test binary again) limits its own
// file size with RLIMIT_FSIZE, as a full disk would, and stores articles
// until a write fails. The failed write must name the file, and the store
// must keep every article stored before, whole.
func TestWriteErrorLeavesStoreWhole(t *testing.T) {
	if path := os.Getenv(fillEnv); path != "" {
		fillUntilFull(path)
		return
	}
	path := filepath.Join(t.TempDir(), "news.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]string{}
	for i := range 10 {
		a := article(fmt.Sprintf("before-%d", i), strings.Repeat("Iran and Turkey met in Moscow. ", 30))
		storetest.Put(t, db, a)
		before[a.ID] = a.ContentHash()
	}
	db.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestWriteErrorLeavesStoreWhole$")
	cmd.Env = append(os.Environ(), fillEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 3 {
		t.Fatalf("child: %v (want exit 3: a write error naming the file)\n%s", err, stderr.String())
	}
	t.Logf("child: %s", strings.TrimSpace(stderr.String()))

	db, err = store.OpenReadOnly(path)
	if err != nil {
		t.Fatalf("store after the failed write: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Check(ctx); err != nil {
		t.Fatal(err)
	}
	for id, hash := range before {
		a, err := db.Article(ctx, id)
		if err != nil || a.Hash != hash || a.ContentHash() != hash {
			t.Errorf("article %s stored before the failed write: %v, %+v", id, err, a)
		}
	}
	n := 0
	db.ForEach(ctx, func(a *storyline.Article, _ *storyline.Extraction) error {
		n++
		if a.ContentHash() != a.Hash {
			t.Errorf("article %s is not whole", a.ID)
		}
		return nil
	})
	t.Logf("%d articles whole after the disk filled", n)
}

// fillUntilFull runs in the child: exit 3 when a write fails with an error
// naming the store, 4 otherwise.
func fillUntilFull(path string) {
	lim := syscall.Rlimit{Cur: 512 << 10, Max: 512 << 10}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		fmt.Fprintln(os.Stderr, "setrlimit:", err)
		os.Exit(4)
	}
	db, err := store.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(4)
	}
	for i := 0; i < 100000; i++ {
		a := article(fmt.Sprintf("after-%06d", i), strings.Repeat(fmt.Sprintf("Report %d on Syria. ", i), 200))
		err := db.PutArticles(context.Background(), []storyline.ArticlePut{{Article: a}})[0].Err
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			if strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "after-") {
				os.Exit(3)
			}
			os.Exit(4)
		}
	}
	os.Exit(4)
}
