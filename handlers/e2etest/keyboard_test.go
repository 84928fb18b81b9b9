package e2etest_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"netcourt/models"
)

// The keyboard helpers send key events only: no mouse, no element.click() from script.

// typeInto moves focus to the field with Tab and types the text.
func typeInto(t *testing.T, b *tab, sel, text string) {
	t.Helper()
	keyboardTo(t, b, sel)
	b.do(t, "type into "+sel, chromedp.KeyEvent(text))
}

// spaceOn moves focus to a checkbox with Tab and presses Space, which must tick it.
func spaceOn(t *testing.T, b *tab, sel string) {
	t.Helper()
	keyboardTo(t, b, sel)
	b.do(t, "Space", chromedp.KeyEvent(" "))
	if !eval[bool](t, b, `document.activeElement.checked`) {
		b.fatal(t, "Space did not tick %s", sel)
	}
}

// chooseRadio tabs into a radio group (focus lands on its first button when none is chosen)
// and moves down the group with the arrow key until the wanted button is focused and chosen.
func chooseRadio(t *testing.T, b *tab, name, value string) {
	t.Helper()
	keyboardTo(t, b, fmt.Sprintf(`input[type=radio][name=%q]`, name))
	want := fmt.Sprintf(`input[type=radio][name=%q][value=%q]`, name, value)
	if !eval[bool](t, b, fmt.Sprintf(`document.activeElement.matches(%q)`, want)) {
		for i := 0; ; i++ {
			if i == 20 {
				b.fatal(t, "the arrow keys do not reach %s", want)
			}
			b.do(t, "ArrowDown", chromedp.KeyEvent(kb.ArrowDown))
			if eval[bool](t, b, fmt.Sprintf(`document.activeElement.matches(%q)`, want)) {
				break
			}
		}
	} else {
		b.do(t, "Space", chromedp.KeyEvent(" "))
	}
	assertFocusVisible(t, b, want)
	if !eval[bool](t, b, `document.activeElement.checked`) {
		b.fatal(t, "%s is focused but not chosen", want)
	}
}

// activate moves focus to a link or button with Tab and presses Enter, waiting for the page
// it leads to; it returns that page's path.
func activate(t *testing.T, b *tab, sel string) string {
	t.Helper()
	keyboardTo(t, b, sel)
	pressEnter(t, b)
	return b.path(t)
}

var complaintPath = regexp.MustCompile(`^/cases/(\d+)/complaint$`)

// TestKeyboardOnlyFiling files a complaint with the keyboard alone, from the task list through
// every section, the evidence upload, check your answers and the declaration to the
// confirmation page. Only the file chooser, which no keyboard can drive in a headless
// browser, is filled by DevTools, on the file input the keyboard has focused.
func TestKeyboardOnlyFiling(t *testing.T) {
	p := startPortal(t)
	pl := p.F.Plaintiff(t)
	b := p.newTab(t, "plaintiff", false)
	// The filing pages are checked by axe in the journey; this test is about the keyboard.
	b.axe = false

	b.expectOpen(t, "/login?next=/cases", http.StatusOK)
	typeInto(t, b, "#email", pl.Email)
	typeInto(t, b, "#password", "correct horse battery staple")
	if got := activate(t, b, `main form button[type=submit]`); got != "/cases" {
		b.fatal(t, "signed in at %s", got)
	}

	m := complaintPath.FindStringSubmatch(activate(t, b, `main form[action="/cases/new"] button[type=submit]`))
	if m == nil {
		b.fatal(t, "starting a complaint led to %s", b.path(t))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	base := fmt.Sprintf("/cases/%d", id)
	save := `main form[method=post] button[type=submit]`

	// From the task list into the first section; "Save and continue" then leads through the
	// sections in order.
	if got := activate(t, b, fmt.Sprintf(`main .task-list a[href=%q]`, base+"/complaint/defendant")); got != base+"/complaint/defendant" {
		b.fatal(t, "the first task led to %s", got)
	}
	typeInto(t, b, `[id="defendant.name"]`, "ShopApp Technology Co., Ltd.")
	typeInto(t, b, `[id="defendant.uscc"]`, models.CompleteUSCC("91110000MA01ABCD2"))
	chooseRadio(t, b, "defendant.sector", "ecommerce")
	typeInto(t, b, `[id="defendant.platform"]`, "ShopApp")
	typeInto(t, b, `[id="defendant.address"]`, "1 Some Road, Haidian, Beijing")
	if got := activate(t, b, save); got != base+"/complaint/categories" {
		b.fatal(t, "after the defendant section: at %s", got)
	}

	spaceOn(t, b, `input[name="categories"][value="forced_consent"]`)
	spaceOn(t, b, `input[name="categories"][value="excessive_collection"]`)
	if got := activate(t, b, save); got != base+"/complaint/info" {
		b.fatal(t, "after the categories: at %s", got)
	}

	spaceOn(t, b, `input[name="info_types"][value="location"]`)
	if got := activate(t, b, save); got != base+"/complaint/facts" {
		b.fatal(t, "after the information types: at %s", got)
	}

	typeInto(t, b, "#facts", "ShopApp refused to work unless I allowed location access at all times.")
	if got := activate(t, b, save); got != base+"/complaint/requests" {
		b.fatal(t, "after the facts: at %s", got)
	}

	spaceOn(t, b, `input[name="stop_processing"]`)
	spaceOn(t, b, `input[name="deletion"]`)
	typeInto(t, b, `[id="requests.compensation"]`, "2900.00")
	if got := activate(t, b, save); got != base+"/complaint/evidence" {
		b.fatal(t, "after the requests: at %s", got)
	}

	path := filepath.Join(t.TempDir(), "chat.txt")
	if err := os.WriteFile(path, []byte("Support: no location, no service.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	typeInto(t, b, "#evidence_title", "Chat with support")
	typeInto(t, b, "#evidence_description", "Taken on 1 March.")
	keyboardTo(t, b, "#evidence_file")
	// The one step a keyboard cannot take headless: choosing the file in the chooser.
	b.upload(t, "evidence_file", path)
	if got := activate(t, b, `main form[enctype="multipart/form-data"] button[type=submit]`); got != base+"/complaint/evidence?added=1" {
		b.fatal(t, "after the upload: at %s", got)
	}
	b.mustSee(t, "Chat with support")

	// Back to the task list: every section is complete.
	if got := activate(t, b, fmt.Sprintf(`main a:not(.back-link)[href=%q]`, base+"/complaint")); got != base+"/complaint" {
		b.fatal(t, "the task list link led to %s", got)
	}
	if n := eval[int](t, b, `document.querySelectorAll("main .task-list .tag.ok").length`); n != len([]string{"defendant", "categories", "info", "facts", "requests", "evidence"}) {
		b.fatal(t, "%d sections complete on the task list, want 6:\n%.1200s", n, b.text(t))
	}
	if got := activate(t, b, fmt.Sprintf(`main .task-list a[href=%q]`, base+"/check")); got != base+"/check" {
		b.fatal(t, "the check task led to %s", got)
	}
	b.mustSee(t, "ShopApp Technology Co., Ltd.", "2900.00")
	if got := activate(t, b, fmt.Sprintf(`main a[href=%q]`, base+"/declaration")); got != base+"/declaration" {
		b.fatal(t, "the declaration link led to %s", got)
	}
	spaceOn(t, b, "#declaration")
	if got := activate(t, b, save); got != base+"/check#submit" {
		b.fatal(t, "after declaring: at %s", got)
	}
	if got := activate(t, b, fmt.Sprintf(`main form[action=%q] button[type=submit]`, base+"/submit")); got != base+"/confirmation" {
		b.fatal(t, "after submitting: at %s:\n%.800s", got, b.text(t))
	}
	c, err := p.F.Store.CaseFor(context.Background(), pl, id)
	if err != nil || c.Status != models.StatusSubmitted || c.Reference == nil {
		t.Fatalf("after the keyboard filing: %v, %+v", err, c)
	}
	b.mustSee(t, *c.Reference)
}
