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
	// Security headers go first, before routing, so even the trailing-slash redirect has them.
	e.Pre(securityHeaders)
	e.Pre(headAsGet)
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(restoreHead)
	e.Use(middleware.RequestID())
	e.Use(s.requestLogger())
	e.Use(middleware.Recover())
	e.Use(bodyLimit())
	e.Use(s.language)
	e.Use(s.authenticate)
	e.Use(noStore)
	e.Use(s.csrf())

	anyone := s.requireUser
	plaintiff := s.requireRole(models.RolePlaintiff)
	admin := s.requireRole(models.RoleAdmin)

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

	// Administration pages.
	e.GET("/admin", s.adminPage, admin)
	e.POST("/admin/users", s.adminCreateSubmit, admin)
	e.POST("/admin/users/:id/disable", s.adminSetDisabledSubmit(true), admin)
	e.POST("/admin/users/:id/enable", s.adminSetDisabledSubmit(false), admin)
	e.GET("/admin/audit", s.adminAuditPage, admin)

	// --- filing pages (plaintiff) ---
	e.GET("/cases", s.myCasesPage, plaintiff)
	e.POST("/cases/new", s.startComplaint, plaintiff)
	e.GET("/cases/:id", s.plaintiffCasePage, plaintiff)
	e.GET("/cases/:id/complaint", s.taskListPage, plaintiff)
	e.GET("/cases/:id/complaint/defendant", s.sectionPage("defendant"), plaintiff)
	e.POST("/cases/:id/complaint/defendant", s.saveSection("defendant"), plaintiff)
	e.GET("/cases/:id/complaint/categories", s.sectionPage("categories"), plaintiff)
	e.POST("/cases/:id/complaint/categories", s.saveSection("categories"), plaintiff)
	e.GET("/cases/:id/complaint/info", s.sectionPage("info"), plaintiff)
	e.POST("/cases/:id/complaint/info", s.saveSection("info"), plaintiff)
	e.GET("/cases/:id/complaint/facts", s.sectionPage("facts"), plaintiff)
	e.POST("/cases/:id/complaint/facts", s.saveSection("facts"), plaintiff)
	e.GET("/cases/:id/complaint/requests", s.sectionPage("requests"), plaintiff)
	e.POST("/cases/:id/complaint/requests", s.saveSection("requests"), plaintiff)
	e.GET("/cases/:id/complaint/evidence", s.evidencePage, plaintiff)
	e.POST("/cases/:id/complaint/evidence", s.evidenceUploadSubmit, plaintiff) // multipart, streamed; CSRF token in the query
	e.POST("/cases/:id/complaint/evidence/:eid/remove", s.evidenceRemoveSubmit, plaintiff)
	e.GET("/cases/:id/check", s.checkPage, plaintiff)
	e.GET("/cases/:id/declaration", s.declarationPage, plaintiff)
	e.POST("/cases/:id/declaration", s.declarationSubmit, plaintiff)
	e.POST("/cases/:id/submit", s.submitComplaint, plaintiff) // one-time form token via Store.Once
	e.GET("/cases/:id/confirmation", s.confirmationPage, plaintiff)
	e.GET("/cases/:id/withdraw", s.withdrawPage, plaintiff)
	e.POST("/cases/:id/withdraw", s.withdrawSubmit, plaintiff)
	e.GET("/cases/:id/evidence/:eid/file", s.serveEvidence, anyone)      // any role that can see the case (checked in models)
	e.GET("/cases/:id/evidence/:eid/preview", s.previewEvidence, anyone) // images only, inline

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
	e.POST("/defendant/cases/:id/evidence", s.defendantEvidenceSubmit, defendant) // multipart, streamed; CSRF token in the query

	// --- bench pages (judge) and public record ---
	judge := s.requireRole(models.RoleJudge)
	e.GET("/bench", s.benchPage, judge)
	e.GET("/bench/cases/:id", s.benchCasePage, judge)
	e.GET("/bench/cases/:id/:action", s.benchActionPage, judge)
	e.POST("/bench/cases/:id/:action", s.benchActionSubmit, judge)
	e.GET("/cases/:id/ruling", s.rulingPrintPage, anyone)
	e.GET("/rulings", s.rulingsPage)
	e.GET("/rulings/:id", s.rulingPage)
	e.GET("/statistics", s.statisticsPage)
	e.GET("/statistics.csv", s.statisticsCSV)

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
	api.POST("/cases", s.apiCreateCase, plaintiff)
	api.PATCH("/cases/:id", s.apiPatchCase, plaintiff)
	api.POST("/cases/:id/evidence", s.apiUploadEvidence, anyone) // the parties; models refuse others (403) and other cases (404)
	api.GET("/cases/:id/evidence/:eid/file", s.serveEvidence, anyone)
	api.DELETE("/cases/:id/evidence/:eid", s.apiDeleteEvidence, plaintiff)

	// --- docket API (clerk) and defendant API ---
	api.GET("/cases", s.apiListCases, anyone)
	api.GET("/judges", s.apiJudges, clerk)
	api.GET("/docket.csv", s.apiDocketCSV, clerk)
	api.POST("/defendant/claim", s.apiDefendantClaim)

	// --- bench API (judge) and public record API ---
	api.GET("/rulings", s.apiRulings)
	api.GET("/rulings/:id", s.apiRuling)
	api.GET("/stats", s.apiStats)

	// --- administration (accounts and audit; no case contents) ---
	api.GET("/admin/users", s.apiAdminUsers, admin)
	api.POST("/admin/users", s.apiAdminCreateUser, admin)
	api.POST("/admin/users/:id/disable", s.apiAdminSetDisabled(true), admin)
	api.POST("/admin/users/:id/enable", s.apiAdminSetDisabled(false), admin)
	api.GET("/admin/audit", s.apiAdminAudit, admin)

	// --- integrity (verify) ---
	api.GET("/cases/:id/verify", s.apiVerifyCase, anyone)

	// Anything else under /api answers JSON 404 (the error handler sees the /api prefix).
	api.Any("/*", func(echo.Context) error { return models.ErrNotFound })
}
