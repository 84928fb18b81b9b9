package testkit

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// Scenario is one HTTP exchange checked against the real router, in the manner of
// pocketbase's tests/api.go: a request, the status expected, text the body must and must not
// hold, and header values expected. Each scenario runs on a fresh fixture.
type Scenario struct {
	Name   string
	Method string
	Path   string
	Body   any // as for Do
	Opts   []ReqOpt
	// Before prepares the fixture (accounts, sessions …) and may return more request options,
	// such as Bearer(token).
	Before func(t testing.TB, f *Fixture, e *echo.Echo) []ReqOpt

	Status      int
	Contains    []string          // substrings the body must hold
	NotContains []string          // substrings the body must not hold
	Headers     map[string]string // header → exact value; "" means the header must be absent
	// After makes further checks, for example on the database.
	After func(t testing.TB, f *Fixture, e *echo.Echo, rec *httptest.ResponseRecorder)
}

// Run runs the scenario as a subtest of t.
func (s Scenario) Run(t *testing.T, opts ...Option) {
	t.Helper()
	t.Run(s.Name, func(t *testing.T) {
		f := NewStore(t, opts...)
		e := NewServer(t, f)
		reqOpts := append([]ReqOpt{}, s.Opts...)
		if s.Before != nil {
			reqOpts = append(reqOpts, s.Before(t, f, e)...)
		}
		rec := Do(t, e, s.Method, s.Path, s.Body, reqOpts...)
		body := rec.Body.String()
		if rec.Code != s.Status {
			t.Errorf("%s %s: status %d, want %d\n%s", s.Method, s.Path, rec.Code, s.Status, clip(body))
		}
		for _, want := range s.Contains {
			if !strings.Contains(body, want) {
				t.Errorf("%s %s: body lacks %q\n%s", s.Method, s.Path, want, clip(body))
			}
		}
		for _, bad := range s.NotContains {
			if strings.Contains(body, bad) {
				t.Errorf("%s %s: body holds %q\n%s", s.Method, s.Path, bad, clip(body))
			}
		}
		for k, want := range s.Headers {
			if got := rec.Header().Get(k); got != want {
				t.Errorf("%s %s: header %s = %q, want %q", s.Method, s.Path, k, got, want)
			}
		}
		if s.After != nil {
			s.After(t, f, e, rec)
		}
	})
}

// RunScenarios runs each scenario as a subtest on its own fresh fixture.
func RunScenarios(t *testing.T, scenarios []Scenario, opts ...Option) {
	t.Helper()
	for _, s := range scenarios {
		s.Run(t, opts...)
	}
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}
