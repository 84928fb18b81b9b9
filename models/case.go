package models

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Status is where a case stands in the workflow (DESIGN.md §4).
type Status string

const (
	StatusDraft              Status = "draft"
	StatusSubmitted          Status = "submitted"
	StatusAmendmentRequested Status = "amendment_requested"
	StatusAccepted           Status = "accepted"
	StatusRejected           Status = "rejected"
	StatusServed             Status = "served"
	StatusAnswered           Status = "answered"
	StatusHearingScheduled   Status = "hearing_scheduled"
	StatusHeard              Status = "heard"
	StatusDecided            Status = "decided"
	StatusClosed             Status = "closed"
	StatusWithdrawn          Status = "withdrawn"
	StatusSettled            Status = "settled"
)

// AllStatuses in workflow order (for filters and statistics).
var AllStatuses = []Status{StatusDraft, StatusSubmitted, StatusAmendmentRequested, StatusAccepted, StatusRejected,
	StatusServed, StatusAnswered, StatusHearingScheduled, StatusHeard, StatusDecided, StatusClosed, StatusWithdrawn, StatusSettled}

// Procedures a clerk may choose at acceptance.
const (
	ProcedureSmallClaims = "small_claims"
	ProcedureSimplified  = "simplified"
	ProcedureOrdinary    = "ordinary"
)

// Procedures lists them in the order offered.
var Procedures = []string{ProcedureSmallClaims, ProcedureSimplified, ProcedureOrdinary}

// Category is a kind of infringement under the PIPL, with the articles it rests on.
type Category struct {
	Code     string
	Articles string
}

// Categories of infringement (DESIGN.md §5).
var Categories = []Category{
	{"no_consent", "PIPL Arts. 13–14"},
	{"forced_consent", "PIPL Art. 16"},
	{"excessive_collection", "PIPL Art. 6"},
	{"sensitive_without_consent", "PIPL Arts. 28–29"},
	{"unsolicited_push", "PIPL Art. 24"},
	{"leak", "PIPL Arts. 9, 51, 57"},
	{"rights_request_refused", "PIPL Arts. 44–47, 50"},
	{"unlawful_transfer", "PIPL Art. 23"},
}

// InfoTypes are the kinds of personal information a complaint may concern.
var InfoTypes = []string{"name", "phone", "id_number", "biometric", "location", "health", "financial", "transaction", "browsing", "other"}

// Sectors of the app or platform concerned.
var Sectors = []string{"social", "search", "ecommerce", "education", "finance", "health", "travel", "other"}

// CategoryArticles returns the PIPL articles for a category code.
func CategoryArticles(code string) string {
	for _, c := range Categories {
		if c.Code == code {
			return c.Articles
		}
	}
	return ""
}

// CategoryCodes lists the category codes in order.
func CategoryCodes() []string {
	out := make([]string, len(Categories))
	for i, c := range Categories {
		out[i] = c.Code
	}
	return out
}

// Case is a complaint from its draft to its close. Lists of codes are stored comma-wrapped
// (",leak,no_consent,") so one indexed LIKE finds a code without a join table.
type Case struct {
	ID           int64
	Reference    *string
	DocketNo     *string
	DocketYear   int
	DocketSerial int
	Status       Status
	Procedure    string

	PlaintiffID      int64
	PlaintiffName    string
	PlaintiffPhone   string
	PlaintiffEmail   string
	PlaintiffAddress string
	DefendantUserID  *int64
	JudgeID          *int64

	DefendantName     string
	DefendantUSCC     string
	DefendantSector   string
	DefendantPlatform string
	DefendantAddress  string

	Categories string
	InfoTypes  string
	Facts      string

	ReqStopProcessing  bool
	ReqDeletion        bool
	ReqApology         bool
	ReqCompensationFen int64
	ReqCostsFen        int64
	FeeWaiverRequested bool
	FeeTotalFen        int64

	DeclaredAt       *time.Time
	AccessCodeHash   string
	AccessCodeUsedAt *time.Time

	SubmittedAt *time.Time
	AcceptedAt  *time.Time
	ServedAt    *time.Time
	AnsweredAt  *time.Time
	DecidedAt   *time.Time
	ClosedAt    *time.Time
	WithdrawnAt *time.Time

	AcceptanceDue *time.Time
	AmendmentDue  *time.Time
	ServiceDue    *time.Time
	AnswerDue     *time.Time
	ConclusionDue *time.Time
	AppealDue     *time.Time
	NextDeadline  *time.Time

	AmendmentReason  string
	RejectionReason  string
	WithdrawalReason string
	SettlementTerms  string
	AnswerText       string

	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CategoryList returns the case's categories in canonical order.
func (c *Case) CategoryList() []string { return splitCodes(c.Categories) }

// InfoTypeList returns the kinds of personal information involved.
func (c *Case) InfoTypeList() []string { return splitCodes(c.InfoTypes) }

func splitCodes(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// joinCodes stores codes sorted in the order of the allowed list.
func joinCodes(codes []string, allowed []string) string {
	order := map[string]int{}
	for i, a := range allowed {
		order[a] = i
	}
	cs := append([]string(nil), codes...)
	sort.Slice(cs, func(i, j int) bool { return order[cs[i]] < order[cs[j]] })
	if len(cs) == 0 {
		return ""
	}
	return "," + strings.Join(cs, ",") + ","
}

// Fee assesses the litigation fee for the case as it stands.
func (c *Case) Fee(perCaseFen int64) Fee {
	reduction := ""
	if c.AcceptedAt != nil {
		switch c.Status {
		case StatusWithdrawn:
			reduction = "withdrawn"
		case StatusSettled:
			reduction = "mediated"
		}
	}
	return AssessFee(FeeInput{PerCaseFen: perCaseFen, CompensationFen: c.ReqCompensationFen, Procedure: c.Procedure,
		Reduction: reduction, WaiverRequested: c.FeeWaiverRequested})
}

// Deadlines returns the case's open deadlines by name (API names).
func (c *Case) Deadlines() map[string]time.Time {
	m := map[string]time.Time{}
	add := func(name string, t *time.Time) {
		if t != nil {
			m[name] = *t
		}
	}
	add("acceptance", c.AcceptanceDue)
	add("amendment", c.AmendmentDue)
	add("service", c.ServiceDue)
	add("answer", c.AnswerDue)
	add("conclusion", c.ConclusionDue)
	add("appeal", c.AppealDue)
	return m
}

// IsTerminal reports whether nothing more will happen to the case.
func (c *Case) IsTerminal() bool {
	switch c.Status {
	case StatusClosed, StatusRejected, StatusWithdrawn:
		return true
	}
	return false
}

// --- the complaint ---

// Text limits for complaint fields, in characters.
const (
	maxCompanyName = 200
	maxPlatform    = 200
	maxAddress     = 300
	maxFacts       = 20000
	maxReason      = 5000
	maxLongText    = 50000
)

// DefendantInput is the company complained about. Nil fields are left unchanged.
type DefendantInput struct {
	Name     *string `json:"name"`
	USCC     *string `json:"uscc"`
	Sector   *string `json:"sector"`
	Platform *string `json:"platform"`
	Address  *string `json:"address"`
}

// RequestsInput is what the plaintiff asks the court to order.
type RequestsInput struct {
	StopProcessing *bool   `json:"stop_processing"`
	Deletion       *bool   `json:"deletion"`
	Apology        *bool   `json:"apology"`
	Compensation   *string `json:"compensation"`
	Costs          *string `json:"costs"`
}

// ComplaintInput changes a draft: every nil part is left as it is, so the task-list pages
// can each save their own section and the API can PATCH.
type ComplaintInput struct {
	Defendant        *DefendantInput `json:"defendant"`
	Categories       *[]string       `json:"categories"`
	InfoTypes        *[]string       `json:"info_types"`
	Facts            *string         `json:"facts"`
	Requests         *RequestsInput  `json:"requests"`
	FeeWaiver        *bool           `json:"fee_waiver"`
	PlaintiffAddress *string         `json:"plaintiff_address"`
	// Declaration accepts the statement of truth and electronic service.
	Declaration *bool `json:"declaration"`
}

func checkText(fields map[string]string, name, v string, max int) {
	switch {
	case utf8.RuneCountInString(v) > max:
		fields[name] = "validation.too_long"
	case !utf8.ValidString(v):
		fields[name] = "validation.control_chars"
	case hasControlExceptNewline(v):
		fields[name] = "validation.control_chars"
	}
}

func hasControlExceptNewline(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

func checkCodes(fields map[string]string, name string, codes []string, allowed []string) {
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if !ok[c] {
			fields[name] = "validation.unknown_code"
			return
		}
		if seen[c] {
			fields[name] = "validation.duplicate_code"
			return
		}
		seen[c] = true
	}
}

// apply validates the input and writes it onto c. Fields that are given must be valid even in
// a draft; completeness is only demanded at submission (MissingForSubmission).
func (in ComplaintInput) apply(c *Case) map[string]string {
	f := map[string]string{}
	if d := in.Defendant; d != nil {
		if d.Name != nil {
			v := strings.TrimSpace(*d.Name)
			checkText(f, "defendant.name", v, maxCompanyName)
			c.DefendantName = v
		}
		if d.USCC != nil {
			v := NormaliseUSCC(*d.USCC)
			if v != "" {
				if k := ValidateUSCC(v); k != "" {
					f["defendant.uscc"] = k
				}
			}
			if len(v) <= 18 {
				c.DefendantUSCC = v
			}
		}
		if d.Sector != nil {
			v := strings.TrimSpace(*d.Sector)
			if v != "" {
				checkCodes(f, "defendant.sector", []string{v}, Sectors)
			}
			c.DefendantSector = v
		}
		if d.Platform != nil {
			v := strings.TrimSpace(*d.Platform)
			checkText(f, "defendant.platform", v, maxPlatform)
			c.DefendantPlatform = v
		}
		if d.Address != nil {
			v := strings.TrimSpace(*d.Address)
			checkText(f, "defendant.address", v, maxAddress)
			c.DefendantAddress = v
		}
	}
	if in.Categories != nil {
		checkCodes(f, "categories", *in.Categories, CategoryCodes())
		c.Categories = joinCodes(*in.Categories, CategoryCodes())
	}
	if in.InfoTypes != nil {
		checkCodes(f, "info_types", *in.InfoTypes, InfoTypes)
		c.InfoTypes = joinCodes(*in.InfoTypes, InfoTypes)
	}
	if in.Facts != nil {
		v := strings.TrimSpace(*in.Facts)
		checkText(f, "facts", v, maxFacts)
		c.Facts = v
	}
	if r := in.Requests; r != nil {
		if r.StopProcessing != nil {
			c.ReqStopProcessing = *r.StopProcessing
		}
		if r.Deletion != nil {
			c.ReqDeletion = *r.Deletion
		}
		if r.Apology != nil {
			c.ReqApology = *r.Apology
		}
		if r.Compensation != nil {
			c.ReqCompensationFen = parseMoneyField(f, "requests.compensation", *r.Compensation)
		}
		if r.Costs != nil {
			c.ReqCostsFen = parseMoneyField(f, "requests.costs", *r.Costs)
		}
	}
	if in.FeeWaiver != nil {
		c.FeeWaiverRequested = *in.FeeWaiver
	}
	if in.PlaintiffAddress != nil {
		v := strings.TrimSpace(*in.PlaintiffAddress)
		checkText(f, "plaintiff_address", v, maxAddress)
		c.PlaintiffAddress = v
	}
	return f
}

func parseMoneyField(f map[string]string, name, raw string) int64 {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0
	}
	v, err := ParseYuan(raw)
	if err != nil {
		f[name] = MoneyErrorKey(err)
		return 0
	}
	return v
}

// MissingForSubmission names every part of the complaint still needed before it can be
// submitted, as field → message key.
func (c *Case) MissingForSubmission() map[string]string {
	f := map[string]string{}
	if c.DefendantName == "" {
		f["defendant.name"] = "validation.required"
	}
	if c.DefendantUSCC == "" {
		f["defendant.uscc"] = "validation.required"
	} else if k := ValidateUSCC(c.DefendantUSCC); k != "" {
		f["defendant.uscc"] = k
	}
	if c.DefendantSector == "" {
		f["defendant.sector"] = "validation.required"
	}
	if c.DefendantPlatform == "" {
		f["defendant.platform"] = "validation.required"
	}
	if len(c.CategoryList()) == 0 {
		f["categories"] = "validation.choose_one"
	}
	if len(c.InfoTypeList()) == 0 {
		f["info_types"] = "validation.choose_one"
	}
	if utf8.RuneCountInString(c.Facts) < 20 {
		f["facts"] = "validation.facts_short"
	}
	if !c.ReqStopProcessing && !c.ReqDeletion && !c.ReqApology && c.ReqCompensationFen == 0 && c.ReqCostsFen == 0 {
		f["requests"] = "validation.choose_request"
	}
	return f
}

// CreateCase opens a draft complaint for a plaintiff. A partial complaint is fine; what is
// given must be valid.
func (s *Store) CreateCase(ctx context.Context, u *User, in ComplaintInput) (*Case, error) {
	if u.Role != RolePlaintiff {
		return nil, WithMessage(ErrForbidden, "Only plaintiffs file complaints.")
	}
	now := s.Now()
	c := &Case{Status: StatusDraft, PlaintiffID: u.ID, PlaintiffName: u.Name, PlaintiffPhone: u.Phone, PlaintiffEmail: u.Email,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if f := in.apply(c); len(f) > 0 {
		return nil, Invalid(f)
	}
	if in.Declaration != nil && *in.Declaration {
		c.DeclaredAt = &now
	}
	c.FeeTotalFen = c.Fee(s.court.PerCaseFen).TotalFen
	if err := s.db.WithContext(ctx).Create(c).Error; err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateComplaint edits a draft or a complaint returned for amendment. Only the plaintiff may,
// and only in those states (409 otherwise). expectedVersion > 0 guards against a stale page.
func (s *Store) UpdateComplaint(ctx context.Context, u *User, caseID int64, in ComplaintInput, expectedVersion int64) (*Case, error) {
	var out *Case
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.loadVisible(tx, u, caseID)
		if err != nil {
			return err
		}
		if c.PlaintiffID != u.ID {
			return WithMessage(ErrForbidden, "Only the plaintiff may change the complaint.")
		}
		if c.Status != StatusDraft && c.Status != StatusAmendmentRequested {
			return WithMessage(ErrIllegalAction, "The complaint has been submitted and can no longer be changed (status: %s).", c.Status)
		}
		if expectedVersion > 0 && expectedVersion != c.Version {
			return conflictError(c)
		}
		before := *c // an amended complaint moves the statistics counters (models/stats.go)
		if f := in.apply(c); len(f) > 0 {
			return Invalid(f)
		}
		now := s.Now()
		if in.Declaration != nil {
			if *in.Declaration {
				c.DeclaredAt = &now
			} else {
				c.DeclaredAt = nil
			}
		}
		c.FeeTotalFen = c.Fee(s.court.PerCaseFen).TotalFen
		if err := s.saveVersioned(tx, c, now); err != nil {
			return err
		}
		if err := s.recordStats(tx, &before, c, ""); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

func conflictError(c *Case) *Error {
	return WithMessage(ErrConflict, "The case was changed by someone else while you were working; it is now %s (version %d). Reload and try again.", c.Status, c.Version)
}

// saveVersioned writes every column of c only if nobody else changed the row since it was
// read: the version check is in the WHERE clause, so two writers cannot both win.
func (s *Store) saveVersioned(tx *gorm.DB, c *Case, now time.Time) error {
	prev := c.Version
	c.Version = prev + 1
	c.UpdatedAt = now
	res := tx.Model(&Case{}).Where("id = ? AND version = ?", c.ID, prev).Select("*").Omit("id", "created_at").Updates(c)
	if res.Error != nil {
		c.Version = prev
		return res.Error
	}
	if res.RowsAffected == 0 {
		c.Version = prev
		var cur Case
		if err := tx.Select("id, status, version").First(&cur, c.ID).Error; err != nil {
			return err
		}
		return conflictError(&cur)
	}
	return nil
}

// visibleScope restricts a case query to what u may see: a plaintiff their own, a defendant
// the cases served on them, a judge the cases assigned to them, a clerk the whole docket but
// not private drafts, an admin none. Authorisation lives in the WHERE clause, so a query
// cannot return what the caller may not see.
func visibleScope(q *gorm.DB, u *User) *gorm.DB {
	switch u.Role {
	case RolePlaintiff:
		return q.Where("cases.plaintiff_id = ?", u.ID)
	case RoleDefendant:
		return q.Where("cases.defendant_user_id = ?", u.ID)
	case RoleJudge:
		return q.Where("cases.judge_id = ?", u.ID)
	case RoleClerk:
		return q.Where("cases.status <> ?", StatusDraft)
	}
	return q.Where("1 = 0")
}

func (s *Store) loadVisible(tx *gorm.DB, u *User, caseID int64) (*Case, error) {
	var c Case
	err := visibleScope(tx.Model(&Case{}), u).Where("cases.id = ?", caseID).First(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// CaseFor returns a case if u may see it, else ErrNotFound.
func (s *Store) CaseFor(ctx context.Context, u *User, caseID int64) (*Case, error) {
	return s.loadVisible(s.db.WithContext(ctx), u, caseID)
}
