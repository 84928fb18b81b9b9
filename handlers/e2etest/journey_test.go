package e2etest_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"netcourt/models"
)

// tinyPNG is a valid 1×1 PNG.
var tinyPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")

// journey is one run of the whole story through the pages, each person in their own tab.
type journey struct {
	p    *portal
	noJS bool
	tabs map[string]*tab

	plaintiffName  string
	plaintiffEmail string
	password       string
	clerkEmail     string
	judgeEmail     string
	clerk, judge   *models.User
	admin          *models.User
	decoyRef       string // another plaintiff's case, which the docket filters must leave out
	caseID         int64
	reference      string
	docketNo       string
	accessCode     string
}

// step is one stage of the journey. Steps run in order, each as a subtest, and the journey
// stops at the first one that fails (later steps build on earlier ones).
type step struct {
	name string
	run  func(t *testing.T, j *journey)
}

// journeySteps is the story, in order. Each step leaves the case where the next expects it.
func journeySteps() []step {
	return []step{
		{"public home page in both languages", stepHome},
		{"plaintiff submits an empty registration form", stepRegisterEmpty},
		{"plaintiff registers", stepRegister},
		{"plaintiff signs out and in again", stepPlaintiffSignsIn},
		{"plaintiff reads account and inbox", stepAccountAndInbox},
		{"staff sign in", stepStaffSignIn},
		{"plaintiff starts a complaint", stepStartComplaint},
		{"plaintiff answers each section from the task list", stepSections},
		{"plaintiff uploads two evidence files", stepEvidence},
		{"plaintiff checks, declares and submits", stepSubmit},
		{"clerk finds the filing on the docket", stepDocket},
		{"clerk asks for an amendment", stepRequestAmendment},
		{"plaintiff sees the unread badge and reads the inbox", stepUnread},
		{"plaintiff amends and resubmits", stepAmend},
		{"clerk accepts with the suggested judge", stepAccept},
		{"clerk serves and reads the access code", stepServe},
		{"defendant claims the case", stepClaim},
		{"defendant answers and files evidence", stepAnswer},
		{"judge schedules the hearing", stepSchedule},
		{"judge records the hearing", stepRecord},
		{"judge rules", stepRule},
		{"judge publishes", stepPublish},
		{"the public reads the anonymised ruling", stepPublicRuling},
		{"admin reads the accounts and the audit log", stepAdmin},
	}
}

// TestJourney runs the journey with JavaScript on and with it off: the no-JS path must work.
func TestJourney(t *testing.T) {
	for _, noJS := range []bool{false, true} {
		name := "javascript"
		if noJS {
			name = "no-javascript"
		}
		t.Run(name, func(t *testing.T) { runJourney(t, noJS) })
	}
}

func runJourney(t *testing.T, noJS bool) {
	p := startPortal(t)
	j := &journey{p: p, noJS: noJS, tabs: map[string]*tab{},
		plaintiffName: "王小明", plaintiffEmail: "wang.xiaoming@example.test", password: "a long and private passphrase"}
	clerk, judge := p.F.Clerk(t), p.F.Judge(t)
	j.clerk, j.judge, j.admin = clerk, judge, p.F.Admin(t)
	j.clerkEmail, j.judgeEmail = clerk.Email, judge.Email
	j.decoyRef = decoyCase(t, p)
	for _, role := range []string{"public", "plaintiff", "clerk", "judge", "defendant", "admin"} {
		j.tabs[role] = p.newTab(t, role, noJS)
	}
	for _, s := range journeySteps() {
		if !t.Run(s.name, func(t *testing.T) { s.run(t, j) }) {
			t.Fatalf("journey stopped at %q", s.name)
		}
	}
	// Every page each person saw, again in Chinese and in English. The DOM is the same with
	// scripts off (they only move focus), so the tour runs once, in the JavaScript run.
	if noJS {
		return
	}
	total := 0
	for _, role := range []string{"public", "plaintiff", "clerk", "judge", "defendant", "admin"} {
		b := j.tabs[role]
		if len(b.visited) == 0 {
			continue
		}
		t.Run("both languages for "+role, func(t *testing.T) { total += b.tour(t) })
	}
	t.Logf("journey: %d page loads in the language tour; %d distinct pages passed axe so far", total, checkedCount())
}

func stepHome(t *testing.T, j *journey) {
	b := j.tabs["public"]
	b.expectOpen(t, "/?lang=en", http.StatusOK)
	b.mustSee(t, msg("en", "home.heading"))
	b.expectOpen(t, "/?lang=zh", http.StatusOK)
	b.mustSee(t, msg("zh", "home.heading"))
	b.expectOpen(t, "/?lang=en", http.StatusOK)
}

func stepRegisterEmpty(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	b.expectOpen(t, "/register", http.StatusOK)
	checkErrorSummary(t, b, b.button("register.submit"), []string{"name", "email", "password"})
}

func stepRegister(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	b.expectOpen(t, "/register", http.StatusOK)
	b.fill(t, "name", j.plaintiffName)
	b.fill(t, "email", j.plaintiffEmail)
	b.fill(t, "phone", "13800138000")
	b.fill(t, "password", j.password)
	if st := b.submit(t, b.button("register.submit")); st != http.StatusOK {
		b.fatal(t, "register: status %d", st)
	}
	if got := b.path(t); got != "/account?welcome=1" {
		b.fatal(t, "after registering: at %s", got)
	}
	b.mustSee(t, j.plaintiffName, j.plaintiffEmail)
}

// signIn uses the sign-in form and checks where it lands.
func signIn(t *testing.T, b *tab, email, password, next string) {
	t.Helper()
	path := "/login"
	if next != "" {
		path += "?next=" + next
	}
	b.expectOpen(t, path, http.StatusOK)
	b.fill(t, "email", email)
	b.fill(t, "password", password)
	if st := b.submit(t, b.button("login.submit")); st != http.StatusOK {
		b.fatal(t, "sign in %s: status %d at %s", email, st, b.path(t))
	}
}

func signOut(t *testing.T, b *tab) {
	t.Helper()
	sel := fmt.Sprintf(`//header//button[normalize-space()=%s]`, xpathString(msg(b.lang, "nav.sign_out")))
	if st := b.submit(t, sel); st != http.StatusOK {
		b.fatal(t, "sign out: status %d", st)
	}
	if got := b.path(t); got != "/?signed_out=1" {
		b.fatal(t, "after signing out: at %s", got)
	}
}

func stepPlaintiffSignsIn(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	signOut(t, b)
	b.mustSee(t, msg(b.lang, "home.signed_out"))
	// A wrong password shows the error summary and no session.
	b.expectOpen(t, "/login", http.StatusOK)
	b.fill(t, "email", j.plaintiffEmail)
	b.fill(t, "password", "not the password at all")
	if st := b.submit(t, b.button("login.submit")); st != http.StatusUnauthorized {
		b.fatal(t, "wrong password: status %d", st)
	}
	b.mustSee(t, msg(b.lang, "form.error_summary"))
	signIn(t, b, j.plaintiffEmail, j.password, "/account")
	if got := b.path(t); got != "/account" {
		b.fatal(t, "after signing in: at %s", got)
	}
}

func stepAccountAndInbox(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	b.expectOpen(t, "/account", http.StatusOK)
	b.mustSee(t, msg(b.lang, "account.heading"), j.plaintiffName)
	b.expectOpen(t, "/inbox", http.StatusOK)
	b.mustSee(t, msg(b.lang, "inbox.heading"))
}

func stepStaffSignIn(t *testing.T, j *journey) {
	for role, email := range map[string]string{"clerk": j.clerkEmail, "judge": j.judgeEmail} {
		b := j.tabs[role]
		signIn(t, b, email, "correct horse battery staple", "/account")
		b.mustSee(t, msg(b.lang, "role."+role))
		b.expectOpen(t, "/inbox", http.StatusOK)
	}
}

var casePath = regexp.MustCompile(`^/cases/(\d+)/`)

func stepStartComplaint(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	b.expectOpen(t, "/cases", http.StatusOK)
	if st := b.submit(t, b.button("filing.dashboard.start")); st != http.StatusOK {
		b.fatal(t, "start: status %d", st)
	}
	m := casePath.FindStringSubmatch(b.path(t) + "/")
	if m == nil {
		b.fatal(t, "after starting: at %s", b.path(t))
	}
	j.caseID, _ = strconv.ParseInt(m[1], 10, 64)
	b.mustSee(t, msg(b.lang, "filing.tasks.heading"))
}

// openTask follows a task-list link by its title.
func openTask(t *testing.T, b *tab, j *journey, key string) {
	t.Helper()
	b.expectOpen(t, fmt.Sprintf("/cases/%d/complaint", j.caseID), http.StatusOK)
	if st := b.submit(t, b.link(key)); st != http.StatusOK {
		b.fatal(t, "task %s: status %d", key, st)
	}
}

func saveSection(t *testing.T, b *tab) {
	t.Helper()
	if st := b.submit(t, b.button("filing.save_continue")); st != http.StatusOK {
		b.fatal(t, "save: status %d at %s:\n%.800s", st, b.path(t), b.text(t))
	}
}

func stepSections(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	openTask(t, b, j, "filing.defendant.title")
	// A draft may be saved half done, but what is given must be valid: a bad credit code.
	b.fill(t, "defendant.uscc", "12345")
	checkErrorSummary(t, b, b.button("filing.save_continue"), []string{"defendant.uscc"})
	b.fill(t, "defendant.name", "北京某某科技有限公司")
	b.fill(t, "defendant.uscc", models.CompleteUSCC("91110000MA01ABCD2"))
	b.tick(t, `input[name="defendant.sector"][value="ecommerce"]`)
	b.fill(t, "defendant.platform", "ShopApp")
	b.fill(t, "defendant.address", "北京市海淀区某路1号")
	saveSection(t, b)

	openTask(t, b, j, "filing.categories.title")
	b.tick(t, `input[name="categories"][value="forced_consent"]`)
	b.tick(t, `input[name="categories"][value="excessive_collection"]`)
	saveSection(t, b)

	openTask(t, b, j, "filing.info.title")
	b.tick(t, `input[name="info_types"][value="phone"]`)
	b.tick(t, `input[name="info_types"][value="location"]`)
	saveSection(t, b)

	openTask(t, b, j, "filing.facts.title")
	b.fill(t, "facts", "ShopApp refused to work unless I allowed location access at all times. 王小明 never agreed to that.")
	saveSection(t, b)

	openTask(t, b, j, "filing.requests.title")
	b.tick(t, `input[name="stop_processing"]`)
	b.tick(t, `input[name="deletion"]`)
	b.fillName(t, "requests.compensation", "2900.00")
	saveSection(t, b)
}

func stepEvidence(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	dir := t.TempDir()
	files := map[string][]byte{
		"chat.txt":       []byte("客服：不同意定位就不能用。\nSupport: no location, no service.\n"),
		"screenshot.png": tinyPNG,
	}
	i := 0
	for name, body := range map[string]string{"chat.txt": "Chat with support", "screenshot.png": "Permission screen"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			t.Fatal(err)
		}
		openTask(t, b, j, "filing.evidence.title")
		b.fill(t, "evidence_title", body)
		b.fill(t, "evidence_description", "Taken on 1 March.")
		b.upload(t, "evidence_file", path)
		if st := b.submit(t, b.button("filing.evidence.upload")); st != http.StatusOK {
			b.fatal(t, "upload %s: status %d:\n%.800s", name, st, b.text(t))
		}
		i++
		b.expectOpen(t, fmt.Sprintf("/cases/%d/complaint/evidence", j.caseID), http.StatusOK)
		b.mustSee(t, body)
	}
	evs, err := j.p.F.Store.EvidenceList(context.Background(), j.caseID)
	if err != nil || len(evs) != 2 {
		t.Fatalf("%d evidence files stored (%v), want 2", len(evs), err)
	}
}

func stepSubmit(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	b.expectOpen(t, fmt.Sprintf("/cases/%d/check", j.caseID), http.StatusOK)
	b.mustSee(t, "北京某某科技有限公司", "2900.00")
	if st := b.submit(t, b.link("filing.declaration.title")); st != http.StatusOK {
		b.fatal(t, "declaration page: status %d", st)
	}
	checkErrorSummary(t, b, b.button("filing.declaration.submit"), []string{"declaration"})
	b.tick(t, `input[name="declaration"]`)
	if st := b.submit(t, b.button("filing.declaration.submit")); st != http.StatusOK {
		b.fatal(t, "declare: status %d", st)
	}
	if st := b.submit(t, b.button("filing.check.submit")); st != http.StatusOK {
		b.fatal(t, "submit: status %d:\n%.800s", st, b.text(t))
	}
	if got := b.path(t); got != fmt.Sprintf("/cases/%d/confirmation", j.caseID) {
		b.fatal(t, "after submitting: at %s", got)
	}
	c := j.caseNow(t)
	if c.Status != models.StatusSubmitted || c.Reference == nil {
		t.Fatalf("case %s, reference %v", c.Status, c.Reference)
	}
	j.reference = *c.Reference
	b.mustSee(t, j.reference)
}

func (j *journey) caseNow(t *testing.T) *models.Case {
	t.Helper()
	c, err := j.p.F.Store.CaseFor(context.Background(), j.clerk, j.caseID)
	if err != nil {
		t.Fatalf("read case: %v", err)
	}
	return c
}

// decoyCase files, submits and accepts another plaintiff's complaint against another company
// (sector "social"), assigned to a second judge: the docket filters must leave it out, and the
// judge with fewer open cases is the one suggested on acceptance. It returns its reference.
func decoyCase(t *testing.T, p *portal) string {
	t.Helper()
	ctx := context.Background()
	st := p.F.Store
	pl, busy := p.F.Plaintiff(t), p.F.Judge(t)
	cats, infos := []string{"unsolicited_push"}, []string{"phone"}
	c, err := st.CreateCase(ctx, pl, models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: sp("Chatter Social Ltd"), USCC: sp(models.CompleteUSCC("91110000MA01WXYK3")), Sector: sp("social"),
			Platform: sp("Chatter"), Address: sp("Beijing")},
		Categories: &cats, InfoTypes: &infos, Facts: sp("Chatter kept sending me marketing messages."),
		Requests:    &models.RequestsInput{StopProcessing: bp(true), Compensation: sp("0"), Costs: sp("0")},
		Declaration: bp(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddEvidence(ctx, pl, c.ID, models.EvidenceInput{Title: "Messages", FileName: "messages.txt",
		Body: strings.NewReader("buy now"), MaxBytes: 1 << 20}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Advance(ctx, pl, c.ID, models.ActSubmit, models.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	c, _, err = st.Advance(ctx, p.F.Clerk(t), c.ID, models.ActAccept, models.ActionInput{Procedure: models.ProcedureSmallClaims, JudgeID: busy.ID})
	if err != nil {
		t.Fatal(err)
	}
	return *c.Reference
}

// docketCase opens the clerk's review page of the journey's case.
func docketCase(t *testing.T, j *journey) *tab {
	t.Helper()
	b := j.tabs["clerk"]
	b.expectOpen(t, fmt.Sprintf("/docket/cases/%d", j.caseID), http.StatusOK)
	b.mustSee(t, j.reference)
	return b
}

// expectDone checks the clerk landed back on the review page with the action's notice.
func expectDone(t *testing.T, b *tab, j *journey, action string) {
	t.Helper()
	if got, want := b.path(t), fmt.Sprintf("/docket/cases/%d?done=%s", j.caseID, action); got != want {
		b.fatal(t, "after %s: at %s, want %s:\n%.800s", action, got, want, b.text(t))
	}
	if !eval[bool](t, b, `!!document.querySelector("main .notice[role=status]")`) {
		b.fatal(t, "no notice after %s", action)
	}
}

func stepDocket(t *testing.T, j *journey) {
	b := j.tabs["clerk"]
	b.expectOpen(t, "/docket", http.StatusOK)
	b.mustSee(t, j.reference, j.decoyRef)
	// The filters, once: submitted complaints against e-commerce platforms, by reference.
	b.tick(t, `input[name="status"][value="submitted"]`)
	b.do(t, "choose a sector", chromedp.SetValue(chromedp.CSS(`#sector`), "ecommerce"))
	b.fill(t, "q", j.reference)
	if st := b.submit(t, b.button("docket.apply")); st != http.StatusOK {
		b.fatal(t, "filter: status %d", st)
	}
	loc := b.path(t)
	for _, want := range []string{"status=submitted", "sector=ecommerce", "q=" + j.reference} {
		if !strings.Contains(loc, want) {
			b.fatal(t, "filtered docket at %s lacks %s", loc, want)
		}
	}
	b.mustSee(t, j.reference)
	if strings.Contains(b.text(t), j.decoyRef) {
		b.fatal(t, "the filters kept the other case %s", j.decoyRef)
	}
	if st := b.submit(t, fmt.Sprintf(`//main//table//a[normalize-space()=%s]`, xpathString(j.reference))); st != http.StatusOK {
		b.fatal(t, "open the case: status %d", st)
	}
	if got := b.path(t); got != fmt.Sprintf("/docket/cases/%d", j.caseID) {
		b.fatal(t, "the docket link led to %s", got)
	}
	b.mustSee(t, "北京某某科技有限公司", "Chat with support", "Permission screen")
}

const amendReason = "Please add the date the app first asked for location."

func stepRequestAmendment(t *testing.T, j *journey) {
	b := docketCase(t, j)
	// An empty reason is refused with the error summary linking to the field.
	checkErrorSummary(t, b, b.button("action.request_amendment"), []string{"request-amendment-reason"})
	b.fill(t, "request-amendment-reason", amendReason)
	due := j.p.F.Clock.Now().In(j.p.F.Store.Court().Location).Add(10 * 24 * time.Hour)
	b.fill(t, "request-amendment-due", due.Format("2006-01-02"))
	if st := b.submit(t, b.button("action.request_amendment")); st != http.StatusOK {
		b.fatal(t, "request amendment: status %d:\n%.800s", st, b.text(t))
	}
	expectDone(t, b, j, "request-amendment")
	c := j.caseNow(t)
	if c.Status != models.StatusAmendmentRequested || c.AmendmentDue == nil {
		t.Fatalf("after the request: %s, due %v", c.Status, c.AmendmentDue)
	}
	if got := c.AmendmentDue.In(j.p.F.Store.Court().Location).Format("2006-01-02"); got != due.Format("2006-01-02") {
		t.Fatalf("amendment due %s, asked for %s", got, due.Format("2006-01-02"))
	}
}

// unread is the number in the header's inbox badge, or "" without one.
func unread(t *testing.T, b *tab) string {
	t.Helper()
	return eval[string](t, b, `(function(){var e=document.querySelector("header a[href='/inbox'] .badge"); return e ? e.firstChild.textContent.trim() : "";})()`)
}

func stepUnread(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	b.expectOpen(t, "/cases", http.StatusOK)
	if n := unread(t, b); n == "" || n == "0" {
		b.fatal(t, "no unread badge in the header after the clerk's request (badge %q)", n)
	}
	// A screen reader hears what the number counts.
	if got := eval[string](t, b, `document.querySelector("header a[href='/inbox'] .badge .visually-hidden").textContent.trim()`); got != msg(b.lang, "nav.unread") {
		b.fatal(t, "the badge says %q, not what it counts", got)
	}
	b.expectOpen(t, "/inbox", http.StatusOK)
	b.mustSee(t, amendReason)
}

func stepAmend(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	b.expectOpen(t, fmt.Sprintf("/cases/%d/complaint", j.caseID), http.StatusOK)
	b.mustSee(t, msg(b.lang, "filing.tasks.amend_heading"))
	openTask(t, b, j, "filing.facts.title")
	b.fill(t, "facts", "Since 1 February 2026 ShopApp refused to work unless I allowed location access at all times. 王小明 never agreed to that.")
	saveSection(t, b)
	b.expectOpen(t, fmt.Sprintf("/cases/%d/check", j.caseID), http.StatusOK)
	if !strings.Contains(b.text(t), "1 February 2026") {
		b.fatal(t, "the amended facts are not on the check page")
	}
	if eval[bool](t, b, `!document.querySelector("input[name=form_token]")`) {
		if st := b.submit(t, b.link("filing.declaration.title")); st != http.StatusOK {
			b.fatal(t, "declaration page: status %d", st)
		}
		b.tick(t, `input[name="declaration"]`)
		b.submit(t, b.button("filing.declaration.submit"))
	}
	if st := b.submit(t, b.button("filing.check.submit")); st != http.StatusOK {
		b.fatal(t, "resubmit: status %d:\n%.800s", st, b.text(t))
	}
	if c := j.caseNow(t); c.Status != models.StatusSubmitted {
		t.Fatalf("after resubmitting: %s", c.Status)
	}
}

func stepAccept(t *testing.T, j *journey) {
	b := docketCase(t, j)
	b.tick(t, `input[name="procedure"][value="simplified"]`)
	// The judge with fewer open cases is suggested and already chosen.
	sel := eval[string](t, b, `document.getElementById("accept-judge_id").value`)
	if sel != fmt.Sprint(j.judge.ID) {
		b.fatal(t, "judge %s pre-selected, want the suggested %d", sel, j.judge.ID)
	}
	if txt := eval[string](t, b, `document.getElementById("accept-judge_id").selectedOptions[0].textContent`); !strings.Contains(txt, msg(b.lang, "docket.suggested")) {
		b.fatal(t, "the pre-selected judge is not marked as suggested: %q", txt)
	}
	if st := b.submit(t, b.button("action.accept")); st != http.StatusOK {
		b.fatal(t, "accept: status %d:\n%.800s", st, b.text(t))
	}
	expectDone(t, b, j, "accept")
	c := j.caseNow(t)
	if c.Status != models.StatusAccepted || c.DocketNo == nil || c.JudgeID == nil || *c.JudgeID != j.judge.ID {
		t.Fatalf("after accepting: %s, docket %v, judge %v", c.Status, c.DocketNo, c.JudgeID)
	}
	j.docketNo = *c.DocketNo
	b.mustSee(t, j.docketNo)
}

func stepServe(t *testing.T, j *journey) {
	b := docketCase(t, j)
	if st := b.submit(t, b.button("action.serve")); st != http.StatusOK {
		b.fatal(t, "serve: status %d:\n%.800s", st, b.text(t))
	}
	// The service notice is the reply to the POST; it is not a page to revisit.
	if n := len(b.visited); n > 0 && strings.HasSuffix(b.visited[n-1], "/serve") {
		b.visited = b.visited[:n-1]
	}
	b.mustSee(t, j.reference, j.docketNo, msg(b.lang, "docket.served_once"))
	j.accessCode = strings.TrimSpace(eval[string](t, b, `document.querySelector("main .access-code").textContent`))
	if j.accessCode == "" {
		b.fatal(t, "the service notice shows no access code")
	}
	if c := j.caseNow(t); c.Status != models.StatusServed {
		t.Fatalf("after serving: %s", c.Status)
	}
	// The code is shown once: the review page does not repeat it.
	docketCase(t, j)
	if strings.Contains(b.html(t), j.accessCode) {
		b.fatal(t, "the access code is shown again on the review page")
	}
}

func stepClaim(t *testing.T, j *journey) {
	b := j.tabs["defendant"]
	b.expectOpen(t, "/defendant/claim", http.StatusOK)
	// A wrong code is refused without saying whether the reference exists.
	b.fill(t, "reference", j.reference)
	wrong := "ABCD-EFGH-JKMN"
	if wrong == j.accessCode {
		wrong = "NMKJ-HGFE-DCBA"
	}
	b.fill(t, "access_code", wrong)
	b.fill(t, "name", "ShopApp Legal")
	b.fill(t, "email", "legal@shopapp.example")
	b.fill(t, "password", j.password)
	if st := b.submit(t, b.button("defendant.claim_submit")); st != http.StatusUnauthorized {
		b.fatal(t, "wrong code: status %d", st)
	}
	b.mustSee(t, msg(b.lang, "defendant.claim_failed"))
	b.fill(t, "access_code", j.accessCode)
	b.fill(t, "password", j.password)
	if st := b.submit(t, b.button("defendant.claim_submit")); st != http.StatusOK {
		b.fatal(t, "claim: status %d:\n%.800s", st, b.text(t))
	}
	if got, want := b.path(t), fmt.Sprintf("/defendant/cases/%d?claimed=1", j.caseID); got != want {
		b.fatal(t, "after claiming: at %s, want %s", got, want)
	}
	b.mustSee(t, msg(b.lang, "defendant.claimed"), j.docketNo)
	b.expectOpen(t, "/defendant/cases", http.StatusOK)
	if st := b.submit(t, fmt.Sprintf(`//main//a[normalize-space()=%s]`, xpathString(j.docketNo))); st != http.StatusOK {
		b.fatal(t, "open the served case: status %d", st)
	}
}

func stepAnswer(t *testing.T, j *journey) {
	b := j.tabs["defendant"]
	b.expectOpen(t, fmt.Sprintf("/defendant/cases/%d", j.caseID), http.StatusOK)
	checkErrorSummary(t, b, b.button("defendant.answer_submit"), []string{"answer-text"})
	b.fill(t, "answer-text", "The user consented in the app's settings. Location improves delivery estimates.")
	if st := b.submit(t, b.button("defendant.answer_submit")); st != http.StatusOK {
		b.fatal(t, "answer: status %d:\n%.800s", st, b.text(t))
	}
	if got, want := b.path(t), fmt.Sprintf("/defendant/cases/%d?answered=1", j.caseID); got != want {
		b.fatal(t, "after answering: at %s, want %s", got, want)
	}
	b.mustSee(t, msg(b.lang, "defendant.answered"))
	path := filepath.Join(t.TempDir(), "consent-log.txt")
	if err := os.WriteFile(path, []byte("2026-01-03 user 1001 tapped Allow location\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.fill(t, "evidence_title", "Consent log")
	b.fill(t, "evidence_description", "Export from the consent database.")
	b.upload(t, "evidence_file", path)
	if st := b.submit(t, b.button("filing.evidence.upload")); st != http.StatusOK {
		b.fatal(t, "defendant upload: status %d:\n%.800s", st, b.text(t))
	}
	if got, want := b.path(t), fmt.Sprintf("/defendant/cases/%d?added=1", j.caseID); got != want {
		b.fatal(t, "after the upload: at %s, want %s", got, want)
	}
	b.mustSee(t, msg(b.lang, "defendant.evidence_added"), "Consent log")
	if c := j.caseNow(t); c.Status != models.StatusAnswered {
		t.Fatalf("after answering: %s", c.Status)
	}
	evs, err := j.p.F.Store.EvidenceList(context.Background(), j.caseID)
	if err != nil || len(evs) != 3 {
		t.Fatalf("%d evidence files (%v), want 3", len(evs), err)
	}
	pb := j.tabs["plaintiff"]
	pb.expectOpen(t, fmt.Sprintf("/cases/%d", j.caseID), http.StatusOK)
	pb.mustSee(t, j.docketNo)
}

// benchAction opens a bench action page from the case page.
func benchAction(t *testing.T, j *journey, action string) *tab {
	t.Helper()
	b := j.tabs["judge"]
	b.expectOpen(t, "/bench", http.StatusOK)
	b.expectOpen(t, fmt.Sprintf("/bench/cases/%d", j.caseID), http.StatusOK)
	b.mustSee(t, j.docketNo)
	b.expectOpen(t, fmt.Sprintf("/bench/cases/%d/%s", j.caseID, action), http.StatusOK)
	return b
}

func stepSchedule(t *testing.T, j *journey) {
	b := benchAction(t, j, "schedule-hearing")
	at := j.p.F.Clock.Now().In(j.p.F.Store.Court().Location).Add(10 * 24 * time.Hour).Format("2006-01-02T15:04")
	b.fillName(t, "at", at)
	b.tick(t, `input[name="mode"][value="video"]`)
	if st := b.submit(t, b.button("action.schedule_hearing")); st != http.StatusOK {
		b.fatal(t, "schedule: status %d:\n%.800s", st, b.text(t))
	}
	if c := j.caseNow(t); c.Status != models.StatusHearingScheduled {
		t.Fatalf("after scheduling: %s", c.Status)
	}
}

func stepRecord(t *testing.T, j *journey) {
	b := benchAction(t, j, "record-hearing")
	b.fillName(t, "minutes", "Both parties attended by video. The defendant showed no separate consent for location.")
	if st := b.submit(t, b.button("action.record_hearing")); st != http.StatusOK {
		b.fatal(t, "record: status %d:\n%.800s", st, b.text(t))
	}
	if c := j.caseNow(t); c.Status != models.StatusHeard {
		t.Fatalf("after recording: %s", c.Status)
	}
}

func stepRule(t *testing.T, j *journey) {
	b := benchAction(t, j, "rule")
	b.tick(t, `input[name="outcome"][value="partly_upheld"]`)
	b.tick(t, `input[name="findings"][value="forced_consent"]`)
	b.tick(t, `input[name="stop_processing"]`)
	b.tick(t, `input[name="deletion"]`)
	b.fillName(t, "compensation", "1000.00")
	b.do(t, "fee borne by", chromedp.Click(chromedp.CSS(`input[name="fee_borne_by"]`)))
	b.fillName(t, "reasoning", "王小明 proved that ShopApp made location access a condition of service. Location is not necessary for shopping.")
	if st := b.submit(t, b.button("bench.rule.check")); st != http.StatusOK {
		b.fatal(t, "check ruling: status %d:\n%.800s", st, b.text(t))
	}
	if st := b.submit(t, b.button("bench.confirm.issue")); st != http.StatusOK {
		b.fatal(t, "issue ruling: status %d:\n%.800s", st, b.text(t))
	}
	if c := j.caseNow(t); c.Status != models.StatusDecided {
		t.Fatalf("after ruling: %s", c.Status)
	}
}

func stepPublish(t *testing.T, j *journey) {
	b := benchAction(t, j, "publish")
	if st := b.submit(t, b.button("bench.publish.submit")); st != http.StatusOK {
		b.fatal(t, "publish: status %d:\n%.800s", st, b.text(t))
	}
}

func stepPublicRuling(t *testing.T, j *journey) {
	b := j.tabs["public"]
	b.expectOpen(t, "/rulings", http.StatusOK)
	if st := b.submit(t, fmt.Sprintf(`//main//a[normalize-space()=%s]`, xpathString(j.docketNo))); st != http.StatusOK {
		b.fatal(t, "open the ruling: status %d", st)
	}
	html := b.html(t)
	if strings.Contains(html, j.plaintiffName) {
		b.fatal(t, "the published ruling names the plaintiff in full")
	}
	b.mustSee(t, "王某", "ShopApp")
	b.expectOpen(t, "/statistics", http.StatusOK)
}

func stepAdmin(t *testing.T, j *journey) {
	b := j.tabs["admin"]
	signIn(t, b, j.admin.Email, "correct horse battery staple", "/admin")
	if got := b.path(t); got != "/admin" {
		b.fatal(t, "after signing in: at %s", got)
	}
	b.mustSee(t, msg(b.lang, "admin.heading"), j.clerkEmail, j.judgeEmail, "legal@shopapp.example")
	if st := b.submit(t, b.link("admin.audit_link")); st != http.StatusOK {
		b.fatal(t, "audit log: status %d", st)
	}
	if got := b.path(t); got != "/admin/audit" {
		b.fatal(t, "the audit link led to %s", got)
	}
	// The audit holds the journey's sign-ins, the plaintiff's wrong password among them, and
	// no case contents.
	b.mustSee(t, msg(b.lang, "audit.login"))
	b.expectOpen(t, "/admin/audit?action=login_failed", http.StatusOK)
	b.mustSee(t, msg(b.lang, "audit.login_failed"))
	if strings.Contains(b.html(t), "ShopApp refused") {
		b.fatal(t, "the audit log shows case contents")
	}
}
