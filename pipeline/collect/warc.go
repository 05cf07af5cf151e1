package collect

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/storyline/storyline"
)

// isWARCName reports whether a file name or a URL's path names a WARC file.
func isWARCName(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".warc") || strings.HasSuffix(lower, ".warc.gz")
}

// streamWARCFile reads a local WARC file (the stream of fileKinds).
func (r *run) streamWARCFile(src, path string) {
	f, err := os.Open(path)
	if err != nil {
		send(r.ctx, r.out, storyline.Collected{Source: src, Input: path, Err: err})
		return
	}
	defer f.Close()
	r.readWARC(src, path, f)
}

// warcItem is what one record of a WARC stream gives: a result to send,
// or the reason it was passed over.
type warcItem struct {
	result storyline.Collected
	skip   string // counted, not sent
}

// readWARC turns the HTML responses of a WARC stream into articles through
// ParseResponse, as the collector does with a fetched page. name is the
// file or URL, for messages. Records are read one after another; pages are
// parsed by GOMAXPROCS workers and sent in the order of their records, so
// that the first of two copies is the first stored, as in a serial read.
func (r *run) readWARC(src, name string, in io.Reader) {
	workers := runtime.GOMAXPROCS(0)
	type job struct {
		input string
		resp  Response
		done  chan warcItem
	}
	jobs := make(chan job)
	// order holds each record's result slot in record order; its bound
	// lets the reader run a little ahead of the slowest page.
	order := make(chan chan warcItem, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				j.done <- r.parseRecord(src, j.input, j.resp)
			}
		})
	}
	skipped := map[string]int{}
	emitted := make(chan struct{})
	go func() {
		defer close(emitted)
		for slot := range order {
			it := <-slot
			if it.skip != "" {
				skipped[it.skip]++
				continue
			}
			send(r.ctx, r.out, it.result)
		}
	}()
	queue := func(slot chan warcItem) bool {
		select {
		case order <- slot:
			return true
		case <-r.ctx.Done():
			return false
		}
	}
	emit := func(it warcItem) bool {
		slot := make(chan warcItem, 1)
		slot <- it
		return queue(slot)
	}
	fail := func(input string, err error) bool {
		return emit(warcItem{result: storyline.Collected{Source: src, Input: input, Err: err}})
	}

	wr := newWARCReader(r.ctx, in, r.opts.MaxBodyBytes)
records:
	for {
		rec, err := wr.next()
		if err == io.EOF || r.ctx.Err() != nil {
			break
		}
		if err != nil {
			fail(name, err)
			break
		}
		input := fmt.Sprintf("%s: record %d at offset %d", name, rec.N, rec.Offset)
		if rec.InMember > 0 {
			input += fmt.Sprintf(", %d bytes into its gzip member", rec.InMember)
		}
		if rec.Err != nil {
			if rec.Type != "" && rec.Type != "response" && errors.Is(rec.Err, storyline.ErrTooLarge) {
				emit(warcItem{skip: rec.Type})
				continue
			}
			if !fail(input, rec.Err) {
				break
			}
			continue
		}
		resp, skip, err := r.warcResponse(rec.Record, rec.Target)
		closeRecord(rec.Record)
		if resp.Requested != "" {
			input += " (" + resp.Requested + ")"
		}
		switch {
		case err != nil:
			if !fail(input, err) {
				break records
			}
		case skip != "":
			emit(warcItem{skip: skip})
		default:
			slot := make(chan warcItem, 1)
			if !queue(slot) {
				break records
			}
			jobs <- job{input: input, resp: resp, done: slot}
		}
	}
	close(jobs)
	wg.Wait()
	close(order)
	<-emitted
	if n := sumCounts(skipped); n > 0 && r.ctx.Err() == nil {
		send(r.ctx, r.out, storyline.Collected{Source: src, Input: name, Skipped: skippedRecords(skipped), SkippedRecords: sumCounts(skipped)})
	}
}

// parseRecord reads a response kept in a WARC file as the collector reads
// a fetched page.
func (r *run) parseRecord(src, input string, resp Response) warcItem {
	if r.ctx.Err() != nil {
		return warcItem{skip: "interrupted"}
	}
	p, err := ParseResponse(resp)
	switch {
	case err != nil:
		return warcItem{result: storyline.Collected{Source: src, Input: input, Err: err}}
	case p.Article == nil:
		return warcItem{skip: "feed or sitemap"}
	}
	return warcItem{result: storyline.Collected{Source: src, Input: input, Article: p.Article}}
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// skippedRecords says which records of a WARC file were not articles:
// "12 records not read: 5 request, 4 metadata, 3 not HTML".
func skippedRecords(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return fmt.Sprintf("%d records not read as articles (%s)", sumCounts(m), strings.Join(parts, ", "))
}
