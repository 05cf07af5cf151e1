package collect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestTimeoutCoversBody: a server that sends its headers at once and then
// its body a byte at a time is cut off at Timeout, body included, with an
// error saying so; a page of the same host sent at once is still read.
func TestTimeoutCoversBody(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/drip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		for _, b := range []byte(page("Slow", "Vladimir Putin met Recep Tayyip Erdogan in Sochi.")) {
			w.Write([]byte{b})
			w.(http.Flusher).Flush()
			select {
			case <-time.After(100 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("/fast", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Fast", "Recep Tayyip Erdogan met Vladimir Putin on Tuesday in Sochi for talks."))
	})
	srv := serve(t, mux)
	const timeout = 500 * time.Millisecond
	start := time.Now()
	arts, errs := split(collectWith(t, Options{Timeout: timeout, RetryBackoff: time.Millisecond}, srv.URL+"/drip", srv.URL+"/fast"), srv.URL)
	if took := time.Since(start); took > 10*timeout {
		t.Errorf("took %s at a timeout of %s", took, timeout)
	}
	if err := errs["/drip"]; !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(fmt.Sprint(err), "time limit of 500ms") {
		t.Errorf("slow body: error %v, want the time limit", err)
	}
	if arts["/fast"] == nil {
		t.Errorf("fast page not collected: %v", errs["/fast"])
	}
}
