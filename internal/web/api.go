package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/storyline/storyline"
)

// writeJSON writes v as the answer, HTML characters left as they are:
// the content type is JSON and nosniff is set, so no browser renders it.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return buf.Bytes(), err
}

func (s *Server) apiError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	if errors.Is(err, storyline.ErrNotFound) {
		status = http.StatusNotFound
	} else {
		s.opts.Log.Error("api", "err", err)
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

func (s *Server) apiStories(w http.ResponseWriter, r *http.Request) {
	f, err := filterOf(r.URL.Query())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	offset, limit, err := window(r.URL.Query())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	s.cached(w, "api list "+r.URL.RawQuery, s.apiError, func(c *catalog) ([]byte, error) {
		total, stories := c.find(f, offset, limit)
		return marshal(map[string]any{"total": total, "offset": offset, "stories": stories})
	})
}

// maxLimit bounds the stories of one answer of /api/stories.
const maxLimit = 1000

// window reads offset (default 0) and limit (default and at most
// maxLimit) of a list query.
func window(q url.Values) (offset, limit int, err error) {
	limit = maxLimit
	for _, p := range []struct {
		name string
		v    *int
	}{{"offset", &offset}, {"limit", &limit}} {
		if s := q.Get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return 0, 0, fmt.Errorf("%s %q: want a whole number, 0 or more", p.name, s)
			}
			*p.v = n
		}
	}
	return offset, min(limit, maxLimit), nil
}

func (s *Server) apiStory(w http.ResponseWriter, r *http.Request) {
	s.cached(w, "api story "+r.PathValue("id"), s.apiError, func(c *catalog) ([]byte, error) {
		v, err := s.storyView(r.Context(), c, r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return marshal(v)
	})
}

func (s *Server) apiArticle(w http.ResponseWriter, r *http.Request) {
	s.cached(w, "api report "+r.PathValue("id"), s.apiError, func(c *catalog) ([]byte, error) {
		v, err := s.reportView(r.Context(), c, r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return marshal(v)
	})
}

func (s *Server) apiPerson(w http.ResponseWriter, r *http.Request) {
	s.cached(w, "api person "+r.PathValue("name"), s.apiError, func(c *catalog) ([]byte, error) {
		v, err := s.personView(r.Context(), c, r.PathValue("name"))
		if err != nil {
			return nil, err
		}
		return marshal(v)
	})
}

// ingestStatus is the answer of GET /api/ingest.
type ingestStatus struct {
	Enabled bool          `json:"enabled"`
	Running bool          `json:"running"`
	Runs    int           `json:"runs"`
	Last    *IngestResult `json:"last,omitempty"`
}

func (s *Server) apiIngestStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	st := ingestStatus{Enabled: s.opts.Ingest != nil, Running: s.running.Load(), Runs: s.runs, Last: s.last}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, st)
}

// apiIngest queues an ingest of the sources the server was started with:
// a request names none, so a page cannot make the server read a file or
// URL of its choosing. A request from another site (a form a page posts
// across origins) is refused.
func (s *Server) apiIngest(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "cross-origin request"})
		return
	}
	switch err := s.Ingest(); {
	case errors.Is(err, ErrBusy):
		writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error()})
	case err != nil:
		writeJSON(w, http.StatusNotImplemented, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusAccepted, map[string]bool{"queued": true})
	}
}

// sameOrigin reports whether r comes from this server's own pages, or from
// no page at all (curl): browsers send Sec-Fetch-Site, and Origin on a POST.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}
