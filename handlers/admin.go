package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// The administrator manages accounts and reads the audit trail; they see no case or evidence.

type staffForm struct {
	Role     string `json:"role" form:"role"`
	Name     string `json:"name" form:"name"`
	Email    string `json:"email" form:"email"`
	Password string `json:"password" form:"password"`
}

func (f staffForm) input() models.StaffInput {
	return models.StaffInput{Role: models.Role(f.Role), Name: f.Name, Email: f.Email, Password: f.Password}
}

type adminUserView struct {
	userView
	Disabled  bool   `json:"disabled"`
	CreatedAt string `json:"created_at"`
}

type auditView struct {
	AtTime     time.Time `json:"-"`
	ID         int64     `json:"id"`
	At         string    `json:"at"`
	UserID     int64     `json:"user_id"`
	Action     string    `json:"action"`
	CaseID     *int64    `json:"case_id"`
	EvidenceID *int64    `json:"evidence_id"`
	IP         string    `json:"ip"`
	Detail     string    `json:"detail"`
}

// userFilter reads ?role=&q=&cursor=&limit= for the account list.
func userFilter(c echo.Context) (models.UserFilter, error) {
	f := models.UserFilter{Q: c.QueryParam("q")}
	if r := c.QueryParam("role"); r != "" {
		role, ok := models.ParseRole(r)
		if !ok {
			return f, models.WithMessage(badRequest, "Unknown role %q.", truncate(r, 32))
		}
		f.Role = role
	}
	if len(f.Q) > 200 {
		return f, models.WithMessage(badRequest, "The search text is too long.")
	}
	if cur := c.QueryParam("cursor"); cur != "" {
		id, err := strconv.ParseInt(cur, 10, 64)
		if err != nil || id <= 0 {
			return f, models.WithMessage(badRequest, "The cursor is not valid.")
		}
		f.BeforeID = id
	}
	limit, err := listLimit(c)
	f.Limit = limit
	return f, err
}

func (s *Server) listAccounts(c echo.Context) ([]adminUserView, *string, error) {
	f, err := userFilter(c)
	if err != nil {
		return nil, nil, err
	}
	us, err := s.store.ListUsers(c.Request().Context(), f)
	if err != nil {
		return nil, nil, err
	}
	out := make([]adminUserView, 0, len(us))
	for i := range us {
		out = append(out, adminUserView{userView: viewUser(&us[i]), Disabled: us[i].DisabledAt != nil, CreatedAt: rfc3339(us[i].CreatedAt)})
	}
	var next *string
	if len(us) == f.Limit {
		n := formatID(us[len(us)-1].ID)
		next = &n
	}
	return out, next, nil
}

func (s *Server) apiAdminUsers(c echo.Context) error {
	items, next, err := s.listAccounts(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

func (s *Server) apiAdminCreateUser(c echo.Context) error {
	var f staffForm
	if err := bindJSON(c, &f); err != nil {
		return err
	}
	u, err := s.store.AdminCreateStaff(c.Request().Context(), currentUser(c), f.input(), c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"user": viewUser(u)})
}

func (s *Server) apiAdminSetDisabled(disabled bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		if err := s.store.AdminSetDisabled(c.Request().Context(), currentUser(c), id, disabled, c.RealIP()); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

func (s *Server) auditEntries(c echo.Context) ([]auditView, *string, error) {
	limit, err := listLimit(c)
	if err != nil {
		return nil, nil, err
	}
	var before int64
	if cur := c.QueryParam("cursor"); cur != "" {
		if before, err = strconv.ParseInt(cur, 10, 64); err != nil || before <= 0 {
			return nil, nil, models.WithMessage(badRequest, "The cursor is not valid.")
		}
	}
	action := c.QueryParam("action")
	if action != "" && !slices.Contains(models.AuditActions, action) {
		return nil, nil, models.WithMessage(badRequest, "Unknown audit action %q.", truncate(action, 40))
	}
	es, err := s.store.AuditTrail(c.Request().Context(), action, before, limit)
	if err != nil {
		return nil, nil, err
	}
	out := make([]auditView, 0, len(es))
	for _, e := range es {
		out = append(out, auditView{AtTime: e.At, ID: e.ID, At: rfc3339(e.At), UserID: e.UserID, Action: e.Action, CaseID: e.CaseID,
			EvidenceID: e.EvidenceID, IP: e.IP, Detail: e.Detail})
	}
	var next *string
	if len(es) == limit {
		n := formatID(es[len(es)-1].ID)
		next = &n
	}
	return out, next, nil
}

func (s *Server) apiAdminAudit(c echo.Context) error {
	items, next, err := s.auditEntries(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// --- pages ---

type adminPageView struct {
	Users  []adminUserView
	Next   *string
	Role   string
	Q      string
	Roles  []models.Role
	Staff  []models.Role
	Notice string
}

func (s *Server) adminPage(c echo.Context) error {
	p := s.newPage(c, "admin.title")
	return s.renderAdmin(c, p)
}

func (s *Server) renderAdmin(c echo.Context, p *Page) error {
	users, next, err := s.listAccounts(c)
	if err != nil {
		return err
	}
	p.Data = adminPageView{Users: users, Next: next, Role: c.QueryParam("role"), Q: c.QueryParam("q"),
		Roles: []models.Role{models.RolePlaintiff, models.RoleDefendant, models.RoleClerk, models.RoleJudge, models.RoleAdmin},
		Staff: models.StaffRoles}
	switch c.QueryParam("done") {
	case "created":
		p.Flash = "admin.created"
	case "disabled":
		p.Flash = "admin.disabled"
	case "enabled":
		p.Flash = "admin.enabled"
	}
	return s.render(c, "admin/accounts", p)
}

func (s *Server) adminCreateSubmit(c echo.Context) error {
	var f staffForm
	if err := c.Bind(&f); err != nil {
		return models.WithMessage(badRequest, "The form could not be read.")
	}
	_, err := s.store.AdminCreateStaff(c.Request().Context(), currentUser(c), f.input(), c.RealIP())
	if err != nil {
		if models.KindOf(err) == models.KindInvalid || models.KindOf(err) == models.KindConflict {
			p := s.newPage(c, "admin.title")
			p.Form = map[string]string{"role": f.Role, "name": f.Name, "email": f.Email}
			status, _, _, fields := classify(err)
			p.Status, p.Errors = status, fields
			return s.renderAdmin(c, p)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin?done=created")
}

func (s *Server) adminSetDisabledSubmit(disabled bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		if err := s.store.AdminSetDisabled(c.Request().Context(), currentUser(c), id, disabled, c.RealIP()); err != nil {
			return err
		}
		if disabled {
			return c.Redirect(http.StatusSeeOther, "/admin?done=disabled")
		}
		return c.Redirect(http.StatusSeeOther, "/admin?done=enabled")
	}
}

func (s *Server) adminAuditPage(c echo.Context) error {
	p := s.newPage(c, "admin.audit_title")
	items, next, err := s.auditEntries(c)
	if err != nil {
		return err
	}
	p.Data = map[string]any{"Items": items, "Next": next, "Actions": models.AuditActions, "Action": c.QueryParam("action")}
	return s.render(c, "admin/audit", p)
}
