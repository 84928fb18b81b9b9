package handlers

import (
	"net/http"
	"strconv"
	"strings"

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

// caseFilterFrom reads the list query (limit, cursor, status, q, sector, judge_id, sort).
// Malformed values are a 400; which sort keys and sectors exist is the model's allow-list.
func caseFilterFrom(c echo.Context) (models.CaseFilter, error) {
	limit, err := listLimit(c)
	if err != nil {
		return models.CaseFilter{}, err
	}
	f := models.CaseFilter{Limit: limit, Cursor: c.QueryParam("cursor"), Q: strings.TrimSpace(c.QueryParam("q")),
		Sector: strings.TrimSpace(c.QueryParam("sector")), Sort: strings.TrimSpace(c.QueryParam("sort"))}
	if len(f.Cursor) > 512 {
		return f, models.WithMessage(badRequest, "The cursor is not valid.")
	}
	if len([]rune(f.Q)) > 200 {
		return f, models.WithMessage(badRequest, "The search text must be 200 characters or fewer.")
	}
	known := map[string]bool{}
	for _, st := range models.AllStatuses {
		known[string(st)] = true
	}
	for _, raw := range c.QueryParams()["status"] {
		for _, v := range strings.Split(raw, ",") {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if !known[v] {
				return f, models.WithMessage(badRequest, "Unknown status %q.", truncate(v, 40))
			}
			f.Status = append(f.Status, models.Status(v))
		}
	}
	if raw := c.QueryParam("judge_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return f, models.WithMessage(badRequest, "judge_id must be a positive whole number.")
		}
		f.JudgeID = id
	}
	return f, nil
}

// apiListCases answers GET /api/v1/cases with what the caller may see, a keyset page at a time.
func (s *Server) apiListCases(c echo.Context) error {
	f, err := caseFilterFrom(c)
	if err != nil {
		return err
	}
	page, err := s.store.ListCases(c.Request().Context(), currentUser(c), f)
	if err != nil {
		return err
	}
	items := make([]caseSummaryView, 0, len(page.Items))
	for i := range page.Items {
		items = append(items, viewCaseSummary(&page.Items[i]))
	}
	var next *string
	if page.NextCursor != "" {
		n := page.NextCursor
		next = &n
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}
