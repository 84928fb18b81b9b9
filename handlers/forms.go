package handlers

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// bindJSON decodes a JSON body strictly enough to give a clear answer: the wrong content
// type, malformed JSON or trailing data is a 400; a value of the wrong type is a 422 naming
// the field. Unknown fields are ignored, so clients sending status or role change nothing.
func bindJSON(c echo.Context, dst any) error {
	req := c.Request()
	if req.ContentLength == 0 && req.Body == http.NoBody {
		return models.WithMessage(badRequest, "A JSON body is required.")
	}
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != echo.MIMEApplicationJSON {
			return models.WithMessage(badRequest, "Send the body as application/json.")
		}
	}
	dec := json.NewDecoder(req.Body)
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return models.WithMessage(badRequest, "The body must hold exactly one JSON object.")
	}
	return nil
}

var badRequest = &models.Error{Kind: models.KindBadRequest, Code: "bad_request", Message: "The request could not be understood."}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &mbe):
		return models.ErrTooLarge
	case errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge:
		// echo's body-limit reader reports a body without Content-Length running over the cap.
		return models.ErrTooLarge
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return models.WithMessage(badRequest, "The body must be a JSON object.")
		}
		return models.Invalid(map[string]string{field: "validation.type"})
	case errors.Is(err, io.EOF):
		return models.WithMessage(badRequest, "A JSON body is required.")
	default:
		return models.WithMessage(badRequest, "The body is not valid JSON.")
	}
}

// registerForm is the plaintiff's sign-up, from the page or the API.
type registerForm struct {
	Name     string `json:"name" form:"name"`
	Email    string `json:"email" form:"email"`
	Phone    string `json:"phone" form:"phone"`
	Password string `json:"password" form:"password"`
}

func (f registerForm) input() models.RegisterInput {
	return models.RegisterInput{Name: f.Name, Email: f.Email, Phone: f.Phone, Password: f.Password}
}

type loginForm struct {
	Email    string `json:"email" form:"email"`
	Password string `json:"password" form:"password"`
	Next     string `json:"-" form:"next"`
}

// formValues keeps what a user typed (except secrets) to refill a page after an error.
func formValues(c echo.Context, fields ...string) map[string]string {
	m := make(map[string]string, len(fields))
	for _, f := range fields {
		m[f] = c.FormValue(f)
	}
	return m
}

// safeNext accepts only a local path for post-login redirects, never another host.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return ""
	}
	return next
}
