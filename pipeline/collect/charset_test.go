package collect

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// TestLegacyCharsets serves pages in windows-1252, KOI8-R and Shift_JIS,
// with the charset named in the Content-Type, in a <meta> of the page, in
// both, wrongly (the header says UTF-8), or nowhere. Each is stored as
// UTF-8 with its own words, read right: never mojibake, never replacement
// characters.
func TestLegacyCharsets(t *testing.T) {
	langs := []struct {
		name  string
		label string // as a Content-Type or <meta> names it
		enc   encoding.Encoding
		title string
		words string // in the charset
		// english adds a paragraph in English: a page in Japanese, without
		// spaces between words, is too few words for an article otherwise.
		english bool
		// declaredOnly: the page is only checked when its charset is
		// named; without, a detector guesses from its bytes, and text half
		// in English and half in Russian is ambiguous.
		declaredOnly bool
	}{
		{"windows-1252", "windows-1252", charmap.Windows1252, "Café talks in Ankara — “soon”",
			"The ministers met at a café in Ankara on Tuesday – Turkey and Syria agreed to meet again “soon”, said the envoy of Zürich.", true, false},
		{"koi8-r", "koi8-r", charmap.KOI8R, "Переговоры в Москве",
			"Министры иностранных дел России, Сирии, Турции и Ирана встретились во вторник в Москве для переговоров о восстановлении отношений между Анкарой и Дамаском. Переговоры продолжались несколько часов.", false, false},
		{"koi8-r beside English", "koi8-r", charmap.KOI8R, "Переговоры в Москве",
			"Министры иностранных дел России, Сирии, Турции и Ирана встретились во вторник в Москве.", true, true},
		{"shift_jis", "shift_jis", japanese.ShiftJIS, "モスクワでの会談",
			"ロシア、シリア、トルコ、イランの外相は火曜日にモスクワで会談し、アンカラとダマスカスの関係修復について協議した。会談は数時間に及んだ。", true, false},
	}
	declared := []struct {
		name         string
		header, meta string // %s: the charset's label
	}{
		{"header", "text/html; charset=%s", ""},
		{"meta", "text/html", `<meta charset="%s">`},
		{"http-equiv", "text/html", `<meta http-equiv="Content-Type" content="text/html; charset=%s">`},
		{"both", "text/html; charset=%s", `<meta charset="%s">`},
		{"undeclared", "text/html", ""},
		{"header says UTF-8", "text/html; charset=utf-8", ""},
	}
	pages := map[string][]byte{}
	for _, l := range langs {
		for _, d := range declared {
			meta := d.meta
			if strings.Contains(meta, "%s") {
				meta = fmt.Sprintf(meta, l.label)
			}
			html := fmt.Sprintf("<!DOCTYPE html><html><head>%s<title>%s</title></head><body><article><h1>%s</h1><p>%s</p></article></body></html>",
				meta, l.title, l.title, l.words)
			if l.english {
				html = strings.Replace(page(l.title, l.words), "<head>", "<head>"+meta, 1)
			}
			body, err := l.enc.NewEncoder().String(html)
			if err != nil {
				t.Fatalf("%s: %v", l.name, err)
			}
			header := d.header
			if strings.Contains(header, "%s") {
				header = fmt.Sprintf(header, l.label)
			}
			path := "/" + strings.ReplaceAll(l.name+"/"+d.name, " ", "-")
			pages[path] = []byte(body)
			pages[path+"#type"] = []byte(header)
		}
	}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", string(pages[r.URL.Path+"#type"]))
		w.Write(body)
	}))
	var sources []string
	for _, l := range langs {
		for _, d := range declared {
			sources = append(sources, srv.URL+"/"+strings.ReplaceAll(l.name+"/"+d.name, " ", "-"))
		}
	}
	arts, errs := split(collectAll(t, sources...), srv.URL)
	for _, l := range langs {
		for _, d := range declared {
			path := "/" + strings.ReplaceAll(l.name+"/"+d.name, " ", "-")
			if l.declaredOnly && (d.name == "undeclared" || d.name == "header says UTF-8") {
				continue
			}
			a := arts[path]
			if a == nil {
				t.Errorf("%s, charset %s: not collected: %v", l.name, d.name, errs[path])
				continue
			}
			if a.Title != l.title || !strings.Contains(a.Text, l.words) || strings.ContainsRune(a.Text, '\uFFFD') {
				t.Errorf("%s, charset %s: title %q, text %.300q; want title %q and its words", l.name, d.name, a.Title, a.Text, l.title)
			}
		}
	}
}
