package collect

import (
	"bufio"
	"bytes"
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

// fileKind is one kind of local file the collector reads.
type fileKind struct {
	// ends are the name endings, lower case, of the files of this kind; a
	// directory is searched for them.
	ends []string
	// byName takes every file with one of ends for this kind, whatever it
	// holds; sniff, when set, takes a file by its content, whatever its name.
	byName bool
	sniff  func(data []byte) bool
	// stream reads a file that may be larger than one page's size limit;
	// parse gets the whole of a file within the limit. fileURL is the
	// file's address, against which a feed's links are resolved.
	stream func(r *run, src, path string)
	parse  func(data []byte, fileURL *url.URL) (Parsed, error)
}

// fileKinds are tried in order: a text file is kept as text even if it
// holds a feed, and a feed is read as one even when named .html.
var fileKinds = []fileKind{
	{ends: []string{".jsonl"}, byName: true, stream: (*run).streamJSONL},
	{ends: []string{".warc", ".warc.gz"}, byName: true, stream: (*run).streamWARCFile},
	{ends: []string{".txt"}, byName: true, parse: parseTextFile},
	{ends: []string{".xml", ".rss", ".atom"}, sniff: isFeed, parse: parseFeedFile},
	{ends: []string{".html", ".htm"}, byName: true, sniff: looksLikeHTML, parse: parsePageFile},
}

// named reports whether path ends with one of k's endings.
func (k fileKind) named(path string) bool {
	lower := strings.ToLower(path)
	return slices.ContainsFunc(k.ends, func(end string) bool { return strings.HasSuffix(lower, end) })
}

func knownFile(path string) bool {
	return slices.ContainsFunc(fileKinds, func(k fileKind) bool { return k.named(path) })
}

// knownEnds lists the endings of fileKinds for a message: ".a, .b or .c".
func knownEnds() string {
	var ends []string
	for _, k := range fileKinds {
		ends = append(ends, k.ends...)
	}
	return strings.Join(ends[:len(ends)-1], ", ") + " or " + ends[len(ends)-1]
}

// openDir reads the files of a directory and its subdirectories that have
// a known ending, in lexical order.
func (r *run) openDir(src string) {
	var files, skipped []string
	walkErrs := 0
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			walkErrs++
			send(r.ctx, r.out, storyline.Collected{Source: src, Input: path, Err: err})
			return nil
		}
		switch {
		case d.IsDir():
		case knownFile(path):
			files = append(files, path)
		default:
			skipped = append(skipped, path)
		}
		return nil
	})
	// The directory was one input; it stands for a result per file, per
	// file skipped and per error (one of them sent above already).
	n := len(files) + len(skipped) + walkErrs - 1
	if err != nil {
		n++
	}
	if len(files) == 0 {
		n++
	}
	queued(r.out, src, n)
	for _, path := range skipped {
		send(r.ctx, r.out, storyline.Collected{Source: src, Input: path, Skipped: "not a " + knownEnds() + " file"})
	}
	if err != nil {
		send(r.ctx, r.out, storyline.Collected{Source: src, Input: src, Err: err})
	}
	if len(files) == 0 {
		send(r.ctx, r.out, storyline.Collected{Source: src, Input: src, Err: fmt.Errorf("%w: no %s files in directory", storyline.ErrUnsupported, knownEnds())})
	}
	slices.Sort(files)
	for _, f := range files {
		r.openFile(src, f, nil) // once stopped, each is told not started
	}
}

// openFile reads a file, once in a run however many times it is given or
// listed. Its articles are keyed by its absolute path. chain holds the
// feeds that led to it, outermost first.
func (r *run) openFile(src, path string, chain []string) {
	fail := func(err error) { send(r.ctx, r.out, storyline.Collected{Source: src, Input: path, Err: err}) }
	abs, err := filepath.Abs(path)
	if err != nil {
		fail(err)
		return
	}
	if r.files[abs] {
		queued(r.out, src, -1) // read once already: no result of its own
		return
	}
	r.files[abs] = true
	if r.ctx.Err() != nil {
		notStarted(r.out, src, path)
		return
	}
	// Opening a named pipe blocks until a writer comes, and a device may
	// never end: only regular files are read.
	if info, err := os.Stat(path); err != nil {
		fail(err)
		return
	} else if !info.Mode().IsRegular() {
		fail(fmt.Errorf("%w: not a regular file (%s), skipped", storyline.ErrUnsupported, fileType(info.Mode())))
		return
	}
	for _, k := range fileKinds {
		if k.stream != nil && k.named(path) {
			k.stream(r, src, path)
			return
		}
	}
	data, err := readCapped(path, r.opts.MaxBodyBytes)
	if err != nil {
		fail(err)
		return
	}
	fileURL := &url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	i := slices.IndexFunc(fileKinds, func(k fileKind) bool {
		return k.parse != nil && (k.byName && k.named(path) || k.sniff != nil && k.sniff(data))
	})
	if i < 0 {
		fail(fmt.Errorf("%w: not an HTML page, a feed or a text file", storyline.ErrUnsupported))
		return
	}
	p, err := fileKinds[i].parse(data, fileURL)
	if err != nil {
		fail(err)
		return
	}
	listing := fileURL.String()
	var nestErr error
	if len(p.Entries) > 0 {
		chain, nestErr = nest(chain, listing)
	}
	queued(r.out, src, r.web.results(p, chain, nestErr, listing, listing)-1)
	if a := p.Article; a != nil {
		a.ID, a.URL = abs, fileURL.String()
		a.Fetched = r.opts.Now().UTC()
		send(r.ctx, r.out, storyline.Collected{Source: src, Input: path, Article: a})
	}
	if nestErr != nil {
		fail(nestErr)
		return
	}
	for _, e := range p.Entries {
		// Once stopped, visit and openFile tell each entry not started.
		if err := cycle(chain, listing, listing, e.URL); err != nil {
			fail(err)
			continue
		}
		if !r.web.wanted(e.Listed) {
			continue
		}
		if isWebURL(e.URL) {
			r.web.visit(src, e.URL, e.Listed, r.opts.Depth, chain)
		} else if u, err := url.Parse(e.URL); err == nil && u.Scheme == "file" {
			r.openFile(src, filepath.FromSlash(u.Path), chain)
		} else {
			send(r.ctx, r.out, storyline.Collected{Source: src, Input: e.URL, Err: notWebURL(e.URL)})
		}
	}
}

// results counts the results that a page, feed or sitemap p will give: its
// article, and for its entries either nestErr or one for each that is
// taken (its own, the error of a cycle, or why it is not fetched). chain,
// listing and final are cycle's.
func (w *web) results(p Parsed, chain []string, nestErr error, listing, final string) int {
	n := 0
	if p.Article != nil {
		n++
	}
	if len(p.Entries) > 0 && nestErr != nil {
		return n + 1
	}
	for _, e := range p.Entries {
		if cycle(chain, listing, final, e.URL) != nil || w.wanted(e.Listed) {
			n++
		}
	}
	return n
}

// fileType names the kind of a file that is not a regular one.
func fileType(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	case m.IsDir():
		return "directory"
	}
	return "mode " + m.Type().String()
}

func parseTextFile(data []byte, _ *url.URL) (Parsed, error) {
	a, err := plainText(data)
	return Parsed{Article: a}, err
}

func parseFeedFile(data []byte, fileURL *url.URL) (Parsed, error) {
	entries, err := parseFeed(data, fileURL)
	return Parsed{Entries: entries}, err
}

// parsePageFile reads a page without an address: its source is only what
// it names.
func parsePageFile(data []byte, _ *url.URL) (Parsed, error) {
	a, err := ParseHTML(bytes.NewReader(data), nil)
	return Parsed{Article: a}, err
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

// plainText keeps a text file byte for byte as the article's text, once
// decoded to UTF-8 without a byte order mark.
func plainText(data []byte) (*storyline.Article, error) {
	data, err := decodeText(data)
	if err != nil {
		return nil, err
	}
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

// maxLine bounds one JSON line: one article's text with room to spare. A
// variable so that tests can lower it.
var maxLine = 64 << 20

// maxBadLines is how many bad lines in a row end a JSON Lines source: a
// file that is no corpus (or a device that never ends) gets one error, not
// one per line without end.
const maxBadLines = 100

// streamJSONL reads a JSON Lines corpus line by line. A line over maxLine
// is reported and skipped, not the end of the file; so is a line repeating
// the id of an earlier one, which would otherwise replace it unseen.
func (r *run) streamJSONL(src, path string) {
	// The file was one input: it gives as many results as it is read.
	sent := 0
	defer func() { queued(r.out, src, sent-1) }()
	emit := func(it storyline.Collected) bool {
		sent++
		return send(r.ctx, r.out, it)
	}
	fail := func(input string, err error) bool {
		return emit(storyline.Collected{Source: src, Input: input, Err: err})
	}
	f, err := os.Open(path)
	if err != nil {
		fail(path, err)
		return
	}
	defer f.Close()
	lines, err := decodedReader(f)
	if err != nil {
		fail(path, err)
		return
	}
	br := bufio.NewReaderSize(lines, 64<<10)
	idLine := map[string]int{} // the line that gave each id
	bad := 0                   // bad lines in a row
	for n := 1; r.ctx.Err() == nil; n++ {
		input := fmt.Sprintf("%s:%d", path, n)
		line, size, err := readLine(br, maxLine)
		if err != nil && err != io.EOF {
			fail(input, err)
			return
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		switch line = bytes.TrimSpace(line); {
		case size > maxLine:
			bad++
			if !fail(input, fmt.Errorf("%w: %d bytes, limit %d: skipped", ErrLongLine, size, maxLine)) {
				return
			}
		case len(line) > 0:
			a, perr := ParseJSONLine(line)
			switch {
			case perr != nil:
				bad++
			case idLine[a.ID] != 0:
				bad = 0
				a, perr = nil, fmt.Errorf("%w: %q, given on line %d, again on line %d: skipped", ErrDuplicateID, a.ID, idLine[a.ID], n)
			default:
				bad = 0
				idLine[a.ID] = n
				a.Fetched = r.opts.Now().UTC()
			}
			if !emit(storyline.Collected{Source: src, Input: input, Article: a, Err: perr}) {
				return
			}
		}
		if bad >= maxBadLines {
			fail(input, fmt.Errorf("%w: %d bad lines in a row, the rest of %s not read", ErrNotJSONLines, bad, path))
			return
		}
		if err == io.EOF {
			return
		}
	}
}

// readLine reads one line, without its newline, and its size. A line over
// limit bytes is read to its end but not kept: line is nil, size tells.
func readLine(br *bufio.Reader, limit int) (line []byte, size int, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		chunk = bytes.TrimSuffix(chunk, []byte{'\n'})
		size += len(chunk)
		if size <= limit {
			line = append(line, chunk...)
		} else {
			line = nil
		}
		if err != bufio.ErrBufferFull {
			return line, size, err
		}
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
