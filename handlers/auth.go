package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// signIn starts a session for u and returns its signed token.
func (s *Server) signIn(c echo.Context, u *models.User) (string, *models.Session, error) {
	sess, err := s.store.StartSession(c.Request().Context(), u, c.RealIP(), c.Request().UserAgent())
	if err != nil {
		return "", nil, err
	}
	tok, err := s.tokens.Issue(sess.Secret, u.ID, sess.CreatedAt, sess.ExpiresAt)
	if err != nil {
		return "", nil, err
	}
	s.store.Audit(c.Request().Context(), models.AuditEntry{UserID: u.ID, Action: models.AuditLogin, IP: c.RealIP()})
	return tok, sess, nil
}

func (s *Server) authenticateCredentials(c echo.Context, email, password string) (*models.User, error) {
	u, err := s.store.Authenticate(c.Request().Context(), email, password, c.RealIP())
	if err != nil && (errors.Is(err, models.ErrBadCredentials) || errors.Is(err, models.ErrThrottled)) {
		s.store.Audit(c.Request().Context(), models.AuditEntry{Action: models.AuditLoginFailed, IP: c.RealIP(), Detail: truncate(email, 254)})
	}
	return u, err
}

// --- API ---

func (s *Server) apiRegister(c echo.Context) error {
	var f registerForm
	if err := bindJSON(c, &f); err != nil {
		return err
	}
	u, err := s.store.Register(c.Request().Context(), f.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"user": viewUser(u)})
}

func (s *Server) apiLogin(c echo.Context) error {
	var f loginForm
	if err := bindJSON(c, &f); err != nil {
		return err
	}
	u, err := s.authenticateCredentials(c, f.Email, f.Password)
	if err != nil {
		return err
	}
	tok, sess, err := s.signIn(c, u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tokenView{Token: tok, ExpiresAt: rfc3339(sess.ExpiresAt), User: viewUser(u)})
}

func (s *Server) apiLogout(c echo.Context) error {
	if err := s.store.EndSession(c.Request().Context(), currentSessionID(c)); err != nil {
		return err
	}
	s.store.Audit(c.Request().Context(), models.AuditEntry{UserID: currentUser(c).ID, Action: models.AuditLogout, IP: c.RealIP()})
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiMe(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"user": viewUser(currentUser(c))})
}

// --- pages ---

func (s *Server) registerPage(c echo.Context) error {
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/account")
	}
	return s.render(c, "auth/register", s.newPage(c, "register.title"))
}

func (s *Server) registerSubmit(c echo.Context) error {
	var f registerForm
	if err := c.Bind(&f); err != nil {
		return models.WithMessage(badRequest, "The form could not be read.")
	}
	u, err := s.store.Register(c.Request().Context(), f.input())
	if err != nil {
		return s.formError(c, "auth/register", "register.title", err, formValues(c, "name", "email", "phone"))
	}
	tok, sess, err := s.signIn(c, u)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, tok, sess.ExpiresAt)
	return c.Redirect(http.StatusSeeOther, "/account?welcome=1")
}

func (s *Server) loginPage(c echo.Context) error {
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/account")
	}
	p := s.newPage(c, "login.title")
	p.Form = map[string]string{"next": safeNext(c.QueryParam("next"))}
	return s.render(c, "auth/login", p)
}

func (s *Server) loginSubmit(c echo.Context) error {
	var f loginForm
	if err := c.Bind(&f); err != nil {
		return models.WithMessage(badRequest, "The form could not be read.")
	}
	u, err := s.authenticateCredentials(c, f.Email, f.Password)
	if err != nil {
		return s.formError(c, "auth/login", "login.title", err, map[string]string{"email": f.Email, "next": safeNext(f.Next)})
	}
	tok, sess, err := s.signIn(c, u)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, tok, sess.ExpiresAt)
	next := safeNext(f.Next)
	if next == "" {
		next = homeFor(u)
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// homeFor is where each role lands after signing in.
func homeFor(u *models.User) string {
	switch u.Role {
	case models.RolePlaintiff:
		return "/cases"
	case models.RoleDefendant:
		return "/defendant/cases"
	case models.RoleClerk:
		return "/docket"
	case models.RoleJudge:
		return "/bench"
	case models.RoleAdmin:
		return "/admin"
	}
	return "/account"
}

func (s *Server) logoutSubmit(c echo.Context) error {
	if err := s.store.EndSession(c.Request().Context(), currentSessionID(c)); err != nil {
		return err
	}
	s.store.Audit(c.Request().Context(), models.AuditEntry{UserID: currentUser(c).ID, Action: models.AuditLogout, IP: c.RealIP()})
	s.clearSessionCookie(c)
	return c.Redirect(http.StatusSeeOther, "/?signed_out=1")
}

func (s *Server) accountPage(c echo.Context) error {
	p := s.newPage(c, "account.title")
	if c.QueryParam("welcome") == "1" {
		p.Flash = "account.welcome"
	}
	return s.render(c, "account/account", p)
}

// formError re-renders a form with its errors: validation problems go next to their fields
// (status 422), other domain errors become a message at the top of the form.
func (s *Server) formError(c echo.Context, page, title string, err error, values map[string]string) error {
	var de *models.Error
	if !errors.As(err, &de) {
		return err
	}
	p := s.newPage(c, title)
	p.Form = values
	status, _, _, _ := classify(err)
	p.Status = status
	if len(de.Fields) > 0 {
		p.Errors = de.Fields
	} else {
		key := "error." + de.Code
		if !s.cat.Has(key) {
			key = "error.generic"
		}
		p.Errors = map[string]string{"": key}
	}
	return s.render(c, page, p)
}
