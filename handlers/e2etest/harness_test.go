package e2etest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/labstack/echo/v4"

	"netcourt/handlers"
	tk "netcourt/models/testkit"
	"netcourt/templates"
)

// Environment switches.
const (
	skipEnv      = "NETCOURT_SKIP_BROWSER" // "1" skips every browser test
	chromiumEnv  = "NETCOURT_CHROMIUM"     // path of the browser (default /usr/bin/chromium)
	axeEnv       = "NETCOURT_AXE"          // path of axe.min.js
	artifactsEnv = "NETCOURT_ARTIFACTS"    // where failure screenshots go (default .ci/artifacts/e2e)
)

// actionTimeout bounds every single browser action; nothing waits without a limit.
const actionTimeout = 30 * time.Second

// axeTags are the rule sets run on every page: WCAG 2.0, 2.1 and 2.2, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserStop func()
	browserErr  error
	axeJS       string

	catalogOnce sync.Once
	catalog     *handlers.Catalog

	// checked counts the distinct pages axe passed, as role|lang|js|path.
	checkedMu sync.Mutex
	checked   = map[string]bool{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if browserStop != nil {
		browserStop()
	}
	if n := checkedCount(); n > 0 {
		fmt.Printf("e2e: axe-core found no WCAG 2.2 A/AA violation on %d distinct pages (role × language × JS mode × path)\n", n)
	}
	os.Exit(code)
}

func checkedCount() int {
	checkedMu.Lock()
	defer checkedMu.Unlock()
	return len(checked)
}

// repoRoot finds the directory holding go.mod.
func repoRoot() string {
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

func findChromium() (string, error) {
	if p := os.Getenv(chromiumEnv); p != "" {
		return p, nil
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	for _, n := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium not found: install it (apt-get install -y chromium), set " + chromiumEnv + ", or set " + skipEnv + "=1")
}

func findAxe() (string, error) {
	cands := []string{os.Getenv(axeEnv), filepath.Join(repoRoot(), ".ci", "node", "node_modules", "axe-core", "axe.min.js")}
	if out, err := exec.Command("npm", "root", "-g").Output(); err == nil {
		cands = append(cands, filepath.Join(strings.TrimSpace(string(out)), "axe-core", "axe.min.js"))
	}
	for _, p := range cands {
		if p == "" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			return string(b), nil
		}
	}
	return "", errors.New("axe-core not found: run .ci/install-axe.sh, or set " + axeEnv + " to axe.min.js")
}

// startBrowser launches one headless Chromium for the whole package; each tab gets its own
// browser context (its own cookies), so roles never share a session.
func startBrowser() {
	exe, err := findChromium()
	if err != nil {
		browserErr = err
		return
	}
	if axeJS, err = findAxe(); err != nil {
		browserErr = err
		return
	}
	dir, err := os.MkdirTemp("", "netcourt-chromium-")
	if err != nil {
		browserErr = err
		return
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("lang", "en-GB"),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		bcancel()
		acancel()
		_ = os.RemoveAll(dir)
		browserErr = fmt.Errorf("start chromium: %w", err)
		return
	}
	browserCtx = bctx
	browserStop = func() {
		bcancel()
		acancel()
		_ = os.RemoveAll(dir)
	}
}

// needBrowser returns the shared browser, skipping only when NETCOURT_SKIP_BROWSER=1.
func needBrowser(t testing.TB) context.Context {
	t.Helper()
	if os.Getenv(skipEnv) == "1" {
		t.Skip(skipEnv + "=1: browser tests skipped")
	}
	browserOnce.Do(startBrowser)
	if browserErr != nil {
		t.Fatalf("browser: %v", browserErr)
	}
	return browserCtx
}

// msg looks up a catalog message, so tests find buttons by the text a person sees.
func msg(lang, key string) string {
	catalogOnce.Do(func() {
		var err error
		catalog, err = handlers.LoadCatalog(templates.FS, "i18n")
		if err != nil {
			panic(err)
		}
	})
	return catalog.T(lang, key)
}

// --- the portal under test ---

// portal is one running server on 127.0.0.1 with its fixture, and the screenshots taken.
type portal struct {
	F    *tk.Fixture
	E    *echo.Echo
	URL  string
	shot *shots
}

func startPortal(t *testing.T) *portal {
	t.Helper()
	needBrowser(t)
	// The browser judges cookie expiry by the real clock, so the fixture's clock starts now.
	f := tk.NewStore(t, tk.WithStart(time.Now().UTC().Truncate(time.Second)))
	e := tk.NewServer(t, f)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	p := &portal{F: f, E: e, URL: srv.URL, shot: &shots{}}
	t.Cleanup(func() { p.shot.saveIfFailed(t) })
	return p
}

// shots keeps a screenshot of every page visited; they are written out only on failure.
type shots struct {
	mu   sync.Mutex
	list []shot
}

type shot struct {
	name string
	png  []byte
}

const maxShots = 400

func (s *shots) add(name string, png []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.list) >= maxShots {
		s.list = s.list[1:]
	}
	s.list = append(s.list, shot{name, png})
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func (s *shots) saveIfFailed(t *testing.T) {
	if !t.Failed() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dir := os.Getenv(artifactsEnv)
	if dir == "" {
		dir = filepath.Join(repoRoot(), ".ci", "artifacts", "e2e")
	}
	dir = filepath.Join(dir, unsafeName.ReplaceAllString(t.Name(), "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		dir = t.TempDir()
	}
	for i, sh := range s.list {
		name := fmt.Sprintf("%03d-%s.png", i+1, unsafeName.ReplaceAllString(sh.name, "_"))
		if len(name) > 120 {
			name = name[:116] + ".png"
		}
		_ = os.WriteFile(filepath.Join(dir, name), sh.png, 0o644)
	}
	t.Logf("%d screenshots of the pages visited are in %s", len(s.list), dir)
}

// --- one person's browser tab ---

// tab is one role's browser: its own cookie jar, JavaScript on or off, a trap that fails the
// test when any JavaScript dialog opens, and the pages it visited (for the language tour).
type tab struct {
	role    string
	ctx     context.Context
	p       *portal
	noJS    bool
	lang    string
	axe     bool // run axe and the reflow check on every page
	dialogs atomic.Int64
	dialogM sync.Mutex
	dialogT []string
	visited []string
}

func (p *portal) newTab(t *testing.T, role string, noJS bool) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(needBrowser(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &tab{role: role, ctx: ctx, p: p, noJS: noJS, lang: "en", axe: true}
	if err := chromedp.Do(ctx); err != nil { // creates the tab; no deadline on this first call
		t.Fatalf("%s: open a tab: %v", role, err)
	}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.dialogs.Add(1)
			b.dialogM.Lock()
			b.dialogT = append(b.dialogT, fmt.Sprintf("%s dialog %q on %s", ev.Type, ev.Message, ev.URL))
			b.dialogM.Unlock()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	if noJS {
		ctx2, cancel2 := context.WithTimeout(ctx, actionTimeout)
		defer cancel2()
		if _, err := chromedp.Call(ctx2, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("%s: disable JavaScript: %v", role, err)
		}
	}
	return b
}

// try runs one action with the action deadline.
func try[T any](b *tab, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// run runs one action with the action deadline and stops the test if it fails.
func run[T any](t testing.TB, b *tab, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := try(b, a)
	if err != nil {
		b.fatal(t, "%s: %v", what, err)
	}
	return v
}

func (b *tab) mode() string {
	if b.noJS {
		return "nojs"
	}
	return "js"
}

// fatal takes a screenshot of where the tab is and stops the test.
func (b *tab) fatal(t testing.TB, format string, args ...any) {
	t.Helper()
	b.snap("FAILED-" + b.role)
	t.Fatalf("[%s %s] %s", b.role, b.mode(), fmt.Sprintf(format, args...))
}

func (b *tab) snap(name string) {
	if png, err := try(b, chromedp.CaptureScreenshot()); err == nil {
		b.p.shot.add(b.role+"-"+b.mode()+"-"+name, png)
	}
}

func (b *tab) do(t testing.TB, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	run(t, b, what, chromedp.Steps(actions...))
}

// eval runs an expression in the page. DevTools evaluation works with page scripts disabled.
func eval[T any](t testing.TB, b *tab, expr string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	return run(t, b, fmt.Sprintf("evaluate %.80q", expr), chromedp.Evaluate[T](expr, opts...))
}

// open loads a path and checks the page; it returns the HTTP status.
func (b *tab) open(t testing.TB, path string) int64 {
	t.Helper()
	resp := run(t, b, "open "+path, chromedp.NavigateResponse(b.p.URL+path))
	b.afterLoad(t, "GET "+path)
	return resp.Status
}

// expectOpen opens a path and fails unless the status is want.
func (b *tab) expectOpen(t testing.TB, path string, want int64) {
	t.Helper()
	if got := b.open(t, path); got != want {
		b.fatal(t, "GET %s: status %d, want %d", path, got, want)
	}
}

// submit clicks a button and waits for the page it leads to; it returns the final status.
func (b *tab) submit(t testing.TB, sel string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.Search(sel)))
	if err != nil {
		b.fatal(t, "click %s: %v", sel, err)
	}
	b.afterLoad(t, "after "+sel)
	return resp.Status
}

// button is an XPath to a button in main whose visible text is the catalog message.
func (b *tab) button(key string) string {
	return fmt.Sprintf(`//main//button[normalize-space()=%s]`, xpathString(msg(b.lang, key)))
}

func xpathString(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return `concat("` + strings.ReplaceAll(s, `"`, `", '"', "`) + `")`
}

// fill sets a field's value (by its id, which may hold dots) as typing would, replacing what
// was there.
func (b *tab) fill(t testing.TB, id, value string) {
	t.Helper()
	b.do(t, "fill #"+id, chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`[id=%q]`, id)), value))
}

// fillName sets the value of the first field with this name.
func (b *tab) fillName(t testing.TB, name, value string) {
	t.Helper()
	b.do(t, "fill "+name, chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`main [name=%q]`, name)), value))
}

// tick clicks a checkbox or radio button (by CSS) that is not yet checked.
func (b *tab) tick(t testing.TB, css string) {
	t.Helper()
	if eval[bool](t, b, fmt.Sprintf(`document.querySelector(%q).checked`, css)) {
		return
	}
	b.do(t, "tick "+css, chromedp.Click(chromedp.CSS(css)))
}

// link is an XPath to a link in main whose text is the catalog message.
func (b *tab) link(key string) string {
	return fmt.Sprintf(`//main//a[normalize-space()=%s]`, xpathString(msg(b.lang, key)))
}

// upload attaches local files to a file input.
func (b *tab) upload(t testing.TB, id string, files ...string) {
	t.Helper()
	b.do(t, "attach files", chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf(`[id=%q]`, id)), files))
}

// path is the current location's path and query.
func (b *tab) path(t testing.TB) string {
	t.Helper()
	return strings.TrimPrefix(run(t, b, "location", chromedp.Location()), b.p.URL)
}

func (b *tab) html(t testing.TB) string {
	t.Helper()
	return run(t, b, "read the page", chromedp.OuterHTML(chromedp.CSS("html")))
}

// text is the visible text of main.
func (b *tab) text(t testing.TB) string {
	t.Helper()
	return eval[string](t, b, `document.querySelector("main") ? document.querySelector("main").innerText : document.body.innerText`)
}

func (b *tab) mustSee(t testing.TB, want ...string) {
	t.Helper()
	txt := b.text(t)
	for _, w := range want {
		if !strings.Contains(txt, w) {
			b.fatal(t, "page %s does not show %q:\n%.1500s", b.path(t), w, txt)
		}
	}
}

// afterLoad runs the checks every page gets: no dialog, a language on <html>, and (when the
// tab runs them) axe-core and the 320 px reflow check; then it keeps a screenshot.
func (b *tab) afterLoad(t testing.TB, label string) {
	t.Helper()
	b.snap(label)
	if n := b.dialogs.Load(); n > 0 {
		b.dialogM.Lock()
		d := strings.Join(b.dialogT, "; ")
		b.dialogM.Unlock()
		b.fatal(t, "%d JavaScript dialog(s) opened (script injection?): %s", n, d)
	}
	loc := b.path(t)
	if eval[string](t, b, `document.contentType`) != "text/html" {
		return // JSON or a file shown by the browser: no page to check
	}
	if l := eval[string](t, b, `document.documentElement.lang`); l != "en" && l != "zh-CN" {
		b.fatal(t, "%s: <html lang=%q>", loc, l)
	}
	b.lang = "en"
	if eval[string](t, b, `document.documentElement.lang`) == "zh-CN" {
		b.lang = "zh"
	}
	if !b.axe {
		return
	}
	b.runAxe(t, loc)
	b.checkReflow(t, loc)
	pathOnly := loc
	if i := strings.IndexByte(pathOnly, '?'); i >= 0 {
		pathOnly = pathOnly[:i]
	}
	checkedMu.Lock()
	checked[b.role+"|"+b.lang+"|"+b.mode()+"|"+pathOnly] = true
	checkedMu.Unlock()
	if key := strings.TrimRight(langParam.ReplaceAllString(loc, "$1"), "?&"); !contains(b.visited, key) {
		b.visited = append(b.visited, key)
	}
}

// langParam matches a lang query parameter, so a page is remembered once whatever language.
var langParam = regexp.MustCompile(`([?&])lang=[a-z]+&?`)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// scripts switches page script execution on or off.
func (b *tab) scripts(t testing.TB, on bool) {
	t.Helper()
	run(t, b, "switch scripts", func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return chromedp.Void{}, err
	})
}

// runAxe injects axe-core and fails on any WCAG 2.2 A/AA violation.
func (b *tab) runAxe(t testing.TB, loc string) {
	t.Helper()
	if b.noJS {
		// axe schedules work with timers, which do not run while page scripts are off. The
		// page has already loaded without its scripts; allow them only while axe runs.
		b.scripts(t, true)
		defer b.scripts(t, false)
	}
	if !eval[bool](t, b, `typeof window.axe === "object"`) {
		run(t, b, "inject axe-core", chromedp.Evaluate[chromedp.Void](axeJS))
	}
	tags, _ := json.Marshal(axeTags)
	raw := eval[[]byte](t, b, `axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`}, resultTypes: ["violations"]}).then(r => r.violations)`,
		chromedp.EvalAwaitPromise)
	var vs []axeViolation
	if err := json.Unmarshal(raw, &vs); err != nil {
		b.fatal(t, "axe result: %v", err)
	}
	if len(vs) == 0 {
		return
	}
	var sb strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&sb, "\n  %s (%s): %s", v.ID, v.Impact, v.Help)
		for i, n := range v.Nodes {
			if i == 5 {
				fmt.Fprintf(&sb, "\n    … %d more", len(v.Nodes)-5)
				break
			}
			fmt.Fprintf(&sb, "\n    %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
		}
	}
	b.fatal(t, "axe-core: %d violation(s) on %s [%s]:%s", len(vs), loc, b.lang, sb.String())
}

// checkReflow narrows the viewport to 320 CSS px and fails if the page scrolls sideways
// (WCAG 1.4.10), then restores the desktop width.
func (b *tab) checkReflow(t testing.TB, loc string) {
	t.Helper()
	b.do(t, "narrow viewport", chromedp.EmulateViewport(320, 640, chromedp.EmulateMobile))
	w := eval[int](t, b, `document.documentElement.scrollWidth`)
	if w > 320 {
		wide := eval[string](t, b, `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > 321).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).replace(/ /g, ".") : "")).join(", ")`)
		b.snap("reflow-" + loc)
		b.do(t, "reset viewport", chromedp.ResetViewport())
		b.fatal(t, "%s [%s] scrolls sideways at 320 px: scrollWidth %d; widest: %s", loc, b.lang, w, wide)
	}
	b.do(t, "reset viewport", chromedp.ResetViewport())
}

// tour revisits every page this tab saw, in both languages, so each is checked in English and
// Chinese. It returns how many page loads it made.
func (b *tab) tour(t *testing.T) int {
	t.Helper()
	pages := append([]string(nil), b.visited...)
	sort.Strings(pages)
	n := 0
	for _, lang := range []string{"zh", "en"} {
		for _, pth := range pages {
			u := strings.TrimRight(pth, "?&")
			if strings.Contains(u, "?") {
				u += "&lang=" + lang
			} else {
				u += "?lang=" + lang
			}
			b.open(t, u)
			if b.lang != lang {
				b.fatal(t, "%s: asked for %s, page is in %s", u, lang, b.lang)
			}
			n++
		}
	}
	return n
}
