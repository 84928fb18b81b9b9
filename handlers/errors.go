package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// apiError is the JSON error shape every API route answers with.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

var kindStatus = map[models.Kind]int{
	models.KindInvalid:         http.StatusUnprocessableEntity,
	models.KindBadRequest:      http.StatusBadRequest,
	models.KindUnauthorized:    http.StatusUnauthorized,
	models.KindForbidden:       http.StatusForbidden,
	models.KindNotFound:        http.StatusNotFound,
	models.KindConflict:        http.StatusConflict,
	models.KindTooLarge:        http.StatusRequestEntityTooLarge,
	models.KindUnsupportedType: http.StatusUnsupportedMediaType,
	models.KindTooManyRequests: http.StatusTooManyRequests,
}

var statusCode = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusTooManyRequests:       "too_many_requests",
	http.StatusServiceUnavailable:    "unavailable",
}

var statusMessage = map[int]string{
	http.StatusBadRequest:            "The request could not be understood.",
	http.StatusUnauthorized:          "Sign in to continue.",
	http.StatusForbidden:             "You may not do that.",
	http.StatusNotFound:              "Not found.",
	http.StatusMethodNotAllowed:      "That method is not allowed here.",
	http.StatusRequestEntityTooLarge: "The request is too large.",
	http.StatusUnsupportedMediaType:  "That content type is not accepted here.",
	http.StatusTooManyRequests:       "Too many requests. Wait a moment and try again.",
	http.StatusServiceUnavailable:    "The service is not available right now.",
}

// classify turns any error into status, code, English message and field keys. Only domain
// errors carry their own message; anything unexpected becomes a bare 500.
func classify(err error) (int, string, string, map[string]string) {
	var de *models.Error
	if errors.As(err, &de) {
		st, ok := kindStatus[de.Kind]
		if !ok {
			st = http.StatusInternalServerError
		}
		return st, de.Code, de.Message, de.Fields
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		st := he.Code
		code, ok := statusCode[st]
		if !ok {
			code = strings.ToLower(strings.ReplaceAll(http.StatusText(st), " ", "_"))
		}
		msg, ok := statusMessage[st]
		if !ok {
			msg = http.StatusText(st)
		}
		if st == http.StatusForbidden && isCSRFError(he) {
			return st, "csrf_failed", "The form expired or came from another site. Go back, reload the page and try again.", nil
		}
		if st >= 500 {
			return st, "internal_error", "Something went wrong on our side. Please try again.", nil
		}
		return st, code, msg, nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, "too_large", statusMessage[http.StatusRequestEntityTooLarge], nil
	}
	return http.StatusInternalServerError, "internal_error", "Something went wrong on our side. Please try again.", nil
}

func isCSRFError(he *echo.HTTPError) bool {
	m, _ := he.Message.(string)
	return strings.Contains(strings.ToLower(m), "csrf") || strings.Contains(strings.ToLower(m), "sec-fetch")
}

func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/api" || p == "/healthz" || p == "/readyz"
}

// errorHandler answers every error in one place: JSON under /api, an HTML page elsewhere.
// Internal detail goes to the log with the request id, never to the client.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, code, msg, fields := classify(err)
	reqID := c.Response().Header().Get(echo.HeaderXRequestID)
	if status >= 500 {
		s.log.Error("request failed", "request_id", reqID, "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	} else {
		s.log.Debug("request refused", "request_id", reqID, "status", status, "code", code, "err", err)
	}
	if status == http.StatusForbidden || status == http.StatusUnauthorized {
		s.auditRefusal(c, status, code)
	}
	var werr error
	if isAPIPath(c.Request().URL.Path) {
		body := apiError{Error: apiErrorBody{Code: code, Message: msg}}
		if len(fields) > 0 {
			body.Error.Fields = map[string]string{}
			for f, key := range fields {
				body.Error.Fields[f] = s.cat.T("en", key)
			}
		}
		if c.Request().Method == http.MethodHead {
			werr = c.NoContent(status)
		} else {
			werr = c.JSON(status, body)
		}
	} else {
		werr = s.renderError(c, status, code, msg)
	}
	if werr != nil {
		s.log.Error("writing error response failed", "request_id", reqID, "err", werr)
	}
}

func (s *Server) auditRefusal(c echo.Context, status int, code string) {
	if status == http.StatusUnauthorized && c.Request().Header.Get(echo.HeaderAuthorization) == "" {
		return // anonymous visitors hitting a signed-in page are not security events
	}
	var uid int64
	if u := currentUser(c); u != nil {
		uid = u.ID
	}
	s.store.Audit(c.Request().Context(), models.AuditEntry{
		UserID: uid, Action: models.AuditForbidden, IP: c.RealIP(),
		Detail: code + " " + c.Request().Method + " " + truncate(c.Request().URL.Path, 200),
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
