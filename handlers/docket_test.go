package handlers_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"netcourt/models"
	"netcourt/models/testkit"
)

// docketWorld is a fixture with the router, one person per role and helpers to make cases.
type docketWorld struct {
	f         *testkit.Fixture
	e         *echo.Echo
	plaintiff *models.User
	clerk     *models.User
	judge     *models.User
	defendant *models.User
}

func newDocketWorld(t *testing.T) *docketWorld {
	t.Helper()
	f := testkit.NewStore(t)
	return &docketWorld{f: f, e: testkit.NewServer(t, f), plaintiff: f.Plaintiff(t), clerk: f.Clerk(t), judge: f.Judge(t), defendant: f.Defendant(t)}
}

// submitted files and submits a complaint against the named company.
func (w *docketWorld) submitted(t *testing.T, company, facts string) *models.Case {
	t.Helper()
	return w.submittedWith(t, company, facts, nil)
}

// submittedWith lets before run on the draft (to add evidence) before it is submitted.
func (w *docketWorld) submittedWith(t *testing.T, company, facts string, before func(c *models.Case)) *models.Case {
	t.Helper()
	ctx := context.Background()
	cats := []string{"forced_consent"}
	infos := []string{"phone"}
	c, err := w.f.Store.CreateCase(ctx, w.plaintiff, models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: sp(company), USCC: sp(models.CompleteUSCC("91110000MA01ABCD2")),
			Sector: sp("social"), Platform: sp("ChatApp"), Address: sp("Beijing")},
		Categories: &cats, InfoTypes: &infos, Facts: sp(facts),
		Requests:    &models.RequestsInput{Deletion: bp(true), Compensation: sp("1000.00")},
		Declaration: bp(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(c)
	}
	c, _, err = w.f.Store.Advance(ctx, w.plaintiff, c.ID, models.ActSubmit, models.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// served takes a case through acceptance and service and returns the access code.
func (w *docketWorld) served(t *testing.T, c *models.Case) (*models.Case, string) {
	t.Helper()
	ctx := context.Background()
	c, _, err := w.f.Store.Advance(ctx, w.clerk, c.ID, models.ActAccept, models.ActionInput{Procedure: models.ProcedureSimplified, JudgeID: w.judge.ID})
	if err != nil {
		t.Fatal(err)
	}
	c, res, err := w.f.Store.Advance(ctx, w.clerk, c.ID, models.ActServe, models.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	return c, res.AccessCode
}

// docketBrowser is a signed-in page session: its cookies, and the CSRF token they carry.
type docketBrowser struct {
	t       *testing.T
	e       *echo.Echo
	cookies []*http.Cookie
}

func (w *docketWorld) browserFor(t *testing.T, u *models.User) *docketBrowser {
	t.Helper()
	return &docketBrowser{t: t, e: w.e, cookies: testkit.LoginPage(t, w.e, u.Email, testkit.Password)}
}

func (b *docketBrowser) csrf() string {
	for _, c := range b.cookies {
		if c.Name == "nc_csrf" {
			return c.Value
		}
	}
	b.t.Fatal("no CSRF cookie")
	return ""
}

func (b *docketBrowser) get(path string) *httptest.ResponseRecorder {
	b.t.Helper()
	return testkit.Do(b.t, b.e, http.MethodGet, path, nil, testkit.Cookie(b.cookies...))
}

func (b *docketBrowser) post(path string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	form.Set("_csrf", b.csrf())
	rec := testkit.Do(b.t, b.e, http.MethodPost, path, nil, testkit.Cookie(b.cookies...), testkit.Form(form))
	jar := map[string]*http.Cookie{}
	for _, c := range append(b.cookies, rec.Result().Cookies()...) {
		jar[c.Name] = c
	}
	b.cookies = b.cookies[:0]
	for _, c := range jar {
		if c.MaxAge >= 0 && c.Value != "" {
			b.cookies = append(b.cookies, c)
		}
	}
	return rec
}

func wantStatusOf(t *testing.T, rec *httptest.ResponseRecorder, want int, what string) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("%s: status %d, want %d: %.600s", what, rec.Code, want, rec.Body.String())
	}
}

type listReply struct {
	Items []struct {
		ID           int64   `json:"id"`
		Reference    string  `json:"reference"`
		Status       string  `json:"status"`
		NextDeadline *string `json:"next_deadline"`
		Judge        *struct {
			Name string `json:"name"`
		} `json:"judge"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// --- API ---

func TestDocketAPIAccess(t *testing.T) {
	w := newDocketWorld(t)
	c := w.submitted(t, "Acme Ltd", "The app sold my phone number to advertisers.")
	pt := testkit.LoginAPI(t, w.e, w.plaintiff.Email, testkit.Password)
	ct := testkit.LoginAPI(t, w.e, w.clerk.Email, testkit.Password)
	dt := testkit.LoginAPI(t, w.e, w.defendant.Email, testkit.Password)
	jt := testkit.LoginAPI(t, w.e, w.judge.Email, testkit.Password)
	id := fmt.Sprint(c.ID)
	accept := map[string]any{"procedure": "simplified", "judge_id": w.judge.ID}
	for _, tc := range []struct {
		name, method, path string
		body               any
		token              string
		want               int
	}{
		{"plaintiff cannot accept", "POST", "/api/v1/cases/" + id + "/accept", accept, pt, 403},
		{"plaintiff cannot reject", "POST", "/api/v1/cases/" + id + "/reject", map[string]any{"reason": "x"}, pt, 403},
		{"plaintiff cannot request amendment", "POST", "/api/v1/cases/" + id + "/request-amendment", map[string]any{"reason": "x"}, pt, 403},
		{"plaintiff cannot serve", "POST", "/api/v1/cases/" + id + "/serve", map[string]any{}, pt, 403},
		{"defendant does not see an unserved case", "GET", "/api/v1/cases/" + id, nil, dt, 404},
		{"defendant cannot act on it", "POST", "/api/v1/cases/" + id + "/answer", map[string]any{"text": "x"}, dt, 404},
		{"unassigned judge does not see it", "GET", "/api/v1/cases/" + id, nil, jt, 404},
		{"anonymous list", "GET", "/api/v1/cases", nil, "", 401},
		{"plaintiff judges", "GET", "/api/v1/judges", nil, pt, 403},
		{"plaintiff csv", "GET", "/api/v1/docket.csv", nil, pt, 403},
		{"defendant csv", "GET", "/api/v1/docket.csv", nil, dt, 403},
		{"clerk serve before accept", "POST", "/api/v1/cases/" + id + "/serve", map[string]any{}, ct, 409},
		{"clerk accept without judge", "POST", "/api/v1/cases/" + id + "/accept", map[string]any{"procedure": "simplified"}, ct, 422},
		{"clerk accept bad procedure", "POST", "/api/v1/cases/" + id + "/accept", map[string]any{"procedure": "'; DROP", "judge_id": w.judge.ID}, ct, 422},
		{"clerk accept malformed", "POST", "/api/v1/cases/" + id + "/accept", "{not json", ct, 400},
		{"clerk accept wrong type", "POST", "/api/v1/cases/" + id + "/accept", map[string]any{"procedure": "simplified", "judge_id": "one"}, ct, 422},
		{"clerk accept stale version", "POST", "/api/v1/cases/" + id + "/accept", map[string]any{"procedure": "simplified", "judge_id": w.judge.ID, "version": c.Version - 1}, ct, 409},
		{"clerk accept", "POST", "/api/v1/cases/" + id + "/accept", accept, ct, 200},
		{"clerk accept twice", "POST", "/api/v1/cases/" + id + "/accept", accept, ct, 409},
		{"assigned judge sees it", "GET", "/api/v1/cases/" + id, nil, jt, 200},
	} {
		var opts []testkit.ReqOpt
		if tc.token != "" {
			opts = append(opts, testkit.Bearer(tc.token))
		}
		var rec *httptest.ResponseRecorder
		if s, ok := tc.body.(string); ok {
			rec = testkit.Do(t, w.e, tc.method, tc.path, nil, append(opts, testkit.Raw("application/json", []byte(s)))...)
		} else {
			rec = testkit.Do(t, w.e, tc.method, tc.path, tc.body, opts...)
		}
		if rec.Code != tc.want {
			t.Errorf("%s: %d, want %d: %s", tc.name, rec.Code, tc.want, rec.Body.String())
		}
		if rec.Code >= 400 && !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("%s: error reply is not the JSON error shape: %s", tc.name, rec.Body.String())
		}
	}
	// The judge picker: loads and a suggestion.
	rec := testkit.Do(t, w.e, "GET", "/api/v1/judges", nil, testkit.Bearer(ct))
	wantStatusOf(t, rec, 200, "judges")
	j := testkit.DecodeJSON[struct {
		Items []struct {
			ID        int64 `json:"id"`
			OpenCases int64 `json:"open_cases"`
			Suggested bool  `json:"suggested"`
		} `json:"items"`
	}](t, rec)
	if len(j.Items) != 1 || j.Items[0].OpenCases != 1 || !j.Items[0].Suggested {
		t.Fatalf("judges: %s", rec.Body.String())
	}
}

func TestListCasesAPI(t *testing.T) {
	w := newDocketWorld(t)
	a := w.submitted(t, "Alpha Social Ltd", "Alpha pushed marketing messages every night.")
	b := w.submitted(t, "Beta 100% Data Co", "Beta leaked my ID number in a breach.")
	w.served(t, b)
	ct := testkit.LoginAPI(t, w.e, w.clerk.Email, testkit.Password)
	pt := testkit.LoginAPI(t, w.e, w.plaintiff.Email, testkit.Password)
	list := func(query, token string) (*httptest.ResponseRecorder, listReply) {
		rec := testkit.Do(t, w.e, "GET", "/api/v1/cases"+query, nil, testkit.Bearer(token))
		var r listReply
		if rec.Code == 200 {
			r = testkit.DecodeJSON[listReply](t, rec)
		}
		return rec, r
	}
	rec, r := list("", ct)
	wantStatusOf(t, rec, 200, "clerk list")
	// Deadline order: the served case's answer is due later than the submitted case's acceptance.
	if len(r.Items) != 2 || r.Items[0].ID != a.ID || r.NextCursor != nil {
		t.Fatalf("clerk list: %s", rec.Body.String())
	}
	if r.Items[1].Judge == nil || r.Items[1].Judge.Name != w.judge.Name {
		t.Fatalf("judge name missing: %s", rec.Body.String())
	}
	_, r = list("?status=served", ct)
	if len(r.Items) != 1 || r.Items[0].ID != b.ID {
		t.Fatalf("status filter: %+v", r)
	}
	_, r = list("?q="+url.QueryEscape("100%"), ct)
	if len(r.Items) != 1 || r.Items[0].ID != b.ID {
		t.Fatalf("q with %%: %+v", r)
	}
	_, r = list("?status=submitted,served&sort=filed", ct)
	if len(r.Items) != 2 || r.Items[0].ID != b.ID {
		t.Fatalf("filed sort: %+v", r)
	}
	// Pages of one.
	rec, r = list("?limit=1", ct)
	if len(r.Items) != 1 || r.NextCursor == nil {
		t.Fatalf("limit 1: %s", rec.Body.String())
	}
	_, r2 := list("?limit=1&cursor="+url.QueryEscape(*r.NextCursor), ct)
	if len(r2.Items) != 1 || r2.Items[0].ID == r.Items[0].ID || r2.NextCursor != nil {
		t.Fatalf("second page: %+v", r2)
	}
	// Hostile and malformed parameters: 400, never SQL, never a 500.
	for _, q := range []string{"?sort=" + url.QueryEscape("id;DROP TABLE cases"), "?sort=id", "?status=" + url.QueryEscape("served' OR '1'='1"),
		"?judge_id=abc", "?judge_id=-3", "?overdue=maybe", "?limit=0", "?limit=500", "?limit=x", "?cursor=AAAA", "?cursor=" + url.QueryEscape(`{"s":"deadline"}`),
		"?sector=moon", "?category=%25", "?q=" + url.QueryEscape(strings.Repeat("长", 201))} {
		rec, _ := list(q, ct)
		if rec.Code != 400 {
			t.Errorf("%s: %d, want 400: %s", q, rec.Code, rec.Body.String())
		}
	}
	rec, r = list("?q="+url.QueryEscape("' OR 1=1 --"), ct)
	if rec.Code != 200 || len(r.Items) != 0 {
		t.Fatalf("SQL-looking q should match nothing: %d %s", rec.Code, rec.Body.String())
	}
	// A plaintiff lists their own cases, newest activity first.
	rec, r = list("", pt)
	if rec.Code != 200 || len(r.Items) != 2 || r.Items[0].ID != b.ID {
		t.Fatalf("plaintiff list: %s", rec.Body.String())
	}
}

func TestDefendantClaimAPI(t *testing.T) {
	w := newDocketWorld(t)
	other := w.submitted(t, "Other Co", "Another complaint about a different company.")
	c := w.submitted(t, "Gamma Tech", "Gamma scanned my face at the door without consent.")
	ct := testkit.LoginAPI(t, w.e, w.clerk.Email, testkit.Password)
	id := fmt.Sprint(c.ID)
	wantStatusOf(t, testkit.Do(t, w.e, "POST", "/api/v1/cases/"+id+"/accept", map[string]any{"procedure": "small_claims", "judge_id": w.judge.ID}, testkit.Bearer(ct)), 200, "accept")
	rec := testkit.Do(t, w.e, "POST", "/api/v1/cases/"+id+"/serve", map[string]any{}, testkit.Bearer(ct))
	wantStatusOf(t, rec, 200, "serve")
	served := testkit.DecodeJSON[struct {
		AccessCode string `json:"access_code"`
		Case       struct {
			Reference string            `json:"reference"`
			Deadlines map[string]string `json:"deadlines"`
		} `json:"case"`
	}](t, rec)
	if served.AccessCode == "" || served.Case.Deadlines["answer"] == "" {
		t.Fatalf("serve reply: %s", rec.Body.String())
	}
	// The code is never readable again.
	rec = testkit.Do(t, w.e, "GET", "/api/v1/cases/"+id, nil, testkit.Bearer(ct))
	if strings.Contains(rec.Body.String(), served.AccessCode) || strings.Contains(rec.Body.String(), "access_code") {
		t.Fatal("the access code is readable after serving")
	}
	ref := served.Case.Reference
	body := func(code string) map[string]string {
		return map[string]string{"reference": ref, "access_code": code, "name": "Legal Dept <script>", "email": "legal@gamma.example", "password": "a long enough passphrase"}
	}
	wrong := "ABCD-EFGH-JKMN"
	if wrong == served.AccessCode {
		wrong = "NMKJ-HGFE-DCBA"
	}
	wantStatusOf(t, testkit.Do(t, w.e, "POST", "/api/v1/defendant/claim", body(wrong)), 401, "wrong code")
	wantStatusOf(t, testkit.Do(t, w.e, "POST", "/api/v1/defendant/claim", body("short")), 422, "malformed code")
	wantStatusOf(t, testkit.Do(t, w.e, "POST", "/api/v1/defendant/claim", "{", testkit.Raw("application/json", []byte("{"))), 400, "malformed JSON")
	rec = testkit.Do(t, w.e, "POST", "/api/v1/defendant/claim", body(served.AccessCode))
	wantStatusOf(t, rec, 201, "claim")
	tok := testkit.DecodeJSON[struct {
		Token     string `json:"token"`
		ExpiresAt string `json:"expires_at"`
		User      struct {
			ID   int64  `json:"id"`
			Role string `json:"role"`
			Name string `json:"name"`
		} `json:"user"`
	}](t, rec)
	if tok.Token == "" || tok.ExpiresAt == "" || tok.User.Role != "defendant" || tok.User.Name != "Legal Dept <script>" {
		t.Fatalf("claim reply: %s", rec.Body.String())
	}
	wantStatusOf(t, testkit.Do(t, w.e, "POST", "/api/v1/defendant/claim", body(served.AccessCode)), 401, "used code")
	dt := tok.Token
	// The defendant sees this case only.
	wantStatusOf(t, testkit.Do(t, w.e, "GET", "/api/v1/cases/"+id, nil, testkit.Bearer(dt)), 200, "defendant reads the served case")
	wantStatusOf(t, testkit.Do(t, w.e, "GET", "/api/v1/cases/"+fmt.Sprint(other.ID), nil, testkit.Bearer(dt)), 404, "defendant reads another case")
	rec = testkit.Do(t, w.e, "GET", "/api/v1/cases", nil, testkit.Bearer(dt))
	if r := testkit.DecodeJSON[listReply](t, rec); len(r.Items) != 1 || r.Items[0].ID != c.ID {
		t.Fatalf("defendant list: %s", rec.Body.String())
	}
	wantStatusOf(t, testkit.Do(t, w.e, "POST", "/api/v1/cases/"+id+"/accept", map[string]any{}, testkit.Bearer(dt)), 403, "defendant accepting")
	wantStatusOf(t, testkit.Do(t, w.e, "POST", "/api/v1/cases/"+id+"/answer", map[string]any{"text": ""}, testkit.Bearer(dt)), 422, "empty answer")
	wantStatusOf(t, testkit.Do(t, w.e, "POST", "/api/v1/cases/"+id+"/answer", map[string]any{"text": "We had consent; see the logs."}, testkit.Bearer(dt)), 200, "answer")
	// The plaintiff hears of the claim and the answer.
	pt := testkit.LoginAPI(t, w.e, w.plaintiff.Email, testkit.Password)
	rec = testkit.Do(t, w.e, "GET", "/api/v1/notifications", nil, testkit.Bearer(pt))
	for _, kind := range []string{"defendant_claimed", "answer_filed", "served", "accepted"} {
		if !strings.Contains(rec.Body.String(), `"kind":"`+kind+`"`) {
			t.Errorf("plaintiff has no %s notice: %s", kind, rec.Body.String())
		}
	}
	// An existing defendant signed in claims a second case with just the reference and code.
	d2, code2 := w.served(t, other)
	rec = testkit.Do(t, w.e, "POST", "/api/v1/defendant/claim", map[string]string{"reference": *d2.Reference, "access_code": code2}, testkit.Bearer(dt))
	wantStatusOf(t, rec, 200, "claim while signed in")
	if !strings.Contains(rec.Body.String(), `"case":{`) {
		t.Fatalf("claim while signed in: %s", rec.Body.String())
	}
	// A plaintiff signed in cannot claim.
	wantStatusOf(t, testkit.Do(t, w.e, "POST", "/api/v1/defendant/claim", map[string]string{"reference": ref, "access_code": served.AccessCode}, testkit.Bearer(pt)), 403, "plaintiff claiming")
	// A bad token is 401, not an anonymous claim.
	wantStatusOf(t, testkit.Do(t, w.e, "POST", "/api/v1/defendant/claim", body(served.AccessCode), testkit.Bearer("nonsense")), 401, "bad token")
}

func TestDocketCSVAPI(t *testing.T) {
	w := newDocketWorld(t)
	w.submitted(t, "=HYPERLINK(\"http://evil.example\",\"x\")", "Formula injection in the company name field.")
	w.submitted(t, "Plain Co", "A complaint with ordinary text, nothing odd.")
	ct := testkit.LoginAPI(t, w.e, w.clerk.Email, testkit.Password)
	rec := testkit.Do(t, w.e, "GET", "/api/v1/docket.csv?q=formula", nil, testkit.Bearer(ct))
	wantStatusOf(t, rec, 200, "csv")
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("headers %v", rec.Header())
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][1] != "reference" {
		t.Fatalf("csv rows: %q", rows)
	}
	if !strings.HasPrefix(rows[1][6], "'=") {
		t.Fatalf("formula not neutralised: %q", rows[1][6])
	}
	wantStatusOf(t, testkit.Do(t, w.e, "GET", "/api/v1/docket.csv?sort=bogus", nil, testkit.Bearer(ct)), 400, "csv bad sort")
}

// --- pages ---

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

func TestDocketPages(t *testing.T) {
	w := newDocketWorld(t)
	c := w.submitted(t, "Delta <script>alert(1)</script> Ltd", "Delta tracked my location every minute.")
	w.submitted(t, "Epsilon Ltd", "Epsilon refused to delete my account data.")
	clerk := w.browserFor(t, w.clerk)
	for _, lang := range []string{"en", "zh"} {
		rec := clerk.get("/docket?lang=" + lang)
		wantStatusOf(t, rec, 200, "docket "+lang)
		body := rec.Body.String()
		if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Fatalf("%s: the company name is not escaped", lang)
		}
		if !strings.Contains(body, *c.Reference) || !strings.Contains(body, `class="table-wrap"`) || !strings.Contains(body, map[string]string{"en": ">2 cases", "zh": "共 2 件"}[lang]) {
			t.Fatalf("%s: docket misses the case", lang)
		}
	}
	zh := clerk.get("/docket?lang=zh").Body.String()
	if !strings.Contains(zh, `lang="zh-CN"`) || !strings.Contains(zh, "立案审查") || !strings.Contains(zh, "剩余") {
		t.Fatal("Chinese docket not in Chinese")
	}
	// Hostile search text is shown escaped in the form and matches nothing.
	rec := clerk.get("/docket?q=" + url.QueryEscape(`"><script>x()</script>`))
	wantStatusOf(t, rec, 200, "hostile q")
	if strings.Contains(rec.Body.String(), "<script>x()") {
		t.Fatal("hostile q reflected unescaped")
	}
	wantStatusOf(t, clerk.get("/docket?sort="+url.QueryEscape("next_deadline; DROP TABLE cases")), 400, "hostile sort")
	wantStatusOf(t, clerk.get("/docket?cursor=garbage"), 400, "bad cursor")
	// Keyset paging through the page: one per page, a Next link that keeps the filters.
	rec = clerk.get("/docket?limit=1&status=submitted&sector=social")
	next := regexp.MustCompile(`href="(/docket\?[^"]*cursor=[^"]+)" rel="next"`).FindStringSubmatch(rec.Body.String())
	if next == nil {
		t.Fatalf("no next link: %s", rec.Body.String())
	}
	nextURL := strings.ReplaceAll(next[1], "&amp;", "&")
	if !strings.Contains(nextURL, "status=submitted") || !strings.Contains(nextURL, "sector=social") || !strings.Contains(nextURL, "limit=1") {
		t.Fatalf("next link drops filters: %s", nextURL)
	}
	rec = clerk.get(nextURL)
	wantStatusOf(t, rec, 200, "page 2")
	if strings.Contains(rec.Body.String(), `rel="next"`) {
		t.Fatal("page 2 of 2 offers a next page")
	}
	// The CSV link keeps the filters and streams CSV.
	csvLink := regexp.MustCompile(`href="(/docket/export\.csv[^"]*)"`).FindStringSubmatch(clerk.get("/docket?q=delta&overdue=0").Body.String())
	if csvLink == nil || !strings.Contains(csvLink[1], "q=delta") {
		t.Fatalf("CSV link: %v", csvLink)
	}
	rec = clerk.get(strings.ReplaceAll(csvLink[1], "&amp;", "&"))
	wantStatusOf(t, rec, 200, "csv page")
	if n := strings.Count(rec.Body.String(), "\n"); n != 2 {
		t.Fatalf("csv of one case has %d lines: %s", n, rec.Body.String())
	}
	// Overdue is said in words.
	w.f.Clock.Advance(8 * 24 * 60 * 60 * 1e9)
	clerk = w.browserFor(t, w.clerk) // the earlier sign-in has expired
	body := clerk.get("/docket?overdue=1").Body.String()
	if !strings.Contains(body, "Overdue by 1 day(s)") || !strings.Contains(body, "overdue-row") {
		t.Fatalf("overdue not said in words")
	}
	// Other roles: 403 for signed-in non-clerks, sign-in redirect for visitors.
	plaintiff := w.browserFor(t, w.plaintiff)
	wantStatusOf(t, plaintiff.get("/docket"), 403, "plaintiff docket")
	wantStatusOf(t, plaintiff.get(fmt.Sprintf("/docket/cases/%d", c.ID)), 403, "plaintiff review page")
	wantStatusOf(t, plaintiff.post(fmt.Sprintf("/docket/cases/%d/accept", c.ID), url.Values{"procedure": {"simplified"}, "judge_id": {fmt.Sprint(w.judge.ID)}}), 403, "plaintiff accept form")
	wantStatusOf(t, testkit.Do(t, w.e, "GET", "/docket", nil), 303, "anonymous docket")
	wantStatusOf(t, clerk.get("/docket/cases/999999"), 404, "missing case")
	wantStatusOf(t, clerk.get("/docket/cases/abc"), 404, "odd id")
}

func TestReviewActionsThroughForms(t *testing.T) {
	w := newDocketWorld(t)
	judge2 := w.f.Judge(t)
	var ev *models.Evidence
	c := w.submittedWith(t, "Zeta Ltd", "Zeta forced me to accept tracking to use the app.", func(c *models.Case) {
		var err error
		ev, err = w.f.Store.AddEvidence(context.Background(), w.plaintiff, c.ID, models.EvidenceInput{Title: "Chat log <b>", FileName: "chat.txt",
			Body: strings.NewReader("客服：不同意就不能用。"), MaxBytes: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
	})
	w.served(t, w.submitted(t, "Busy Co", "Keeps the first judge busy with an open case."))
	clerk := w.browserFor(t, w.clerk)
	path := fmt.Sprintf("/docket/cases/%d", c.ID)
	for _, lang := range []string{"en", "zh"} {
		rec := clerk.get(path + "?lang=" + lang)
		wantStatusOf(t, rec, 200, "review "+lang)
		body := rec.Body.String()
		for _, want := range []string{"/accept", "/reject", "/request-amendment", `name="version"`, `type="radio"`, "<legend>"} {
			if !strings.Contains(body, want) {
				t.Fatalf("%s: review page lacks %s", lang, want)
			}
		}
		if !strings.Contains(body, ev.SHA256) || !strings.Contains(body, fmt.Sprintf("/cases/%d/evidence/%d/file", c.ID, ev.ID)) || strings.Contains(body, "Chat log <b>") {
			t.Fatalf("%s: evidence hash, link or escaping missing", lang)
		}
		// The least-loaded judge is pre-selected.
		if !regexp.MustCompile(`<option value="` + fmt.Sprint(judge2.ID) + `" selected>`).MatchString(body) {
			t.Fatalf("%s: suggested judge not pre-selected", lang)
		}
	}
	version := versionField.FindStringSubmatch(clerk.get(path).Body.String())[1]
	// Validation: reject without reasons → 422, the error summary links to the field.
	rec := clerk.post(path+"/reject", url.Values{"reason": {"  "}, "version": {version}})
	wantStatusOf(t, rec, 422, "reject without reason")
	if !strings.Contains(rec.Body.String(), `href="#reject-reason"`) || !strings.Contains(rec.Body.String(), `id="reject-reason-error"`) {
		t.Fatalf("no linked error: %s", rec.Body.String())
	}
	// Request amendment with a reason and a due date.
	due := w.f.Store.Now().Add(10 * 24 * 60 * 60 * 1e9).In(w.f.Store.Court().Location).Format("2006-01-02")
	rec = clerk.post(path+"/request-amendment", url.Values{"reason": {"Attach <b>screenshots</b>."}, "due": {due}, "version": {version}})
	wantStatusOf(t, rec, 303, "request amendment")
	cur, _ := w.f.Store.CaseFor(context.Background(), w.clerk, c.ID)
	if cur.Status != models.StatusAmendmentRequested || cur.AmendmentDue.In(w.f.Store.Court().Location).Format("2006-01-02") != due {
		t.Fatalf("after amendment request: %s due %v", cur.Status, cur.AmendmentDue)
	}
	// The stale page (old version) now conflicts, and says what the case is now.
	rec = clerk.post(path+"/reject", url.Values{"reason": {"Out of time."}, "version": {version}})
	wantStatusOf(t, rec, 409, "stale reject")
	if !strings.Contains(rec.Body.String(), "Amendment requested") && !strings.Contains(rec.Body.String(), "amendment") {
		t.Fatalf("conflict does not name the current state: %s", rec.Body.String())
	}
	if _, _, err := w.f.Store.Advance(context.Background(), w.plaintiff, c.ID, models.ActSubmit, models.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	version = versionField.FindStringSubmatch(clerk.get(path).Body.String())[1]
	rec = clerk.post(path+"/accept", url.Values{"procedure": {"simplified"}, "judge_id": {fmt.Sprint(judge2.ID)}, "version": {version}})
	wantStatusOf(t, rec, 303, "accept")
	if loc := rec.Header().Get("Location"); loc != path+"?done=accept" {
		t.Fatalf("accept redirects to %s", loc)
	}
	body := clerk.get(path + "?done=accept").Body.String()
	if !strings.Contains(body, "(2026)京0491民初2号") || !strings.Contains(body, "accepted and docketed") {
		t.Fatal("review page after accept lacks the docket number or confirmation")
	}
	version = versionField.FindStringSubmatch(body)[1]
	rec = clerk.post(path+"/serve", url.Values{"version": {version}})
	wantStatusOf(t, rec, 200, "serve")
	code := regexp.MustCompile(`class="access-code">([A-Z0-9-]{14})<`).FindStringSubmatch(rec.Body.String())
	if code == nil || !strings.Contains(rec.Body.String(), "/defendant/claim") {
		t.Fatalf("service notice: %s", rec.Body.String())
	}
	if strings.Contains(clerk.get(path).Body.String(), code[1]) {
		t.Fatal("the access code is shown again")
	}
	// Serving twice (a refresh of the POST) is a conflict, and shows no new code.
	rec = clerk.post(path+"/serve", url.Values{"version": {version}})
	wantStatusOf(t, rec, 409, "serve twice")
	// Schedule a hearing in the court's zone.
	version = versionField.FindStringSubmatch(clerk.get(path).Body.String())[1]
	rec = clerk.post(path+"/schedule-hearing", url.Values{"at": {"2026-03-20T09:30"}, "mode": {"video"}, "version": {version}})
	wantStatusOf(t, rec, 303, "schedule hearing")
	hs, _ := w.f.Store.Hearings(context.Background(), c.ID)
	if len(hs) != 1 || hs[0].ScheduledAt.UTC().Format("2006-01-02T15:04") != "2026-03-20T01:30" {
		t.Fatalf("hearing %+v", hs)
	}
	wantStatusOf(t, clerk.post(path+"/bogus", url.Values{}), 404, "unknown action")
	wantStatusOf(t, clerk.post(path+"/accept", url.Values{"version": {"abc"}}), 422, "malformed version")
	// Without the CSRF token the form is refused.
	rec = testkit.Do(t, w.e, "POST", path+"/close", nil, testkit.Cookie(clerk.cookies...), testkit.Form(url.Values{}))
	wantStatusOf(t, rec, 403, "no csrf")
	// The plaintiff's header shows unread messages.
	pb := w.browserFor(t, w.plaintiff)
	if !regexp.MustCompile(`class="badge">\d+`).MatchString(pb.get("/account").Body.String()) {
		t.Fatal("no unread count in the header")
	}
}

func TestDefendantPages(t *testing.T) {
	w := newDocketWorld(t)
	c, code := w.served(t, w.submitted(t, "Eta Ltd", "Eta sent my purchase history to a data broker."))
	other := w.submitted(t, "Theta Ltd", "An unserved case the defendant must not see.")
	anon := &docketBrowser{t: t, e: w.e}
	tok, cookies := testkit.FormToken(t, w.e, "/defendant/claim")
	anon.cookies = cookies
	_ = tok
	for _, lang := range []string{"en", "zh"} {
		rec := anon.get("/defendant/claim?lang=" + lang)
		wantStatusOf(t, rec, 200, "claim page "+lang)
		if !strings.Contains(rec.Body.String(), `name="access_code"`) || !strings.Contains(rec.Body.String(), `name="password"`) {
			t.Fatal("claim page lacks fields")
		}
	}
	rec := anon.post("/defendant/claim", url.Values{"reference": {*c.Reference}, "access_code": {"ABCD-EFGH-JKMN"}, "name": {"Legal"}, "email": {"legal@eta.example"}, "password": {"a long enough passphrase"}})
	if code == "ABCD-EFGH-JKMN" {
		t.Skip("improbable code collision")
	}
	wantStatusOf(t, rec, 401, "wrong code page")
	if !strings.Contains(rec.Body.String(), "already been used") || !strings.Contains(rec.Body.String(), `value="legal@eta.example"`) {
		t.Fatal("wrong code page lacks the message or loses the email")
	}
	rec = anon.post("/defendant/claim", url.Values{"reference": {"nonsense"}, "access_code": {""}, "name": {""}, "email": {"x"}, "password": {"short"}})
	wantStatusOf(t, rec, 422, "malformed claim page")
	if !strings.Contains(rec.Body.String(), `href="#access_code"`) {
		t.Fatal("error summary does not link to the code field")
	}
	rec = anon.post("/defendant/claim", url.Values{"reference": {*c.Reference}, "access_code": {strings.ToLower(code)}, "name": {"Legal <i>Dept</i>"}, "email": {"legal@eta.example"}, "password": {"a long enough passphrase"}})
	wantStatusOf(t, rec, 303, "claim page")
	casePath := fmt.Sprintf("/defendant/cases/%d", c.ID)
	if rec.Header().Get("Location") != casePath+"?claimed=1" {
		t.Fatalf("claim redirects to %s", rec.Header().Get("Location"))
	}
	d := anon // now signed in as the new defendant
	for _, lang := range []string{"en", "zh"} {
		wantStatusOf(t, d.get("/defendant/cases?lang="+lang), 200, "defendant list "+lang)
		rec = d.get(casePath + "?lang=" + lang)
		wantStatusOf(t, rec, 200, "defendant case "+lang)
		if !strings.Contains(rec.Body.String(), "/answer") || !strings.Contains(rec.Body.String(), "Eta sent my purchase history") {
			t.Fatal("defendant case page lacks the complaint or the answer form")
		}
	}
	wantStatusOf(t, d.get(fmt.Sprintf("/defendant/cases/%d", other.ID)), 404, "defendant reads an unserved case")
	wantStatusOf(t, d.get("/docket"), 403, "defendant docket")
	version := versionField.FindStringSubmatch(d.get(casePath).Body.String())[1]
	rec = d.post(casePath+"/answer", url.Values{"text": {""}, "version": {version}})
	wantStatusOf(t, rec, 422, "empty answer")
	if !strings.Contains(rec.Body.String(), `href="#answer-text"`) {
		t.Fatal("answer error not linked")
	}
	rec = d.post(casePath+"/answer", url.Values{"text": {"<script>We had consent.</script>"}, "version": {version}})
	wantStatusOf(t, rec, 303, "answer")
	body := d.get(casePath + "?answered=1").Body.String()
	if strings.Contains(body, "<script>We had") || !strings.Contains(body, "&lt;script&gt;We had consent.") {
		t.Fatal("answer not shown escaped")
	}
	wantStatusOf(t, d.post(casePath+"/answer", url.Values{"text": {"again"}, "version": {version}}), 409, "answer twice")

	// The defendant files evidence from the case page, without JavaScript.
	upload := func(parts ...mpart) *httptest.ResponseRecorder {
		ct, body := multipartBody(t, parts...)
		return testkit.Do(t, w.e, http.MethodPost, casePath+"/evidence?_csrf="+d.csrf(), nil, testkit.Cookie(d.cookies...), testkit.Raw(ct, body))
	}
	rec = upload(textPart("title", "Consent log"), filePart("consent.txt", []byte("2026-01-02 user tapped Agree")))
	wantStatusOf(t, rec, 303, "defendant evidence upload")
	body = d.get(casePath + "?added=1").Body.String()
	if !strings.Contains(body, "Consent log") || !strings.Contains(body, "consent.txt") {
		t.Fatal("the defendant's evidence is not listed on the case page")
	}
	rec = upload(textPart("title", "Disguised"), filePart("x.png", []byte("<html><script>alert(1)</script></html>")))
	wantStatusOf(t, rec, 415, "disguised upload")
	if !strings.Contains(rec.Body.String(), `href="#evidence_file"`) {
		t.Fatal("the refused upload is not explained next to the file input")
	}
	ct, raw := multipartBody(t, filePart("a.txt", []byte("no token")))
	wantStatusOf(t, testkit.Do(t, w.e, http.MethodPost, casePath+"/evidence", nil, testkit.Cookie(d.cookies...), testkit.Raw(ct, raw)), 403, "upload without CSRF token")
	// Reusing the code from the page.
	rec = anon.post("/defendant/claim", url.Values{"reference": {*c.Reference}, "access_code": {code}})
	wantStatusOf(t, rec, 401, "used code page")
	// Signed in, the defendant claims another served case with just reference and code.
	c2, code2 := w.served(t, other)
	rec = d.get("/defendant/claim")
	if strings.Contains(rec.Body.String(), `name="password"`) {
		t.Fatal("a signed-in defendant is asked for a new account")
	}
	rec = d.post("/defendant/claim", url.Values{"reference": {*c2.Reference}, "access_code": {code2}})
	wantStatusOf(t, rec, 303, "second claim")
	list := d.get("/defendant/cases").Body.String()
	if !strings.Contains(list, *c.DocketNo) || !strings.Contains(list, *c2.DocketNo) {
		t.Fatal("the defendant's list lacks a claimed case")
	}
}

// TestActionsThroughTheAPI drives the clerk's actions with their API bodies.
func TestActionsThroughTheAPI(t *testing.T) {
	w := newDocketWorld(t)
	c := w.submitted(t, "Iota Ltd", "Iota kept calling me with marketing after I objected.")
	ct := testkit.LoginAPI(t, w.e, w.clerk.Email, testkit.Password)
	pt := testkit.LoginAPI(t, w.e, w.plaintiff.Email, testkit.Password)
	id := fmt.Sprint(c.ID)
	due := w.f.Store.Now().Add(5 * 24 * 60 * 60 * 1e9).Format("2006-01-02T15:04:05Z07:00")
	do := func(token, action string, body any, want int) string {
		t.Helper()
		rec := testkit.Do(t, w.e, "POST", "/api/v1/cases/"+id+"/"+action, body, testkit.Bearer(token))
		wantStatusOf(t, rec, want, action)
		return rec.Body.String()
	}
	body := do(ct, "request-amendment", map[string]any{"reason": "Add the app version.", "due": due}, 200)
	if !strings.Contains(body, `"status":"amendment_requested"`) || !strings.Contains(body, `"amendment":"`+due) {
		t.Fatalf("request-amendment: %s", body)
	}
	do(ct, "request-amendment", map[string]any{"reason": "again"}, 409)
	do(pt, "submit", map[string]any{}, 200)
	do(ct, "accept", map[string]any{"procedure": "ordinary", "judge_id": w.judge.ID}, 200)
	body = do(ct, "serve", map[string]any{}, 200)
	if !strings.Contains(body, `"access_code":"`) || !strings.Contains(body, `"status":"served"`) {
		t.Fatalf("serve: %s", body)
	}
	do(ct, "schedule-hearing", map[string]any{"at": "2026-03-01T09:00:00+08:00", "mode": "video"}, 422)
	do(ct, "schedule-hearing", map[string]any{"at": "2026-04-01T09:00:00+08:00", "mode": "telepathy"}, 422)
	body = do(ct, "schedule-hearing", map[string]any{"at": "2026-04-01T09:00:00+08:00", "mode": "in_person", "location": "Courtroom 3"}, 200)
	if !strings.Contains(body, `"status":"hearing_scheduled"`) || !strings.Contains(body, `"at":"2026-04-01T01:00:00Z"`) {
		t.Fatalf("schedule-hearing: %s", body)
	}
	do(ct, "close", map[string]any{}, 409)
}
