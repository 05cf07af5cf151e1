package collect

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/storyline/storyline"
)

// collectLocal reads a file or a directory of files.
func (c *Collector) collectLocal(ctx context.Context, src string, out chan<- storyline.Collected, w *web) {
	info, err := os.Stat(src)
	if err != nil {
		send(ctx, out, storyline.Collected{Source: src, Input: src, Err: err})
		return
	}
	if !info.IsDir() {
		c.collectFile(ctx, src, src, out, w)
		return
	}
	var files []string
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			send(ctx, out, storyline.Collected{Source: src, Input: path, Err: err})
			return nil
		}
		if !d.IsDir() && knownExt(path) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		send(ctx, out, storyline.Collected{Source: src, Input: src, Err: err})
	}
	if len(files) == 0 {
		send(ctx, out, storyline.Collected{Source: src, Input: src, Err: fmt.Errorf("%w: no .html, .txt, .jsonl or .xml files in directory", storyline.ErrUnsupported)})
	}
	slices.Sort(files)
	for _, f := range files {
		if ctx.Err() != nil {
			return
		}
		c.collectFile(ctx, src, f, out, w)
	}
}

func knownExt(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm", ".txt", ".jsonl", ".xml", ".rss", ".atom":
		return true
	}
	return false
}

func (c *Collector) collectFile(ctx context.Context, src, path string, out chan<- storyline.Collected, w *web) {
	fail := func(err error) { send(ctx, out, storyline.Collected{Source: src, Input: path, Err: err}) }
	abs, err := filepath.Abs(path)
	if err != nil {
		fail(err)
		return
	}
	if strings.ToLower(filepath.Ext(path)) == ".jsonl" {
		c.collectJSONL(ctx, src, path, out)
		return
	}
	data, err := readCapped(path, c.opts.MaxBodyBytes)
	if err != nil {
		fail(err)
		return
	}
	fileURL := &url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	var a *storyline.Article
	switch ext := strings.ToLower(filepath.Ext(path)); {
	case ext == ".txt":
		a, err = plainText(data)
	case isFeed(data):
		entries, err := parseFeed(data, fileURL)
		if err != nil {
			fail(err)
			return
		}
		for _, e := range entries {
			if !w.wanted(e.Listed) {
				continue
			}
			if isWebURL(e.URL) {
				w.visit(src, e.URL, e.Listed, c.opts.Depth)
			} else if u, err := url.Parse(e.URL); err == nil && u.Scheme == "file" {
				c.collectFile(ctx, src, filepath.FromSlash(u.Path), out, w)
			}
		}
		return
	case ext == ".html" || ext == ".htm" || looksLikeHTML(data):
		a, err = ParseHTML(bytes.NewReader(data), nil)
	default:
		err = fmt.Errorf("%w: not an HTML page, a feed or a text file", storyline.ErrUnsupported)
	}
	if err != nil {
		fail(err)
		return
	}
	a.ID, a.URL = abs, fileURL.String()
	a.Fetched = c.opts.Now().UTC()
	send(ctx, out, storyline.Collected{Source: src, Input: path, Article: a})
}

// readCapped reads a whole file, refusing one larger than limit.
func readCapped(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, fmt.Errorf("file larger than %d bytes", limit)
	}
	return data, nil
}

// plainText keeps a text file byte for byte as the article's text.
func plainText(data []byte) (*storyline.Article, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8 text")
	}
	text := string(data)
	if strings.TrimSpace(text) == "" {
		return nil, storyline.ErrNoText
	}
	return &storyline.Article{Title: firstLine(text), Text: text}, nil
}

// jsonArticle is one line of a JSON Lines corpus.
type jsonArticle struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	Published string `json:"published"`
	Source    string `json:"source"`
	Author    string `json:"author"`
}

// maxLine bounds one JSON line: one article's text with room to spare.
const maxLine = 64 << 20

func (c *Collector) collectJSONL(ctx context.Context, src, path string, out chan<- storyline.Collected) {
	f, err := os.Open(path)
	if err != nil {
		send(ctx, out, storyline.Collected{Source: src, Input: path, Err: err})
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		input := fmt.Sprintf("%s:%d", path, n)
		a, err := ParseJSONLine(line)
		if err == nil {
			a.Fetched = c.opts.Now().UTC()
		}
		if !send(ctx, out, storyline.Collected{Source: src, Input: input, Article: a, Err: err}) {
			return
		}
	}
	if err := sc.Err(); err != nil {
		send(ctx, out, storyline.Collected{Source: src, Input: fmt.Sprintf("%s:%d", path, n+1), Err: err})
	}
}

// ParseJSONLine reads one article of a JSON Lines corpus:
// {"id","url","title","text","published","source"}. The text is kept byte for
// byte; the id, when given, is the article's key, else the url is.
// published is YYYY-MM-DD or RFC 3339.
func ParseJSONLine(line []byte) (*storyline.Article, error) {
	var j jsonArticle
	if err := json.Unmarshal(line, &j); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, fmt.Errorf("field %q is a JSON %s, want a string", te.Field, te.Value)
		}
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if strings.TrimSpace(j.Text) == "" {
		return nil, fmt.Errorf("%w: empty \"text\"", storyline.ErrNoText)
	}
	a := &storyline.Article{ID: j.ID, URL: j.URL, Title: collapse(j.Title), Text: j.Text,
		Source: collapse(j.Source), Author: collapse(j.Author)}
	if a.ID == "" {
		a.ID = j.URL
	}
	if a.ID == "" {
		return nil, errors.New(`neither "id" nor "url" given: the article needs a key`)
	}
	if j.Published != "" {
		t, err := parsePublished(j.Published)
		if err != nil {
			return nil, err
		}
		a.Published, a.PublishedFrom = t, "input"
	}
	return a, nil
}

func parsePublished(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("published %q is neither YYYY-MM-DD nor RFC 3339", s)
}
