package handlers

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// The JSON shapes of a case, as API.md fixes them. Built from models, never the gorm structs.

type personRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type actorRef struct {
	ID   int64  `json:"id"`
	Role string `json:"role"`
}

type defendantView struct {
	Name     string `json:"name"`
	USCC     string `json:"uscc"`
	Sector   string `json:"sector"`
	Platform string `json:"platform"`
	Address  string `json:"address"`
}

type requestsView struct {
	StopProcessing bool   `json:"stop_processing"`
	Deletion       bool   `json:"deletion"`
	Apology        bool   `json:"apology"`
	Compensation   string `json:"compensation"`
	Costs          string `json:"costs"`
}

type feeLineView struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Amount string `json:"amount"`
}

type feeView struct {
	Total string        `json:"total"`
	Lines []feeLineView `json:"lines"`
}

type evidenceView struct {
	ID          int64    `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	FileName    string   `json:"file_name"`
	MediaType   string   `json:"media_type"`
	Size        int64    `json:"size"`
	SHA256      string   `json:"sha256"`
	SubmittedBy actorRef `json:"submitted_by"`
	CreatedAt   string   `json:"created_at"`
	Flagged     bool     `json:"flagged"`
}

type eventView struct {
	Seq     int            `json:"seq"`
	Action  string         `json:"action"`
	From    string         `json:"from"`
	To      string         `json:"to"`
	Actor   actorRef       `json:"actor"`
	At      string         `json:"at"`
	Hash    string         `json:"hash"`
	Details map[string]any `json:"details"`
}

type hearingView struct {
	ID           int64   `json:"id"`
	At           string  `json:"at"`
	Mode         string  `json:"mode"`
	Location     string  `json:"location,omitempty"`
	Questions    string  `json:"questions,omitempty"`
	ResponsesDue *string `json:"responses_due"`
	Minutes      string  `json:"minutes,omitempty"`
	RecordedAt   *string `json:"recorded_at"`
}

type ordersView struct {
	StopProcessing bool   `json:"stop_processing"`
	Deletion       bool   `json:"deletion"`
	Apology        bool   `json:"apology"`
	Compensation   string `json:"compensation"`
	Costs          string `json:"costs"`
}

type rulingView struct {
	ID          int64      `json:"id"`
	Outcome     string     `json:"outcome"`
	Findings    []string   `json:"findings"`
	Orders      ordersView `json:"orders"`
	FeeBorneBy  string     `json:"fee_borne_by"`
	Reasoning   string     `json:"reasoning"`
	IssuedAt    string     `json:"issued_at"`
	AppealUntil *string    `json:"appeal_until"`
	PublishedAt *string    `json:"published_at"`
}

type caseView struct {
	ID               int64             `json:"id"`
	Reference        *string           `json:"reference"`
	DocketNo         *string           `json:"docket_no"`
	Status           string            `json:"status"`
	Procedure        *string           `json:"procedure"`
	Plaintiff        personRef         `json:"plaintiff"`
	Defendant        defendantView     `json:"defendant"`
	Categories       []string          `json:"categories"`
	InfoTypes        []string          `json:"info_types"`
	Facts            string            `json:"facts"`
	Requests         requestsView      `json:"requests"`
	FeeWaiver        bool              `json:"fee_waiver"`
	Declared         bool              `json:"declaration"`
	Fee              feeView           `json:"fee"`
	Judge            *personRef        `json:"judge"`
	Deadlines        map[string]string `json:"deadlines"`
	Evidence         []evidenceView    `json:"evidence"`
	Events           []eventView       `json:"events"`
	Hearings         []hearingView     `json:"hearings"`
	Answer           *string           `json:"answer"`
	AmendmentReason  string            `json:"amendment_reason,omitempty"`
	RejectionReason  string            `json:"rejection_reason,omitempty"`
	SettlementTerms  string            `json:"settlement_terms,omitempty"`
	Ruling           *rulingView       `json:"ruling"`
	AvailableActions []string          `json:"available_actions"`
	Version          int64             `json:"version"`
	SubmittedAt      *string           `json:"submitted_at"`
	CreatedAt        string            `json:"created_at"`
	UpdatedAt        string            `json:"updated_at"`
}

func viewFee(f models.Fee) feeView {
	v := feeView{Total: models.FormatYuan(f.TotalFen), Lines: make([]feeLineView, 0, len(f.Lines))}
	for _, l := range f.Lines {
		v.Lines = append(v.Lines, feeLineView{Key: l.Key, Label: l.Label, Amount: models.FormatYuan(l.AmountFen)})
	}
	return v
}

func viewEvidence(e models.Evidence) evidenceView {
	return evidenceView{ID: e.ID, Title: e.Title, Description: e.Description, FileName: e.FileName, MediaType: e.MediaType,
		Size: e.Size, SHA256: e.SHA256, SubmittedBy: actorRef{ID: e.SubmittedBy, Role: string(e.SubmittedRole)},
		CreatedAt: rfc3339(e.CreatedAt), Flagged: e.FlaggedAt != nil}
}

func viewEvent(e models.CaseEvent) eventView {
	return eventView{Seq: e.Seq, Action: e.Action, From: string(e.FromStatus), To: string(e.ToStatus),
		Actor: actorRef{ID: e.ActorID, Role: string(e.ActorRole)}, At: e.At.UTC().Format(time.RFC3339Nano), Hash: e.Hash, Details: e.DetailMap()}
}

func viewRuling(r *models.Ruling, c *models.Case) *rulingView {
	if r == nil {
		return nil
	}
	return &rulingView{ID: r.ID, Outcome: r.Outcome, Findings: r.FindingList(),
		Orders: ordersView{StopProcessing: r.OrderStopProcessing, Deletion: r.OrderDeletion, Apology: r.OrderApology,
			Compensation: models.FormatYuan(r.OrderCompensationFen), Costs: models.FormatYuan(r.OrderCostsFen)},
		FeeBorneBy: r.FeeBorneBy, Reasoning: r.Reasoning, IssuedAt: rfc3339(r.IssuedAt),
		AppealUntil: rfc3339Ptr(c.AppealDue), PublishedAt: rfc3339Ptr(r.PublishedAt)}
}

// CaseDetail is everything a case page or the API shows about one case.
type CaseDetail struct {
	Case     *models.Case
	Evidence []models.Evidence
	Events   []models.CaseEvent
	Hearings []models.Hearing
	Ruling   *models.Ruling
	Judge    *models.User
	Actions  []models.Action
}

// visibleCaseDetail loads a case the caller may see (404 otherwise) with all its parts.
func (s *Server) visibleCaseDetail(c echo.Context, id int64) (*CaseDetail, error) {
	ctx := c.Request().Context()
	u := currentUser(c)
	cs, err := s.store.CaseFor(ctx, u, id)
	if err != nil {
		return nil, err
	}
	return s.loadCaseDetail(ctx, u, cs)
}

// loadCaseDetail gathers a visible case's parts (callers have already checked visibility by
// loading c through the store).
func (s *Server) loadCaseDetail(ctx context.Context, u *models.User, c *models.Case) (*CaseDetail, error) {
	d := &CaseDetail{Case: c, Actions: models.AvailableActions(u, c)}
	var err error
	if d.Evidence, err = s.store.EvidenceList(ctx, c.ID); err != nil {
		return nil, err
	}
	if d.Events, err = s.store.Events(ctx, c.ID); err != nil {
		return nil, err
	}
	if d.Hearings, err = s.store.Hearings(ctx, c.ID); err != nil {
		return nil, err
	}
	if d.Ruling, err = s.store.RulingFor(ctx, c.ID); err != nil {
		return nil, err
	}
	if c.JudgeID != nil {
		if d.Judge, err = s.store.UserByID(ctx, *c.JudgeID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (s *Server) viewCase(d *CaseDetail) caseView {
	c := d.Case
	v := caseView{
		ID: c.ID, Reference: c.Reference, DocketNo: c.DocketNo, Status: string(c.Status),
		Plaintiff: personRef{ID: c.PlaintiffID, Name: c.PlaintiffName},
		Defendant: defendantView{Name: c.DefendantName, USCC: c.DefendantUSCC, Sector: c.DefendantSector,
			Platform: c.DefendantPlatform, Address: c.DefendantAddress},
		Categories: c.CategoryList(), InfoTypes: c.InfoTypeList(), Facts: c.Facts,
		Requests: requestsView{StopProcessing: c.ReqStopProcessing, Deletion: c.ReqDeletion, Apology: c.ReqApology,
			Compensation: models.FormatYuan(c.ReqCompensationFen), Costs: models.FormatYuan(c.ReqCostsFen)},
		FeeWaiver: c.FeeWaiverRequested, Declared: c.DeclaredAt != nil,
		Fee:       viewFee(c.Fee(s.store.Court().PerCaseFen)),
		Deadlines: map[string]string{}, Evidence: []evidenceView{}, Events: []eventView{}, Hearings: []hearingView{},
		AmendmentReason: c.AmendmentReason, RejectionReason: c.RejectionReason, SettlementTerms: c.SettlementTerms,
		Ruling: viewRuling(d.Ruling, c), AvailableActions: []string{}, Version: c.Version,
		SubmittedAt: rfc3339Ptr(c.SubmittedAt), CreatedAt: rfc3339(c.CreatedAt), UpdatedAt: rfc3339(c.UpdatedAt),
	}
	if c.Procedure != "" {
		p := c.Procedure
		v.Procedure = &p
	}
	if d.Judge != nil {
		v.Judge = &personRef{ID: d.Judge.ID, Name: d.Judge.Name}
	}
	for name, t := range c.Deadlines() {
		v.Deadlines[name] = rfc3339(t)
	}
	for _, e := range d.Evidence {
		v.Evidence = append(v.Evidence, viewEvidence(e))
	}
	for _, e := range d.Events {
		v.Events = append(v.Events, viewEvent(e))
	}
	for _, h := range d.Hearings {
		v.Hearings = append(v.Hearings, hearingView{ID: h.ID, At: rfc3339(h.ScheduledAt), Mode: h.Mode, Location: h.Location,
			Questions: h.Questions, ResponsesDue: rfc3339Ptr(h.ResponsesDue), Minutes: h.Minutes, RecordedAt: rfc3339Ptr(h.RecordedAt)})
	}
	if c.AnsweredAt != nil {
		a := c.AnswerText
		v.Answer = &a
	}
	for _, a := range d.Actions {
		v.AvailableActions = append(v.AvailableActions, apiActionName(a))
	}
	return v
}

// caseSummaryView is one row of a case list (GET /api/v1/cases): enough to triage, without
// the evidence, timeline and texts of the full Case.
type caseSummaryView struct {
	ID           int64                `json:"id"`
	Reference    *string              `json:"reference"`
	DocketNo     *string              `json:"docket_no"`
	Status       string               `json:"status"`
	Procedure    *string              `json:"procedure"`
	Plaintiff    personRef            `json:"plaintiff"`
	Defendant    defendantSummaryView `json:"defendant"`
	Categories   []string             `json:"categories"`
	Judge        *personRef           `json:"judge"`
	Deadlines    map[string]string    `json:"deadlines"`
	NextDeadline *string              `json:"next_deadline"`
	Overdue      bool                 `json:"overdue"`
	Version      int64                `json:"version"`
	SubmittedAt  *string              `json:"submitted_at"`
	CreatedAt    string               `json:"created_at"`
	UpdatedAt    string               `json:"updated_at"`
}

func viewCaseSummary(c *models.Case, judges map[int64]*models.User, now time.Time) caseSummaryView {
	v := caseSummaryView{ID: c.ID, Reference: c.Reference, DocketNo: c.DocketNo, Status: string(c.Status),
		Plaintiff:  personRef{ID: c.PlaintiffID, Name: c.PlaintiffName},
		Defendant:  defendantSummaryView{Name: c.DefendantName, Platform: c.DefendantPlatform, Sector: c.DefendantSector},
		Categories: c.CategoryList(), Deadlines: map[string]string{}, NextDeadline: rfc3339Ptr(c.NextDeadline),
		Overdue: c.NextDeadline != nil && c.NextDeadline.Before(now), Version: c.Version,
		SubmittedAt: rfc3339Ptr(c.SubmittedAt), CreatedAt: rfc3339(c.CreatedAt), UpdatedAt: rfc3339(c.UpdatedAt)}
	if c.Procedure != "" {
		p := c.Procedure
		v.Procedure = &p
	}
	if c.JudgeID != nil {
		v.Judge = &personRef{ID: *c.JudgeID}
		if j := judges[*c.JudgeID]; j != nil {
			v.Judge.Name = j.Name
		}
	}
	for name, t := range c.Deadlines() {
		v.Deadlines[name] = rfc3339(t)
	}
	return v
}
