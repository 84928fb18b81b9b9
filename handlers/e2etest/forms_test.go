package e2etest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// checkErrorSummary submits the form as it stands and checks the GOV.UK error pattern: a 422
// page whose error summary has focus (with JavaScript) and whose every link names a field
// that exists; wantFields must each be linked.
func checkErrorSummary(t *testing.T, b *tab, submit string, wantFields []string) {
	t.Helper()
	if st := b.submit(t, submit); st != http.StatusUnprocessableEntity {
		b.fatal(t, "empty form at %s: status %d, want 422", b.path(t), st)
	}
	if !eval[bool](t, b, `!!document.querySelector(".error-summary")`) {
		b.fatal(t, "no error summary at %s", b.path(t))
	}
	if b.noJS {
		// Proof that scripts really are off in this run: nothing moved focus.
		if eval[bool](t, b, `document.activeElement && document.activeElement.matches("[data-error-summary]")`) {
			b.fatal(t, "the summary has focus although page scripts are off")
		}
	} else {
		if !eval[bool](t, b, `document.activeElement && document.activeElement.matches("[data-error-summary]")`) {
			b.fatal(t, "the error summary does not take focus; focus is on %s", eval[string](t, b, `document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : "nothing"`))
		}
	}
	links := eval[[]string](t, b, `Array.from(document.querySelectorAll(".error-summary a")).map(a => a.getAttribute("href"))`)
	for _, href := range links {
		if !strings.HasPrefix(href, "#") || len(href) < 2 {
			b.fatal(t, "error summary link %q is not a link to a field", href)
		}
		id := href[1:]
		ok := eval[bool](t, b, fmt.Sprintf(`(function(){var e=document.getElementById(%q); return !!e && ["INPUT","SELECT","TEXTAREA","FIELDSET","BUTTON"].indexOf(e.tagName) >= 0 && e.getAttribute("aria-invalid") !== "false";})()`, id))
		if !ok {
			b.fatal(t, "error summary links to #%s, which is no form field on the page", id)
		}
		// Each field in error names its message for assistive technology, itself or through
		// the fieldset that groups it.
		if !eval[bool](t, b, fmt.Sprintf(`(function(){var e=document.getElementById(%q); var f=e.closest("fieldset"); var d=((e.getAttribute("aria-describedby")||"")+" "+(f?f.getAttribute("aria-describedby")||"":"")).split(/\s+/); return d.indexOf(%q) >= 0;})()`, id, id+"-error")) {
			b.fatal(t, "field #%s is not described by its error message", id)
		}
	}
	for _, f := range wantFields {
		if !contains(links, "#"+f) {
			b.fatal(t, "error summary does not link to #%s (links: %v)", f, links)
		}
	}
}

// formCase is one form submitted empty.
type formCase struct {
	role   string
	path   string
	submit string // catalog key of the submit button's text
	fields []string
}

// TestErrorSummaries submits each form empty, with and without JavaScript.
func TestErrorSummaries(t *testing.T) {
	forms := []formCase{
		{"anonymous", "/register", "register.submit", []string{"name", "email", "password"}},
		{"anonymous", "/login", "login.submit", nil},
	}
	for _, noJS := range []bool{false, true} {
		p := startPortal(t)
		b := p.newTab(t, "anonymous", noJS)
		for _, fc := range forms {
			t.Run(fmt.Sprintf("%s %s %s", b.mode(), fc.role, fc.path), func(t *testing.T) {
				b.expectOpen(t, fc.path, http.StatusOK)
				if fc.fields == nil {
					// A form whose only error is not about one field (bad credentials) still
					// shows a summary; its links, if any, must point at fields.
					if st := b.submit(t, b.button(fc.submit)); st >= 500 {
						b.fatal(t, "status %d", st)
					}
					if !eval[bool](t, b, `!!document.querySelector(".error-summary")`) {
						b.fatal(t, "no error summary")
					}
					return
				}
				checkErrorSummary(t, b, b.button(fc.submit), fc.fields)
			})
		}
	}
}

// TestKeyboardOnlyRegistration completes registration with the keyboard alone: Tab moves to
// each field in order, typing fills it, Enter on the button submits.
func TestKeyboardOnlyRegistration(t *testing.T) {
	p := startPortal(t)
	b := p.newTab(t, "plaintiff", false)
	b.expectOpen(t, "/register", http.StatusOK)
	keyboardTo(t, b, "#name")
	b.do(t, "type", chromedp.KeyEvent("Ada Lovelace"))
	keyboardTo(t, b, "#email")
	b.do(t, "type", chromedp.KeyEvent("ada@example.test"))
	keyboardTo(t, b, "#phone")
	b.do(t, "type", chromedp.KeyEvent("13800138000"))
	keyboardTo(t, b, "#password")
	b.do(t, "type", chromedp.KeyEvent("analytical engine notes"))
	keyboardTo(t, b, "main form button[type=submit]")
	pressEnter(t, b)
	if got := b.path(t); got != "/account?welcome=1" {
		b.fatal(t, "keyboard registration ended at %s", got)
	}
	b.mustSee(t, "Ada Lovelace")
}

// keyboardTo moves focus to the element matching sel with Tab, or with Shift+Tab when it
// lies before the focused element (at most 60 presses), failing if the keyboard cannot reach
// it. It also checks a focus indicator is drawn.
func keyboardTo(t *testing.T, b *tab, sel string) {
	t.Helper()
	match := fmt.Sprintf(`document.activeElement && document.activeElement.matches(%q)`, sel)
	// Shift+Tab when the target comes before the focused element in document order.
	back := eval[bool](t, b, fmt.Sprintf(`(function(){var a=document.activeElement, e=document.querySelector(%q);
		return !!a && !!e && a !== document.body && !!(e.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);})()`, sel))
	key, what := chromedp.KeyEvent("\t"), "Tab"
	if back {
		key, what = chromedp.KeyEvent("\t", chromedp.KeyModifiers(chromedp.ModifierShift)), "Shift+Tab"
	}
	for i := 0; i < 60; i++ {
		if eval[bool](t, b, match) {
			assertFocusVisible(t, b, sel)
			return
		}
		b.do(t, what, key)
	}
	b.fatal(t, "%s cannot be reached with %s", sel, what)
}

// assertFocusVisible fails unless the focused element draws an outline or a box shadow.
func assertFocusVisible(t *testing.T, b *tab, what string) {
	t.Helper()
	style := eval[string](t, b, `(function(){var s=getComputedStyle(document.activeElement); return s.outlineStyle + " " + s.outlineWidth + " " + s.boxShadow;})()`)
	if strings.HasPrefix(style, "none") && strings.HasSuffix(style, "none") || strings.HasPrefix(style, "solid 0px") && strings.HasSuffix(style, "none") {
		b.fatal(t, "%s has focus but no visible focus indicator (%s)", what, style)
	}
}

// pressEnter presses Enter on the focused element and waits for the page it leads to.
func pressEnter(t *testing.T, b *tab) {
	t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.KeyEvent("\r")); err != nil {
		b.fatal(t, "Enter: %v", err)
	}
	b.afterLoad(t, "after Enter")
}
