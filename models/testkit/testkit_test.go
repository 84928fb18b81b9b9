package testkit_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"netcourt/models"
	"netcourt/models/testkit"
)

func TestFixtureBuildsEveryRole(t *testing.T) {
	f := testkit.NewStore(t)
	if !f.Store.Now().Equal(testkit.Start) {
		t.Fatalf("clock starts at %v, want %v", f.Store.Now(), testkit.Start)
	}
	f.Clock.Advance(time.Hour)
	if got := f.Store.Now(); !got.Equal(testkit.Start.Add(time.Hour)) {
		t.Fatalf("after Advance the store reads %v", got)
	}
	e := testkit.NewServer(t, f)
	for _, role := range []models.Role{models.RolePlaintiff, models.RoleDefendant, models.RoleClerk, models.RoleJudge, models.RoleAdmin} {
		u := f.User(t, role)
		if u.Role != role {
			t.Fatalf("built %s, got role %s", role, u.Role)
		}
		tok := testkit.LoginAPI(t, e, u.Email, testkit.Password)
		rec := testkit.Do(t, e, http.MethodGet, "/api/v1/me", nil, testkit.Bearer(tok))
		me := testkit.DecodeJSON[struct {
			User struct {
				Email string `json:"email"`
				Role  string `json:"role"`
			} `json:"user"`
		}](t, rec)
		if rec.Code != http.StatusOK || me.User.Email != u.Email || me.User.Role != string(role) {
			t.Fatalf("/me for %s: %d %s", role, rec.Code, rec.Body.String())
		}
	}
	if f.Plaintiff(t).Email == f.Plaintiff(t).Email {
		t.Fatal("two plaintiffs share an email")
	}
}

func TestLoginPageGivesASession(t *testing.T) {
	f := testkit.NewStore(t)
	e := testkit.NewServer(t, f)
	u := f.Plaintiff(t)
	cookies := testkit.LoginPage(t, e, u.Email, testkit.Password)
	rec := testkit.Do(t, e, http.MethodGet, "/account", nil, testkit.Cookie(cookies...))
	if rec.Code != http.StatusOK {
		t.Fatalf("/account after page login: %d", rec.Code)
	}
}

func TestEachFixtureHasItsOwnDatabase(t *testing.T) {
	a, b := testkit.NewStore(t), testkit.NewStore(t)
	a.Plaintiff(t)
	var n int64
	if err := b.DB.Model(&models.User{}).Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("second fixture sees %d users (%v)", n, err)
	}
	if testkit.PostgresEnabled() {
		var path, sync string
		a.DB.Raw("SHOW search_path").Scan(&path)
		a.DB.Raw("SHOW synchronous_commit").Scan(&sync)
		if !strings.HasPrefix(path, "t_") || sync != "off" {
			t.Fatalf("search_path %q, synchronous_commit %q", path, sync)
		}
	} else if a.Store.Dialect() != models.SQLite {
		t.Fatalf("dialect %s", a.Store.Dialect())
	}
}
