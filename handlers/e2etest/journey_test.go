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
	defendant      *models.User
	caseID         int64
	reference      string
	docketNo       string
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
		{"clerk asks for an amendment", stepRequestAmendment},
		{"plaintiff amends and resubmits", stepAmend},
		{"clerk accepts and serves; the defendant answers", stepAcceptServeAnswer},
		{"judge schedules the hearing", stepSchedule},
		{"judge records the hearing", stepRecord},
		{"judge rules", stepRule},
		{"judge publishes", stepPublish},
		{"the public reads the anonymised ruling", stepPublicRuling},
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
	j.clerk, j.judge, j.defendant = clerk, judge, p.F.Defendant(t)
	j.clerkEmail, j.judgeEmail = clerk.Email, judge.Email
	for _, role := range []string{"public", "plaintiff", "clerk", "judge", "defendant"} {
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
	for _, role := range []string{"public", "plaintiff", "clerk", "judge", "defendant"} {
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

// advance takes a workflow step the pages of this branch do not offer yet (the clerk's
// docket and the defendant's pages), through the same store call those pages make.
func (j *journey) advance(t *testing.T, u *models.User, a models.Action, in models.ActionInput) *models.ActionResult {
	t.Helper()
	_, res, err := j.p.F.Store.Advance(context.Background(), u, j.caseID, a, in)
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	return res
}

func stepRequestAmendment(t *testing.T, j *journey) {
	j.advance(t, j.clerk, models.ActRequestAmendment, models.ActionInput{Reason: "Please add the date the app first asked for location."})
}

func stepAmend(t *testing.T, j *journey) {
	b := j.tabs["plaintiff"]
	b.expectOpen(t, "/inbox", http.StatusOK)
	b.mustSee(t, "Please add the date the app first asked for location.")
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

func stepAcceptServeAnswer(t *testing.T, j *journey) {
	j.advance(t, j.clerk, models.ActAccept, models.ActionInput{Procedure: models.ProcedureSimplified, JudgeID: j.judge.ID})
	res := j.advance(t, j.clerk, models.ActServe, models.ActionInput{})
	if res.AccessCode == "" {
		t.Fatal("serve gave no access code")
	}
	if err := j.p.F.DB.Model(&models.Case{}).Where("id = ?", j.caseID).Update("defendant_user_id", j.defendant.ID).Error; err != nil {
		t.Fatal(err)
	}
	j.advance(t, j.defendant, models.ActAnswer, models.ActionInput{Text: "The user consented in the app's settings."})
	c := j.caseNow(t)
	if c.DocketNo == nil {
		t.Fatal("no docket number after acceptance")
	}
	j.docketNo = *c.DocketNo
	b := j.tabs["plaintiff"]
	b.expectOpen(t, fmt.Sprintf("/cases/%d", j.caseID), http.StatusOK)
	b.mustSee(t, j.docketNo)
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
