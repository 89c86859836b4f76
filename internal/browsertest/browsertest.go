// Package browsertest gives tests a real headless Chromium, Debian's `chromium`, driven
// with chromedp: one browser and one tab per test, with a fresh profile, at a given
// viewport width. It owns what a page test does as a person would (open a page, fill
// in a form by its labels and send it, read text, follow a link), the screenshots it
// keeps, and the page checks of the web pages: axe-core (vendored in axe/) finds no
// serious or critical violation, the page does not scroll sideways, and its console
// shows no error (such as what a Content-Security-Policy refused).
//
// Under CI (CI=true) a missing chromium fails the test; elsewhere the test is skipped
// with the reason, so a laptop without a browser still runs the rest.
//
// Screenshots go to the test's artifact folder when `go test -artifacts` is given
// (testing.T.ArtifactDir, under -outputdir); otherwise to
// $TMPDIR/samenspel-screenshots/<package>/<test>/, emptied when the test starts and
// kept after it. Each path is written to the test log.
//
// A Browser belongs to the test goroutine that started it, as testing.T does.
package browsertest

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// debianChromium is Debian's launcher, the browser these tests are written for (a
// variable for the test of a machine without it).
var debianChromium = "/usr/bin/chromium"

// Timeouts: a busy two-core machine running the race detector is slow, but a browser
// that does not answer in this time is broken, not slow.
const (
	startTimeout  = 60 * time.Second
	actionTimeout = 30 * time.Second
)

// height is the viewport's height at every width; full-page screenshots take the
// whole page whatever it is.
const height = 900

// Chromium returns the path of the browser: Debian's /usr/bin/chromium, or chromium
// on PATH.
func Chromium() (string, error) {
	if _, err := os.Stat(debianChromium); err == nil {
		return debianChromium, nil
	}
	return exec.LookPath("chromium")
}

// Browser is a headless Chromium with one tab, for one test.
type Browser struct {
	t   testing.TB
	ctx context.Context // the tab
	tab *tab            // shared with the views of With
}

// tab is what the views of one browser share.
type tab struct {
	owner testing.TB // the test that started the browser: it names the screenshot folder
	shots string     // the screenshot folder, once made
	width int        // the viewport's, in CSS pixels

	mu      sync.Mutex
	console []chromedp.ConsoleMessage // errors and exceptions since the last page opened
	mark    string                    // the last of syncConsole's marks seen
	marks   int                       // syncConsole's marks sent
}

// Start starts a browser for t with a viewport width px wide (1280 for a desktop,
// 390 for a phone) and 900 high, a fresh user data directory, asking for Dutch
// (SetLanguage), and stops it when t ends.
func Start(t testing.TB, width int) *Browser {
	t.Helper()
	bin, err := Chromium()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is not installed; CI must install it (.ci/run does: apt-get install -y chromium)")
		}
		t.Skip("chromium not found: browser tests skipped (apt-get install -y chromium)")
	}
	// Not t.TempDir: Chromium's helpers can write in the profile for a moment after
	// the browser stops, and a failed removal would fail the test.
	profile, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(width, height),
		chromedp.DisableGPU,
	)
	if os.Geteuid() == 0 {
		// Chromium's sandbox refuses to run as root.
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	// The first action starts the browser, bound to ctx: it must run on ctx itself,
	// since cancelling a context derived for it would stop the browser. It is timed
	// from here instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start %s: %v", bin, err)
		}
	case <-time.After(startTimeout):
		cancelTab()
		t.Fatalf("start %s: no answer in %v", bin, startTimeout)
	}
	b := &Browser{t: t, ctx: ctx, tab: &tab{owner: t}}
	// The console's errors and uncaught exceptions, such as a Content-Security-Policy
	// that refuses a script or a style; the loop ends with the tab.
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.tab.mu.Lock()
			switch {
			case m.Type == chromedp.ConsoleDebug && strings.HasPrefix(m.Text, markPrefix):
				b.tab.mark = m.Text
			case m.Type == chromedp.ConsoleError || m.IsException():
				b.tab.console = append(b.tab.console, m)
			}
			b.tab.mu.Unlock()
		}
	}()
	b.SetWidth(width)
	b.SetLanguage(dutch)
	return b
}

// dutch is the Accept-Language of a browser set to Dutch, as the pages' users'
// are; Debian's chromium ships only its en-US locale, so --lang cannot say it.
const dutch = "nl-NL,nl;q=0.9"

// With returns a view of the same tab that reports to t, a subtest of the test that
// started the browser, so that a failure names the subtest. Use it only while t
// runs. Screenshots still go to the folder of the test that started the browser.
func (b *Browser) With(t testing.TB) *Browser {
	c := *b
	c.t = t
	return &c
}

// Context is the tab's context, for chromedp actions the helpers do not cover.
func (b *Browser) Context() context.Context { return b.ctx }

// Width is the viewport's width in CSS pixels.
func (b *Browser) Width() int { return b.tab.width }

// SetWidth changes the viewport's width (a desktop window that wide, not a phone's
// emulation: the layout is at exactly that many CSS pixels). The page is laid out
// anew; no reload is needed.
func (b *Browser) SetWidth(width int) {
	b.t.Helper()
	do(b, fmt.Sprintf("set the width to %d px", width), chromedp.EmulateViewport(int64(width), height))
	b.tab.width = width
}

// Go opens url and waits until it has loaded; it returns the HTTP status. A url
// that starts with "/" is taken on the current page's origin.
func (b *Browser) Go(url string) int {
	b.t.Helper()
	if strings.HasPrefix(url, "/") {
		url = b.origin() + url
	}
	b.tab.clearConsole()
	resp := run(b, "open "+url, chromedp.NavigateResponse(url))
	return int(resp.Status)
}

// SetLanguage makes the browser ask for pages in lang, an Accept-Language value such
// as "en" or "nl-NL,nl;q=0.9" (Start's), from the next request on; "" is Chromium's
// own, "en-US,en;q=0.9".
func (b *Browser) SetLanguage(lang string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	h := network.Headers{}
	if lang != "" {
		h["Accept-Language"] = lang
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h}); err != nil {
		b.t.Fatalf("browser: set the language to %s: %v", lang, err)
	}
}

// Cookie is the browser's cookie name for the current page, with its flags
// (HTTPOnly, Secure, SameSite), or nil when it has none.
func (b *Browser) Cookie(name string) *network.Cookie {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		b.t.Fatalf("browser: read the cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// URL is the current page's address.
func (b *Browser) URL() string {
	b.t.Helper()
	return run(b, "read the location", chromedp.Location())
}

// Path is the current page's path and query, the way Go takes it.
func (b *Browser) Path() string {
	b.t.Helper()
	u, err := url.Parse(b.URL())
	if err != nil {
		b.t.Fatalf("browser: the location: %v", err)
	}
	return u.RequestURI()
}

func (b *Browser) origin() string {
	u, err := url.Parse(b.URL())
	if err != nil || u.Host == "" {
		b.t.Fatalf("browser: %q has no origin: open an absolute URL first", b.URL())
	}
	return u.Scheme + "://" + u.Host
}

// Title is the page's title.
func (b *Browser) Title() string {
	b.t.Helper()
	return run(b, "read the title", chromedp.Title())
}

// Text is the text a person sees in the first element that matches the CSS
// selector (innerText, spaces collapsed); selector "" is the whole page. A selector
// that matches nothing fails the test.
func (b *Browser) Text(selector string) string {
	b.t.Helper()
	if selector == "" {
		selector = "body"
	}
	s := eval[*string](b, "read the text of "+selector,
		`(s => { const e = document.querySelector(s); return e ? e.innerText : null })`, selector)
	if s == nil {
		b.t.Fatalf("browser: %s: nothing matches %q", b.Path(), selector)
		return ""
	}
	return strings.Join(strings.Fields(*s), " ")
}

// Has reports whether an element matches the CSS selector.
func (b *Browser) Has(selector string) bool {
	b.t.Helper()
	return eval[bool](b, "look for "+selector, `(s => document.querySelector(s) !== null)`, selector)
}

// Count is the number of elements that match the CSS selector.
func (b *Browser) Count(selector string) int {
	b.t.Helper()
	return eval[int](b, "count "+selector, `(s => document.querySelectorAll(s).length)`, selector)
}

// Eval runs the JavaScript expression in the page and decodes its value, JSON-encoded,
// into T (a promise is awaited).
func Eval[T any](b *Browser, expression string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: evaluate on %s: %v", b.Path(), err)
	}
	return v
}

// Fill sets a form field to value. field names it as a person reads it: the text of
// its <label> (exactly, or else the one label that starts with it), its aria-label,
// or else its name or id. A text field or textarea is cleared and typed into; a
// <select> takes the option whose text or value is value. When field is the
// <legend> of a fieldset of radio buttons or checkboxes, the one labelled value is
// checked. A field that cannot be found, or is ambiguous, fails the test.
func (b *Browser) Fill(field, value string) {
	b.t.Helper()
	r := eval[located](b, "find the field "+field, findFieldJS, field, value)
	if r.Error != "" {
		b.t.Fatalf("browser: %s: %s", b.Path(), r.Error)
	}
	sel := chromedp.CSS(r.Selector)
	switch r.Kind {
	case "text":
		// Emptied by script: chromedp.Clear fails on an empty textarea.
		eval[chromedp.Void](b, "empty "+field, `(s => { document.querySelector(s).value = '' })`, r.Selector)
		do(b, "type into "+field, chromedp.SendKeys(sel, value))
	case "select":
		do(b, "choose "+value+" in "+field, chromedp.SetValue(sel, r.Value))
	case "check":
		if !r.Checked {
			do(b, "check "+value+" in "+field, chromedp.Click(sel))
		}
	default:
		b.t.Fatalf("browser: %s: field %q is a %s: use Check for a single checkbox", b.Path(), field, r.Kind)
	}
}

// Check sets a single checkbox, named as in Fill, to on or off.
func (b *Browser) Check(field string, on bool) {
	b.t.Helper()
	r := eval[located](b, "find the checkbox "+field, findFieldJS, field, "")
	if r.Error != "" {
		b.t.Fatalf("browser: %s: %s", b.Path(), r.Error)
	}
	if r.Kind != "checkbox" {
		b.t.Fatalf("browser: %s: field %q is not a checkbox (%s)", b.Path(), field, r.Kind)
	}
	if r.Checked != on {
		do(b, "click the checkbox "+field, chromedp.Click(chromedp.CSS(r.Selector)))
	}
}

// Submit presses the button named button (its text, value, aria-label or name) as a
// person clicks it, waits for the page it leads to and returns its HTTP status.
func (b *Browser) Submit(button string) int {
	b.t.Helper()
	return b.press("button", button)
}

// Follow clicks the link whose text (or aria-label) is link, waits for the page it
// leads to and returns its HTTP status.
func (b *Browser) Follow(link string) int {
	b.t.Helper()
	return b.press("link", link)
}

// loadedJS resolves once the page has loaded whole (its load event): a click
// before that, on a page that a redirect has only just brought, can be lost.
const loadedJS = `() => new Promise(done => document.readyState === "complete" ? done(true) : addEventListener("load", () => done(true), {once: true}))`

func (b *Browser) press(kind, name string) int {
	b.t.Helper()
	eval[bool](b, "wait for the page to load", loadedJS)
	r := eval[located](b, "find the "+kind+" "+name, findClickableJS, kind, name)
	if r.Error != "" {
		b.t.Fatalf("browser: %s: %s", b.Path(), r.Error)
	}
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	b.tab.clearConsole()
	sel, _ := json.Marshal(r.Selector)
	// The element's own click (what a press of Enter on it gives too): a mouse
	// click at the coordinates of a link that a busy page is still scrolling into
	// view was lost under the race detector.
	click := chromedp.Action[chromedp.Void](func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](`(() => { const el = document.querySelector(`+string(sel)+`); el.scrollIntoView({block: "center", behavior: "instant"}); el.click(); return true })()`)(ctx, t)
		return chromedp.Void{}, err
	})
	resp, err := chromedp.RunResponse(ctx, click)
	if err != nil {
		b.t.Fatalf("browser: click the %s %q: %v (no page loaded?)", kind, name, err)
	}
	return int(resp.Status)
}

// Screenshot saves a full-page PNG of the current page as <name>-<width>.png in the
// test's screenshot folder (see the package doc) and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png := run(b, "take a screenshot", chromedp.FullScreenshot(100))
	dir := b.screenshotDir()
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.png", safeName(name), b.tab.width))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("browser: save the screenshot: %v", err)
	}
	b.t.Logf("screenshot of %s at %d px: %s", b.Path(), b.tab.width, path)
	return path
}

// ScreenshotDir is the folder where this test's screenshots go.
func (b *Browser) ScreenshotDir() string {
	b.t.Helper()
	return b.screenshotDir()
}

// emptiedDirs are the screenshot folders this run has emptied.
var emptiedDirs sync.Map

func (b *Browser) screenshotDir() string {
	if b.tab.shots != "" {
		return b.tab.shots
	}
	var dir string
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		dir = b.tab.owner.ArtifactDir()
	} else {
		pkg := strings.TrimSuffix(filepath.Base(os.Args[0]), ".test")
		dir = filepath.Join(os.TempDir(), "samenspel-screenshots", pkg, safeName(b.tab.owner.Name()))
		// Emptied once a run, by the test's first browser: a second browser of the
		// same test (another visitor) adds to the folder, never wipes the first's.
		if _, seen := emptiedDirs.LoadOrStore(dir, true); !seen {
			if err := os.RemoveAll(dir); err != nil {
				b.t.Fatal(err)
			}
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Fatal(err)
		}
	}
	b.tab.shots = dir
	return dir
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string { return strings.Trim(unsafeChars.ReplaceAllString(s, "_"), "_") }

// SideScroll reports whether the page scrolls sideways at the current width
// (document.documentElement.scrollWidth > window.innerWidth) and, if it does, the
// outermost elements that stick out past the right edge, as CSS selectors.
func (b *Browser) SideScroll() (scrollWidth, innerWidth int, culprits []string) {
	b.t.Helper()
	r := eval[struct {
		ScrollWidth int      `json:"scrollWidth"`
		InnerWidth  int      `json:"innerWidth"`
		Culprits    []string `json:"culprits"`
	}](b, "measure the width", sideScrollJS)
	if r.ScrollWidth <= r.InnerWidth {
		return r.ScrollWidth, r.InnerWidth, nil
	}
	return r.ScrollWidth, r.InnerWidth, r.Culprits
}

// CheckNoSideScroll fails the test (t.Errorf) when the page scrolls sideways at the
// current width, naming the elements that stick out.
func (b *Browser) CheckNoSideScroll() {
	b.t.Helper()
	sw, iw, culprits := b.SideScroll()
	if sw > iw {
		b.t.Errorf("%s at %d px scrolls sideways: scrollWidth %d > innerWidth %d; sticking out: %s",
			b.Path(), b.tab.width, sw, iw, strings.Join(culprits, ", "))
	}
}

// sideScrollJS measures the page and names at most 8 elements that stick out past
// the viewport's right edge, outside any box that scrolls or clips them: the outermost
// boxes that do (their parent's box does not), and boxes whose own text runs past it.
const sideScrollJS = `() => {
  const iw = window.innerWidth, out = [];
  const sel = e => {
    let s = e.tagName.toLowerCase();
    if (e.id) return s + '#' + e.id;
    if (e.classList.length) s += '.' + [...e.classList].join('.');
    const p = e.parentElement;
    if (p && [...p.children].filter(c => c.tagName === e.tagName).length > 1)
      s += ':nth-of-type(' + ([...p.children].filter(c => c.tagName === e.tagName).indexOf(e) + 1) + ')';
    if (p && p !== document.body && p !== document.documentElement) s = sel(p) + ' > ' + s;
    return s;
  };
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    return false;
  };
  const past = x => x > iw + 0.5;
  for (const e of document.body.querySelectorAll('*')) {
    if (out.length >= 8) break;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || clipped(e)) continue;
    const p = e.parentElement;
    if (past(r.right)) {
      if (p && p !== document.body && past(p.getBoundingClientRect().right)) continue;
      out.push(sel(e) + ' (right edge at ' + Math.round(r.right) + ' px)');
    } else if (getComputedStyle(e).overflowX === 'visible' && past(r.left + e.scrollWidth) &&
               [...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())) {
      out.push(sel(e) + ' (its text runs to ' + Math.round(r.left + e.scrollWidth) + ' px)');
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: iw, culprits: out};
}`

// located is what findFieldJS and findClickableJS answer: the element, marked with a
// data-browsertest attribute so a CSS selector finds it, or why none.
type located struct {
	Selector string `json:"selector"`
	Kind     string `json:"kind"`  // text, select, check (one of a group), checkbox, radio, file, ...
	Value    string `json:"value"` // for a select: the value of the chosen option
	Checked  bool   `json:"checked"`
	Error    string `json:"error"`
}

// The JavaScript below is called as fn(...args); each marks the element it finds
// with a fresh data-browsertest number.
const markJS = `
  const norm = s => (s || '').replace(/\s+/g, ' ').trim();
  const mark = e => {
    window.__browsertest = (window.__browsertest || 0) + 1;
    e.setAttribute('data-browsertest', String(window.__browsertest));
    return '[data-browsertest="' + window.__browsertest + '"]';
  };
  const labelText = l => {
    // The label's own words, without those of a control or error inside it.
    const c = l.cloneNode(true);
    c.querySelectorAll('input,select,textarea').forEach(x => x.remove());
    return norm(c.textContent);
  };`

const findFieldJS = `((field, value) => {` + markJS + `
  const want = norm(field);
  const controls = [...document.querySelectorAll('input:not([type=hidden]),select,textarea')];
  let found = [];
  const labels = [...document.querySelectorAll('label')].filter(l => l.control);
  found = labels.filter(l => labelText(l) === want).map(l => l.control);
  if (!found.length) found = controls.filter(c => norm(c.getAttribute('aria-label')) === want);
  if (!found.length) found = controls.filter(c => c.name === field);
  if (!found.length) found = controls.filter(c => c.id === field);
  if (!found.length) found = labels.filter(l => labelText(l).startsWith(want)).map(l => l.control);
  found = [...new Set(found)];
  if (!found.length) {
    // A group: the fieldset whose legend is field, and in it the option labelled value.
    const sets = [...document.querySelectorAll('fieldset')].filter(f => {
      const lg = f.querySelector(':scope > legend');
      return lg && norm(lg.textContent) === want;
    });
    if (sets.length === 1) {
      const opts = [...sets[0].querySelectorAll('input[type=radio],input[type=checkbox]')]
        .filter(i => [...i.labels].some(l => labelText(l) === norm(value)) || i.value === value);
      if (opts.length !== 1) return {error: 'fieldset "' + field + '" has ' + opts.length + ' options labelled "' + value + '"'};
      return {selector: mark(opts[0]), kind: 'check', checked: opts[0].checked};
    }
    return {error: 'no field labelled or named "' + field + '"'};
  }
  if (found.length > 1) return {error: found.length + ' fields match "' + field + '"'};
  const e = found[0];
  if (e.tagName === 'SELECT') {
    const o = [...e.options].find(o => norm(o.textContent) === norm(value)) || [...e.options].find(o => o.value === value);
    if (!o) return {error: 'select "' + field + '" has no option "' + value + '"'};
    return {selector: mark(e), kind: 'select', value: o.value};
  }
  if (e.tagName === 'TEXTAREA') return {selector: mark(e), kind: 'text'};
  const t = (e.getAttribute('type') || 'text').toLowerCase();
  if (t === 'checkbox' || t === 'radio') return {selector: mark(e), kind: t, checked: e.checked};
  if (['submit', 'button', 'reset', 'image', 'file'].includes(t)) return {selector: mark(e), kind: t};
  return {selector: mark(e), kind: 'text'};
})`

const findClickableJS = `((kind, name) => {` + markJS + `
  const want = norm(name);
  const els = kind === 'link'
    ? [...document.querySelectorAll('a[href]')]
    : [...document.querySelectorAll('button, input[type=submit], input[type=button], input[type=image]')];
  const text = e => norm(e.tagName === 'INPUT' ? e.value : e.innerText);
  let found = els.filter(e => text(e) === want);
  if (!found.length) found = els.filter(e => norm(e.getAttribute('aria-label')) === want);
  if (!found.length && kind !== 'link') found = els.filter(e => e.name === name);
  if (!found.length) return {error: 'no ' + kind + ' "' + name + '"'};
  if (found.length > 1) return {error: found.length + ' ' + kind + 's "' + name + '"'};
  return {selector: mark(found[0]), kind: kind};
})`

// do runs a chromedp action on the tab within the action timeout; an error fails the
// test.
func do(b *Browser, what string, a chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	run(b, what, a)
}

func run[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// eval calls the JavaScript function fn with args (JSON-encoded) and decodes its
// answer into T.
func eval[T any](b *Browser, what, fn string, args ...any) T {
	b.t.Helper()
	if args == nil {
		args = []any{}
	}
	js, err := json.Marshal(args)
	if err != nil {
		b.t.Fatal(err)
	}
	expr := fmt.Sprintf("(%s)(...%s)", fn, js)
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

func (t *tab) clearConsole() {
	t.mu.Lock()
	t.console = nil
	t.mu.Unlock()
}

// markPrefix starts the console.debug messages of syncConsole.
const markPrefix = "browsertest-mark-"

// syncConsole waits until every console message the page wrote so far has been
// collected: it writes a mark to the console, which comes after them, and waits
// for it. (The browser's own entries, such as a failed load, can still come later.)
func (b *Browser) syncConsole() {
	b.t.Helper()
	b.tab.mu.Lock()
	b.tab.marks++
	mark := fmt.Sprintf("%s%d", markPrefix, b.tab.marks)
	b.tab.mu.Unlock()
	eval[chromedp.Void](b, "mark the console", `(m => console.debug(m))`, mark)
	for deadline := time.Now().Add(actionTimeout); ; time.Sleep(5 * time.Millisecond) {
		b.tab.mu.Lock()
		seen := b.tab.mark == mark
		b.tab.mu.Unlock()
		if seen {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("browser: the console's messages did not arrive in %v", actionTimeout)
		}
	}
}

// ConsoleErrors are the errors and uncaught exceptions in the console since the
// current page was opened (by Go, Submit or Follow), each with where it came from,
// such as a script or style that the Content-Security-Policy refused. Not counted:
// the failed load of the page itself (Go returns its status) and of /favicon.ico,
// and what the test's own scripts (axe-core's) caused; a message that repeats is
// given once.
func (b *Browser) ConsoleErrors() []string {
	b.t.Helper()
	page := b.URL()
	b.syncConsole()
	b.tab.mu.Lock()
	defer b.tab.mu.Unlock()
	var out []string
	seen := map[string]bool{}
	for _, m := range b.tab.console {
		// Without a URL a message comes from script that the test evaluated, such
		// as axe-core's re-reading of the stylesheets into <style> elements, which
		// a strict Content-Security-Policy refuses.
		if m.URL == "" || m.Source == "network" && (m.URL == page || strings.HasSuffix(m.URL, "/favicon.ico")) {
			continue
		}
		s := fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1)
		if !seen[s] { // axe-core fetches a stylesheet that failed once more
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// CheckConsole fails the test (t.Errorf) for each of ConsoleErrors.
func (b *Browser) CheckConsole() {
	b.t.Helper()
	for _, e := range b.ConsoleErrors() {
		b.t.Errorf("%s at %d px: console %s", b.Path(), b.tab.width, e)
	}
}

// CheckPage runs the checks every page must pass at the current width and keeps a
// screenshot named name: axe-core's serious and critical violations (CheckAxe),
// sideways scrolling (CheckNoSideScroll) and errors in the console (CheckConsole)
// fail the test. It returns the screenshot's path.
func (b *Browser) CheckPage(name string) string {
	b.t.Helper()
	path := b.Screenshot(name)
	b.CheckAxe()
	b.CheckNoSideScroll()
	b.CheckConsole()
	return path
}
