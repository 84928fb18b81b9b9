package handlers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/models"
	tk "netcourt/models/testkit"
)

// The authorisation matrix: every route the real router registers × every kind of caller,
// with the answer expected from each. A route without an entry here fails the test, so a new
// route cannot ship without someone deciding who may call it.

// principal is one kind of caller, in the column order of the expectations below.
type principal int

const (
	anonymous       principal = iota
	plaintiffA                // files the fixture case
	plaintiffB                // another plaintiff
	defendantServed           // the defendant the case was served on
	defendantOther            // a defendant of some other case
	clerkP
	judgeAssigned // the judge the case is assigned to
	judgeOther
	adminP
	principalCount
)

var principalNames = [principalCount]string{"anonymous", "plaintiff A (owner)", "plaintiff B", "defendant (served)",
	"defendant (not served)", "clerk", "judge (assigned)", "judge (other)", "admin"}

// azWorld holds one account per principal, signed in both ways.
type azWorld struct {
	f       *tk.Fixture
	e       *echo.Echo
	users   [principalCount]*models.User
	victim  *models.User // an account the administrator disables and enables
	tokens  [principalCount]string
	cookies [principalCount][]*http.Cookie
}

func newAzWorld(t *testing.T) *azWorld {
	t.Helper()
	f := tk.NewStore(t)
	w := &azWorld{f: f, e: tk.NewServer(t, f)}
	w.users[plaintiffA] = f.Plaintiff(t)
	w.users[plaintiffB] = f.Plaintiff(t)
	w.users[defendantServed] = f.Defendant(t)
	w.users[defendantOther] = f.Defendant(t)
	w.users[clerkP] = f.Clerk(t)
	w.users[judgeAssigned] = f.Judge(t)
	w.users[judgeOther] = f.Judge(t)
	w.users[adminP] = f.Admin(t)
	w.victim = f.Plaintiff(t)
	for p := plaintiffA; p < principalCount; p++ {
		w.tokens[p] = tk.LoginAPI(t, w.e, w.users[p].Email, tk.Password)
		w.cookies[p] = tk.LoginPage(t, w.e, w.users[p].Email, tk.Password)
	}
	// The other defendant has a case of their own, so "not served" means "not on this case".
	other := w.caseAt(t, models.StatusServed)
	w.linkDefendant(t, other, w.users[defendantOther])
	return w
}

func azStr(s string) *string { return &s }
func azBool(b bool) *bool    { return &b }

// completeComplaint is a complaint ready to submit.
func completeComplaint() models.ComplaintInput {
	cats, infos := []string{"forced_consent", "excessive_collection"}, []string{"phone", "location"}
	return models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: azStr("Example Technology Co., Ltd."), USCC: azStr(models.CompleteUSCC("91110000MA01ABCD2")),
			Sector: azStr("ecommerce"), Platform: azStr("ShopApp"), Address: azStr("1 Example Road, Haidian, Beijing")},
		Categories: &cats, InfoTypes: &infos,
		Facts:       azStr("The app refused service unless I allowed location access at all times."),
		Requests:    &models.RequestsInput{StopProcessing: azBool(true), Deletion: azBool(true), Compensation: azStr("2900.00"), Costs: azStr("0")},
		Declaration: azBool(true),
	}
}

// caseAt builds a fresh case owned by plaintiff A and walks it to the given state with the
// assigned judge and, once served, the served defendant.
func (w *azWorld) caseAt(t testing.TB, state models.Status) int64 {
	t.Helper()
	return buildCase(t, w.f, w.users[plaintiffA], w.users[clerkP], w.users[judgeAssigned], w.users[defendantServed], state, completeComplaint())
}

// buildCase walks a new case to state through the real workflow.
func buildCase(t testing.TB, f *tk.Fixture, p, clerk, judge, defendant *models.User, state models.Status, in models.ComplaintInput) int64 {
	t.Helper()
	ctx := context.Background()
	c, err := f.Store.CreateCase(ctx, p, in)
	if err != nil {
		t.Fatalf("create case: %v", err)
	}
	id := c.ID
	if _, err := f.Store.AddEvidence(ctx, p, id, models.EvidenceInput{Title: "Screenshot", FileName: "shot.png",
		Body: bytes.NewReader(tinyPNG), MaxBytes: 1 << 20}); err != nil {
		t.Fatalf("fixture evidence: %v", err)
	}
	adv := func(u *models.User, a models.Action, in models.ActionInput) {
		t.Helper()
		if _, _, err := f.Store.Advance(ctx, u, id, a, in); err != nil {
			t.Fatalf("fixture %s: %v", a, err)
		}
	}
	at := f.Clock.Now().Add(20 * 24 * time.Hour)
	path := []struct {
		to  models.Status
		run func()
	}{
		{models.StatusSubmitted, func() { adv(p, models.ActSubmit, models.ActionInput{}) }},
		{models.StatusAccepted, func() {
			adv(clerk, models.ActAccept, models.ActionInput{Procedure: models.ProcedureSimplified, JudgeID: judge.ID})
		}},
		{models.StatusServed, func() {
			adv(clerk, models.ActServe, models.ActionInput{})
			linkDefendant(t, f, id, defendant)
		}},
		{models.StatusAnswered, func() { adv(defendant, models.ActAnswer, models.ActionInput{Text: "We had consent."}) }},
		{models.StatusHearingScheduled, func() { adv(clerk, models.ActScheduleHearing, models.ActionInput{At: &at, Mode: "video"}) }},
		{models.StatusHeard, func() { adv(judge, models.ActRecordHearing, models.ActionInput{Minutes: "Both sides heard."}) }},
		{models.StatusDecided, func() {
			adv(judge, models.ActRule, models.ActionInput{Ruling: &models.RulingInput{Outcome: "partly_upheld",
				Findings: []string{"forced_consent"}, StopProcessing: true, Reasoning: "Consent was forced."}})
		}},
		{statusPublished, func() { adv(judge, models.ActPublish, models.ActionInput{}) }},
	}
	if state == models.StatusDraft {
		return id
	}
	for _, s := range path {
		s.run()
		if s.to == state {
			return id
		}
	}
	t.Fatalf("buildCase: no path to %s", state)
	return 0
}

// statusPublished is a fixture stage, not a case status: decided, with the ruling published.
const statusPublished models.Status = "published (fixture)"

// tinyPNG is a valid 1×1 PNG.
var tinyPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")

// uploadBody is a multipart evidence upload: a PNG with a title.
func uploadBody() rawBody {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("title", "Another screenshot")
	_ = mw.WriteField("description", "Taken on the day.")
	fw, _ := mw.CreateFormFile("file", "shot.png")
	_, _ = fw.Write(tinyPNG)
	_ = mw.Close()
	return rawBody{ct: mw.FormDataContentType(), b: buf.Bytes()}
}

// rawBody is sent as-is with its content type.
type rawBody struct {
	ct string
	b  []byte
}

// linkDefendant makes u the defendant of the served case, as claiming it with the access
// code does.
func linkDefendant(t testing.TB, f *tk.Fixture, caseID int64, u *models.User) {
	t.Helper()
	if err := f.DB.Model(&models.Case{}).Where("id = ?", caseID).Update("defendant_user_id", u.ID).Error; err != nil {
		t.Fatalf("link defendant: %v", err)
	}
}

func (w *azWorld) linkDefendant(t testing.TB, caseID int64, u *models.User) {
	linkDefendant(t, w.f, caseID, u)
}

// probe is one request against a route. Path may hold {id} (the fixture case) and the
// expectations are one token per principal, in principal order:
//
//	ok   2xx, or a redirect that is not to the sign-in page
//	L    must sign in: 401 (API, or a page POST) or a redirect to /login
//	NNN  that exact status
type probe struct {
	state  models.Status // the fixture case's state; "" for no case
	method string        // defaults to the route's
	path   string
	body   any    // JSON for the API, url.Values for pages
	want   string // nine tokens
	fresh  bool   // mutating: a new case (and a new session) for every principal
}

// Common rows.
const (
	allOK        = "ok ok ok ok ok ok ok ok ok"
	signedIn     = "L ok ok ok ok ok ok ok ok"
	all404       = "404 404 404 404 404 404 404 404 404"
	caseReaders  = "L ok 404 ok 404 ok ok 404 404"
	noCaseForAll = "L 404 404 404 404 404 404 404 404"
	plaintiffs   = "L ok ok 403 403 403 403 403 403"
	ownerOnly    = "L ok 404 403 403 403 403 403 403"
	evidenceRead = "L ok 404 ok 404 ok ok 404 404"
)

// matrix maps "METHOD path" as the router registers it to its probes.
func matrix() map[string][]probe {
	fullRuling := map[string]any{"outcome": "upheld", "findings": []string{"forced_consent"},
		"orders": map[string]any{"stop_processing": true, "compensation": "100.00"}, "reasoning": "Consent was forced."}
	m := map[string][]probe{
		// Health and static assets: anyone.
		"GET /healthz":  {{path: "/healthz", want: allOK}},
		"GET /readyz":   {{path: "/readyz", want: allOK}},
		"GET /static/*": {{path: "/static/css/site.css", want: allOK}, {path: "/static/nope.css", want: all404}},

		// Public pages.
		"GET /":          {{path: "/", want: allOK}},
		"GET /register":  {{path: "/register", want: allOK}},
		"POST /register": {{path: "/register", body: url.Values{}, want: "422 422 422 422 422 422 422 422 422"}},
		"GET /login":     {{path: "/login", want: allOK}},
		"POST /login":    {{path: "/login", body: url.Values{"email": {"nobody{p}@example.test"}, "password": {"wrong password"}}, want: "401 401 401 401 401 401 401 401 401"}},

		// Signed-in pages, any role.
		"POST /logout":     {{path: "/logout", body: url.Values{}, want: signedIn, fresh: true}},
		"GET /account":     {{path: "/account", want: signedIn}},
		"GET /inbox":       {{path: "/inbox", want: signedIn}},
		"POST /inbox/read": {{path: "/inbox/read", body: url.Values{}, want: signedIn}},
		"GET /go/case/:id": {{state: models.StatusServed, path: "/go/case/{id}", want: "L ok ok ok ok ok ok ok 404"}},
		"POST /api/v1/auth/register": {
			{path: "/api/v1/auth/register", body: map[string]any{}, want: "422 422 422 422 422 422 422 422 422"},
			{path: "/api/v1/auth/register", body: map[string]any{"name": "Mallory", "email": "{plaintiffA}", "phone": "13800138000", "password": "a long enough passphrase", "role": "admin"}, want: "409 409 409 409 409 409 409 409 409"},
		},
		"POST /api/v1/auth/login":         {{path: "/api/v1/auth/login", body: map[string]any{"email": "nobody{p}@example.test", "password": "x"}, want: "401 401 401 401 401 401 401 401 401"}},
		"POST /api/v1/auth/logout":        {{path: "/api/v1/auth/logout", want: signedIn, fresh: true}},
		"GET /api/v1/me":                  {{path: "/api/v1/me", want: signedIn}},
		"GET /api/v1/notifications":       {{path: "/api/v1/notifications", want: signedIn}},
		"POST /api/v1/notifications/read": {{path: "/api/v1/notifications/read", body: map[string]any{"ids": []int64{}}, want: signedIn}},

		// One case, read.
		"GET /api/v1/cases/:id": {
			{state: models.StatusDraft, path: "/api/v1/cases/{id}", want: "L ok 404 404 404 404 404 404 404"},
			{state: models.StatusSubmitted, path: "/api/v1/cases/{id}", want: "L ok 404 404 404 ok 404 404 404"},
			{state: models.StatusServed, path: "/api/v1/cases/{id}", want: caseReaders},
			{state: models.StatusDecided, path: "/api/v1/cases/{id}", want: caseReaders},
			{path: "/api/v1/cases/999999", want: noCaseForAll},
			{path: "/api/v1/cases/abc", want: "L 404 404 404 404 404 404 404 404"},
		},
		// Every workflow action from a state where it is allowed: visibility (404), then role
		// (403), then state. Each cell gets a fresh case.
		"POST /api/v1/cases/:id/:action": {
			{state: models.StatusDraft, path: "/api/v1/cases/{id}/submit", body: map[string]any{}, want: "L ok 404 404 404 404 404 404 404", fresh: true},
			{state: models.StatusSubmitted, path: "/api/v1/cases/{id}/request-amendment", body: map[string]any{"reason": "Add the screenshots."}, want: "L 403 404 404 404 ok 404 404 404", fresh: true},
			{state: models.StatusSubmitted, path: "/api/v1/cases/{id}/accept", body: map[string]any{"procedure": "simplified", "judge_id": "{judge}"}, want: "L 403 404 404 404 ok 404 404 404", fresh: true},
			{state: models.StatusSubmitted, path: "/api/v1/cases/{id}/reject", body: map[string]any{"reason": "Not a personal-information dispute."}, want: "L 403 404 404 404 ok 404 404 404", fresh: true},
			{state: models.StatusSubmitted, path: "/api/v1/cases/{id}/withdraw", body: map[string]any{"reason": "Settled privately."}, want: "L ok 404 404 404 403 404 404 404", fresh: true},
			{state: models.StatusAccepted, path: "/api/v1/cases/{id}/serve", body: map[string]any{}, want: "L 403 404 404 404 ok 403 404 404", fresh: true},
			{state: models.StatusServed, path: "/api/v1/cases/{id}/answer", body: map[string]any{"text": "We had consent."}, want: "L 403 404 ok 404 403 403 404 404", fresh: true},
			{state: models.StatusAnswered, path: "/api/v1/cases/{id}/schedule-hearing", body: map[string]any{"at": "{future}", "mode": "video"}, want: "L 403 404 403 404 ok ok 404 404", fresh: true},
			{state: models.StatusHearingScheduled, path: "/api/v1/cases/{id}/record-hearing", body: map[string]any{"minutes": "Heard."}, want: "L 403 404 403 404 403 ok 404 404", fresh: true},
			{state: models.StatusHeard, path: "/api/v1/cases/{id}/rule", body: fullRuling, want: "L 403 404 403 404 403 ok 404 404", fresh: true},
			{state: models.StatusAnswered, path: "/api/v1/cases/{id}/settle", body: map[string]any{"terms": "The app deletes the data."}, want: "L 403 404 403 404 403 ok 404 404", fresh: true},
			{state: models.StatusDecided, path: "/api/v1/cases/{id}/publish", body: map[string]any{}, want: "L 403 404 403 404 403 ok 404 404", fresh: true},
			// Wrong state: visible callers with the right role get 409, the rest as before.
			{state: models.StatusDecided, path: "/api/v1/cases/{id}/serve", body: map[string]any{}, want: "L 403 404 403 404 409 403 404 404"},
			{state: models.StatusServed, path: "/api/v1/cases/{id}/rule", body: fullRuling, want: "L 403 404 403 404 403 409 404 404"},
			// No such action, and no such case.
			{state: models.StatusServed, path: "/api/v1/cases/{id}/delete", body: map[string]any{}, want: noCaseForAll},
			{state: models.StatusServed, path: "/api/v1/cases/{id}/request_amendment", body: map[string]any{}, want: noCaseForAll},
			{path: "/api/v1/cases/999999/withdraw", body: map[string]any{"reason": "x"}, want: noCaseForAll},
		},
	}
	// Filing pages (plaintiff): the owner only; other plaintiffs get 404, other roles 403.
	draft, submitted, served := models.StatusDraft, models.StatusSubmitted, models.StatusServed
	ownerGet := func(state models.Status, path string) []probe {
		return []probe{{state: state, path: path, want: ownerOnly}}
	}
	m["GET /cases"] = []probe{{path: "/cases", want: plaintiffs}}
	m["POST /cases/new"] = []probe{{path: "/cases/new", body: url.Values{}, want: plaintiffs}}
	m["GET /cases/:id"] = []probe{{state: draft, path: "/cases/{id}", want: ownerOnly}, {state: models.StatusDecided, path: "/cases/{id}", want: ownerOnly}}
	m["GET /cases/:id/complaint"] = ownerGet(draft, "/cases/{id}/complaint")
	sections := map[string]url.Values{
		"defendant": {"defendant.name": {"Example Co"}, "defendant.uscc": {models.CompleteUSCC("91110000MA01ABCD2")}, "defendant.sector": {"social"},
			"defendant.platform": {"App"}, "defendant.address": {"1 Road"}},
		"categories": {"categories": {"forced_consent"}},
		"info":       {"info_types": {"phone"}},
		"facts":      {"facts": {"The app forced consent."}},
		"requests":   {"stop_processing": {"yes"}, "requests.compensation": {"2900.00"}},
	}
	for sec, form := range sections {
		m["GET /cases/:id/complaint/"+sec] = ownerGet(draft, "/cases/{id}/complaint/"+sec)
		m["POST /cases/:id/complaint/"+sec] = []probe{{state: draft, path: "/cases/{id}/complaint/" + sec, body: form, want: ownerOnly}}
	}
	m["GET /cases/:id/complaint/evidence"] = ownerGet(draft, "/cases/{id}/complaint/evidence")
	m["POST /cases/:id/complaint/evidence"] = []probe{{state: draft, path: "/cases/{id}/complaint/evidence", body: uploadBody(), want: ownerOnly}}
	m["POST /cases/:id/complaint/evidence/:eid/remove"] = []probe{{state: draft, path: "/cases/{id}/complaint/evidence/{eid}/remove", body: url.Values{}, want: ownerOnly, fresh: true}}
	m["GET /cases/:id/check"] = ownerGet(draft, "/cases/{id}/check")
	m["GET /cases/:id/declaration"] = ownerGet(draft, "/cases/{id}/declaration")
	m["POST /cases/:id/declaration"] = []probe{{state: draft, path: "/cases/{id}/declaration", body: url.Values{"declaration": {"yes"}}, want: ownerOnly}}
	m["POST /cases/:id/submit"] = []probe{{state: draft, path: "/cases/{id}/submit", body: url.Values{"form_token": {"{formtoken}"}}, want: ownerOnly, fresh: true}}
	m["GET /cases/:id/confirmation"] = ownerGet(submitted, "/cases/{id}/confirmation")
	m["GET /cases/:id/withdraw"] = ownerGet(submitted, "/cases/{id}/withdraw")
	m["POST /cases/:id/withdraw"] = []probe{{state: submitted, path: "/cases/{id}/withdraw", body: url.Values{"reason": {"Settled privately."}}, want: ownerOnly, fresh: true}}
	// Evidence files: whoever may see the case, never the administrator.
	m["GET /cases/:id/evidence/:eid/file"] = []probe{{state: served, path: "/cases/{id}/evidence/{eid}/file", want: evidenceRead},
		{state: served, path: "/cases/{id}/evidence/999999/file", want: "L 404 404 404 404 404 404 404 404"}}
	m["GET /cases/:id/evidence/:eid/preview"] = []probe{{state: served, path: "/cases/{id}/evidence/{eid}/preview", want: evidenceRead}}
	// Filing API.
	complaint := map[string]any{"defendant": map[string]any{"name": "Example Co", "uscc": models.CompleteUSCC("91110000MA01ABCD2"), "sector": "social",
		"platform": "App", "address": "1 Road"}, "categories": []string{"forced_consent"}, "info_types": []string{"phone"}, "facts": "Forced consent.",
		"requests": map[string]any{"stop_processing": true, "compensation": "2900.00", "costs": "0.00"}}
	m["GET /api/v1/cases"] = []probe{{path: "/api/v1/cases", want: signedIn}}
	m["POST /api/v1/cases"] = []probe{{path: "/api/v1/cases", body: complaint, want: plaintiffs}}
	m["PATCH /api/v1/cases/:id"] = []probe{{state: draft, path: "/api/v1/cases/{id}", body: map[string]any{"facts": "More facts."}, want: ownerOnly},
		{state: submitted, path: "/api/v1/cases/{id}", body: map[string]any{"facts": "Too late."}, want: "L 409 404 403 403 403 403 403 403"}}
	m["POST /api/v1/cases/:id/evidence"] = []probe{
		{state: draft, path: "/api/v1/cases/{id}/evidence", body: uploadBody(), want: "L ok 404 404 404 404 404 404 404"},
		{state: served, path: "/api/v1/cases/{id}/evidence", body: uploadBody(), want: "L ok 404 ok 404 403 403 404 404"},
	}
	m["GET /api/v1/cases/:id/evidence/:eid/file"] = []probe{{state: served, path: "/api/v1/cases/{id}/evidence/{eid}/file", want: evidenceRead}}
	m["DELETE /api/v1/cases/:id/evidence/:eid"] = []probe{{state: draft, path: "/api/v1/cases/{id}/evidence/{eid}", want: ownerOnly, fresh: true}}

	// Bench pages (judge): the assigned judge; another judge 404; other roles 403.
	const benchOnly = "L 403 403 403 403 403 ok 404 403"
	m["GET /bench"] = []probe{{path: "/bench", want: "L 403 403 403 403 403 ok ok 403"}}
	m["GET /bench/cases/:id"] = []probe{{state: served, path: "/bench/cases/{id}", want: benchOnly}}
	m["GET /bench/cases/:id/:action"] = []probe{{state: models.StatusHearingScheduled, path: "/bench/cases/{id}/record-hearing", want: benchOnly},
		{state: models.StatusHeard, path: "/bench/cases/{id}/rule", want: benchOnly},
		{state: models.StatusHeard, path: "/bench/cases/{id}/no-such-action", want: "L 403 403 403 403 403 404 404 403"}}
	m["POST /bench/cases/:id/:action"] = []probe{
		{state: models.StatusHearingScheduled, path: "/bench/cases/{id}/record-hearing", body: url.Values{"minutes": {"Both sides heard."}}, want: benchOnly, fresh: true},
		{state: models.StatusDecided, path: "/bench/cases/{id}/publish", body: url.Values{}, want: benchOnly, fresh: true},
		{state: served, path: "/bench/cases/{id}/publish", body: url.Values{}, want: "L 403 403 403 403 403 409 404 403"},
	}
	// Docket pages and API (clerk): the whole docket except drafts; other roles 403.
	const clerkOnly = "L 403 403 403 403 ok 403 403 403"
	m["GET /docket"] = []probe{{path: "/docket", want: clerkOnly}}
	m["GET /docket/export.csv"] = []probe{{path: "/docket/export.csv", want: clerkOnly}}
	m["GET /docket/cases/:id"] = []probe{{state: submitted, path: "/docket/cases/{id}", want: clerkOnly},
		{state: draft, path: "/docket/cases/{id}", want: "L 403 403 403 403 404 403 403 403"}}
	m["POST /docket/cases/:id/:action"] = []probe{
		{state: submitted, path: "/docket/cases/{id}/request-amendment", body: url.Values{"reason": {"Add the screenshots."}}, want: clerkOnly, fresh: true},
		{state: models.StatusAccepted, path: "/docket/cases/{id}/serve", body: url.Values{}, want: clerkOnly, fresh: true},
		{state: draft, path: "/docket/cases/{id}/accept", body: url.Values{"procedure": {"simplified"}}, want: "L 403 403 403 403 404 403 403 403"},
		{state: submitted, path: "/docket/cases/{id}/no-such-action", body: url.Values{}, want: "L 403 403 403 403 404 403 403 403"},
	}
	m["GET /api/v1/judges"] = []probe{{path: "/api/v1/judges", want: clerkOnly}}
	m["GET /api/v1/docket.csv"] = []probe{{path: "/api/v1/docket.csv", want: clerkOnly}}
	// Defendant pages: the served defendant; another defendant 404; other roles 403. Claiming
	// needs no account (or a defendant's); a wrong code is 401, other signed-in roles 403.
	const servedOnly = "L 403 403 ok 404 403 403 403 403"
	badClaim := url.Values{"reference": {"NC-2026-00010{p}"}, "access_code": {"ABCD-EFGH-JKMN"}, "name": {"Legal Dept"},
		"email": {"legal{p}@example.test"}, "password": {"a long passphrase here"}}
	m["GET /defendant/claim"] = []probe{{path: "/defendant/claim", want: allOK}}
	m["POST /defendant/claim"] = []probe{{path: "/defendant/claim", body: badClaim, want: "401 403 403 401 401 403 403 403 403"}}
	m["POST /api/v1/defendant/claim"] = []probe{{path: "/api/v1/defendant/claim", body: map[string]any{"reference": "NC-2026-00020{p}",
		"access_code": "ABCD-EFGH-JKMN", "name": "Legal Dept", "email": "legal{p}@example.test", "password": "a long passphrase here"},
		want: "401 403 403 401 401 403 403 403 403"}}
	m["GET /defendant/cases"] = []probe{{path: "/defendant/cases", want: "L 403 403 ok ok 403 403 403 403"}}
	m["GET /defendant/cases/:id"] = []probe{{state: served, path: "/defendant/cases/{id}", want: servedOnly}}
	m["POST /defendant/cases/:id/answer"] = []probe{{state: served, path: "/defendant/cases/{id}/answer", body: url.Values{"text": {"We had consent."}}, want: servedOnly, fresh: true}}
	m["POST /defendant/cases/:id/evidence"] = []probe{{state: served, path: "/defendant/cases/{id}/evidence", body: uploadBody(), want: servedOnly}}
	// Integrity check of one case: whoever may see the case.
	m["GET /api/v1/cases/:id/verify"] = []probe{{state: served, path: "/api/v1/cases/{id}/verify", want: caseReaders},
		{state: draft, path: "/api/v1/cases/{id}/verify", want: "L ok 404 404 404 404 404 404 404"}}
	// The ruling as a printable page: whoever may see the case.
	m["GET /cases/:id/ruling"] = []probe{{state: models.StatusDecided, path: "/cases/{id}/ruling", want: "L ok 404 ok 404 ok ok 404 404"}}
	// The public record: anyone, signed in or not; only published rulings exist there.
	m["GET /rulings"] = []probe{{path: "/rulings", want: allOK}}
	m["GET /rulings/:id"] = []probe{{state: statusPublished, path: "/rulings/{rid}", want: allOK}, {state: models.StatusDecided, path: "/rulings/{rid}", want: all404}}
	m["GET /statistics"] = []probe{{path: "/statistics", want: allOK}}
	m["GET /statistics.csv"] = []probe{{path: "/statistics.csv", want: allOK}}
	m["GET /api/v1/rulings"] = []probe{{path: "/api/v1/rulings", want: allOK}}
	m["GET /api/v1/rulings/:id"] = []probe{{state: statusPublished, path: "/api/v1/rulings/{rid}", want: allOK}, {state: models.StatusDecided, path: "/api/v1/rulings/{rid}", want: all404}}
	m["GET /api/v1/stats"] = []probe{{path: "/api/v1/stats", want: allOK}}
	// Administration: the administrator only.
	const adminOnly = "L 403 403 403 403 403 403 403 ok"
	staff := url.Values{"role": {"clerk"}, "name": {"New Clerk"}, "email": {"newclerk{p}@example.test"}, "password": {"a long staff passphrase"}}
	staffJSON := map[string]any{"role": "judge", "name": "New Judge", "email": "newjudge{p}@example.test", "password": "a long staff passphrase"}
	m["GET /admin"] = []probe{{path: "/admin", want: adminOnly}}
	m["GET /admin/audit"] = []probe{{path: "/admin/audit", want: adminOnly}}
	m["POST /admin/users"] = []probe{{path: "/admin/users", body: staff, want: adminOnly}}
	m["POST /admin/users/:id/disable"] = []probe{{path: "/admin/users/{victim}/disable", body: url.Values{}, want: adminOnly}}
	m["POST /admin/users/:id/enable"] = []probe{{path: "/admin/users/{victim}/enable", body: url.Values{}, want: adminOnly}}
	m["GET /api/v1/admin/users"] = []probe{{path: "/api/v1/admin/users", want: adminOnly}}
	m["GET /api/v1/admin/audit"] = []probe{{path: "/api/v1/admin/audit", want: adminOnly}}
	m["POST /api/v1/admin/users"] = []probe{{path: "/api/v1/admin/users", body: staffJSON, want: adminOnly}}
	m["POST /api/v1/admin/users/:id/disable"] = []probe{{path: "/api/v1/admin/users/{victim}/disable", body: map[string]any{}, want: adminOnly}}
	m["POST /api/v1/admin/users/:id/enable"] = []probe{{path: "/api/v1/admin/users/{victim}/enable", body: map[string]any{}, want: adminOnly}}

	// Anything else under /api/v1 answers a JSON 404, whatever the method.
	for _, meth := range anyMethods {
		m[meth+" /api/v1/*"] = []probe{{method: meth, path: "/api/v1/no/such/thing", want: all404}}
	}
	return m
}

// anyMethods are the methods echo registers for Any; only the common ones are probed.
var anyMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

func TestAuthzMatrix(t *testing.T) {
	w := newAzWorld(t)
	m := matrix()
	routes := map[string]bool{}
	for _, r := range w.e.Routes() {
		key := r.Method + " " + r.Path
		if r.Path == "/api/v1/*" && !contains(anyMethods, r.Method) {
			continue // the catch-all for exotic methods (PROPFIND …) answers like the others
		}
		if strings.HasPrefix(r.Name, "github.com/labstack/echo") {
			continue // echo's own method-not-allowed handlers
		}
		routes[key] = true
		if _, ok := m[key]; !ok {
			t.Errorf("route %s has no entry in the authorisation matrix (handlers/authz_matrix_test.go): decide who may call it", key)
		}
	}
	for key := range m {
		if !routes[key] {
			t.Errorf("matrix entry %s matches no registered route", key)
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	shared := map[models.Status]int64{}
	cells := 0
	for _, key := range keys {
		meth := strings.SplitN(key, " ", 2)[0]
		for i, pr := range m[key] {
			want := strings.Fields(pr.want)
			if len(want) != int(principalCount) {
				t.Fatalf("%s probe %d: %d expectations, want %d", key, i, len(want), principalCount)
			}
			if pr.method == "" {
				pr.method = meth
			}
			for p := anonymous; p < principalCount; p++ {
				var id int64
				if pr.state != "" {
					if pr.fresh {
						id = w.caseAt(t, pr.state)
					} else {
						if shared[pr.state] == 0 {
							shared[pr.state] = w.caseAt(t, pr.state)
						}
						id = shared[pr.state]
					}
				}
				rec := w.send(t, p, pr, id)
				cells++
				if !statusMatches(rec, want[p]) {
					t.Errorf("%s %s as %s: status %d (Location %q), want %s\n%.300s", pr.method, pr.path, principalNames[p],
						rec.Code, rec.Header().Get("Location"), want[p], rec.Body.String())
				}
			}
		}
	}
	t.Logf("authorisation matrix: %d routes × %d principals; %d probes answered (%d cells)", len(routes), principalCount, cells/int(principalCount), cells)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func statusMatches(rec *httptest.ResponseRecorder, want string) bool {
	code := rec.Code
	toLogin := code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/login")
	switch want {
	case "ok":
		return code >= 200 && code < 400 && !toLogin
	case "L":
		return code == http.StatusUnauthorized || toLogin
	}
	return fmt.Sprint(code) == want
}

// send makes the probe's request as principal p.
func (w *azWorld) send(t *testing.T, p principal, pr probe, caseID int64) *httptest.ResponseRecorder {
	t.Helper()
	path := strings.ReplaceAll(pr.path, "{id}", fmt.Sprint(caseID))
	path = strings.ReplaceAll(path, "{victim}", fmt.Sprint(w.victim.ID))
	if strings.Contains(path, "{rid}") {
		r, err := w.f.Store.RulingFor(context.Background(), caseID)
		if err != nil {
			t.Fatalf("no ruling on case %d: %v", caseID, err)
		}
		path = strings.ReplaceAll(path, "{rid}", fmt.Sprint(r.ID))
	}
	if strings.Contains(path, "{eid}") {
		evs, err := w.f.Store.EvidenceList(context.Background(), caseID)
		if err != nil || len(evs) == 0 {
			t.Fatalf("no evidence on case %d: %v", caseID, err)
		}
		path = strings.ReplaceAll(path, "{eid}", fmt.Sprint(evs[0].ID))
	}
	api := strings.HasPrefix(path, "/api/")
	var opts []tk.ReqOpt
	token, cookies := w.tokens[p], w.cookies[p]
	if pr.fresh && p != anonymous && (strings.HasSuffix(path, "/logout")) {
		token = tk.LoginAPI(t, w.e, w.users[p].Email, tk.Password)
		cookies = tk.LoginPage(t, w.e, w.users[p].Email, tk.Password)
	}
	var body any
	if api {
		if p != anonymous {
			opts = append(opts, tk.Bearer(token))
		}
		if rb, ok := pr.body.(rawBody); ok {
			opts = append(opts, tk.Raw(rb.ct, rb.b))
		} else if pr.body != nil {
			body = w.fillBody(pr.body, p)
		}
	} else {
		// A page request as a browser sends it: cookies and, on POST, the CSRF token.
		opts = append(opts, tk.Cookie(cookies...), tk.Cookie(&http.Cookie{Name: "nc_csrf", Value: "matrix-csrf-token"}),
			tk.Header("X-CSRF-Token", "matrix-csrf-token"), tk.Header("Sec-Fetch-Site", "same-origin"))
		if rb, ok := pr.body.(rawBody); ok {
			opts = append(opts, tk.Raw(rb.ct, rb.b))
		}
		if v, ok := pr.body.(url.Values); ok {
			form := url.Values{}
			for k, vs := range v {
				for _, x := range vs {
					x = strings.ReplaceAll(x, "{p}", fmt.Sprint(int(p)))
					if x == "{formtoken}" {
						x = fmt.Sprintf("%032x", time.Now().UnixNano()+int64(p))
					}
					form.Add(k, x)
				}
			}
			opts = append(opts, tk.Form(form))
		}
	}
	// Each principal comes from its own address, as separate people do.
	opts = append(opts, tk.RemoteAddr(fmt.Sprintf("192.0.2.%d:4000", 10+int(p))))
	return tk.Do(t, w.e, pr.method, path, body, opts...)
}

// fillBody replaces the placeholders {judge}, {future}, {plaintiffA} and {p} in a JSON body.
func (w *azWorld) fillBody(b any, p principal) any {
	m, ok := b.(map[string]any)
	if !ok {
		return b
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch v {
		case "{judge}":
			out[k] = w.users[judgeAssigned].ID
		case "{future}":
			out[k] = w.f.Clock.Now().Add(10 * 24 * time.Hour).Format(time.RFC3339)
		case "{plaintiffA}":
			out[k] = w.users[plaintiffA].Email
		default:
			if s, ok := v.(string); ok {
				v = strings.ReplaceAll(s, "{p}", fmt.Sprint(int(p)))
			}
			out[k] = v
		}
	}
	return out
}
