package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// claimForm is the defendant's claim, from the page or the API. Name, email and password are
// needed only when nobody is signed in (a new defendant account).
type claimForm struct {
	Reference  string `json:"reference" form:"reference"`
	AccessCode string `json:"access_code" form:"access_code"`
	Name       string `json:"name" form:"name"`
	Email      string `json:"email" form:"email"`
	Password   string `json:"password" form:"password"`
}

func (f claimForm) account(c echo.Context) models.ClaimAccount {
	return models.ClaimAccount{User: currentUser(c), Name: f.Name, Email: f.Email, Password: f.Password, IP: c.RealIP()}
}

// apiDefendantClaim answers POST /api/v1/defendant/claim. Without a token it creates the
// defendant account and signs it in (201, the login reply's shape); a defendant signed in
// with a Bearer token attaches the case to their account (200 {"case": Case}).
func (s *Server) apiDefendantClaim(c echo.Context) error {
	if c.Get(ctxAuthError) != nil {
		return models.WithMessage(models.ErrUnauthorized, "The token is invalid or has expired. Sign in again.")
	}
	var f claimForm
	if err := bindJSON(c, &f); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, cs, err := s.store.ClaimCase(ctx, f.Reference, f.AccessCode, f.account(c))
	if err != nil {
		return err
	}
	if currentUser(c) != nil {
		out, err := s.caseReply(c, u, cs, nil)
		if err != nil {
			return err
		}
		return c.JSONBlob(http.StatusOK, out)
	}
	tok, sess, err := s.signIn(c, u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"token": tok, "expires_at": rfc3339(sess.ExpiresAt), "user": viewUser(u),
		"case_id": cs.ID})
}

// --- pages ---

func (s *Server) defendantClaimPage(c echo.Context) error {
	p := s.newPage(c, "defendant.claim_title")
	p.Form = map[string]string{"reference": c.QueryParam("reference")}
	return s.render(c, "defendant/claim", p)
}

func (s *Server) defendantClaimSubmit(c echo.Context) error {
	var f claimForm
	if err := c.Bind(&f); err != nil {
		return models.WithMessage(badRequest, "The form could not be read.")
	}
	u, cs, err := s.store.ClaimCase(c.Request().Context(), f.Reference, f.AccessCode, f.account(c))
	if err != nil {
		values := map[string]string{"reference": f.Reference, "name": f.Name, "email": f.Email}
		if models.KindOf(err) == models.KindUnauthorized {
			p := s.newPage(c, "defendant.claim_title")
			p.Form = values
			p.Status = http.StatusUnauthorized
			p.Errors = map[string]string{"": "defendant.claim_failed"}
			return s.render(c, "defendant/claim", p)
		}
		return s.formError(c, "defendant/claim", "defendant.claim_title", err, values)
	}
	if currentUser(c) == nil {
		tok, sess, err := s.signIn(c, u)
		if err != nil {
			return err
		}
		s.setSessionCookie(c, tok, sess.ExpiresAt)
	}
	return c.Redirect(http.StatusSeeOther, "/defendant/cases/"+formatID(cs.ID)+"?claimed=1")
}

type defendantListView struct {
	Items   []models.Case
	NextURL string
}

func (s *Server) defendantCasesPage(c echo.Context) error {
	f, err := listQuery(c)
	if err != nil {
		return err
	}
	f.Sort = models.SortUpdated
	page, err := s.store.ListCases(c.Request().Context(), currentUser(c), f)
	if err != nil {
		return err
	}
	v := defendantListView{Items: page.Items}
	if page.NextCursor != "" {
		v.NextURL = "/defendant/cases?cursor=" + page.NextCursor
	}
	p := s.newPage(c, "defendant.cases_title")
	p.Data = v
	return s.render(c, "defendant/cases", p)
}

type defendantCaseView struct {
	D         *CaseDetail
	Deadlines []deadlineRow
	CanAnswer bool
	Evidence  bool
	Claimed   bool
	Answered  bool
	Added     bool
	Conflict  string
}

func (s *Server) defendantCaseView(c echo.Context, id int64) (*defendantCaseView, error) {
	ctx := c.Request().Context()
	u := currentUser(c)
	d, err := s.visibleCaseDetail(c, id)
	if err != nil {
		return nil, err
	}
	cs := d.Case
	v := &defendantCaseView{D: d, Deadlines: deadlineRows(cs, s.store.Now())}
	for _, a := range d.Actions {
		if a == models.ActAnswer {
			v.CanAnswer = true
		}
	}
	v.Evidence = s.store.CheckEvidenceAllowed(ctx, u, id) == nil
	return v, nil
}

func (s *Server) defendantCasePage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.defendantCaseView(c, id)
	if err != nil {
		return err
	}
	v.Claimed = c.QueryParam("claimed") == "1"
	v.Answered = c.QueryParam("answered") == "1"
	v.Added = c.QueryParam("added") != ""
	p := s.newPage(c, "defendant.case_title")
	p.Data = v
	return s.render(c, "defendant/case", p)
}

// defendantEvidenceSubmit files the defendant's evidence from the case page (multipart,
// streamed; the CSRF token travels in the query string like the plaintiff's upload).
func (s *Server) defendantEvidenceSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	added, err := s.receiveEvidence(c, id)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/defendant/cases/"+formatID(id)+"?added="+strconv.Itoa(len(added)))
	}
	var de *models.Error
	if !errors.As(err, &de) {
		return err
	}
	v, lerr := s.defendantCaseView(c, id)
	if lerr != nil {
		return lerr
	}
	p := s.newPage(c, "defendant.case_title")
	if !s.uploadErrors(p, de) {
		return err
	}
	p.Data = v
	return s.render(c, "defendant/case", p)
}

func (s *Server) defendantAnswerSubmit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in, ferr := s.pageActionInput(c, models.ActAnswer)
	if len(ferr) > 0 {
		err = models.Invalid(ferr)
	} else {
		_, _, err = s.store.Advance(c.Request().Context(), currentUser(c), id, models.ActAnswer, in)
	}
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/defendant/cases/"+formatID(id)+"?answered=1")
	}
	var de *models.Error
	if !errors.As(err, &de) || (de.Kind != models.KindInvalid && de.Kind != models.KindConflict) {
		return err
	}
	v, lerr := s.defendantCaseView(c, id)
	if lerr != nil {
		return lerr
	}
	p := s.newPage(c, "defendant.case_title")
	p.Status, _, _, _ = classify(err)
	p.Form = map[string]string{"text": c.FormValue("text")}
	if de.Kind == models.KindInvalid {
		p.Errors = de.Fields
	} else {
		v.Conflict = de.Code
	}
	p.Data = v
	return s.render(c, "defendant/case", p)
}
