package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"netcourt/handlers"
)

// NewServer builds the real router on the fixture's store, with logs discarded.
func NewServer(t testing.TB, f *Fixture) *echo.Echo {
	t.Helper()
	e, _, err := handlers.New(handlers.Options{Store: f.Store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("testkit: handlers.New: %v", err)
	}
	return e
}

// ReqOpt adjusts a request made by Do.
type ReqOpt func(*http.Request)

// Bearer sends an API token.
func Bearer(token string) ReqOpt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

// Header sets a request header.
func Header(k, v string) ReqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

// Cookie adds cookies (for example the session and CSRF cookies from an earlier reply).
func Cookie(cs ...*http.Cookie) ReqOpt {
	return func(r *http.Request) {
		for _, c := range cs {
			r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
}

// Form sends v as an application/x-www-form-urlencoded body, replacing Do's body.
func Form(v url.Values) ReqOpt {
	return func(r *http.Request) {
		setBody(r, []byte(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
}

// Raw sends body as-is with the given content type (empty: no Content-Type header).
func Raw(contentType string, body []byte) ReqOpt {
	return func(r *http.Request) {
		setBody(r, body)
		if contentType == "" {
			r.Header.Del("Content-Type")
		} else {
			r.Header.Set("Content-Type", contentType)
		}
	}
}

// RemoteAddr sets the TCP peer address the server sees (default 192.0.2.1:1234).
func RemoteAddr(addr string) ReqOpt { return func(r *http.Request) { r.RemoteAddr = addr } }

func setBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// Do sends one request through e and returns the recorded reply. body may be nil, a string,
// []byte or io.Reader (sent as-is, no Content-Type), or anything else (sent as JSON with
// Content-Type application/json). Options apply after the body, so Form and Raw win.
func Do(t testing.TB, e *echo.Echo, method, path string, body any, opts ...ReqOpt) *httptest.ResponseRecorder {
	t.Helper()
	var (
		r  io.Reader
		ct string
	)
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	case io.Reader:
		r = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("testkit: encode body: %v", err)
		}
		r, ct = bytes.NewReader(j), "application/json"
	}
	req := httptest.NewRequest(method, path, r)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for _, o := range opts {
		o(req)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

// DecodeJSON decodes a JSON reply, failing the test if it is not JSON of that shape.
func DecodeJSON[T any](t testing.TB, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("testkit: reply (status %d) is not the JSON expected: %v\n%s", rec.Code, err, rec.Body.String())
	}
	return v
}

// LoginAPI signs in through the API and returns the bearer token.
func LoginAPI(t testing.TB, e *echo.Echo, email, password string) string {
	t.Helper()
	rec := Do(t, e, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": email, "password": password})
	if rec.Code != http.StatusOK {
		t.Fatalf("testkit: login %s: status %d: %s", email, rec.Code, rec.Body.String())
	}
	v := DecodeJSON[struct {
		Token string `json:"token"`
	}](t, rec)
	if v.Token == "" {
		t.Fatalf("testkit: login %s: no token in %s", email, rec.Body.String())
	}
	return v.Token
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// FormToken GETs a page as a browser would and returns the CSRF token from its form and the
// cookies the reply set (the CSRF cookie among them); send both back with the POST.
func FormToken(t testing.TB, e *echo.Echo, path string, opts ...ReqOpt) (string, []*http.Cookie) {
	t.Helper()
	rec := Do(t, e, http.MethodGet, path, nil, opts...)
	if rec.Code != http.StatusOK {
		t.Fatalf("testkit: GET %s: status %d", path, rec.Code)
	}
	m := csrfInput.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("testkit: GET %s: no _csrf field in the page", path)
	}
	return m[1], rec.Result().Cookies()
}

// LoginPage signs in through the /login form and returns the cookies a browser would then
// hold (session and CSRF).
func LoginPage(t testing.TB, e *echo.Echo, email, password string) []*http.Cookie {
	t.Helper()
	tok, cookies := FormToken(t, e, "/login")
	rec := Do(t, e, http.MethodPost, "/login", nil, Cookie(cookies...),
		Form(url.Values{"_csrf": {tok}, "email": {email}, "password": {password}}))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("testkit: page login %s: status %d: %s", email, rec.Code, rec.Body.String())
	}
	jar := map[string]*http.Cookie{}
	for _, c := range append(cookies, rec.Result().Cookies()...) {
		jar[c.Name] = c
	}
	out := make([]*http.Cookie, 0, len(jar))
	for _, c := range jar {
		if c.MaxAge >= 0 && c.Value != "" {
			out = append(out, c)
		}
	}
	return out
}
