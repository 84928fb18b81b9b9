package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"netcourt/models"
	tk "netcourt/models/testkit"
)

// asAdmin signs in a fresh administrator for a scenario.
func asAdmin(t testing.TB, f *tk.Fixture, e *echo.Echo) []tk.ReqOpt {
	a := f.Admin(t)
	return []tk.ReqOpt{tk.Bearer(tk.LoginAPI(t, e, a.Email, tk.Password))}
}

func asRole(role models.Role) func(t testing.TB, f *tk.Fixture, e *echo.Echo) []tk.ReqOpt {
	return func(t testing.TB, f *tk.Fixture, e *echo.Echo) []tk.ReqOpt {
		u := f.User(t, role)
		return []tk.ReqOpt{tk.Bearer(tk.LoginAPI(t, e, u.Email, tk.Password))}
	}
}

func TestAdminAPI(t *testing.T) {
	staff := map[string]any{"role": "judge", "name": "Judge Li", "email": "li@court.test", "password": tk.Password}
	tk.RunScenarios(t, []tk.Scenario{
		{Name: "admin lists accounts", Method: "GET", Path: "/api/v1/admin/users?role=admin", Before: asAdmin,
			Status: 200, Contains: []string{`"role":"admin"`, `"next_cursor"`}, NotContains: []string{"password_hash", "$2a$"}},
		{Name: "admin creates a judge", Method: "POST", Path: "/api/v1/admin/users", Body: staff, Before: asAdmin,
			Status: 201, Contains: []string{`"role":"judge"`, `"email":"li@court.test"`},
			After: func(t testing.TB, f *tk.Fixture, e *echo.Echo, rec *httptest.ResponseRecorder) {
				var n int64
				f.DB.Model(&models.AuditEntry{}).Where("action = ?", models.AuditAccountChange).Count(&n)
				if n != 1 {
					t.Fatalf("account creation audited %d times, want 1", n)
				}
			}},
		{Name: "admin cannot create a plaintiff this way", Method: "POST", Path: "/api/v1/admin/users",
			Body: map[string]any{"role": "plaintiff", "name": "X", "email": "x@court.test", "password": tk.Password}, Before: asAdmin,
			Status: 422, Contains: []string{`"role"`}},
		{Name: "common password refused", Method: "POST", Path: "/api/v1/admin/users",
			Body: map[string]any{"role": "clerk", "name": "X", "email": "x@court.test", "password": "password123"}, Before: asAdmin,
			Status: 422, Contains: []string{`"password"`}},
		{Name: "malformed JSON", Method: "POST", Path: "/api/v1/admin/users", Opts: []tk.ReqOpt{tk.Raw("application/json", []byte(`{"role":`))},
			Before: asAdmin, Status: 400},
		{Name: "bad role filter", Method: "GET", Path: "/api/v1/admin/users?role=emperor", Before: asAdmin, Status: 400},
		{Name: "hostile search text is literal", Method: "GET", Path: "/api/v1/admin/users?q=" + url.QueryEscape("%' OR 1=1--"), Before: asAdmin,
			Status: 200, Contains: []string{`"items":[]`}},
		{Name: "bad cursor", Method: "GET", Path: "/api/v1/admin/users?cursor=abc", Before: asAdmin, Status: 400},
		{Name: "clerk may not administer", Method: "GET", Path: "/api/v1/admin/users", Before: asRole(models.RoleClerk), Status: 403},
		{Name: "judge may not create staff", Method: "POST", Path: "/api/v1/admin/users", Body: staff, Before: asRole(models.RoleJudge), Status: 403},
		{Name: "plaintiff may not read the audit trail", Method: "GET", Path: "/api/v1/admin/audit", Before: asRole(models.RolePlaintiff), Status: 403},
		{Name: "anonymous", Method: "GET", Path: "/api/v1/admin/users", Status: 401},
		{Name: "admin reads the audit trail", Method: "GET", Path: "/api/v1/admin/audit", Before: asAdmin,
			Status: 200, Contains: []string{`"action":"login"`}},
		{Name: "audit trail of one action", Method: "GET", Path: "/api/v1/admin/audit?action=login", Before: asAdmin,
			Status: 200, Contains: []string{`"action":"login"`}, NotContains: []string{`"action":"logout"`}},
		{Name: "unknown audit action", Method: "GET", Path: "/api/v1/admin/audit?action=" + url.QueryEscape("login' OR 1=1"), Before: asAdmin, Status: 400},
		{Name: "disabling an unknown account", Method: "POST", Path: "/api/v1/admin/users/999999/disable", Before: asAdmin, Status: 404},
	})
}

func TestAdminDisableRevokesAtOnce(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	a := f.Admin(t)
	adminTok := tk.LoginAPI(t, e, a.Email, tk.Password)
	p := f.Plaintiff(t)
	pTok := tk.LoginAPI(t, e, p.Email, tk.Password)

	if rec := tk.Do(t, e, "POST", "/api/v1/admin/users/"+strconv.FormatInt(a.ID, 10)+"/disable", nil, tk.Bearer(adminTok)); rec.Code != http.StatusConflict {
		t.Fatalf("admin disabling themselves: %d, want 409", rec.Code)
	}
	if rec := tk.Do(t, e, "POST", "/api/v1/admin/users/"+strconv.FormatInt(p.ID, 10)+"/disable", nil, tk.Bearer(adminTok)); rec.Code != http.StatusNoContent {
		t.Fatalf("disable: %d %s", rec.Code, rec.Body)
	}
	if rec := tk.Do(t, e, "GET", "/api/v1/me", nil, tk.Bearer(pTok)); rec.Code != http.StatusUnauthorized {
		t.Fatalf("disabled user's token still works: %d", rec.Code)
	}
	if rec := tk.Do(t, e, "POST", "/api/v1/auth/login", map[string]string{"email": p.Email, "password": tk.Password}); rec.Code != http.StatusUnauthorized {
		t.Fatalf("disabled user could sign in: %d", rec.Code)
	}
	if rec := tk.Do(t, e, "POST", "/api/v1/admin/users/"+strconv.FormatInt(p.ID, 10)+"/enable", nil, tk.Bearer(adminTok)); rec.Code != http.StatusNoContent {
		t.Fatalf("enable: %d", rec.Code)
	}
	tk.LoginAPI(t, e, p.Email, tk.Password)
}

func TestAdminPages(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	a := f.Admin(t)
	cookies := tk.LoginPage(t, e, a.Email, tk.Password)
	for _, lang := range []string{"en", "zh"} {
		for _, path := range []string{"/admin", "/admin/audit"} {
			rec := tk.Do(t, e, "GET", path+"?lang="+lang, nil, tk.Cookie(cookies...))
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), `lang="`+map[string]string{"en": "en", "zh": "zh-CN"}[lang]+`"`) {
				t.Fatalf("%s in %s: %d", path, lang, rec.Code)
			}
		}
	}
	tok, _ := tk.FormToken(t, e, "/admin", tk.Cookie(cookies...))
	// A hostile name is stored and shown escaped; a missing role is named in the error summary.
	rec := tk.Do(t, e, "POST", "/admin/users", nil, tk.Cookie(cookies...), tk.Form(url.Values{
		"_csrf": {tok}, "name": {"<script>alert(1)</script>"}, "email": {"x@court.test"}, "password": {tk.Password}}))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `href="#role"`) ||
		strings.Contains(rec.Body.String(), "<script>alert(1)</script>") {
		t.Fatalf("missing role: %d %s", rec.Code, rec.Body)
	}
	rec = tk.Do(t, e, "POST", "/admin/users", nil, tk.Cookie(cookies...), tk.Form(url.Values{
		"_csrf": {tok}, "role": {"clerk"}, "name": {"<script>alert(1)</script>"}, "email": {"x@court.test"}, "password": {tk.Password}}))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create clerk: %d %s", rec.Code, rec.Body)
	}
	rec = tk.Do(t, e, "GET", "/admin", nil, tk.Cookie(cookies...))
	if body := rec.Body.String(); strings.Contains(body, "<script>alert(1)</script>") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("the clerk's name is not escaped on the admin page")
	}
	// Without the CSRF token nothing changes.
	rec = tk.Do(t, e, "POST", "/admin/users", nil, tk.Cookie(cookies...), tk.Form(url.Values{
		"role": {"clerk"}, "name": {"Y"}, "email": {"y@court.test"}, "password": {tk.Password}}))
	if rec.Code != http.StatusForbidden {
		t.Fatalf("create without CSRF token: %d", rec.Code)
	}
	if _, err := f.Store.UserByEmail(t.Context(), "y@court.test"); err == nil {
		t.Fatal("an account was created without a CSRF token")
	}
	// Another role gets 403 on the admin pages.
	c := f.Clerk(t)
	if rec := tk.Do(t, e, "GET", "/admin", nil, tk.Cookie(tk.LoginPage(t, e, c.Email, tk.Password)...)); rec.Code != http.StatusForbidden {
		t.Fatalf("clerk on /admin: %d", rec.Code)
	}
}
