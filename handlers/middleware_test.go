package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	tk "netcourt/models/testkit"
)

func TestSecurityHeadersOnEveryKindOfResponse(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	u := f.Plaintiff(t)
	tok := tk.LoginAPI(t, e, u.Email, tk.Password)
	cookies := tk.LoginPage(t, e, u.Email, tk.Password)
	cases := []struct {
		name   string
		method string
		path   string
		opts   []tk.ReqOpt
		status int
	}{
		{"public page", http.MethodGet, "/", nil, http.StatusOK},
		{"page in Chinese", http.MethodGet, "/login?lang=zh", nil, http.StatusOK},
		{"signed-in page", http.MethodGet, "/account", []tk.ReqOpt{tk.Cookie(cookies...)}, http.StatusOK},
		{"redirect to sign in", http.MethodGet, "/account", nil, http.StatusSeeOther},
		{"trailing-slash redirect", http.MethodGet, "/login/", nil, http.StatusMovedPermanently},
		{"page 404", http.MethodGet, "/no-such-page", nil, http.StatusNotFound},
		{"CSRF refusal", http.MethodPost, "/login", nil, http.StatusForbidden},
		{"API", http.MethodGet, "/api/v1/me", []tk.ReqOpt{tk.Bearer(tok)}, http.StatusOK},
		{"API 401", http.MethodGet, "/api/v1/me", nil, http.StatusUnauthorized},
		{"API 404", http.MethodGet, "/api/v1/no-such-thing", nil, http.StatusNotFound},
		{"API 400", http.MethodPost, "/api/v1/auth/login", []tk.ReqOpt{tk.Raw("application/json", []byte("{"))}, http.StatusBadRequest},
		{"API 413", http.MethodPost, "/api/v1/auth/login", []tk.ReqOpt{tk.Raw("application/json", make([]byte, 2<<20))}, http.StatusRequestEntityTooLarge},
		{"health", http.MethodGet, "/healthz", nil, http.StatusOK},
		{"readiness", http.MethodGet, "/readyz", nil, http.StatusOK},
		{"static file", http.MethodGet, "/static/css/site.css", nil, http.StatusOK},
		{"static 404", http.MethodGet, "/static/no-such.css", nil, http.StatusNotFound},
		{"method not allowed", http.MethodGet, "/inbox/read", nil, http.StatusMethodNotAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := tk.Do(t, e, tc.method, tc.path, nil, tc.opts...)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			h := rec.Header()
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") ||
				!strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			for k, want := range map[string]string{
				"X-Content-Type-Options": "nosniff",
				"Referrer-Policy":        "same-origin",
				"X-Frame-Options":        "DENY",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if h.Get("Strict-Transport-Security") != "" {
				t.Error("HSTS over plain HTTP")
			}
		})
	}
}

func TestCacheControl(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	u := f.Plaintiff(t)
	tok := tk.LoginAPI(t, e, u.Email, tk.Password)
	cookies := tk.LoginPage(t, e, u.Email, tk.Password)
	signedIn := tk.Cookie(cookies...)
	cases := []struct {
		name string
		path string
		opts []tk.ReqOpt
		want string
	}{
		{"account page", "/account", []tk.ReqOpt{signedIn}, "no-store"},
		{"inbox page", "/inbox", []tk.ReqOpt{signedIn}, "no-store"},
		{"home page signed in", "/", []tk.ReqOpt{signedIn}, "no-store"},
		{"404 page signed in", "/no-such-page", []tk.ReqOpt{signedIn}, "no-store"},
		{"API /me", "/api/v1/me", []tk.ReqOpt{tk.Bearer(tok)}, "no-store"},
		{"API notifications", "/api/v1/notifications", []tk.ReqOpt{tk.Bearer(tok)}, "no-store"},
		{"API error", "/api/v1/me", nil, "no-store"},
		{"static file", "/static/css/site.css", nil, "public, max-age=3600"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := tk.Do(t, e, http.MethodGet, tc.path, nil, tc.opts...)
			if got := rec.Header().Get("Cache-Control"); got != tc.want {
				t.Fatalf("Cache-Control %q, want %q (status %d)", got, tc.want, rec.Code)
			}
		})
	}
	// The login reply carries a token.
	rec := tk.Do(t, e, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": u.Email, "password": tk.Password})
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Fatalf("login reply Cache-Control %q", got)
	}
}

func findCookie(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestCSRF(t *testing.T) {
	type form func(tok string) url.Values
	loginForm := func(email string) form {
		return func(tok string) url.Values {
			v := url.Values{"email": {email}, "password": {tk.Password}}
			if tok != "" {
				v.Set("_csrf", tok)
			}
			return v
		}
	}
	registerForm := func(tok string) url.Values {
		v := url.Values{"name": {"李四"}, "email": {"lisi@example.test"}, "phone": {"13900139000"}, "password": {tk.Password}}
		if tok != "" {
			v.Set("_csrf", tok)
		}
		return v
	}
	for _, target := range []struct {
		path   string
		form   func(u string) form
		okPath string
	}{
		{"/login", loginForm, "/cases"},
		{"/register", func(string) form { return registerForm }, "/account?welcome=1"},
	} {
		t.Run(target.path, func(t *testing.T) {
			cases := []struct {
				name string
				// send returns the options for the POST given the page's token and cookies.
				send   func(tok string, cookies []*http.Cookie, f form) []tk.ReqOpt
				status int
			}{
				{"no token, no cookie", func(string, []*http.Cookie, form) []tk.ReqOpt { return nil }, http.StatusForbidden},
				{"cookie but no token", func(_ string, cs []*http.Cookie, f form) []tk.ReqOpt {
					return []tk.ReqOpt{tk.Cookie(cs...), tk.Form(f(""))}
				}, http.StatusForbidden},
				{"token but no cookie", func(tok string, _ []*http.Cookie, f form) []tk.ReqOpt {
					return []tk.ReqOpt{tk.Form(f(tok))}
				}, http.StatusForbidden},
				{"wrong token", func(tok string, cs []*http.Cookie, f form) []tk.ReqOpt {
					return []tk.ReqOpt{tk.Cookie(cs...), tk.Form(f(alterLast(tok)))}
				}, http.StatusForbidden},
				{"token from another visitor", func(_ string, cs []*http.Cookie, f form) []tk.ReqOpt {
					return []tk.ReqOpt{tk.Cookie(cs...), tk.Form(f("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))}
				}, http.StatusForbidden},
				{"cross-site request with a valid token", func(tok string, cs []*http.Cookie, f form) []tk.ReqOpt {
					return []tk.ReqOpt{tk.Cookie(cs...), tk.Form(f(tok)), tk.Header("Sec-Fetch-Site", "cross-site")}
				}, http.StatusForbidden},
				{"valid token", func(tok string, cs []*http.Cookie, f form) []tk.ReqOpt {
					return []tk.ReqOpt{tk.Cookie(cs...), tk.Form(f(tok))}
				}, http.StatusSeeOther},
				{"valid token in the X-CSRF-Token header", func(tok string, cs []*http.Cookie, f form) []tk.ReqOpt {
					return []tk.ReqOpt{tk.Cookie(cs...), tk.Form(f("")), tk.Header("X-CSRF-Token", tok)}
				}, http.StatusSeeOther},
				{"same-origin browser request (Sec-Fetch-Site)", func(_ string, _ []*http.Cookie, f form) []tk.ReqOpt {
					return []tk.ReqOpt{tk.Form(f("")), tk.Header("Sec-Fetch-Site", "same-origin")}
				}, http.StatusSeeOther},
				{"same-site request still needs the token", func(_ string, cs []*http.Cookie, f form) []tk.ReqOpt {
					return []tk.ReqOpt{tk.Cookie(cs...), tk.Form(f("")), tk.Header("Sec-Fetch-Site", "same-site")}
				}, http.StatusForbidden},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					f := tk.NewStore(t)
					e := tk.NewServer(t, f)
					u := f.Plaintiff(t)
					tok, cookies := tk.FormToken(t, e, target.path)
					if findCookie(cookies, "nc_csrf") == nil {
						t.Fatal("the form page set no CSRF cookie")
					}
					rec := tk.Do(t, e, http.MethodPost, target.path, nil, tc.send(tok, cookies, target.form(u.Email))...)
					if rec.Code != tc.status {
						t.Fatalf("status %d, want %d: %.300s", rec.Code, tc.status, rec.Body)
					}
					session := findCookie(rec.Result().Cookies(), "nc_session")
					if tc.status == http.StatusForbidden {
						if session != nil {
							t.Fatal("refused request still signed in")
						}
						if !strings.Contains(rec.Body.String(), `lang="en"`) {
							t.Fatal("the refusal is not the HTML error page")
						}
						return
					}
					if got := rec.Header().Get("Location"); got != target.okPath {
						t.Fatalf("redirect to %q, want %q", got, target.okPath)
					}
					if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Value == "" {
						t.Fatalf("session cookie %+v", session)
					}
					if rec := tk.Do(t, e, http.MethodGet, "/account", nil, tk.Cookie(session)); rec.Code != http.StatusOK {
						t.Fatalf("account page with the new session: %d", rec.Code)
					}
				})
			}
		})
	}
}

func TestLogoutPageNeedsCSRF(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	u := f.Plaintiff(t)
	cookies := tk.LoginPage(t, e, u.Email, tk.Password)
	if rec := tk.Do(t, e, http.MethodPost, "/logout", nil, tk.Cookie(cookies...)); rec.Code != http.StatusForbidden {
		t.Fatalf("logout without a token: %d, want 403", rec.Code)
	}
	if rec := tk.Do(t, e, http.MethodGet, "/account", nil, tk.Cookie(cookies...)); rec.Code != http.StatusOK {
		t.Fatalf("still signed in after a refused logout: %d", rec.Code)
	}
	tok, _ := tk.FormToken(t, e, "/account", tk.Cookie(cookies...))
	rec := tk.Do(t, e, http.MethodPost, "/logout", nil, tk.Cookie(cookies...), tk.Form(url.Values{"_csrf": {tok}}))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	if c := findCookie(rec.Result().Cookies(), "nc_session"); c == nil || c.MaxAge >= 0 {
		t.Fatalf("logout did not clear the session cookie: %+v", c)
	}
	if rec := tk.Do(t, e, http.MethodGet, "/account", nil, tk.Cookie(cookies...)); rec.Code != http.StatusSeeOther {
		t.Fatalf("the old session cookie still works after logout: %d", rec.Code)
	}
}

// HEAD is answered like GET, headers only, on a real server (net/http drops the body).
func TestHeadIsAnsweredLikeGet(t *testing.T) {
	f := tk.NewStore(t)
	srv := httptest.NewServer(tk.NewServer(t, f))
	defer srv.Close()
	for path, want := range map[string]int{"/": 200, "/healthz": 200, "/static/css/site.css": 200, "/account": 303, "/api/v1/me": 401, "/no-such-page": 404} {
		req, _ := http.NewRequest(http.MethodHead, srv.URL+path, nil)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want || len(body) != 0 || res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("HEAD %s: %d with %d body bytes, want %d and none", path, res.StatusCode, len(body), want)
		}
	}
}

// alterLast changes a token's last character, so the result always differs from the token.
func alterLast(tok string) string {
	last := "a"
	if strings.HasSuffix(tok, "a") {
		last = "b"
	}
	return tok[:len(tok)-1] + last
}
