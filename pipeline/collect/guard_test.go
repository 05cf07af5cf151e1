package collect

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestPrivateAddresses: a feed on a host the user named (localhost) lists
// an internal page under other spellings of loopback (127.0.0.1, 0.0.0.0,
// [::1], 2130706433, which colly reads as 127.0.0.1) and through a
// redirect. None is fetched unless AllowPrivate is set; the host the user
// named is fetched either way.
func TestPrivateAddresses(t *testing.T) {
	var secretAsked atomic.Int32
	secret := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secretAsked.Add(1)
		fmt.Fprint(w, page("Internal admin page", "INTERNAL ADMIN PAGE secret token for Vladimir Putin and Recep Tayyip Erdogan."))
	})
	internal := serve(t, secret)
	port := internal.URL[strings.LastIndexByte(internal.URL, ':')+1:]
	links := []string{"http://127.0.0.1:" + port + "/a", "http://0.0.0.0:" + port + "/b", "http://2130706433:" + port + "/c"}
	if l, err := net.Listen("tcp", "[::1]:0"); err == nil {
		v6 := httptest.NewUnstartedServer(secret)
		v6.Listener.Close()
		v6.Listener = l
		v6.Start()
		t.Cleanup(v6.Close)
		links = append(links, v6.URL+"/d")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Public page", "Recep Tayyip Erdogan met Vladimir Putin on Tuesday in Sochi for talks."))
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:"+port+"/e", http.StatusFound)
	})
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, rss(append(links, "/page", "/moved")...))
	})
	feed := serve(t, mux)
	feedURL := strings.Replace(feed.URL, "127.0.0.1", "localhost", 1)

	for _, allow := range []bool{false, true} {
		secretAsked.Store(0)
		got := collectWith(t, Options{RetryBackoff: time.Millisecond, AllowPrivate: allow}, feedURL+"/feed.xml")
		arts, errs := split(got, "")
		if arts[feedURL+"/page"] == nil {
			t.Errorf("AllowPrivate %v: the page of the named host not collected: %v", allow, errs[feedURL+"/page"])
		}
		if allow {
			if n := secretAsked.Load(); n < int32(len(links)+1) {
				t.Errorf("AllowPrivate: internal page asked %d times, want at least %d: %v", n, len(links)+1, errs)
			}
			continue
		}
		if n := secretAsked.Load(); n != 0 {
			t.Errorf("internal page fetched %d times", n)
		}
		for _, link := range append(links, feedURL+"/moved") {
			if err := errs[link]; !errors.Is(err, ErrPrivateAddress) {
				t.Errorf("%s: error %v, want %v", link, err, ErrPrivateAddress)
			}
		}
	}
}
