package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/handlers"
	"netcourt/models"
	tk "netcourt/models/testkit"
)

type userReply struct {
	User struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Email string `json:"email"`
		Role  string `json:"role"`
	} `json:"user"`
}

type errorReply struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func registration(overrides map[string]any) map[string]any {
	b := map[string]any{"name": "王小明", "email": "xiaoming@example.test", "phone": "13800138000", "password": tk.Password}
	for k, v := range overrides {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func TestRegisterAPI(t *testing.T) {
	const path = "/api/v1/auth/register"
	tk.RunScenarios(t, []tk.Scenario{
		{
			Name: "valid registration creates a plaintiff", Method: http.MethodPost, Path: path, Body: registration(nil),
			Status:      http.StatusCreated,
			Contains:    []string{`"role":"plaintiff"`, `"email":"xiaoming@example.test"`, `"name":"王小明"`},
			NotContains: []string{"password", "$2a$"},
			Headers:     map[string]string{"Cache-Control": "no-store", "Content-Type": "application/json"},
		},
		{
			Name: "email is stored lower-cased", Method: http.MethodPost, Path: path,
			Body:   registration(map[string]any{"email": "  XiaoMing@Example.TEST "}),
			Status: http.StatusCreated, Contains: []string{`"email":"xiaoming@example.test"`},
		},
		{
			Name: "role in the body is ignored (mass assignment)", Method: http.MethodPost, Path: path,
			Body:   registration(map[string]any{"role": "judge", "id": 999, "disabled_at": nil}),
			Status: http.StatusCreated, Contains: []string{`"role":"plaintiff"`}, NotContains: []string{`"judge"`, `"id":999`},
			After: func(t testing.TB, f *tk.Fixture, _ *echo.Echo, _ *httptest.ResponseRecorder) {
				u, err := f.Store.UserByEmail(context.Background(), "xiaoming@example.test")
				if err != nil || u.Role != models.RolePlaintiff {
					t.Fatalf("stored account: %+v, %v", u, err)
				}
			},
		},
		{
			Name: "duplicate email is 409", Method: http.MethodPost, Path: path,
			Before: func(t testing.TB, f *tk.Fixture, e *echo.Echo) []tk.ReqOpt {
				if rec := tk.Do(t, e, http.MethodPost, path, registration(nil)); rec.Code != http.StatusCreated {
					t.Fatalf("first registration: %d %s", rec.Code, rec.Body)
				}
				return nil
			},
			Body:   registration(map[string]any{"email": "XIAOMING@example.test", "name": "Someone Else"}),
			Status: http.StatusConflict, Contains: []string{`"code":"email_taken"`, `"email":`},
		},
		{
			Name: "common password is 422", Method: http.MethodPost, Path: path, Body: registration(map[string]any{"password": "password123"}),
			Status: http.StatusUnprocessableEntity, Contains: []string{`"code":"validation_failed"`, `"password":`},
		},
		{
			Name: "common password in capitals is 422", Method: http.MethodPost, Path: path, Body: registration(map[string]any{"password": "PASSWORD123"}),
			Status: http.StatusUnprocessableEntity, Contains: []string{`"password":`},
		},
		{
			Name: "repeated character is 422", Method: http.MethodPost, Path: path, Body: registration(map[string]any{"password": "aaaaaaaaaaaa"}),
			Status: http.StatusUnprocessableEntity, Contains: []string{`"password":`},
		},
		{
			Name: "password equal to the email is 422", Method: http.MethodPost, Path: path,
			Body:   registration(map[string]any{"password": "xiaoming@example.test"}),
			Status: http.StatusUnprocessableEntity, Contains: []string{`"password":`},
		},
		{
			Name: "short password is 422", Method: http.MethodPost, Path: path, Body: registration(map[string]any{"password": "k7#Qz!2"}),
			Status: http.StatusUnprocessableEntity, Contains: []string{`"password":`},
		},
		{
			Name: "eight characters is enough, no composition rules", Method: http.MethodPost, Path: path,
			Body: registration(map[string]any{"password": "tuvwxyzk"}), Status: http.StatusCreated,
		},
		{
			Name: "64-character passphrase is accepted", Method: http.MethodPost, Path: path,
			Body: registration(map[string]any{"password": strings.Repeat("long passphrase ", 4)}), Status: http.StatusCreated,
		},
		{
			Name: "over-long password is 422", Method: http.MethodPost, Path: path,
			Body: registration(map[string]any{"password": strings.Repeat("x1", 65)}), Status: http.StatusUnprocessableEntity,
			Contains: []string{`"password":`},
		},
		{
			Name: "bad email is 422", Method: http.MethodPost, Path: path, Body: registration(map[string]any{"email": "not-an-email"}),
			Status: http.StatusUnprocessableEntity, Contains: []string{`"email":`}, NotContains: []string{`"password":`},
		},
		{
			Name: "email without a domain dot is 422", Method: http.MethodPost, Path: path, Body: registration(map[string]any{"email": "a@localhost"}),
			Status: http.StatusUnprocessableEntity, Contains: []string{`"email":`},
		},
		{
			Name: "email with a display name is 422", Method: http.MethodPost, Path: path, Body: registration(map[string]any{"email": "Bob <bob@example.test>"}),
			Status: http.StatusUnprocessableEntity, Contains: []string{`"email":`},
		},
		{
			Name: "bad phone is 422", Method: http.MethodPost, Path: path, Body: registration(map[string]any{"phone": "call me"}),
			Status: http.StatusUnprocessableEntity, Contains: []string{`"phone":`},
		},
		{
			Name: "control characters in the name are 422", Method: http.MethodPost, Path: path, Body: registration(map[string]any{"name": "Bob\u0000"}),
			Status: http.StatusUnprocessableEntity, Contains: []string{`"name":`},
		},
		{
			Name: "missing fields are 422 with every field named", Method: http.MethodPost, Path: path, Body: map[string]any{},
			Status:   http.StatusUnprocessableEntity,
			Contains: []string{`"fields":`, `"name":`, `"email":`, `"phone":`, `"password":`},
		},
		{
			Name: "wrong JSON type names the field", Method: http.MethodPost, Path: path, Body: registration(map[string]any{"name": 42}),
			Status: http.StatusUnprocessableEntity, Contains: []string{`"name":`},
		},
		{
			Name: "malformed JSON is 400", Method: http.MethodPost, Path: path,
			Opts:   []tk.ReqOpt{tk.Raw("application/json", []byte(`{"name": "x", `))},
			Status: http.StatusBadRequest, Contains: []string{`"code":"bad_request"`}, NotContains: []string{"unexpected EOF"},
		},
		{
			Name: "a JSON array is 400", Method: http.MethodPost, Path: path,
			Opts:   []tk.ReqOpt{tk.Raw("application/json", []byte(`[1,2]`))},
			Status: http.StatusBadRequest,
		},
		{
			Name: "two JSON objects are 400", Method: http.MethodPost, Path: path,
			Opts:   []tk.ReqOpt{tk.Raw("application/json", []byte(`{} {}`))},
			Status: http.StatusBadRequest,
		},
		{
			Name: "empty body is 400", Method: http.MethodPost, Path: path,
			Opts:   []tk.ReqOpt{tk.Raw("application/json", nil)},
			Status: http.StatusBadRequest,
		},
		{
			Name: "wrong content type is 400", Method: http.MethodPost, Path: path,
			Opts:   []tk.ReqOpt{tk.Raw("text/plain", []byte(`{"name":"x"}`))},
			Status: http.StatusBadRequest, Contains: []string{"application/json"},
		},
		{
			Name: "form-encoded body is 400", Method: http.MethodPost, Path: path,
			Opts:   []tk.ReqOpt{tk.Raw("application/x-www-form-urlencoded", []byte(`name=x&email=a%40b.cn`))},
			Status: http.StatusBadRequest,
		},
		{
			Name: "oversized body is 413", Method: http.MethodPost, Path: path,
			Body:   registration(map[string]any{"name": strings.Repeat("x", 2<<20)}),
			Status: http.StatusRequestEntityTooLarge, Contains: []string{`"code":"too_large"`},
		},
		{
			Name: "oversized body without Content-Length is 413", Method: http.MethodPost, Path: path,
			Body:   registration(map[string]any{"name": strings.Repeat("x", 2<<20)}),
			Opts:   []tk.ReqOpt{func(r *http.Request) { r.ContentLength = -1 }},
			Status: http.StatusRequestEntityTooLarge, Contains: []string{`"code":"too_large"`},
		},
	})
}

func TestLoginAPI(t *testing.T) {
	const path = "/api/v1/auth/login"
	var account *models.User
	withAccount := func(t testing.TB, f *tk.Fixture, _ *echo.Echo) []tk.ReqOpt {
		account = f.Plaintiff(t)
		return nil
	}
	creds := func(email, pw string) map[string]string { return map[string]string{"email": email, "password": pw} }
	const badCredentials = "Email or password is not right."
	tk.RunScenarios(t, []tk.Scenario{
		{
			Name: "correct password gives a token", Method: http.MethodPost, Path: path,
			Before: func(t testing.TB, f *tk.Fixture, e *echo.Echo) []tk.ReqOpt {
				withAccount(t, f, e)
				return []tk.ReqOpt{tk.Raw("application/json", []byte(fmt.Sprintf(`{"email":%q,"password":%q}`, account.Email, tk.Password)))}
			},
			Status:      http.StatusOK,
			Contains:    []string{`"token":"`, `"expires_at":"2026-03-02T10:00:00Z"`, `"role":"plaintiff"`},
			NotContains: []string{"$2a$", "password"},
			Headers:     map[string]string{"Cache-Control": "no-store"},
		},
		{
			Name: "email is matched case-insensitively", Method: http.MethodPost, Path: path,
			Before: func(t testing.TB, f *tk.Fixture, e *echo.Echo) []tk.ReqOpt {
				withAccount(t, f, e)
				return []tk.ReqOpt{tk.Raw("application/json", []byte(fmt.Sprintf(`{"email":%q,"password":%q}`, strings.ToUpper(account.Email), tk.Password)))}
			},
			Status: http.StatusOK,
		},
		{
			Name: "wrong password is 401", Method: http.MethodPost, Path: path,
			Before: func(t testing.TB, f *tk.Fixture, e *echo.Echo) []tk.ReqOpt {
				withAccount(t, f, e)
				return []tk.ReqOpt{tk.Raw("application/json", []byte(fmt.Sprintf(`{"email":%q,"password":"wrong horse battery staple"}`, account.Email)))}
			},
			Status: http.StatusUnauthorized, Contains: []string{`"code":"invalid_credentials"`, badCredentials}, NotContains: []string{`"token"`},
		},
		{
			Name: "unknown email gets the same answer", Method: http.MethodPost, Path: path,
			Body:   creds("nobody@example.test", tk.Password),
			Status: http.StatusUnauthorized, Contains: []string{`"code":"invalid_credentials"`, badCredentials},
		},
		{
			Name: "empty password is 401", Method: http.MethodPost, Path: path, Before: withAccount,
			Body: creds("plaintiff1@example.test", ""), Status: http.StatusUnauthorized,
		},
		{
			Name: "huge password is refused quickly", Method: http.MethodPost, Path: path, Before: withAccount,
			Body: creds("plaintiff1@example.test", strings.Repeat("p", 100_000)), Status: http.StatusUnauthorized,
		},
		{
			Name: "malformed JSON is 400", Method: http.MethodPost, Path: path,
			Opts: []tk.ReqOpt{tk.Raw("application/json", []byte(`{"email":`))}, Status: http.StatusBadRequest,
		},
	})
}

// The fixture's first plaintiff always gets this address.
func TestFixtureEmailIsPredictable(t *testing.T) {
	f := tk.NewStore(t)
	if u := f.Plaintiff(t); u.Email != "plaintiff1@example.test" {
		t.Fatalf("first plaintiff is %s; the login scenarios rely on plaintiff1@example.test", u.Email)
	}
}

func login(t *testing.T, e *echo.Echo, email, password string, opts ...tk.ReqOpt) *httptest.ResponseRecorder {
	t.Helper()
	return tk.Do(t, e, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": email, "password": password}, opts...)
}

func TestLoginThrottlePerAccount(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	u := f.Plaintiff(t)
	for i := 1; i <= 5; i++ {
		if rec := login(t, e, u.Email, "wrong password "+fmt.Sprint(i)); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i, rec.Code)
		}
	}
	rec := login(t, e, u.Email, "wrong password 6")
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("6th failure: status %d, want 429", rec.Code)
	}
	if got := tk.DecodeJSON[errorReply](t, rec).Error.Code; got != "too_many_attempts" {
		t.Fatalf("code %q", got)
	}
	// Even the right password waits out the lock, from any address.
	if rec := login(t, e, u.Email, tk.Password, tk.RemoteAddr("198.51.100.20:5555")); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("right password while locked: status %d, want 429", rec.Code)
	}
	// Other accounts are unaffected.
	other := f.Plaintiff(t)
	if rec := login(t, e, other.Email, tk.Password); rec.Code != http.StatusOK {
		t.Fatalf("other account: status %d", rec.Code)
	}
	// The lock lifts after the window.
	f.Clock.Advance(15 * time.Minute)
	if rec := login(t, e, u.Email, tk.Password); rec.Code != http.StatusOK {
		t.Fatalf("after 15 minutes: status %d: %s", rec.Code, rec.Body)
	}
}

func TestLoginThrottlePerIP(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	u := f.Plaintiff(t)
	const attacker = "203.0.113.66:40000"
	// Twenty failures, each against a different account, each claiming a different client
	// address in X-Forwarded-For / X-Real-IP: with no trusted proxy those headers are ignored.
	for i := 1; i <= 20; i++ {
		rec := login(t, e, fmt.Sprintf("guess%d@example.test", i), "wrong password", tk.RemoteAddr(attacker),
			tk.Header("X-Forwarded-For", fmt.Sprintf("10.1.2.%d", i)), tk.Header("X-Real-IP", fmt.Sprintf("10.9.9.%d", i)))
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i, rec.Code)
		}
	}
	rec := login(t, e, u.Email, tk.Password, tk.RemoteAddr(attacker), tk.Header("X-Forwarded-For", "192.0.2.200"))
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("21st attempt from the same address with a spoofed X-Forwarded-For: status %d, want 429", rec.Code)
	}
	if rec := login(t, e, u.Email, tk.Password, tk.RemoteAddr("198.51.100.9:1234")); rec.Code != http.StatusOK {
		t.Fatalf("another address: status %d", rec.Code)
	}
}

func TestLoginThrottleBehindTrustedProxy(t *testing.T) {
	f := tk.NewStore(t)
	_, proxies, _ := net.ParseCIDR("10.0.0.0/8")
	e, _, err := handlers.New(handlers.Options{Store: f.Store, Logger: discardLogger(), TrustedProxies: []*net.IPNet{proxies}})
	if err != nil {
		t.Fatal(err)
	}
	u := f.Plaintiff(t)
	proxy := tk.RemoteAddr("10.0.0.5:443")
	// The client puts a fake address first; the proxy appends the real one. Only the
	// proxy-appended address counts.
	for i := 1; i <= 20; i++ {
		rec := login(t, e, fmt.Sprintf("guess%d@example.test", i), "wrong password", proxy,
			tk.Header("X-Forwarded-For", fmt.Sprintf("192.0.2.%d, 203.0.113.66", i)))
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i, rec.Code)
		}
	}
	if rec := login(t, e, u.Email, tk.Password, proxy, tk.Header("X-Forwarded-For", "192.0.2.99, 203.0.113.66")); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("same real client behind the proxy: status %d, want 429", rec.Code)
	}
	if rec := login(t, e, u.Email, tk.Password, proxy, tk.Header("X-Forwarded-For", "203.0.113.67")); rec.Code != http.StatusOK {
		t.Fatalf("a different real client behind the proxy: status %d", rec.Code)
	}
}

func TestLogoutRevokesTheToken(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	u := f.Plaintiff(t)
	tok := tk.LoginAPI(t, e, u.Email, tk.Password)
	other := tk.LoginAPI(t, e, u.Email, tk.Password) // a second sign-in, e.g. another device

	rec := tk.Do(t, e, http.MethodGet, "/api/v1/me", nil, tk.Bearer(tok))
	if rec.Code != http.StatusOK || tk.DecodeJSON[userReply](t, rec).User.ID != u.ID {
		t.Fatalf("/me before logout: %d %s", rec.Code, rec.Body)
	}
	if rec := tk.Do(t, e, http.MethodPost, "/api/v1/auth/logout", nil, tk.Bearer(tok)); rec.Code != http.StatusNoContent {
		t.Fatalf("logout: %d %s", rec.Code, rec.Body)
	}
	for _, p := range []string{"/api/v1/me", "/api/v1/notifications"} {
		if rec := tk.Do(t, e, http.MethodGet, p, nil, tk.Bearer(tok)); rec.Code != http.StatusUnauthorized {
			t.Fatalf("%s after logout: %d, want 401", p, rec.Code)
		}
	}
	if rec := tk.Do(t, e, http.MethodPost, "/api/v1/auth/logout", nil, tk.Bearer(tok)); rec.Code != http.StatusUnauthorized {
		t.Fatalf("second logout with the same token: %d, want 401", rec.Code)
	}
	if rec := tk.Do(t, e, http.MethodGet, "/api/v1/me", nil, tk.Bearer(other)); rec.Code != http.StatusOK {
		t.Fatalf("the other sign-in should live on: %d", rec.Code)
	}
}

func TestLogoutWithoutTokenIs401(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	rec := tk.Do(t, e, http.MethodPost, "/api/v1/auth/logout", nil)
	if rec.Code != http.StatusUnauthorized || tk.DecodeJSON[errorReply](t, rec).Error.Code != "unauthorized" {
		t.Fatalf("logout with no token: %d %s", rec.Code, rec.Body)
	}
}

func TestSessionExpires(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	u := f.Plaintiff(t)
	tok := tk.LoginAPI(t, e, u.Email, tk.Password)
	f.Clock.Advance(models.SessionLifetime - time.Minute)
	if rec := tk.Do(t, e, http.MethodGet, "/api/v1/me", nil, tk.Bearer(tok)); rec.Code != http.StatusOK {
		t.Fatalf("just before expiry: %d", rec.Code)
	}
	f.Clock.Advance(2 * time.Minute)
	if rec := tk.Do(t, e, http.MethodGet, "/api/v1/me", nil, tk.Bearer(tok)); rec.Code != http.StatusUnauthorized {
		t.Fatalf("after expiry: %d, want 401", rec.Code)
	}
}

func TestDisabledAccount(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	u := f.Plaintiff(t)
	tok := tk.LoginAPI(t, e, u.Email, tk.Password)
	cookies := tk.LoginPage(t, e, u.Email, tk.Password)
	if rec := tk.Do(t, e, http.MethodGet, "/account", nil, tk.Cookie(cookies...)); rec.Code != http.StatusOK {
		t.Fatalf("account page before disabling: %d", rec.Code)
	}

	if err := f.Store.SetUserDisabled(context.Background(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	if rec := tk.Do(t, e, http.MethodGet, "/api/v1/me", nil, tk.Bearer(tok)); rec.Code != http.StatusUnauthorized {
		t.Fatalf("existing token after disabling: %d, want 401", rec.Code)
	}
	if rec := tk.Do(t, e, http.MethodGet, "/account", nil, tk.Cookie(cookies...)); rec.Code != http.StatusSeeOther ||
		!strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("account page after disabling: %d → %q, want a redirect to sign in", rec.Code, rec.Header().Get("Location"))
	}
	rec := login(t, e, u.Email, tk.Password)
	if rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), `"token"`) {
		t.Fatalf("login while disabled: %d %s", rec.Code, rec.Body)
	}

	// Re-enabling lets the person sign in again, but old sessions stay ended.
	if err := f.Store.SetUserDisabled(context.Background(), u.ID, false); err != nil {
		t.Fatal(err)
	}
	if rec := tk.Do(t, e, http.MethodGet, "/api/v1/me", nil, tk.Bearer(tok)); rec.Code != http.StatusUnauthorized {
		t.Fatalf("old token after re-enabling: %d, want 401", rec.Code)
	}
	tk.LoginAPI(t, e, u.Email, tk.Password)
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
