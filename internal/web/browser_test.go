package web_test

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/storyline/storyline/internal/web"
)

var update = flag.Bool("update", false, "write the story page's screenshot to docs/story.png")

// browser starts a headless Chromium for the test. Without one, a -short
// run skips and a full run fails: the pages are tested in a browser or
// the run says they were not.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		path, err = "/usr/bin/chromium", nil
		if _, serr := os.Stat(path); serr != nil {
			err = serr
		}
	}
	if err != nil {
		const msg = "chromium not found (install Debian's chromium package: apt-get install -y chromium); the browser tests did not run"
		if testing.Short() {
			t.Skip(msg)
		}
		t.Fatal(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1100),
		// Without these, Chromium reaches for the internet many times at start.
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	// The first run starts the browser, which lives as long as its
	// context: the time limit is on the steps, not on that context.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("chromium %s cannot start: %v", path, err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}

// TestStoryPageInBrowser opens the fixtures' story in Chromium: its
// timeline entries are in date order, clicking the 25 April entry shows
// the evidence sentences of its reports with mentions marked, clicking an
// edge of who met whom lights its events, a person's page opens, and a
// screenshot of the page is not blank.
func TestStoryPageInBrowser(t *testing.T) {
	ctx := browser(t)
	hs, _ := serve(t, fixtureStore(t), web.Options{})
	s := theStory(t, hs.URL)

	do(t, ctx, chromedp.Navigate(hs.URL+"/stories/"+s.ID), chromedp.WaitVisible(chromedp.CSS(".timeline .entry")))
	whens := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".timeline .entry")).map(e => e.dataset.when)`)
	if len(whens) != len(s.Timeline) || len(whens) < 10 {
		t.Fatalf("page shows %d timeline entries, the story has %d", len(whens), len(s.Timeline))
	}
	var days []string
	for i, w := range whens {
		if w != s.Timeline[i].When {
			t.Errorf("entry %d is %s, the story's is %s", i, w, s.Timeline[i].When)
		}
		if len(w) == len("2006-01-02") {
			days = append(days, w)
		}
	}
	if !slices.IsSorted(days) || len(days) < 5 {
		t.Errorf("the dated entries are not in date order: %v", days)
	}

	i := slices.Index(whens, "2023-04-25")
	if i < 0 {
		t.Fatalf("no 25 April entry among %v", whens)
	}
	entry := `.entry[data-when="2023-04-25"]`
	do(t, ctx, chromedp.Click(chromedp.CSS(entry+" summary")), chromedp.WaitVisible(chromedp.CSS(entry+" .sentence")))
	articles := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('`+entry+` .sentence')).filter(e => e.offsetParent).map(e => e.dataset.article)`)
	marks := eval[int](t, ctx, `document.querySelectorAll('`+entry+` .sentence mark').length`)
	if got, want := sortedSet(articles), sortedSet(s.Timeline[i].Articles); !slices.Equal(got, want) {
		t.Errorf("25 April shows evidence of %v, want of %v", got, want)
	}
	if marks == 0 {
		t.Error("the evidence sentences mark no mention")
	}

	do(t, ctx, chromedp.Click(chromedp.CSS(".edge line")))
	lit := eval[int](t, ctx, `document.querySelectorAll(".entry.lit").length`)
	want := eval[int](t, ctx, `document.querySelector(".edge.lit").dataset.events.split(" ").length`)
	hash := eval[string](t, ctx, `location.hash`)
	if lit == 0 || lit != want || !strings.HasPrefix(hash, "#pair-") {
		t.Errorf("clicking an edge lit %d entries (want %d) and went to %q", lit, want, hash)
	}

	do(t, ctx, chromedp.Navigate(hs.URL+"/stories/"+s.ID), chromedp.WaitVisible(chromedp.CSS(".network svg")))
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	checkNotBlank(t, shot)
	if err := os.WriteFile(filepath.Join(t.TempDir(), "story.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("../../docs/story.png", shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	do(t, ctx, chromedp.Click(chromedp.CSS(entry+" summary")), chromedp.Click(chromedp.CSS(entry+" .people a.person")),
		chromedp.WaitVisible(chromedp.CSS(".spellings")))
	h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`)
	if !slices.Contains(s.Timeline[i].People, h1) {
		t.Errorf("the person page opened from 25 April is %q, not one of %v", h1, s.Timeline[i].People)
	}
}

// TestUnsafeReportInBrowser: the pages of a report titled
// <script>alert(1)</script>, with an <img onerror> and a javascript: link
// in it, run none of them.
func TestUnsafeReportInBrowser(t *testing.T) {
	ctx := browser(t)
	hs, _ := serve(t, unsafeStore(t), web.Options{})
	s := theStory(t, hs.URL)
	var dialogs atomic.Int32
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev.(type) {
		case *page.EventJavascriptDialogOpening, page.EventJavascriptDialogOpening:
			dialogs.Add(1)
			// Dismissed from another goroutine: a listener must not run commands.
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/stories/" + s.ID, "/reports/xss-1"} {
		do(t, ctx, chromedp.Navigate(hs.URL+p), chromedp.WaitReady(chromedp.CSS("main")),
			chromedp.Sleep(300*time.Millisecond)) // an onerror would have fired by now
		jsLinks := eval[int](t, ctx, `document.querySelectorAll('a[href^="javascript:" i]').length`)
		scripts := eval[int](t, ctx, `Array.from(document.scripts).filter(s => !s.src.endsWith("/static/app.js")).length`)
		title, err := chromedp.Run(ctx, chromedp.Title())
		if err != nil {
			t.Fatal(err)
		}
		if jsLinks+scripts > 0 {
			t.Errorf("%s: %d javascript: links, %d foreign scripts", p, jsLinks, scripts)
		}
		if p != "/" && !strings.Contains(title, "<script>alert(1)</script>") {
			t.Errorf("%s: title %q does not show the report's title as text", p, title)
		}
	}
	if n := dialogs.Load(); n > 0 {
		t.Errorf("the pages opened %d dialogs: a script of the report ran", n)
	}
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval returns the value of the JavaScript expression on the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// checkNotBlank fails unless the PNG shot has the variance of a page with
// text and pictures on it: a blank or one-colour page has next to none.
func checkNotBlank(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	var n, sum, sq float64
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			n, sum, sq = n+1, sum+l, sq+l*l
		}
	}
	mean := sum / n
	if variance := sq/n - mean*mean; variance < 100 || b.Dx() < 800 {
		t.Errorf("screenshot %dx%d has luminance variance %.0f: blank", b.Dx(), b.Dy(), variance)
	}
}

func sortedSet(xs []string) []string {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return slices.Compact(xs)
}
