package handlers

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

func (s *Server) homePage(c echo.Context) error {
	p := s.newPage(c, "home.title")
	if c.QueryParam("signed_out") == "1" {
		p.Flash = "home.signed_out"
	}
	return s.render(c, "home", p)
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := pingCtx(c.Request().Context())
	defer cancel()
	sqlDB, err := s.store.DB().DB()
	if err == nil {
		err = sqlDB.PingContext(ctx)
	}
	if err != nil {
		s.log.Warn("readiness check failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// staticFile serves embedded assets. fs.FS paths are clean and rooted, so "..", absolute
// paths and backslashes cannot leave the embedded tree.
func (s *Server) staticFile(c echo.Context) error {
	name := c.Param("*")
	if name == "" || strings.Contains(name, "\\") || !fs.ValidPath(name) {
		return models.ErrNotFound
	}
	b, err := fs.ReadFile(s.staticF, name)
	if err != nil {
		return models.ErrNotFound
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, ct, b)
}

// --- inbox ---

type inboxView struct {
	Items []notificationView
	Next  string
}

func (s *Server) notificationViews(c echo.Context, lang string, limit int) ([]notificationView, string, error) {
	before, _ := strconv.ParseInt(c.QueryParam("cursor"), 10, 64)
	ns, err := s.store.Notifications(c.Request().Context(), currentUser(c).ID, before, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(ns) > limit {
		ns = ns[:limit]
		next = formatID(ns[len(ns)-1].ID)
	}
	out := make([]notificationView, 0, len(ns))
	for _, n := range ns {
		out = append(out, notificationView{
			ID: n.ID, CaseID: n.CaseID, Kind: n.Kind, Text: s.cat.T(lang, "notification."+n.Kind), Detail: n.Detail,
			CreatedAt: rfc3339(n.CreatedAt), ReadAt: rfc3339Ptr(n.ReadAt),
		})
	}
	return out, next, nil
}

func (s *Server) inboxPage(c echo.Context) error {
	p := s.newPage(c, "inbox.title")
	items, next, err := s.notificationViews(c, p.Lang, 50)
	if err != nil {
		return err
	}
	p.Data = inboxView{Items: items, Next: next}
	return s.render(c, "account/inbox", p)
}

func (s *Server) inboxMarkRead(c echo.Context) error {
	if err := s.store.MarkNotificationsRead(c.Request().Context(), currentUser(c).ID, nil); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/inbox")
}

func (s *Server) apiNotifications(c echo.Context) error {
	limit, err := listLimit(c)
	if err != nil {
		return err
	}
	items, next, err := s.notificationViews(c, "en", limit)
	if err != nil {
		return err
	}
	var nc *string
	if next != "" {
		nc = &next
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nc})
}

func (s *Server) apiNotificationsRead(c echo.Context) error {
	var body struct {
		IDs []int64 `json:"ids"`
	}
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &body); err != nil {
			return err
		}
	}
	if len(body.IDs) > 500 {
		return models.Invalid(map[string]string{"ids": "validation.too_many"})
	}
	if err := s.store.MarkNotificationsRead(c.Request().Context(), currentUser(c).ID, body.IDs); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listLimit reads ?limit= (default 50, max 200); anything else is a 400.
func listLimit(c echo.Context) (int, error) {
	raw := c.QueryParam("limit")
	if raw == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 200 {
		return 0, models.WithMessage(badRequest, "limit must be a whole number from 1 to 200.")
	}
	return n, nil
}

// goToCase sends a notification link to the case page that fits the reader's role.
func (s *Server) goToCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	prefix := map[models.Role]string{
		models.RolePlaintiff: "/cases/", models.RoleDefendant: "/defendant/cases/",
		models.RoleClerk: "/docket/cases/", models.RoleJudge: "/bench/cases/",
	}[currentUser(c).Role]
	if prefix == "" {
		return models.ErrNotFound
	}
	return c.Redirect(http.StatusSeeOther, prefix+formatID(id))
}
