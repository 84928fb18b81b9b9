package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// problemJSON is one break in a case's record, as the verify API reports it.
type problemJSON struct {
	CaseID     int64  `json:"case_id"`
	Reference  string `json:"reference,omitempty"`
	DocketNo   string `json:"docket_no,omitempty"`
	Area       string `json:"area"`
	Code       string `json:"code"`
	Seq        int    `json:"seq,omitempty"`
	EvidenceID int64  `json:"evidence_id,omitempty"`
	SHA256     string `json:"sha256,omitempty"`
	Message    string `json:"message"`
}

// verifyJSON is the reply of GET /api/v1/cases/{id}/verify (API.md), with counts beside it.
type verifyJSON struct {
	EvidenceOK    bool          `json:"evidence_ok"`
	ChainOK       bool          `json:"chain_ok"`
	Problems      []problemJSON `json:"problems"`
	Events        int           `json:"events"`
	EvidenceFiles int           `json:"evidence_files"`
	CheckedAt     string        `json:"checked_at"`
}

// apiVerifyCase re-hashes the case's evidence and re-walks its event chain for anyone who may
// see the case; others get 404, as for the case itself.
func (s *Server) apiVerifyCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.store.VerifyCase(c.Request().Context(), currentUser(c), id)
	if err != nil {
		return err
	}
	out := verifyJSON{EvidenceOK: v.EvidenceOK, ChainOK: v.ChainOK, Problems: []problemJSON{}, Events: v.Events,
		EvidenceFiles: v.EvidenceFiles, CheckedAt: v.CheckedAt.Format(time.RFC3339)}
	for _, p := range v.Problems {
		out.Problems = append(out.Problems, problemJSON{CaseID: p.CaseID, Reference: p.Reference, DocketNo: p.DocketNo,
			Area: p.Area, Code: p.Code, Seq: p.Seq, EvidenceID: p.EvidenceID, SHA256: p.SHA256, Message: p.Detail})
	}
	return c.JSON(http.StatusOK, out)
}

// VerifyView is what the "integrity-panel" partial shows (templates/partials/integrity.html).
type VerifyView struct {
	OK            bool
	EvidenceOK    bool
	ChainOK       bool
	Problems      []VerifyProblemView
	Events        int
	EvidenceFiles int
	CheckedAt     time.Time
}

// VerifyProblemView is one problem for the panel; the page translates Code
// ("integrity.problem.<code>") and falls back to Detail.
type VerifyProblemView struct {
	Code       string
	Seq        int
	EvidenceID int64
	SHA256     string
	Detail     string
}

// verifyView runs the check for the signed-in user and shapes it for the judge's case page:
//
//	v, err := s.verifyView(c, caseID)              // in the page handler
//	p.Data = map[string]any{..., "Integrity": v}
//	{{template "integrity-panel" dict "P" $ "V" .Data.Integrity}}   // in the page
func (s *Server) verifyView(c echo.Context, caseID int64) (*VerifyView, error) {
	v, err := s.store.VerifyCase(c.Request().Context(), currentUser(c), caseID)
	if err != nil {
		return nil, err
	}
	return newVerifyView(v), nil
}

func newVerifyView(v *models.Verification) *VerifyView {
	out := &VerifyView{OK: v.OK(), EvidenceOK: v.EvidenceOK, ChainOK: v.ChainOK, Events: v.Events,
		EvidenceFiles: v.EvidenceFiles, CheckedAt: v.CheckedAt}
	for _, p := range v.Problems {
		out.Problems = append(out.Problems, VerifyProblemView{Code: p.Code, Seq: p.Seq, EvidenceID: p.EvidenceID, SHA256: p.SHA256, Detail: p.Detail})
	}
	return out
}

// ProblemKey is the catalog key of a problem's explanation.
func (p VerifyProblemView) ProblemKey() string { return "integrity.problem." + p.Code }
