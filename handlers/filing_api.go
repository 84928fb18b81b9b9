package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// The plaintiff's filing API (API.md "Cases (plaintiff)"): create and patch a complaint, list
// the caller's cases. Evidence upload and download are in evidence.go; submit and withdraw go
// through the generic action route in case_actions.go.

// apiCreateCase answers POST /api/v1/cases: a draft complaint, partial or whole.
func (s *Server) apiCreateCase(c echo.Context) error {
	var in models.ComplaintInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	u := currentUser(c)
	cs, err := s.store.CreateCase(c.Request().Context(), u, in)
	if err != nil {
		return err
	}
	out, err := s.caseReply(c, u, cs, nil)
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusCreated, out)
}

// apiPatchCase answers PATCH /api/v1/cases/{id}: only the fields sent change, and only while
// the complaint is a draft or returned for amendment (409 otherwise).
func (s *Server) apiPatchCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		models.ComplaintInput
		// Version, when given, must match the case's current version (a stale edit is a 409).
		Version int64 `json:"version"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	u := currentUser(c)
	cs, err := s.store.UpdateComplaint(c.Request().Context(), u, id, in.ComplaintInput, in.Version)
	if err != nil {
		return err
	}
	out, err := s.caseReply(c, u, cs, nil)
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, out)
}
