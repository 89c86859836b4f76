package browsertest

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// csp is a strict policy like the pages': no inline script or style, so axe-core must
// reach the page through the DevTools protocol, not a <script>.
const csp = "default-src 'self'; frame-ancestors 'none'"

var goodPage = `<!doctype html>
<html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Aanmelden</title><link rel="stylesheet" href="/style.css"></head>
<body><main><h1>Aanmelden</h1>
<form method="post" action="/echo">
<p><label for="name">Naam <span>(verplicht)</span></label> <input id="name" name="name" value="oud"></p>
<p><label for="kind">Soort</label> <select id="kind" name="kind">
  <option value="">kies</option><option value="residents_group">Bewonersgroep</option></select></p>
<fieldset><legend>Grootte</legend>
  <label><input type="radio" name="size" value="small"> klein</label>
  <label><input type="radio" name="size" value="large"> groot</label></fieldset>
<p><label><input type="checkbox" name="lead"> Kan penvoerder zijn</label></p>
<p><label for="about">Over ons</label> <textarea id="about" name="about"></textarea></p>
<p><button type="submit">Versturen</button></p>
</form>
<p><a href="/echo?name=link">Naar de echo</a></p>
<div class="scroll" tabindex="0" role="region" aria-label="Brede tabel"><table>
<tr><th>Kolom</th></tr><tr><td>` + strings.Repeat("breed ", 80) + `</td></tr></table></div>
</main></body></html>`

var badPage = `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Slecht</title><link rel="stylesheet" href="/style.css">
<style>h1{color:red}</style><script>document.title = 'inline'</script><link rel="stylesheet" href="/missing.css"></head>
<body><main><h1>Slecht</h1>
<img src="/nothing.png">
<button id="mute"></button>
<table id="tbl"><tr><th>Kolom</th></tr><tr><td>` + strings.Repeat("breed ", 80) + `</td></tr></table>
<div id="wide"><pre>` + strings.Repeat("breed", 80) + `</pre></div>
</main></body></html>`

func server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", csp)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("GET /{$}", page(goodPage))
	mux.HandleFunc("GET /bad", page(badPage))
	mux.HandleFunc("GET /style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, ".scroll{overflow-x:auto} td{white-space:nowrap}")
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		r.Form.Set("lang", r.Header.Get("Accept-Language"))
		http.SetCookie(w, &http.Cookie{Name: "sessie", Value: "s3cret", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		var b strings.Builder
		for _, k := range []string{"name", "kind", "size", "lead", "about", "lang"} {
			fmt.Fprintf(&b, "<dt>%s</dt><dd id=%q>%s</dd>", k, k, html.EscapeString(r.Form.Get(k)))
		}
		page(`<!doctype html><html lang="nl"><head><title>Echo</title></head><body><main><h1>Echo</h1><dl>`+
			b.String()+`</dl></main></body></html>`)(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestForms: a form is filled in by its labels and sent as a person would, and the
// next page's status and text are read.
func TestForms(t *testing.T) {
	srv := server(t)
	b := Start(t, 1280)
	if st := b.Go(srv.URL + "/"); st != 200 {
		t.Fatalf("GET / = %d", st)
	}
	if b.Title() != "Aanmelden" || !strings.Contains(b.Text("h1"), "Aanmelden") {
		t.Errorf("title %q, h1 %q", b.Title(), b.Text("h1"))
	}
	if l := Eval[string](b, `fetch('/echo').then(r => r.text()).then(t => new DOMParser().parseFromString(t, 'text/html').querySelector('#lang').textContent)`); l != dutch {
		t.Errorf("Start's browser asks for %q, want Dutch", l)
	}
	b.Fill("Naam", "Buurtkamer <Zuilen>") // the label's own words, without the span's
	b.Fill("Soort", "Bewonersgroep")      // an option by its text
	b.Fill("Grootte", "groot")            // a radio button by the fieldset's legend
	b.Check("Kan penvoerder zijn", true)
	b.Fill("about", "Wij koken.\nElke week.") // by name
	if st := b.Submit("Versturen"); st != 200 {
		t.Fatalf("submit = %d", st)
	}
	want := map[string]string{"name": "Buurtkamer <Zuilen>", "kind": "residents_group", "size": "large", "lead": "on", "about": "Wij koken. Elke week."}
	for k, v := range want {
		if got := b.Text("#" + k); got != v {
			t.Errorf("sent %s = %q, want %q", k, got, v)
		}
	}
	if b.Path() != "/echo" {
		t.Errorf("after submit at %s", b.Path())
	}
	if c := b.Cookie("sessie"); c == nil || c.Value != "s3cret" || !c.HTTPOnly || c.SameSite != "Lax" {
		t.Errorf("cookie sessie = %+v, want s3cret, HttpOnly, SameSite=Lax", c)
	}
	if b.Cookie("none") != nil {
		t.Errorf("a cookie that was never set")
	}
	b.Go("/")
	b.SetLanguage("en")
	if st := b.Follow("Naar de echo"); st != 200 || b.Text("#name") != "link" || b.Text("#lang") != "en" {
		t.Errorf("follow = %d, name %q, Accept-Language %q", st, b.Text("#name"), b.Text("#lang"))
	}
	b.SetLanguage("")
	if b.Go("/echo"); !strings.HasPrefix(b.Text("#lang"), "en-US") {
		t.Errorf("Chromium's own language: Accept-Language %q", b.Text("#lang"))
	}
	if st := b.Go("/nope"); st != 404 {
		t.Errorf("GET /nope = %d, want 404", st)
	}
	if b.Has("form") || b.Count("dd") != 0 {
		t.Errorf("Has/Count see elements that are not there")
	}
}

// recorder is a test that keeps its failures instead of failing. Its Fatal and Skip
// end the goroutine, as testing.T's do, so call them in a goroutine of their own.
type recorder struct {
	testing.TB
	errors  []string
	fatal   string
	skipped string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }
func (r *recorder) Fatalf(f string, a ...any) { r.fatal = fmt.Sprintf(f, a...); runtime.Goexit() }
func (r *recorder) Skip(a ...any)             { r.skipped = fmt.Sprint(a...); runtime.Goexit() }

// TestNoBrowser: without chromium a test is skipped with the reason, and under CI it
// fails.
func TestNoBrowser(t *testing.T) {
	old := debianChromium
	debianChromium = filepath.Join(t.TempDir(), "chromium")
	t.Cleanup(func() { debianChromium = old })
	t.Setenv("PATH", t.TempDir())
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := &recorder{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			Start(r, 1280)
			r.errors = append(r.errors, "Start returned a browser")
		}()
		<-done
		if ci == "" && (!strings.Contains(r.skipped, "apt-get install -y chromium") || r.fatal != "" || len(r.errors) > 0) {
			t.Errorf("outside CI: skipped %q, fatal %q, %q; want a skip that says how to install it", r.skipped, r.fatal, r.errors)
		}
		if ci == "true" && (!strings.Contains(r.fatal, ".ci/run") || r.skipped != "" || len(r.errors) > 0) {
			t.Errorf("under CI: fatal %q, skipped %q, %q; want a failure", r.fatal, r.skipped, r.errors)
		}
	}
}

// TestChecks: the page checks find what is wrong on a bad page and nothing on a good
// one, at both widths, under a strict Content-Security-Policy.
func TestChecks(t *testing.T) {
	srv := server(t)
	b := Start(t, 1280)
	b.Go(srv.URL + "/bad")
	rules := map[string]Violation{}
	for _, v := range b.Axe() {
		rules[v.Rule] = v
	}
	for _, id := range []string{"image-alt", "button-name"} {
		v, ok := rules[id]
		if !ok || !Blocking(v.Impact) || len(v.Nodes) == 0 || v.Help == "" {
			t.Errorf("axe on the bad page: %s = %+v, want a serious or critical violation with nodes", id, v)
		}
	}
	if v := rules["button-name"]; len(v.Nodes) > 0 && v.Nodes[0].Target != "#mute" {
		t.Errorf("button-name names %q, want #mute", v.Nodes[0].Target)
	}
	sw, iw, culprits := b.SideScroll()
	// A box that sticks out, and a box whose text does; not the tables in a box that
	// scrolls by itself, as on the good page.
	if sw <= iw || len(culprits) != 2 || !strings.HasPrefix(culprits[0], "table#tbl (right edge") ||
		!strings.HasPrefix(culprits[1], "div#wide > pre (its text") {
		t.Errorf("side scroll on the bad page: %d, %d, %q; want it, by table#tbl and div#wide > pre", sw, iw, culprits)
	}
	// The checks fail the test, saying what and where.
	r := &recorder{TB: t}
	b.With(r).CheckPage("bad")
	all := strings.Join(r.errors, "\n")
	// The page's own: two refused inline blocks, a stylesheet and an image not found,
	// the stylesheet's MIME type; none of axe-core's.
	if n := strings.Count(all, "console error: "); n != 5 {
		t.Errorf("%d console errors, want the page's 5:\n%s", n, all)
	}
	for _, w := range []string{"/bad at 1280 px: axe image-alt (critical)", "button-name", "#mute", "scrolls sideways", "div#wide > pre",
		"console error: ", "inline style", "inline script", "Content Security Policy", "/missing.css"} {
		if !strings.Contains(all, w) {
			t.Errorf("the failures lack %q:\n%s", w, all)
		}
	}
	for _, width := range []int{1280, 390} {
		b.SetWidth(width)
		b.Go("/")
		if got := Eval[int](b, "window.innerWidth"); got != width {
			t.Errorf("innerWidth = %d, want %d", got, width)
		}
		r := &recorder{TB: t}
		shot := b.With(r).CheckPage("good")
		if len(r.errors) > 0 {
			t.Errorf("the good page fails at %d px:\n%s", width, strings.Join(r.errors, "\n"))
		}
		png, err := os.ReadFile(shot)
		if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("screenshot %s: %v, not a PNG", shot, err)
		}
		if filepath.Base(shot) != fmt.Sprintf("good-%d.png", width) || filepath.Dir(shot) != b.ScreenshotDir() {
			t.Errorf("screenshot at %s", shot)
		}
	}
}
