package handlers

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// Typed accessors for what middleware puts on the request context.
const (
	ctxUser      = "nc.user"
	ctxSession   = "nc.session"
	ctxLang      = "nc.lang"
	ctxAuthError = "nc.auth_error"
	ctxHead      = "nc.head"
)

func currentUser(c echo.Context) *models.User {
	u, _ := c.Get(ctxUser).(*models.User)
	return u
}

func currentSessionID(c echo.Context) string {
	s, _ := c.Get(ctxSession).(string)
	return s
}

func currentLang(c echo.Context) string {
	if l, ok := c.Get(ctxLang).(string); ok {
		return l
	}
	return Languages[0]
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }

// pathID reads a numeric path parameter; anything else is treated as absent (404), so
// probing with odd ids learns nothing.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.ErrNotFound
	}
	return id, nil
}
