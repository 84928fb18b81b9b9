package handlers

// This is the one internal test in handlers: requireRole is not exported and no route uses
// a role guard yet, so it is exercised directly. It needs no database, so it does not import
// testkit (which imports handlers and would form a cycle here).

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

func TestRequireRole(t *testing.T) {
	s := &Server{}
	e := echo.New()
	reached := func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }
	all := []models.Role{models.RolePlaintiff, models.RoleDefendant, models.RoleClerk, models.RoleJudge, models.RoleAdmin}
	guards := map[string][]models.Role{
		"plaintiff":     {models.RolePlaintiff},
		"defendant":     {models.RoleDefendant},
		"clerk":         {models.RoleClerk},
		"clerk/judge":   {models.RoleClerk, models.RoleJudge},
		"judge":         {models.RoleJudge},
		"admin":         {models.RoleAdmin},
		"plaintiff/def": {models.RolePlaintiff, models.RoleDefendant},
	}
	for name, allowed := range guards {
		for _, role := range append([]models.Role{""}, all...) {
			want := http.StatusForbidden
			if role == "" {
				want = http.StatusUnauthorized
			}
			for _, a := range allowed {
				if a == role {
					want = http.StatusNoContent
				}
			}
			rec := httptest.NewRecorder()
			c := e.NewContext(httptest.NewRequest(http.MethodPost, "/api/v1/anything", nil), rec)
			if role != "" {
				c.Set(ctxUser, &models.User{ID: 7, Role: role})
			}
			got := http.StatusNoContent
			if err := s.requireRole(allowed...)(reached)(c); err != nil {
				got, _, _, _ = classify(err)
			} else if rec.Code != http.StatusNoContent {
				got = rec.Code
			}
			if got != want {
				t.Errorf("guard %s, caller %q: %d, want %d", name, role, got, want)
			}
		}
	}
}

func TestRequireUserRedirectsPagesToSignIn(t *testing.T) {
	s := &Server{}
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/docket?status=submitted", nil), rec)
	if err := s.requireRole(models.RoleClerk)(func(echo.Context) error { return nil })(c); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?next=%2Fdocket%3Fstatus%3Dsubmitted" {
		t.Fatalf("%d → %q", rec.Code, rec.Header().Get("Location"))
	}
}
