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

// TestPrivateAddresses: a feed on a host the user named lists an internal
// page under other spellings of loopback (a name, localhost, that DNS
// answers with it; 127.0.0.1; 0.0.0.0; [::1]; 2130706433, which colly reads
// as 127.0.0.1) and through a redirect. None is fetched unless AllowPrivate
// is set; the host the user named is fetched either way.
func TestPrivateAddresses(t *testing.T) {
	var secretAsked atomic.Int32
	secret := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secretAsked.Add(1)
		fmt.Fprint(w, page("Internal admin page", "INTERNAL ADMIN PAGE secret token for Vladimir Putin and Recep Tayyip Erdogan."))
	})
	internal := serve(t, secret)
	port := internal.URL[strings.LastIndexByte(internal.URL, ':')+1:]
	// The internal page under each spelling, by the host that spelling
	// connects to; a spelling of the feed's own host is not listed.
	spellings := map[string][]string{
		"localhost": {"http://127.0.0.1:" + port + "/a", "http://0.0.0.0:" + port + "/b", "http://2130706433:" + port + "/c"},
		"127.0.0.1": {"http://localhost:" + port + "/a", "http://0.0.0.0:" + port + "/b"},
	}
	if l, err := net.Listen("tcp", "[::1]:0"); err == nil {
		v6 := httptest.NewUnstartedServer(secret)
		v6.Listener.Close()
		v6.Listener = l
		v6.Start()
		t.Cleanup(v6.Close)
		for host := range spellings {
			spellings[host] = append(spellings[host], v6.URL+"/d")
		}
	}
	other := map[string]string{"localhost": "127.0.0.1", "127.0.0.1": "localhost"}
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Public page", "Recep Tayyip Erdogan met Vladimir Putin on Tuesday in Sochi for talks."))
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+other[hostOf(r)]+":"+port+"/e", http.StatusFound)
	})
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, rss(append(spellings[hostOf(r)], "/page", "/moved")...))
	})
	feed := serve(t, mux)

	for host, links := range spellings {
		feedURL := strings.Replace(feed.URL, "127.0.0.1", host, 1)
		for _, allow := range []bool{false, true} {
			secretAsked.Store(0)
			got := collectWith(t, Options{RetryBackoff: time.Millisecond, AllowPrivate: allow}, feedURL+"/feed.xml")
			arts, errs := split(got, "")
			if arts[feedURL+"/page"] == nil {
				t.Errorf("feed on %s, AllowPrivate %v: the page of the named host not collected: %v", host, allow, errs[feedURL+"/page"])
			}
			if allow {
				if n := secretAsked.Load(); n < int32(len(links)+1) {
					t.Errorf("feed on %s, AllowPrivate: internal page asked %d times, want at least %d: %v", host, n, len(links)+1, errs)
				}
				continue
			}
			if n := secretAsked.Load(); n != 0 {
				t.Errorf("feed on %s: internal page fetched %d times", host, n)
			}
			for _, link := range append(links, feedURL+"/moved") {
				if err := errs[link]; !errors.Is(err, ErrPrivateAddress) {
					t.Errorf("feed on %s: %s: error %v, want %v", host, link, err, ErrPrivateAddress)
				}
			}
		}
	}
}

// hostOf is the host a request was sent to, without its port.
func hostOf(r *http.Request) string {
	host, _, _ := net.SplitHostPort(r.Host)
	return host
}
