package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/models"
	"netcourt/models/testkit"
)

// The plaintiff's particulars, which must never reach a public page.
const (
	plName    = "王小明"
	plPhone   = "13912345678"
	plEmail   = "wang.xiaoming@example.com"
	plAddress = "北京市朝阳区建国路88号院3号楼2单元301室"
	company   = "王者科技有限公司"
)

type bench struct {
	f                          *testkit.Fixture
	e                          *echo.Echo
	plaintiff, other, def      *models.User
	clerk, judge, otherJudge   *models.User
	caseID                     int64
	evidenceSHA                string
	judgeTok, clerkTok, plTok  string
	otherJudgeTok, otherPlTok  string
	judgeCookies, plainCookies []*http.Cookie
}

func sp(s string) *string { return &s }
func bp(b bool) *bool     { return &b }

// newBench files a case by 王小明 against 王者科技有限公司 with one piece of evidence and drives it
// to the given stop ("served", "answered", "heard") through the store.
func newBench(t *testing.T, stop string) *bench {
	t.Helper()
	ctx := context.Background()
	f := testkit.NewStore(t)
	b := &bench{f: f, e: testkit.NewServer(t, f), clerk: f.Clerk(t), judge: f.Judge(t), otherJudge: f.Judge(t), other: f.Plaintiff(t), def: f.Defendant(t)}
	var err error
	b.plaintiff, err = f.Store.Register(ctx, models.RegisterInput{Name: plName, Email: plEmail, Phone: plPhone, Password: testkit.Password})
	if err != nil {
		t.Fatal(err)
	}
	cats, infos := []string{"forced_consent", "excessive_collection"}, []string{"phone", "location"}
	c, err := f.Store.CreateCase(ctx, b.plaintiff, models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: sp(company), USCC: sp(models.CompleteUSCC("91110000MA01ABCD2")),
			Sector: sp("ecommerce"), Platform: sp("王者商城"), Address: sp("北京市海淀区中关村大街1号")},
		Categories: &cats, InfoTypes: &infos,
		Facts: sp("原告王小明（电话" + plPhone + "，邮箱" + plEmail + "）称：被告的应用不授权定位就拒绝服务。小明住" + plAddress + "。"),
		Requests: &models.RequestsInput{StopProcessing: bp(true), Deletion: bp(true), Apology: bp(true),
			Compensation: sp("2900.00"), Costs: sp("300.00")},
		PlaintiffAddress: sp(plAddress), Declaration: bp(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	b.caseID = c.ID
	ev, err := f.Store.AddEvidence(ctx, b.plaintiff, c.ID, models.EvidenceInput{Title: "Screenshot of the refusal", FileName: "chat.txt",
		Body: strings.NewReader("客服：不开定位就不能用。"), MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	b.evidenceSHA = ev.SHA256
	adv := func(u *models.User, a models.Action, in models.ActionInput) {
		t.Helper()
		f.Clock.Advance(24 * time.Hour)
		if _, _, err := f.Store.Advance(ctx, u, c.ID, a, in); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	adv(b.plaintiff, models.ActSubmit, models.ActionInput{})
	adv(b.clerk, models.ActAccept, models.ActionInput{Procedure: models.ProcedureSimplified, JudgeID: b.judge.ID})
	adv(b.clerk, models.ActServe, models.ActionInput{})
	if stop != "served" {
		if err := f.DB.Model(&models.Case{}).Where("id = ?", c.ID).Update("defendant_user_id", b.def.ID).Error; err != nil {
			t.Fatal(err)
		}
		adv(b.def, models.ActAnswer, models.ActionInput{Text: "被告已取得原告同意，定位为提供服务所必需。"})
	}
	if stop == "heard" {
		at := f.Clock.Now().Add(5 * 24 * time.Hour)
		adv(b.judge, models.ActScheduleHearing, models.ActionInput{At: &at, Mode: "video"})
		adv(b.judge, models.ActRecordHearing, models.ActionInput{Minutes: "双方到庭。王小明陈述了事实。"})
	}
	b.judgeTok = testkit.LoginAPI(t, b.e, b.judge.Email, testkit.Password)
	b.clerkTok = testkit.LoginAPI(t, b.e, b.clerk.Email, testkit.Password)
	b.plTok = testkit.LoginAPI(t, b.e, plEmail, testkit.Password)
	b.otherJudgeTok = testkit.LoginAPI(t, b.e, b.otherJudge.Email, testkit.Password)
	b.otherPlTok = testkit.LoginAPI(t, b.e, b.other.Email, testkit.Password)
	return b
}

func (b *bench) path(suffix string) string {
	return fmt.Sprintf("/api/v1/cases/%d/%s", b.caseID, suffix)
}

func (b *bench) page(suffix string) string { return fmt.Sprintf("/bench/cases/%d%s", b.caseID, suffix) }

// get fetches a page with the given cookies.
func get(t *testing.T, e *echo.Echo, path string, cookies []*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	return testkit.Do(t, e, http.MethodGet, path, nil, testkit.Cookie(cookies...))
}

// post submits a form as a browser would: the CSRF token from a signed-in page, then the POST.
func post(t *testing.T, e *echo.Echo, path string, cookies []*http.Cookie, v url.Values) *httptest.ResponseRecorder {
	t.Helper()
	tok, more := testkit.FormToken(t, e, "/account", testkit.Cookie(cookies...))
	v.Set("_csrf", tok)
	return testkit.Do(t, e, http.MethodPost, path, nil, testkit.Cookie(append(append([]*http.Cookie{}, cookies...), more...)...), testkit.Form(v))
}

func ruleBody() map[string]any {
	return map[string]any{"outcome": "partly_upheld", "findings": []string{"forced_consent"},
		"orders":    map[string]any{"stop_processing": true, "deletion": true, "apology": false, "compensation": "1000.00", "costs": "300.00"},
		"reasoning": "本院认为，王小明（" + plPhone + "）的定位信息并非提供服务所必需。被告王者科技有限公司强制授权违反《个人信息保护法》第十六条。"}
}

func (b *bench) caseVersion(t *testing.T) int64 {
	t.Helper()
	rec := testkit.Do(t, b.e, http.MethodGet, fmt.Sprintf("/api/v1/cases/%d", b.caseID), nil, testkit.Bearer(b.judgeTok))
	v := testkit.DecodeJSON[struct {
		Case struct {
			Version int64 `json:"version"`
		} `json:"case"`
	}](t, rec)
	return v.Case.Version
}

func TestBenchAPIOnlyTheAssignedJudgeActs(t *testing.T) {
	b := newBench(t, "heard")
	e := b.e
	for _, c := range []struct {
		name, action, token string
		body                any
		want                int
	}{
		{"another judge cannot see the case", "rule", b.otherJudgeTok, ruleBody(), http.StatusNotFound},
		{"another plaintiff cannot see the case", "rule", b.otherPlTok, ruleBody(), http.StatusNotFound},
		{"a clerk cannot rule", "rule", b.clerkTok, ruleBody(), http.StatusForbidden},
		{"the plaintiff cannot rule", "rule", b.plTok, ruleBody(), http.StatusForbidden},
		{"the plaintiff cannot publish", "publish", b.plTok, map[string]any{}, http.StatusForbidden},
		{"a clerk cannot record a hearing", "record-hearing", b.clerkTok, map[string]any{"minutes": "x"}, http.StatusForbidden},
		{"nothing to publish before a ruling", "publish", b.judgeTok, map[string]any{}, http.StatusConflict},
		{"no token", "rule", "", ruleBody(), http.StatusUnauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			var opts []testkit.ReqOpt
			if c.token != "" {
				opts = append(opts, testkit.Bearer(c.token))
			}
			rec := testkit.Do(t, e, http.MethodPost, b.path(c.action), c.body, opts...)
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.want, rec.Body.String())
			}
		})
	}

	// Validation: more than claimed, unknown finding, no reasoning, malformed money.
	bad := ruleBody()
	bad["orders"] = map[string]any{"compensation": "99999.00"}
	bad["findings"] = []string{"forced_consent", "<script>"}
	bad["reasoning"] = "  "
	rec := testkit.Do(t, e, http.MethodPost, b.path("rule"), bad, testkit.Bearer(b.judgeTok))
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid ruling: %d %s", rec.Code, rec.Body.String())
	}
	for _, f := range []string{"orders.compensation", "findings", "reasoning"} {
		if !strings.Contains(rec.Body.String(), `"`+f+`"`) {
			t.Errorf("422 does not name %s: %s", f, rec.Body.String())
		}
	}
	rec = testkit.Do(t, e, http.MethodPost, b.path("rule"), map[string]any{"outcome": "upheld", "orders": map[string]any{"compensation": "1e3"}}, testkit.Bearer(b.judgeTok))
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("malformed money: %d %s", rec.Code, rec.Body.String())
	}
	rec = testkit.Do(t, e, http.MethodPost, b.path("rule"), `{"outcome":`, testkit.Header("Content-Type", "application/json"), testkit.Bearer(b.judgeTok))
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("malformed JSON: %d", rec.Code)
	}

	// The judge rules; the ruling cannot be issued again or changed.
	rec = testkit.Do(t, e, http.MethodPost, b.path("rule"), ruleBody(), testkit.Bearer(b.judgeTok))
	if rec.Code != http.StatusOK {
		t.Fatalf("rule: %d %s", rec.Code, rec.Body.String())
	}
	var got struct {
		Case struct {
			Status string `json:"status"`
			Ruling struct {
				Outcome     string  `json:"outcome"`
				AppealUntil *string `json:"appeal_until"`
				Orders      struct {
					Compensation string `json:"compensation"`
				} `json:"orders"`
			} `json:"ruling"`
		} `json:"case"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Case.Status != "decided" || got.Case.Ruling.Outcome != "partly_upheld" || got.Case.Ruling.AppealUntil == nil || got.Case.Ruling.Orders.Compensation != "1000.00" {
		t.Fatalf("after ruling: %s", rec.Body.String())
	}
	changed := ruleBody()
	changed["outcome"] = "upheld"
	rec = testkit.Do(t, e, http.MethodPost, b.path("rule"), changed, testkit.Bearer(b.judgeTok))
	if rec.Code != http.StatusConflict {
		t.Fatalf("second ruling: %d %s", rec.Code, rec.Body.String())
	}
	var r models.Ruling
	if err := b.f.DB.Where("case_id = ?", b.caseID).First(&r).Error; err != nil || r.Outcome != "partly_upheld" {
		t.Fatalf("the ruling changed: %+v %v", r, err)
	}
	rec = testkit.Do(t, e, http.MethodPost, b.path("settle"), map[string]any{"terms": "x"}, testkit.Bearer(b.judgeTok))
	if rec.Code != http.StatusConflict {
		t.Fatalf("settle after ruling: %d", rec.Code)
	}

	// Publishing: another judge 404, the plaintiff 403, twice 409.
	if rec := testkit.Do(t, e, http.MethodPost, b.path("publish"), nil, testkit.Bearer(b.otherJudgeTok)); rec.Code != http.StatusNotFound {
		t.Fatalf("publish by another judge: %d", rec.Code)
	}
	if rec := testkit.Do(t, e, http.MethodPost, b.path("publish"), nil, testkit.Bearer(b.plTok)); rec.Code != http.StatusForbidden {
		t.Fatalf("publish by the plaintiff: %d", rec.Code)
	}
	if rec := testkit.Do(t, e, http.MethodPost, b.path("publish"), nil, testkit.Bearer(b.judgeTok)); rec.Code != http.StatusOK {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body.String())
	}
	if rec := testkit.Do(t, e, http.MethodPost, b.path("publish"), nil, testkit.Bearer(b.judgeTok)); rec.Code != http.StatusConflict {
		t.Fatalf("publish twice: %d %s", rec.Code, rec.Body.String())
	}
}

func TestBenchAPIHearingsAndSettlement(t *testing.T) {
	b := newBench(t, "answered")
	e := b.e
	// Asynchronous hearing with questions and a response deadline in RFC 3339.
	at := b.f.Clock.Now().Add(3 * 24 * time.Hour)
	body := map[string]any{"at": at.Format(time.RFC3339), "mode": "asynchronous", "questions": "请被告提交同意记录。",
		"responses_due": at.Add(5 * 24 * time.Hour).Format(time.RFC3339)}
	for _, c := range []struct {
		name string
		body map[string]any
		want int
	}{
		{"unknown mode", map[string]any{"at": at.Format(time.RFC3339), "mode": "telepathy"}, 422},
		{"in the past", map[string]any{"at": b.f.Clock.Now().Add(-time.Hour).Format(time.RFC3339), "mode": "video"}, 422},
		{"not a time", map[string]any{"at": "tomorrow", "mode": "video"}, 422},
		{"answers due before the hearing", map[string]any{"at": at.Format(time.RFC3339), "mode": "asynchronous", "responses_due": at.Add(-time.Hour).Format(time.RFC3339)}, 422},
		{"oversized questions", map[string]any{"at": at.Format(time.RFC3339), "mode": "asynchronous", "questions": strings.Repeat("问", 50001)}, 422},
	} {
		rec := testkit.Do(t, e, http.MethodPost, b.path("schedule-hearing"), c.body, testkit.Bearer(b.judgeTok))
		if rec.Code != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, rec.Code, c.want, rec.Body.String())
		}
	}
	rec := testkit.Do(t, e, http.MethodPost, b.path("schedule-hearing"), body, testkit.Bearer(b.judgeTok))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"responses_due":"`+at.Add(5*24*time.Hour).UTC().Format(time.RFC3339)) {
		t.Fatalf("schedule: %d %s", rec.Code, rec.Body.String())
	}
	// Ruling on the papers is only for small claims.
	if rec := testkit.Do(t, e, http.MethodPost, b.path("rule"), ruleBody(), testkit.Bearer(b.judgeTok)); rec.Code != http.StatusConflict {
		t.Fatalf("rule before the hearing is recorded: %d", rec.Code)
	}
	rec = testkit.Do(t, e, http.MethodPost, b.path("settle"), map[string]any{"terms": "被告删除信息并支付500元。"}, testkit.Bearer(b.judgeTok))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"status":"settled"`) {
		t.Fatalf("settle: %d %s", rec.Code, rec.Body.String())
	}
	if rec := testkit.Do(t, e, http.MethodPost, b.path("record-hearing"), map[string]any{"minutes": "x"}, testkit.Bearer(b.judgeTok)); rec.Code != http.StatusConflict {
		t.Fatalf("record after settlement: %d", rec.Code)
	}
}

func TestBenchPages(t *testing.T) {
	b := newBench(t, "answered")
	e := b.e
	judge := testkit.LoginPage(t, e, b.judge.Email, testkit.Password)
	other := testkit.LoginPage(t, e, b.otherJudge.Email, testkit.Password)
	clerk := testkit.LoginPage(t, e, b.clerk.Email, testkit.Password)

	rec := get(t, e, "/bench", judge)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "(2026)京0491民初1号") || !strings.Contains(rec.Body.String(), "3 months from docketing") {
		t.Fatalf("/bench: %d %s", rec.Code, rec.Body.String())
	}
	if !strings.Contains(rec.Body.String(), "days left") {
		t.Error("/bench does not count the days left")
	}
	if rec := get(t, e, "/bench", other); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "民初1号") {
		t.Fatalf("another judge's bench shows the case: %d", rec.Code)
	}
	if rec := get(t, e, "/bench", clerk); rec.Code != http.StatusForbidden {
		t.Fatalf("clerk on /bench: %d", rec.Code)
	}
	if rec := get(t, e, "/bench", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("anonymous on /bench: %d", rec.Code)
	}
	for _, p := range []string{"", "/rule", "/schedule-hearing", "/settle", "/publish"} {
		if rec := get(t, e, b.page(p), other); rec.Code != http.StatusNotFound {
			t.Errorf("another judge GET %s: %d", b.page(p), rec.Code)
		}
	}
	if rec := get(t, e, "/bench/cases/abc", judge); rec.Code != http.StatusNotFound {
		t.Errorf("malformed id: %d", rec.Code)
	}
	if rec := get(t, e, b.page("/nonsense"), judge); rec.Code != http.StatusNotFound {
		t.Errorf("unknown action: %d", rec.Code)
	}

	rec = get(t, e, b.page(""), judge)
	body := rec.Body.String()
	for _, want := range []string{"Intact", b.evidenceSHA, "被告已取得原告同意", "PIPL Art. 16", "Timeline", "Schedule a hearing"} {
		if !strings.Contains(body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	// The judge downloads the evidence.
	dl := get(t, e, "/cases/"+strconv.FormatInt(b.caseID, 10)+"/evidence/1/file", judge)
	if dl.Code != http.StatusOK || !strings.HasPrefix(dl.Header().Get("Content-Disposition"), "attachment") || !strings.Contains(dl.Body.String(), "定位") {
		t.Fatalf("evidence download: %d %v", dl.Code, dl.Header())
	}
	if dl := get(t, e, "/cases/"+strconv.FormatInt(b.caseID, 10)+"/evidence/1/file", other); dl.Code != http.StatusNotFound {
		t.Fatalf("evidence for another judge: %d", dl.Code)
	}
	// Alter the stored bytes: the badge says so.
	blob := filepath.Join(b.f.Blobs.Dir(), b.evidenceSHA[:2], b.evidenceSHA[2:4], b.evidenceSHA)
	_ = os.Chmod(blob, 0o600)
	if err := os.WriteFile(blob, []byte("forged"), 0o600); err != nil {
		t.Fatal(err)
	}
	body = get(t, e, b.page(""), judge).Body.String()
	if !strings.Contains(body, "ALTERED — do not rely on this file") || strings.Contains(body, `class="tag ok">Intact<`) {
		t.Fatalf("altered evidence not flagged")
	}
	if _, err := b.f.Store.VerifyCase(context.Background(), b.otherJudge, b.caseID); models.KindOf(err) != models.KindNotFound {
		t.Fatalf("VerifyCase for another judge: %v", err)
	}

	// Chinese.
	rec = get(t, e, b.page("?lang=zh"), judge)
	if !strings.Contains(rec.Body.String(), `lang="zh-CN"`) || !strings.Contains(rec.Body.String(), "案件进程") || !strings.Contains(rec.Body.String(), "已被篡改") {
		t.Fatalf("Chinese case page: %s", rec.Body.String())
	}
}

func TestBenchFormsWithoutJavaScript(t *testing.T) {
	b := newBench(t, "answered")
	e := b.e
	judge := testkit.LoginPage(t, e, b.judge.Email, testkit.Password)
	ver := func() string { return fmt.Sprint(b.caseVersion(t)) }

	// Schedule: errors come back as a 422 with a summary linking to the fields.
	rec := post(t, e, b.page("/schedule-hearing"), judge, url.Values{"version": {ver()}, "at": {"not a date"}, "mode": {"<script>x</script>"}, "location": {"<b>room</b>"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad schedule: %d %s", rec.Code, rec.Body.String())
	}
	body := rec.Body.String()
	for _, want := range []string{`href="#at"`, "error-summary", "&lt;b&gt;room&lt;/b&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("422 page lacks %q", want)
		}
	}
	if strings.Contains(body, "<b>room</b>") {
		t.Error("hostile input rendered unescaped")
	}
	// A datetime-local value is court time (Beijing, UTC+8).
	rec = post(t, e, b.page("/schedule-hearing"), judge, url.Values{"version": {ver()}, "at": {"2026-04-01T09:30"}, "mode": {"asynchronous"},
		"questions": {"请被告说明定位的必要性。"}, "responses_due": {"2026-04-05T18:00"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("schedule: %d %s", rec.Code, rec.Body.String())
	}
	hs, _ := b.f.Store.Hearings(context.Background(), b.caseID)
	if len(hs) != 1 || !hs[0].ScheduledAt.Equal(time.Date(2026, 4, 1, 1, 30, 0, 0, time.UTC)) || hs[0].ResponsesDue == nil ||
		!hs[0].ResponsesDue.Equal(time.Date(2026, 4, 5, 10, 0, 0, 0, time.UTC)) || hs[0].Mode != "asynchronous" {
		t.Fatalf("hearing stored as %+v", hs)
	}
	// A stale version is a conflict.
	if rec := post(t, e, b.page("/record-hearing"), judge, url.Values{"version": {"1"}, "minutes": {"x"}}); rec.Code != http.StatusConflict {
		t.Fatalf("stale version: %d", rec.Code)
	}
	if rec := post(t, e, b.page("/record-hearing"), judge, url.Values{"version": {ver()}, "minutes": {"  "}}); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `href="#minutes"`) {
		t.Fatalf("empty minutes: %d", rec.Code)
	}
	if rec := post(t, e, b.page("/record-hearing"), judge, url.Values{"version": {ver()}, "minutes": {"双方提交了书面答复。"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("record: %d %s", rec.Code, rec.Body.String())
	}

	// The ruling form: errors, then the confirmation page, then issuing.
	rec = get(t, e, b.page("/rule"), judge)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "PIPL Arts. 28–29") || !strings.Contains(rec.Body.String(), `name="version"`) {
		t.Fatalf("rule form: %d", rec.Code)
	}
	rec = post(t, e, b.page("/rule"), judge, url.Values{"version": {ver()}, "compensation": {"5000.00"}, "reasoning": {""}})
	body = rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#outcome"`) || !strings.Contains(body, `href="#orders.compensation"`) ||
		!strings.Contains(body, `href="#reasoning"`) {
		t.Fatalf("invalid ruling form: %d %s", rec.Code, body)
	}
	form := url.Values{"version": {ver()}, "outcome": {"partly_upheld"}, "findings": {"forced_consent", "excessive_collection"},
		"stop_processing": {"1"}, "deletion": {"1"}, "compensation": {"1000"}, "costs": {"300.00"}, "fee_borne_by": {"shared"},
		"reasoning": {"<script>alert(1)</script> 王小明的定位信息并非必需。"}}
	rec = post(t, e, b.page("/rule"), judge, form)
	body = rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "Issuing is final") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") ||
		strings.Contains(body, "<script>alert(1)") {
		t.Fatalf("confirmation: %d %s", rec.Code, body)
	}
	if r, _ := b.f.Store.RulingFor(context.Background(), b.caseID); r != nil {
		t.Fatal("the check step issued the ruling")
	}
	edit := url.Values{}
	for k, v := range form {
		edit[k] = v
	}
	edit.Set("edit", "1")
	if rec := post(t, e, b.page("/rule"), judge, edit); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `value="excessive_collection" id="findings-excessive_collection" checked`) {
		t.Fatalf("change the ruling keeps the answers: %d %s", rec.Code, rec.Body.String())
	}
	form.Set("confirm", "1")
	rec = post(t, e, b.page("/rule"), judge, form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != b.page("?done=rule") {
		t.Fatalf("issue: %d %s", rec.Code, rec.Body.String())
	}
	r, _ := b.f.Store.RulingFor(context.Background(), b.caseID)
	if r == nil || r.FeeBorneBy != "shared" || r.OrderCompensationFen != 100000 || len(r.FindingList()) != 2 {
		t.Fatalf("ruling stored as %+v", r)
	}
	rec = get(t, e, b.page("?done=rule"), judge)
	if !strings.Contains(rec.Body.String(), "The parties may appeal until") || !strings.Contains(rec.Body.String(), "Printable ruling") {
		t.Fatalf("issued ruling not shown read-only: %s", rec.Body.String())
	}
	// Issuing again is refused.
	if rec := post(t, e, b.page("/rule"), judge, form); rec.Code != http.StatusConflict {
		t.Fatalf("second ruling through the form: %d", rec.Code)
	}

	// Publication: side by side, then publish; twice is a conflict.
	rec = get(t, e, b.page("/publish"), judge)
	body = rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `class="side-by-side"`) || !strings.Contains(body, plName) || !strings.Contains(body, "王某") {
		t.Fatalf("publish preview: %d", rec.Code)
	}
	if rec := post(t, e, b.page("/publish"), judge, url.Values{"version": {ver()}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body.String())
	}
	if rec := post(t, e, b.page("/publish"), judge, url.Values{"version": {ver()}}); rec.Code != http.StatusConflict {
		t.Fatalf("publish twice: %d", rec.Code)
	}
	if rec := get(t, e, b.page("/publish"), judge); rec.Code != http.StatusConflict {
		t.Fatalf("preview after publishing: %d", rec.Code)
	}
	// A form post without the CSRF token is refused.
	rec = testkit.Do(t, e, http.MethodPost, b.page("/settle"), nil, testkit.Cookie(judge...), testkit.Form(url.Values{"terms": {"x"}}))
	if rec.Code != http.StatusForbidden {
		t.Fatalf("no CSRF token: %d", rec.Code)
	}
}

func TestPrintableRuling(t *testing.T) {
	b := newBench(t, "heard")
	e := b.e
	if rec := testkit.Do(t, e, http.MethodPost, b.path("rule"), ruleBody(), testkit.Bearer(b.judgeTok)); rec.Code != http.StatusOK {
		t.Fatalf("rule: %d", rec.Code)
	}
	pl := testkit.LoginPage(t, e, plEmail, testkit.Password)
	rec := get(t, e, fmt.Sprintf("/cases/%d/ruling", b.caseID), pl)
	body := rec.Body.String()
	for _, want := range []string{"Beijing Internet Court", "(2026)京0491民初1号", plName, company, "PIPL Art. 16", "1000.00", "The parties share the litigation fee equally", "appeal within 15 days"} {
		if !strings.Contains(body, want) {
			t.Errorf("printable ruling lacks %q", want)
		}
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("printable ruling: %d", rec.Code)
	}
	zh := get(t, e, fmt.Sprintf("/cases/%d/ruling?lang=zh", b.caseID), pl)
	if !strings.Contains(zh.Body.String(), "民事判决书") || !strings.Contains(zh.Body.String(), "北京互联网法院") {
		t.Fatal("Chinese printable ruling")
	}
	for _, who := range []string{b.judge.Email, b.clerk.Email} {
		if rec := get(t, e, fmt.Sprintf("/cases/%d/ruling", b.caseID), testkit.LoginPage(t, e, who, testkit.Password)); rec.Code != http.StatusOK {
			t.Errorf("%s: %d", who, rec.Code)
		}
	}
	for _, who := range []string{b.otherJudge.Email, b.other.Email} {
		if rec := get(t, e, fmt.Sprintf("/cases/%d/ruling", b.caseID), testkit.LoginPage(t, e, who, testkit.Password)); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", who, rec.Code)
		}
	}
	if rec := get(t, e, fmt.Sprintf("/cases/%d/ruling", b.caseID), nil); rec.Code != http.StatusSeeOther {
		t.Errorf("anonymous: %d", rec.Code)
	}
}
