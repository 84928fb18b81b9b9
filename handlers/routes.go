package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"netcourt/models"
)

// routes lists every route, grouped by who may call it, with the guard on the same line.
// The authorisation-matrix test walks e.Routes(), so a new route without an entry there fails.
func (s *Server) routes(e *echo.Echo) {
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(middleware.RequestID())
	e.Use(s.requestLogger())
	e.Use(middleware.Recover())
	e.Use(securityHeaders)
	e.Use(bodyLimit())
	e.Use(s.language)
	e.Use(s.authenticate)
	e.Use(noStore)
	e.Use(s.csrf())

	anyone := s.requireUser
	plaintiff := s.requireRole(models.RolePlaintiff)
	_ = plaintiff

	// Health and static assets.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/static/*", s.staticFile)

	// Public pages.
	e.GET("/", s.homePage)
	e.GET("/register", s.registerPage)
	e.POST("/register", s.registerSubmit)
	e.GET("/login", s.loginPage)
	e.POST("/login", s.loginSubmit)

	// Signed-in pages, any role.
	e.POST("/logout", s.logoutSubmit, anyone)
	e.GET("/account", s.accountPage, anyone)
	e.GET("/inbox", s.inboxPage, anyone)
	e.POST("/inbox/read", s.inboxMarkRead, anyone)
	e.GET("/go/case/:id", s.goToCase, anyone)

	// --- filing pages (plaintiff) ---

	// --- docket pages (clerk) and defendant pages ---
	clerk := s.requireRole(models.RoleClerk)
	defendant := s.requireRole(models.RoleDefendant)
	e.GET("/docket", s.docketPage, clerk)
	e.GET("/docket/export.csv", s.docketCSV, clerk)
	e.GET("/docket/cases/:id", s.docketCasePage, clerk)
	e.POST("/docket/cases/:id/:action", s.docketAction, clerk)
	e.GET("/defendant/claim", s.defendantClaimPage)
	e.POST("/defendant/claim", s.defendantClaimSubmit)
	e.GET("/defendant/cases", s.defendantCasesPage, defendant)
	e.GET("/defendant/cases/:id", s.defendantCasePage, defendant)
	e.POST("/defendant/cases/:id/answer", s.defendantAnswerSubmit, defendant)

	// --- bench pages (judge) and public record ---

	// Public API.
	api := e.Group("/api/v1")
	api.POST("/auth/register", s.apiRegister)
	api.POST("/auth/login", s.apiLogin)

	// Signed-in API, any role.
	api.POST("/auth/logout", s.apiLogout, anyone)
	api.GET("/me", s.apiMe, anyone)
	api.GET("/notifications", s.apiNotifications, anyone)
	api.POST("/notifications/read", s.apiNotificationsRead, anyone)
	api.GET("/cases/:id", s.apiGetCase, anyone)
	api.POST("/cases/:id/:action", s.apiCaseAction, anyone)

	// --- filing API (plaintiff) ---

	// --- docket API (clerk) and defendant API ---
	api.GET("/cases", s.apiListCases, anyone)
	api.GET("/judges", s.apiJudges, clerk)
	api.GET("/docket.csv", s.apiDocketCSV, clerk)
	api.POST("/defendant/claim", s.apiDefendantClaim)

	// --- bench API (judge) and public record API ---

	// Anything else under /api answers JSON 404 (the error handler sees the /api prefix).
	api.Any("/*", func(echo.Context) error { return models.ErrNotFound })
}
