package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"netcourt/models"
	"netcourt/models/testkit"
)

var (
	formTokenRe = regexp.MustCompile(`name="form_token" value="([0-9a-f]{32})"`)
	caseLocRe   = regexp.MustCompile(`^/cases/(\d+)/complaint$`)
)

// registerBrowser signs a new plaintiff up through the /register form, as a person would.
func registerBrowser(t *testing.T, f *testkit.Fixture, b *browser) *models.User {
	t.Helper()
	tok, cookies := testkit.FormToken(t, b.e, "/register")
	email := fmt.Sprintf("walk%d@example.test", len(cookies)+int(f.Clock.Now().Unix()%1000))
	rec := testkit.Do(t, b.e, http.MethodPost, "/register", nil, testkit.Cookie(cookies...),
		testkit.Form(url.Values{"_csrf": {tok}, "name": {"王小明"}, "email": {email}, "phone": {"13800138000"}, "password": {testkit.Password}}))
	wantStatus(t, rec, http.StatusSeeOther)
	jar := map[string]*http.Cookie{}
	for _, c := range append(cookies, rec.Result().Cookies()...) {
		jar[c.Name] = c
	}
	for _, c := range jar {
		b.cookies = append(b.cookies, c)
	}
	u, err := f.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPageJourneyWithoutJavaScript(t *testing.T) {
	f := testkit.NewStore(t)
	e := newFilingServer(t, f, testMaxUpload, 0)
	b := &browser{t: t, e: e}
	registerBrowser(t, f, b)

	rec := b.get("/cases")
	wantStatus(t, rec, 200)
	if !strings.Contains(rec.Body.String(), "Start a complaint") {
		t.Fatal("dashboard lacks the start button")
	}
	rec = b.post("/cases/new", nil)
	wantStatus(t, rec, http.StatusSeeOther)
	m := caseLocRe.FindStringSubmatch(rec.Header().Get("Location"))
	if m == nil {
		t.Fatalf("start redirected to %q", rec.Header().Get("Location"))
	}
	base := "/cases/" + m[1]

	rec = b.get(base + "/complaint")
	wantStatus(t, rec, 200)
	if !strings.Contains(rec.Body.String(), "Not started") || strings.Contains(rec.Body.String(), ">Completed<") {
		t.Fatal("a new task list should show sections not started")
	}

	steps := []struct {
		section string
		form    url.Values
		next    string
	}{
		{"defendant", url.Values{"defendant.name": {"Example Tech Co., Ltd."}, "defendant.uscc": {" 91110000802100433b "},
			"defendant.sector": {"social"}, "defendant.platform": {"ChatApp"}, "defendant.address": {""}}, "/complaint/categories"},
		{"categories", url.Values{"categories": {"forced_consent", "leak"}}, "/complaint/info"},
		{"info", url.Values{"info_types": {"phone", "location"}}, "/complaint/facts"},
		{"facts", url.Values{"facts": {"The app would not open unless I agreed to share my contacts."}}, "/complaint/requests"},
		{"requests", url.Values{"stop_processing": {"yes"}, "deletion": {"yes"}, "requests.compensation": {"60000"},
			"requests.costs": {"150.50"}}, "/complaint/evidence"},
	}
	for _, st := range steps {
		wantStatus(t, b.get(base+"/complaint/"+st.section), 200)
		rec = b.post(base+"/complaint/"+st.section, st.form)
		wantStatus(t, rec, http.StatusSeeOther)
		if rec.Header().Get("Location") != base+st.next {
			t.Fatalf("%s saved, went to %q", st.section, rec.Header().Get("Location"))
		}
	}

	// Evidence through the plain multipart form (title before the file, as a browser sends).
	shot := pngData(5000, 42)
	rec = b.postMultipart(base+"/complaint/evidence", textPart("evidence_title", "Consent screen"),
		textPart("evidence_description", "It asked for everything"), filePart("screen.png", shot))
	wantStatus(t, rec, http.StatusSeeOther)
	rec = b.get(rec.Header().Get("Location"))
	wantStatus(t, rec, 200)
	if !strings.Contains(rec.Body.String(), "Consent screen") || !strings.Contains(rec.Body.String(), sha(shot)) {
		t.Fatal("evidence page does not list the upload with its SHA-256")
	}

	rec = b.get(base + "/complaint")
	if strings.Count(rec.Body.String(), ">Completed") < 5 {
		t.Fatalf("task list should show every section completed:\n%s", rec.Body.String())
	}

	// Check your answers: a Change link per answer that comes back here.
	rec = b.get(base + "/check")
	wantStatus(t, rec, 200)
	body := rec.Body.String()
	for _, want := range []string{base + "/complaint/defendant?return=check#defendant.uscc", base + "/complaint/categories?return=check",
		base + "/complaint/requests?return=check#requests.compensation", "91110000802100433B", "60000.00", "¥300.00", "¥100.00"} {
		if !strings.Contains(body, want) {
			t.Errorf("check page lacks %q", want)
		}
	}
	if formTokenRe.MatchString(body) {
		t.Fatal("submit offered before the declaration")
	}
	rec = b.post(base+"/complaint/facts?return=check", url.Values{"facts": {"Changed: the app would not open unless I shared my contacts."}})
	wantStatus(t, rec, http.StatusSeeOther)
	if rec.Header().Get("Location") != base+"/check" {
		t.Fatalf("a change from the check page returned to %q", rec.Header().Get("Location"))
	}

	// Declaration: refusing is an error next to the box; accepting returns to check.
	rec = b.post(base+"/declaration", url.Values{})
	wantStatus(t, rec, 422)
	if !strings.Contains(rec.Body.String(), `href="#declaration"`) {
		t.Fatal("declaration error not linked")
	}
	rec = b.post(base+"/declaration", url.Values{"declaration": {"yes"}})
	wantStatus(t, rec, http.StatusSeeOther)

	rec = b.get(base + "/check")
	tm := formTokenRe.FindStringSubmatch(rec.Body.String())
	if tm == nil {
		t.Fatal("no one-time token on the check page")
	}
	// Double click: the same token twice makes one filing and lands on the same page.
	first := b.post(base+"/submit", url.Values{"form_token": {tm[1]}})
	second := b.post(base+"/submit", url.Values{"form_token": {tm[1]}})
	wantStatus(t, first, http.StatusSeeOther)
	wantStatus(t, second, http.StatusSeeOther)
	if first.Header().Get("Location") != base+"/confirmation" || second.Header().Get("Location") != first.Header().Get("Location") {
		t.Fatalf("submit went to %q then %q", first.Header().Get("Location"), second.Header().Get("Location"))
	}
	id := int64(0)
	fmt.Sscan(m[1], &id)
	evs, _ := f.Store.Events(context.Background(), id)
	if len(evs) != 1 || evs[0].Action != "submit" {
		t.Fatalf("events after a double submit: %+v", evs)
	}
	// A fresh token cannot file it again.
	wantStatus(t, b.post(base+"/submit", url.Values{"form_token": {strings.Repeat("ab", 16)}}), 409)
	wantStatus(t, b.post(base+"/submit", url.Values{"form_token": {"not-a-token"}}), 400)

	rec = b.get(base + "/confirmation")
	wantStatus(t, rec, 200)
	body = rec.Body.String()
	for _, want := range []string{"NC-2026-", "Per-case fee", "1% of the compensation", "¥300.00", "¥100.00", "¥400.00", sha(shot), "9 Mar 2026"} {
		if !strings.Contains(body, want) {
			t.Errorf("confirmation lacks %q", want)
		}
	}

	// After submission the complaint is read-only.
	rec = b.post(base+"/complaint/facts", url.Values{"facts": {"trying to change it after submission"}})
	wantStatus(t, rec, 409)
	rec = b.get(base + "/complaint/facts")
	wantStatus(t, rec, http.StatusSeeOther)

	// The case page: status in plain words, deadline, timeline, evidence with preview.
	rec = b.get(base)
	wantStatus(t, rec, 200)
	body = rec.Body.String()
	for _, want := range []string{"waiting for the court to review", "Decision on acceptance due", "<img src=\"" + base + "/evidence/",
		"/file\">Download", "Withdraw your case"} {
		if !strings.Contains(body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}

	// Withdraw with a reason.
	wantStatus(t, b.get(base+"/withdraw"), 200)
	rec = b.post(base+"/withdraw", url.Values{"reason": {strings.Repeat("x", 5001)}})
	wantStatus(t, rec, 422)
	if !strings.Contains(rec.Body.String(), `href="#withdraw_reason"`) {
		t.Fatal("withdraw error not linked to its field")
	}
	rec = b.post(base+"/withdraw", url.Values{"reason": {"The company deleted my data."}})
	wantStatus(t, rec, http.StatusSeeOther)
	rec = b.get(base)
	if !strings.Contains(rec.Body.String(), "You withdrew this case") {
		t.Fatal("case page does not show the withdrawal")
	}
}

func TestSectionErrorsKeepValuesAndLinkFields(t *testing.T) {
	f := testkit.NewStore(t)
	e := testkit.NewServer(t, f)
	u := f.Plaintiff(t)
	cs, err := f.Store.CreateCase(context.Background(), u, models.ComplaintInput{})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, e, u)
	base := fmt.Sprintf("/cases/%d/complaint/", cs.ID)
	cases := []struct {
		section string
		form    url.Values
		fields  []string
		kept    string
	}{
		{"defendant", url.Values{"defendant.name": {"Kept Co"}, "defendant.uscc": {"91110000802100433C"}, "defendant.sector": {"casino"}},
			[]string{"defendant.uscc", "defendant.sector"}, `value="Kept Co"`},
		{"categories", url.Values{"categories": {"leak", "made_up"}}, []string{"categories"}, ""},
		{"info", url.Values{"info_types": {"soul"}}, []string{"info_types"}, ""},
		{"facts", url.Values{"facts": {strings.Repeat("长", 20001)}}, []string{"facts"}, "长长长"},
		{"requests", url.Values{"requests.compensation": {"-1"}, "requests.costs": {"1e5"}},
			[]string{"requests.compensation", "requests.costs"}, `value="1e5"`},
		{"requests", url.Values{"requests.compensation": {"999999999999"}}, []string{"requests.compensation"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.section, func(t *testing.T) {
			rec := b.post(base+tc.section, tc.form)
			wantStatus(t, rec, 422)
			body := rec.Body.String()
			if !strings.Contains(body, `class="error-summary"`) {
				t.Fatal("no error summary")
			}
			for _, fld := range tc.fields {
				if !strings.Contains(body, `href="#`+fld+`"`) || !strings.Contains(body, `id="`+fld+`"`) || !strings.Contains(body, `id="`+fld+`-error"`) {
					t.Errorf("field %s: summary link, input id or inline message missing", fld)
				}
			}
			if tc.kept != "" && !strings.Contains(body, tc.kept) {
				t.Errorf("typed value %q not kept", tc.kept)
			}
		})
	}
	again, _ := f.Store.CaseFor(context.Background(), u, cs.ID)
	if again.DefendantName != "" || again.Facts != "" {
		t.Fatal("an invalid section must save nothing")
	}
}

func TestHostileTextIsStoredAndShownEscaped(t *testing.T) {
	f := testkit.NewStore(t)
	e := newFilingServer(t, f, testMaxUpload, 0)
	u := f.Plaintiff(t)
	tok := testkit.LoginAPI(t, e, u.Email, testkit.Password)
	const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	body := fullComplaint()
	d := body["defendant"].(map[string]any)
	d["name"], d["platform"], d["address"] = "Evil "+evil, "App "+evil, "Road "+evil
	body["facts"] = "Facts long enough to file. " + evil
	id := createCase(t, e, tok, body)
	wantStatus(t, upload(t, e, tok, id, textPart("title", "T "+evil), textPart("description", "D "+evil),
		filePart(`<b onmouseover=alert(3)>x.png`, pngData(10, 1))), 201)

	stored, _ := f.Store.CaseFor(context.Background(), u, id)
	if stored.DefendantName != "Evil "+evil || !strings.HasSuffix(stored.Facts, evil) {
		t.Fatalf("text must be stored as typed: %q", stored.DefendantName)
	}
	b := newBrowser(t, e, u)
	base := fmt.Sprintf("/cases/%d", id)
	check := func(path string) {
		t.Helper()
		rec := b.get(path)
		wantStatus(t, rec, 200)
		page := rec.Body.String()
		if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") {
			t.Fatalf("%s: raw markup from user text reached the page", path)
		}
		if !strings.Contains(page, "&lt;script&gt;alert(") {
			t.Fatalf("%s: the escaped text is not shown", path)
		}
	}
	for _, p := range []string{"/cases", base + "/complaint/defendant", base + "/complaint/facts", base + "/complaint/evidence", base + "/check"} {
		check(p)
	}
	submitCase(t, e, tok, id)
	check(base)
	check(base + "/confirmation")
	// The download header carries the name safely quoted.
	ev, _ := f.Store.EvidenceList(context.Background(), id)
	rec := b.get(fmt.Sprintf("%s/evidence/%d/file", base, ev[0].ID))
	wantStatus(t, rec, 200)
	if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || strings.Contains(cd, `"><`) {
		t.Fatalf("Content-Disposition %q", cd)
	}
}

func TestPageUploadErrors(t *testing.T) {
	f := testkit.NewStore(t)
	e := newFilingServer(t, f, testMaxUpload, 0)
	u := f.Plaintiff(t)
	cs, _ := f.Store.CreateCase(context.Background(), u, models.ComplaintInput{})
	other, _ := f.Store.CreateCase(context.Background(), f.Plaintiff(t), models.ComplaintInput{})
	b := newBrowser(t, e, u)
	path := fmt.Sprintf("/cases/%d/complaint/evidence", cs.ID)
	cases := []struct {
		name   string
		parts  []mpart
		status int
		want   string
	}{
		{"disguised HTML", []mpart{textPart("evidence_title", "x"), filePart("a.png", []byte("<html><script>alert(1)</script>"))}, 415, "This type of file is not accepted"},
		{"oversize", []mpart{textPart("evidence_title", "x"), filePart("a.png", pngData(testMaxUpload, 1))}, 413, "The file is too large"},
		{"empty", []mpart{textPart("evidence_title", "x"), filePart("a.png", nil)}, 422, "The selected file is empty"},
		{"no file chosen", []mpart{textPart("evidence_title", "x"), {name: "file", filename: ""}}, 422, "Choose a file to upload"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := b.postMultipart(path, tc.parts...)
			wantStatus(t, rec, tc.status)
			if !strings.Contains(rec.Body.String(), tc.want) || !strings.Contains(rec.Body.String(), `href="#evidence_file"`) {
				t.Fatalf("page lacks %q or the link to the file input", tc.want)
			}
		})
	}
	// Without the CSRF token in the query the upload is refused before the body is read.
	ct, body := multipartBody(t, filePart("a.png", pngData(10, 1)))
	rec := testkit.Do(t, e, http.MethodPost, path, nil, testkit.Cookie(b.cookies...), testkit.Raw(ct, body))
	wantStatus(t, rec, 403)
	wantStatus(t, b.postMultipart(fmt.Sprintf("/cases/%d/complaint/evidence", other.ID), filePart("a.png", pngData(10, 1))), 404)
	if ev, _ := f.Store.EvidenceList(context.Background(), cs.ID); len(ev) != 0 {
		t.Fatalf("%d files kept after refused uploads", len(ev))
	}
	// Remove works on a draft.
	wantStatus(t, b.postMultipart(path, textPart("evidence_title", "keep"), filePart("k.png", pngData(10, 2))), http.StatusSeeOther)
	ev, _ := f.Store.EvidenceList(context.Background(), cs.ID)
	wantStatus(t, b.post(fmt.Sprintf("%s/%d/remove", path, ev[0].ID), nil), http.StatusSeeOther)
	if ev, _ := f.Store.EvidenceList(context.Background(), cs.ID); len(ev) != 0 {
		t.Fatal("remove did not remove")
	}
}

func TestFilingPagesAccess(t *testing.T) {
	f := testkit.NewStore(t)
	e := testkit.NewServer(t, f)
	owner := f.Plaintiff(t)
	cs, _ := f.Store.CreateCase(context.Background(), owner, models.ComplaintInput{})
	id := cs.ID
	pages := []string{"/cases/%d", "/cases/%d/complaint", "/cases/%d/complaint/defendant", "/cases/%d/complaint/evidence",
		"/cases/%d/check", "/cases/%d/declaration", "/cases/%d/withdraw"}
	stranger := newBrowser(t, e, f.Plaintiff(t))
	clerk := newBrowser(t, e, f.Clerk(t))
	for _, p := range pages {
		path := fmt.Sprintf(p, id)
		wantStatus(t, stranger.get(path), 404)
		wantStatus(t, clerk.get(path), 403)
		rec := testkit.Do(t, e, http.MethodGet, path, nil)
		wantStatus(t, rec, http.StatusSeeOther)
		if !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
			t.Fatalf("anonymous %s went to %q", path, rec.Header().Get("Location"))
		}
	}
	wantStatus(t, clerk.post("/cases/new", nil), 403)
	wantStatus(t, stranger.post(fmt.Sprintf("/cases/%d/complaint/facts", id), url.Values{"facts": {"x"}}), 404)
	// A form without the CSRF token is refused.
	rec := testkit.Do(t, e, http.MethodPost, fmt.Sprintf("/cases/%d/complaint/facts", id), nil,
		testkit.Cookie(stranger.cookies...), testkit.Form(url.Values{"facts": {"x"}}))
	if rec.Code != 403 && rec.Code != 400 {
		t.Fatalf("no CSRF token: status %d", rec.Code)
	}
}

func TestFilingPagesRenderInBothLanguages(t *testing.T) {
	f := testkit.NewStore(t)
	e := newFilingServer(t, f, testMaxUpload, 0)
	u := f.Plaintiff(t)
	tok := testkit.LoginAPI(t, e, u.Email, testkit.Password)
	draft := createCase(t, e, tok, map[string]any{})
	filed := createCase(t, e, tok, fullComplaint())
	wantStatus(t, upload(t, e, tok, filed, textPart("title", "shot"), filePart("s.png", pngData(10, 1))), 201)
	submitCase(t, e, tok, filed)
	b := newBrowser(t, e, u)
	paths := []string{"/cases"}
	for _, p := range []string{"/complaint", "/complaint/defendant", "/complaint/categories", "/complaint/info", "/complaint/facts",
		"/complaint/requests", "/complaint/evidence", "/check", "/declaration"} {
		paths = append(paths, fmt.Sprintf("/cases/%d%s", draft, p))
	}
	for _, p := range []string{"", "/confirmation", "/withdraw"} {
		paths = append(paths, fmt.Sprintf("/cases/%d%s", filed, p))
	}
	for _, lang := range []struct{ code, attr, sample string }{{"en", `lang="en"`, "My cases"}, {"zh", `lang="zh-CN"`, "我的案件"}} {
		for _, p := range paths {
			rec := b.get(p + "?lang=" + lang.code)
			wantStatus(t, rec, 200)
			body := rec.Body.String()
			if !strings.Contains(body, lang.attr) || !strings.Contains(body, lang.sample) {
				t.Errorf("%s in %s: missing %s or %q", p, lang.code, lang.attr, lang.sample)
			}
			if strings.Contains(body, "filing.") || strings.Contains(body, "field.") || strings.Contains(body, "%!") {
				i := strings.Index(body, "filing.")
				if i < 0 {
					i = strings.Index(body, "field.")
				}
				if i < 0 {
					i = strings.Index(body, "%!")
				}
				t.Errorf("%s in %s: untranslated key or bad format near %q", p, lang.code, body[max(0, i-60):min(len(body), i+60)])
			}
		}
	}
}
