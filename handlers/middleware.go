package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"netcourt/models"
)

const (
	sessionCookie = "nc_session"
	langCookie    = "nc_lang"
	csrfCookie    = "nc_csrf"
	csrfField     = "_csrf"
	// apiBodyLimit caps every non-upload request; uploads have their own larger caps.
	apiBodyLimit = 1 << 20
)

// contentSecurityPolicy allows only our own scripts and styles; no inline code anywhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if c.IsTLS() {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// headAsGet routes HEAD like GET (uptime checks, link checkers): echo routes on the request's
// method, so it is GET while routing and HEAD again before any handler runs, which makes
// net/http send the headers and drop the body.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodHead {
			r.Method = http.MethodGet
			c.Set(ctxHead, true)
		}
		return next(c)
	}
}

func restoreHead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Get(ctxHead) != nil {
			c.Request().Method = http.MethodHead
		}
		return next(c)
	}
}

// requestLogger writes one structured line per request with its id.
func (s *Server) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			lvl := slog.LevelInfo
			if v.Status >= 500 {
				lvl = slog.LevelError
			}
			s.log.LogAttrs(c.Request().Context(), lvl, "request",
				slog.String("request_id", v.RequestID), slog.String("method", v.Method),
				slog.String("path", v.URIPath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("ip", v.RemoteIP))
			return nil
		},
	})
}

// bodyLimit caps request bodies; evidence uploads are skipped here because the upload
// handler applies its own per-file and per-request caps while streaming.
func bodyLimit() echo.MiddlewareFunc {
	return middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit:   "1M",
		Skipper: isUploadRequest,
	})
}

func isUploadRequest(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && strings.HasSuffix(c.Request().URL.Path, "/evidence")
}

// language picks the page language from ?lang=, then the cookie, then Accept-Language. An
// explicit ?lang= is remembered in a cookie.
func (s *Server) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		explicit := c.QueryParam("lang")
		if isLanguage(explicit) {
			c.SetCookie(&http.Cookie{Name: langCookie, Value: explicit, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(c)})
		} else if ck, err := c.Cookie(langCookie); err == nil {
			explicit = ck.Value
		}
		c.Set(ctxLang, pickLanguage(explicit, c.Request().Header.Get("Accept-Language")))
		return next(c)
	}
}

func (s *Server) secure(c echo.Context) bool {
	return s.opts.SecureCookies || c.IsTLS()
}

// authenticate resolves the caller: API requests by Bearer token only, pages by the session
// cookie only, so a cookie can never authorise an API call (no CSRF exposure there) and a
// stolen API token cannot be planted as a cookie.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		var raw string
		if isAPIPath(c.Request().URL.Path) {
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			if h != "" {
				if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
					raw = strings.TrimSpace(h[7:])
				} else {
					c.Set(ctxAuthError, true)
				}
			}
		} else if ck, err := c.Cookie(sessionCookie); err == nil {
			raw = ck.Value
		}
		if raw == "" {
			return next(c)
		}
		sid, err := s.tokens.Parse(raw, s.store.Now())
		if err == nil {
			var u *models.User
			_, u, err = s.store.ResolveSession(c.Request().Context(), sid)
			if err == nil {
				c.Set(ctxUser, u)
				c.Set(ctxSession, sid)
				return next(c)
			}
			if !errors.Is(err, models.ErrUnauthorized) {
				return err
			}
		}
		c.Set(ctxAuthError, true)
		if !isAPIPath(c.Request().URL.Path) {
			// A stale cookie is simply dropped; the visitor continues signed out.
			s.clearSessionCookie(c)
		}
		return next(c)
	}
}

// requireUser refuses anonymous callers: 401 JSON for the API, a redirect to sign in for pages.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			if isAPIPath(c.Request().URL.Path) {
				if c.Get(ctxAuthError) != nil {
					return models.WithMessage(models.ErrUnauthorized, "The token is invalid or has expired. Sign in again.")
				}
				return models.ErrUnauthorized
			}
			if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead {
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			return models.ErrUnauthorized
		}
		return next(c)
	}
}

// requireRole admits only the listed roles (after requireUser); others get 403.
func (s *Server) requireRole(roles ...models.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return s.requireUser(func(c echo.Context) error {
			u := currentUser(c)
			for _, r := range roles {
				if u.Role == r {
					return next(c)
				}
			}
			return models.WithMessage(models.ErrForbidden, "Your role (%s) may not use this.", u.Role)
		})
	}
}

// noStore keeps signed-in pages and API replies out of shared and browser caches.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) != nil || isAPIPath(c.Request().URL.Path) {
			c.Response().Header().Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

// csrf protects every state-changing page request with a token (double-submit cookie,
// compared in constant time by echo) and refuses cross-site requests outright using the
// browser's Sec-Fetch-Site header. The API is exempt because it accepts no cookies.
// Upload forms carry the token in the query string and are never checked against the body:
// echo would otherwise parse a multi-megabyte multipart body (even for a forged request)
// before the streaming handler sees it.
func (s *Server) csrf() echo.MiddlewareFunc {
	skip := func(c echo.Context) bool {
		return isAPIPath(c.Request().URL.Path) || strings.HasPrefix(c.Request().URL.Path, "/static/")
	}
	config := func(lookup string) echo.MiddlewareFunc {
		return middleware.CSRFWithConfig(middleware.CSRFConfig{
			Skipper:        skip,
			TokenLookup:    lookup,
			CookieName:     csrfCookie,
			CookiePath:     "/",
			CookieHTTPOnly: true,
			CookieSecure:   s.opts.SecureCookies,
			CookieSameSite: http.SameSiteLaxMode,
			CookieMaxAge:   12 * 3600,
			ContextKey:     "csrf",
			ErrorHandler: func(err error, c echo.Context) error {
				return echo.NewHTTPError(http.StatusForbidden, "csrf: "+err.Error())
			},
		})
	}
	forms := config("header:X-CSRF-Token,form:" + csrfField)
	uploads := config("header:X-CSRF-Token,query:" + csrfField)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		formsNext, uploadsNext := forms(next), uploads(next)
		return func(c echo.Context) error {
			if isUploadRequest(c) {
				return uploadsNext(c)
			}
			return formsNext(c)
		}
	}
}

func (s *Server) setSessionCookie(c echo.Context, token string, expires time.Time) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(c)})
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(c)})
}

// readyTimeout bounds the readiness probe's DB ping.
const readyTimeout = 2 * time.Second

func pingCtx(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, readyTimeout)
}
