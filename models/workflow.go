package models

import (
	"context"
	"crypto/rand"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Action is something a person does to a case.
type Action string

const (
	ActSubmit           Action = "submit"
	ActRequestAmendment Action = "request_amendment"
	ActAccept           Action = "accept"
	ActReject           Action = "reject"
	ActServe            Action = "serve"
	ActAnswer           Action = "answer"
	ActScheduleHearing  Action = "schedule_hearing"
	ActRecordHearing    Action = "record_hearing"
	ActRule             Action = "rule"
	ActSettle           Action = "settle"
	ActWithdraw         Action = "withdraw"
	ActPublish          Action = "publish"
	ActClose            Action = "close"
)

// Transition is one row of the workflow table: who may take an action, from which states,
// the state it leads to ("" keeps the state) and what else it sets.
type Transition struct {
	Action Action
	By     []Role
	From   []Status
	To     Status
	effect func(s *Store, st *step) error
}

// The court's clock (Civil Procedure Law, 2021 numbering).
const (
	day                  = 24 * time.Hour
	acceptancePeriod     = 7 * day  // Art. 126: accept or refuse within 7 days of a complete filing
	amendmentPeriod      = 7 * day  // default time given to correct a filing
	servicePeriod        = 5 * day  // Art. 128: serve within 5 days of docketing
	answerPeriod         = 15 * day // Art. 128: answer within 15 days of service
	judgmentAppealPeriod = 15 * day // Art. 171: appeal a judgment within 15 days
	rulingAppealPeriod   = 10 * day // Art. 171: appeal a ruling (e.g. refusal to accept) within 10 days
	asyncResponsePeriod  = 7 * day  // asynchronous hearings: written answers due a week after opening
)

// conclusionMonths is the time limit counted from docketing: small claims 2 months
// (Art. 168), simplified 3 months (Art. 164), ordinary 6 months (Art. 152).
var conclusionMonths = map[string]int{ProcedureSmallClaims: 2, ProcedureSimplified: 3, ProcedureOrdinary: 6}

var beforeDecision = []Status{StatusDraft, StatusSubmitted, StatusAmendmentRequested, StatusAccepted, StatusServed,
	StatusAnswered, StatusHearingScheduled, StatusHeard}

// Workflow is the case workflow, in one table (DESIGN.md §4). Visibility is checked before
// this table is consulted: a plaintiff only reaches their own case, a defendant a case served
// on them, a judge a case assigned to them.
var Workflow = []Transition{
	{ActSubmit, []Role{RolePlaintiff}, []Status{StatusDraft, StatusAmendmentRequested}, StatusSubmitted, effSubmit},
	{ActRequestAmendment, []Role{RoleClerk}, []Status{StatusSubmitted}, StatusAmendmentRequested, effRequestAmendment},
	{ActAccept, []Role{RoleClerk}, []Status{StatusSubmitted}, StatusAccepted, effAccept},
	{ActReject, []Role{RoleClerk}, []Status{StatusSubmitted}, StatusRejected, effReject},
	{ActServe, []Role{RoleClerk}, []Status{StatusAccepted}, StatusServed, effServe},
	{ActAnswer, []Role{RoleDefendant}, []Status{StatusServed}, StatusAnswered, effAnswer},
	{ActScheduleHearing, []Role{RoleClerk, RoleJudge}, []Status{StatusServed, StatusAnswered, StatusHearingScheduled}, StatusHearingScheduled, effScheduleHearing},
	{ActRecordHearing, []Role{RoleJudge}, []Status{StatusHearingScheduled}, StatusHeard, effRecordHearing},
	{ActRule, []Role{RoleJudge}, []Status{StatusHeard, StatusAnswered}, StatusDecided, effRule},
	{ActSettle, []Role{RoleJudge}, []Status{StatusAccepted, StatusServed, StatusAnswered, StatusHearingScheduled, StatusHeard}, StatusSettled, effSettle},
	{ActWithdraw, []Role{RolePlaintiff}, beforeDecision, StatusWithdrawn, effWithdraw},
	{ActPublish, []Role{RoleJudge}, []Status{StatusDecided, StatusClosed}, "", effPublish},
	{ActClose, []Role{RoleClerk}, []Status{StatusDecided, StatusSettled}, StatusClosed, effClose},
}

// TransitionFor finds the table row for an action.
func TransitionFor(a Action) (Transition, bool) {
	for _, t := range Workflow {
		if t.Action == a {
			return t, true
		}
	}
	return Transition{}, false
}

// Allows reports whether role may take the action from status (ignoring visibility and
// input). Pages use it to show only the buttons that would work.
func (t Transition) Allows(role Role, from Status) bool {
	return t.allowsRole(role) && t.allowsFrom(from)
}

func (t Transition) allowsRole(role Role) bool {
	for _, r := range t.By {
		if r == role {
			return true
		}
	}
	return false
}

func (t Transition) allowsFrom(from Status) bool {
	for _, f := range t.From {
		if f == from {
			return true
		}
	}
	return false
}

// AvailableActions lists what u could do to c now.
func AvailableActions(u *User, c *Case) []Action {
	var out []Action
	for _, t := range Workflow {
		if t.Allows(u.Role, c.Status) {
			out = append(out, t.Action)
		}
	}
	return out
}

// ActionInput carries what an action needs; each effect reads only its own fields.
type ActionInput struct {
	Reason       string
	Due          *time.Time
	Procedure    string
	JudgeID      int64
	Text         string
	At           *time.Time
	Mode         string
	Location     string
	Questions    string
	ResponsesDue *time.Time
	Minutes      string
	Ruling       *RulingInput
	Terms        string
	// Declare makes the statement of truth and consent to electronic service together with a
	// submission (the API's submit call is that declaration; the pages ask on their own page).
	Declare bool
	// Version, when > 0, is the case version the actor was looking at; a mismatch means
	// someone else acted first and the action is refused with a conflict.
	Version int64
}

// ActionResult carries what an action produces besides the updated case.
type ActionResult struct {
	// AccessCode is the defendant's one-time code, returned once by serve and never stored.
	AccessCode string
	Event      *CaseEvent
}

// step is the state one transition works on.
type step struct {
	tx      *gorm.DB
	c       *Case
	actor   *User
	in      ActionInput
	now     time.Time
	details map[string]any
	result  *ActionResult
	notices []notice
}

type notice struct {
	users []int64
	kind  string
	text  string
}

func (st *step) notify(kind, text string, users ...int64) {
	st.notices = append(st.notices, notice{users: users, kind: kind, text: text})
}

// Advance applies an action to a case: it checks visibility (404), role (403) and state (409),
// validates the input (422), applies the effect, appends the event to the hash chain and
// queues notifications — all in one transaction, so an action is either wholly applied or
// not at all.
func (s *Store) Advance(ctx context.Context, actor *User, caseID int64, action Action, in ActionInput) (*Case, *ActionResult, error) {
	t, ok := TransitionFor(action)
	if !ok {
		return nil, nil, ErrNotFound
	}
	var (
		out *Case
		res *ActionResult
	)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.loadVisible(tx, actor, caseID)
		if err != nil {
			return err
		}
		if !t.allowsRole(actor.Role) {
			return WithMessage(ErrForbidden, "A %s may not %s a case.", actor.Role, strings.ReplaceAll(string(action), "_", " "))
		}
		if in.Version > 0 && in.Version != c.Version {
			return conflictError(c)
		}
		if !t.allowsFrom(c.Status) {
			return &Error{Kind: KindConflict, Code: "illegal_transition",
				Message: "Cannot " + strings.ReplaceAll(string(action), "_", " ") + " a case that is " + strings.ReplaceAll(string(c.Status), "_", " ") + "."}
		}
		from := c.Status
		before := *c // for the statistics counters (models/stats.go)
		st := &step{tx: tx, c: c, actor: actor, in: in, now: s.Now(), details: map[string]any{}, result: &ActionResult{}}
		if err := t.effect(s, st); err != nil {
			return err
		}
		if t.To != "" {
			c.Status = t.To
		}
		c.NextDeadline = nextDeadline(c)
		if err := s.saveVersioned(tx, c, st.now); err != nil {
			return err
		}
		outcome, _ := st.details["outcome"].(string)
		if action != ActRule {
			outcome = ""
		}
		if err := s.recordStats(tx, &before, c, outcome); err != nil {
			return err
		}
		ev, err := appendEvent(tx, c.ID, string(action), from, c.Status, actor, st.details, st.now)
		if err != nil {
			return err
		}
		for _, n := range st.notices {
			if err := notify(tx, st.now, n.users, c.ID, n.kind, n.text); err != nil {
				return err
			}
		}
		st.result.Event = ev
		out, res = c, st.result
		if s.hook != nil {
			s.hook("before_" + string(action) + "_commit")
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if s.hook != nil {
		s.hook("after_" + string(action) + "_commit")
	}
	return out, res, nil
}

// nextDeadline is the earliest deadline that still binds someone in the case's state; the
// docket sorts on it.
func nextDeadline(c *Case) *time.Time {
	var cands []*time.Time
	switch c.Status {
	case StatusSubmitted:
		cands = []*time.Time{c.AcceptanceDue}
	case StatusAmendmentRequested:
		cands = []*time.Time{c.AmendmentDue}
	case StatusAccepted:
		cands = []*time.Time{c.ServiceDue, c.ConclusionDue}
	case StatusServed:
		cands = []*time.Time{c.AnswerDue, c.ConclusionDue}
	case StatusAnswered, StatusHearingScheduled, StatusHeard:
		cands = []*time.Time{c.ConclusionDue}
	case StatusDecided:
		cands = []*time.Time{c.AppealDue}
	}
	var best *time.Time
	for _, t := range cands {
		if t != nil && (best == nil || t.Before(*best)) {
			v := *t
			best = &v
		}
	}
	return best
}

func at(t time.Time) *time.Time { return &t }

// addMonths counts a period of months the way the Civil Procedure Law does: it ends on the
// same day of the last month, or on that month's last day when it has no such day (31 August
// + 6 months = 28 February, not 3 March as time.AddDate would have it). The calendar is the
// court's, not UTC's: 1 a.m. in Beijing on the 1st is still the 31st in UTC.
func addMonths(t time.Time, months int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	l := t.In(loc)
	y, m, d := l.Date()
	first := time.Date(y, m+time.Month(months), 1, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), loc)
	if last := first.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), loc).UTC()
}

// requireText checks a free-text input that an action needs.
func requireText(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	f := map[string]string{}
	if v == "" {
		f[field] = "validation.required"
	} else {
		checkText(f, field, v, max)
	}
	if len(f) > 0 {
		return "", Invalid(f)
	}
	return v, nil
}

// clerkIDs lists active clerks (for notices about the docket).
func clerkIDs(tx *gorm.DB) ([]int64, error) {
	var ids []int64
	err := tx.Model(&User{}).Where("role = ? AND disabled_at IS NULL", RoleClerk).Order("id").Limit(200).Pluck("id", &ids).Error
	return ids, err
}

func effSubmit(s *Store, st *step) error {
	c := st.c
	missing := c.MissingForSubmission()
	if c.DeclaredAt == nil && st.in.Declare {
		c.DeclaredAt = at(st.now)
	}
	if c.DeclaredAt == nil {
		missing["declaration"] = "validation.declaration"
	}
	if len(missing) > 0 {
		e := Invalid(missing)
		e.Message = "The complaint is not complete yet."
		return e
	}
	resubmission := c.Reference != nil
	if !resubmission {
		ref, err := s.allocateReference(st.tx, st.now)
		if err != nil {
			return err
		}
		c.Reference = &ref
		c.SubmittedAt = at(st.now)
	}
	c.AmendmentDue = nil
	c.AcceptanceDue = at(st.now.Add(acceptancePeriod))
	c.FeeTotalFen = c.Fee(s.court.PerCaseFen).TotalFen
	var evidence []Evidence
	if err := st.tx.Where("case_id = ?", c.ID).Order("id").Find(&evidence).Error; err != nil {
		return err
	}
	hashes := make([]string, len(evidence))
	for i, e := range evidence {
		hashes[i] = e.SHA256
	}
	st.details["reference"] = *c.Reference
	st.details["complaint_sha256"] = ComplaintHash(c)
	st.details["evidence_sha256"] = hashes
	st.details["fee_total"] = FormatYuan(c.FeeTotalFen)
	st.details["acceptance_due"] = c.AcceptanceDue.Format(time.RFC3339)
	st.details["resubmission"] = resubmission
	clerks, err := clerkIDs(st.tx)
	if err != nil {
		return err
	}
	kind := "new_filing"
	if resubmission {
		kind = "filing_amended"
	}
	st.notify(kind, *c.Reference, clerks...)
	return nil
}

// ComplaintHash fingerprints the complaint's content as submitted, so the event chain also
// proves what the plaintiff filed.
func ComplaintHash(c *Case) string {
	var b strings.Builder
	for _, v := range []string{c.DefendantName, c.DefendantUSCC, c.DefendantSector, c.DefendantPlatform, c.DefendantAddress,
		c.Categories, c.InfoTypes, c.Facts, FormatYuan(c.ReqCompensationFen), FormatYuan(c.ReqCostsFen),
		boolStr(c.ReqStopProcessing), boolStr(c.ReqDeletion), boolStr(c.ReqApology), boolStr(c.FeeWaiverRequested),
		c.PlaintiffName, c.PlaintiffAddress} {
		b.WriteString(v)
		b.WriteByte(0)
	}
	return sha256Hex([]byte(b.String()))
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func effRequestAmendment(s *Store, st *step) error {
	reason, err := requireText("reason", st.in.Reason, maxReason)
	if err != nil {
		return err
	}
	due := st.now.Add(amendmentPeriod)
	if st.in.Due != nil {
		if !st.in.Due.After(st.now) || st.in.Due.After(st.now.Add(30*day)) {
			return Invalid(map[string]string{"due": "validation.due_range"})
		}
		due = st.in.Due.UTC()
	}
	c := st.c
	c.AmendmentReason = reason
	c.AmendmentDue = at(due)
	c.AcceptanceDue = nil
	st.details["reason"] = reason
	st.details["due"] = due.Format(time.RFC3339)
	st.notify("amendment_requested", reason, c.PlaintiffID)
	return nil
}

func effAccept(s *Store, st *step) error {
	f := map[string]string{}
	months, ok := conclusionMonths[st.in.Procedure]
	if !ok {
		f["procedure"] = "validation.procedure"
	}
	var judge User
	if st.in.JudgeID <= 0 {
		f["judge_id"] = "validation.required"
	} else if err := st.tx.Where("id = ? AND role = ? AND disabled_at IS NULL", st.in.JudgeID, RoleJudge).First(&judge).Error; err != nil {
		f["judge_id"] = "validation.judge"
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	docket, year, serial, err := s.allocateDocketNumber(st.tx, st.now)
	if err != nil {
		return err
	}
	c := st.c
	c.DocketNo, c.DocketYear, c.DocketSerial = &docket, year, int(serial)
	c.Procedure = st.in.Procedure
	c.JudgeID = &judge.ID
	c.AcceptedAt = at(st.now)
	c.AcceptanceDue = nil
	c.ServiceDue = at(st.now.Add(servicePeriod))
	c.ConclusionDue = at(addMonths(st.now, months, s.court.Location))
	c.FeeTotalFen = c.Fee(s.court.PerCaseFen).TotalFen
	st.details["docket_no"] = docket
	st.details["procedure"] = c.Procedure
	st.details["judge_id"] = judge.ID
	st.details["fee_total"] = FormatYuan(c.FeeTotalFen)
	st.details["service_due"] = c.ServiceDue.Format(time.RFC3339)
	st.details["conclusion_due"] = c.ConclusionDue.Format(time.RFC3339)
	st.notify("accepted", docket, c.PlaintiffID)
	st.notify("assigned", docket, judge.ID)
	return nil
}

func effReject(s *Store, st *step) error {
	reason, err := requireText("reason", st.in.Reason, maxReason)
	if err != nil {
		return err
	}
	c := st.c
	c.RejectionReason = reason
	c.AcceptanceDue = nil
	c.AppealDue = at(st.now.Add(rulingAppealPeriod))
	c.ClosedAt = at(st.now)
	st.details["reason"] = reason
	st.details["appeal_due"] = c.AppealDue.Format(time.RFC3339)
	st.notify("rejected", reason, c.PlaintiffID)
	return nil
}

// accessCodeAlphabet leaves out characters that are easy to misread (0/O, 1/I/L).
const accessCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newAccessCode makes a 12-character one-time code (about 59 bits), shown once to the clerk
// for the service notice and stored only as a hash.
func newAccessCode() string {
	var b strings.Builder
	max := big.NewInt(int64(len(accessCodeAlphabet)))
	for i := 0; i < 12; i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		b.WriteByte(accessCodeAlphabet[n.Int64()])
	}
	return b.String()
}

// NormaliseAccessCode accepts codes typed with or without dashes and in any case.
func NormaliseAccessCode(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	code = strings.NewReplacer("-", "", " ", "").Replace(code)
	if utf8.RuneCountInString(code) != 12 {
		return code
	}
	return code[0:4] + "-" + code[4:8] + "-" + code[8:12]
}

func effServe(s *Store, st *step) error {
	code := newAccessCode()
	c := st.c
	c.AccessCodeHash = HashSecret(code)
	c.AccessCodeUsedAt = nil
	c.ServedAt = at(st.now)
	c.ServiceDue = nil
	c.AnswerDue = at(st.now.Add(answerPeriod))
	st.result.AccessCode = code
	st.details["answer_due"] = c.AnswerDue.Format(time.RFC3339)
	st.notify("served", *c.DocketNo, c.PlaintiffID)
	return nil
}

func effAnswer(s *Store, st *step) error {
	text, err := requireText("text", st.in.Text, maxLongText)
	if err != nil {
		return err
	}
	c := st.c
	late := c.AnswerDue != nil && st.now.After(*c.AnswerDue)
	c.AnswerText = text
	c.AnsweredAt = at(st.now)
	c.AnswerDue = nil
	st.details["answer_sha256"] = sha256Hex([]byte(text))
	st.details["late"] = late
	st.notify("answer_filed", c.DefendantName, c.PlaintiffID, ptrID(c.JudgeID))
	return nil
}

func ptrID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// HearingModes a hearing may take.
var HearingModes = []string{"video", "asynchronous", "in_person"}

func effScheduleHearing(s *Store, st *step) error {
	f := map[string]string{}
	if st.in.At == nil {
		f["at"] = "validation.required"
	} else if !st.in.At.After(st.now) {
		f["at"] = "validation.future"
	} else if st.in.At.After(st.now.AddDate(1, 0, 0)) {
		f["at"] = "validation.due_range"
	}
	checkCodes(f, "mode", []string{st.in.Mode}, HearingModes)
	checkText(f, "location", st.in.Location, maxAddress)
	checkText(f, "questions", st.in.Questions, maxLongText)
	// Written answers in an asynchronous hearing are due after it opens, within 30 days.
	if rd := st.in.ResponsesDue; rd != nil && st.in.At != nil && st.in.Mode == "asynchronous" &&
		(!rd.After(*st.in.At) || rd.After(st.in.At.Add(30*day))) {
		f["responses_due"] = "validation.due_range"
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	c := st.c
	h := Hearing{CaseID: c.ID, ScheduledAt: st.in.At.UTC(), Mode: st.in.Mode, Location: strings.TrimSpace(st.in.Location),
		Questions: strings.TrimSpace(st.in.Questions), CreatedBy: st.actor.ID, CreatedAt: st.now}
	if h.Mode == "asynchronous" {
		due := h.ScheduledAt.Add(asyncResponsePeriod)
		if st.in.ResponsesDue != nil {
			due = st.in.ResponsesDue.UTC()
		}
		h.ResponsesDue = &due
		st.details["responses_due"] = due.Format(time.RFC3339)
	}
	if err := st.tx.Create(&h).Error; err != nil {
		return err
	}
	if c.Status == StatusServed {
		// The defendant's silence does not stop the case; the answer deadline lapses.
		st.details["defendant_silent"] = c.AnsweredAt == nil
		c.AnswerDue = nil
	}
	st.details["hearing_id"] = h.ID
	st.details["at"] = h.ScheduledAt.Format(time.RFC3339)
	st.details["mode"] = h.Mode
	st.notify("hearing_scheduled", h.ScheduledAt.Format(time.RFC3339), c.PlaintiffID, ptrID(c.DefendantUserID), ptrID(c.JudgeID))
	return nil
}

func effRecordHearing(s *Store, st *step) error {
	minutes, err := requireText("minutes", st.in.Minutes, maxLongText)
	if err != nil {
		return err
	}
	var h Hearing
	if err := st.tx.Where("case_id = ?", st.c.ID).Order("id DESC").First(&h).Error; err != nil {
		return err
	}
	res := st.tx.Model(&Hearing{}).Where("id = ? AND recorded_at IS NULL", h.ID).Updates(map[string]any{"minutes": minutes, "recorded_at": st.now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return WithMessage(ErrIllegalAction, "This hearing has already been recorded.")
	}
	st.details["hearing_id"] = h.ID
	st.details["minutes_sha256"] = sha256Hex([]byte(minutes))
	st.notify("hearing_recorded", "", st.c.PlaintiffID, ptrID(st.c.DefendantUserID))
	return nil
}

func effSettle(s *Store, st *step) error {
	terms, err := requireText("terms", st.in.Terms, maxLongText)
	if err != nil {
		return err
	}
	c := st.c
	c.SettlementTerms = terms
	c.ServiceDue, c.AnswerDue, c.ConclusionDue = nil, nil, nil
	c.DecidedAt = at(st.now)
	c.Status = StatusSettled // the fee is assessed on the new state
	c.FeeTotalFen = c.Fee(s.court.PerCaseFen).TotalFen
	st.details["terms_sha256"] = sha256Hex([]byte(terms))
	st.details["fee_total"] = FormatYuan(c.FeeTotalFen)
	st.notify("settled", "", c.PlaintiffID, ptrID(c.DefendantUserID))
	return nil
}

func effWithdraw(s *Store, st *step) error {
	reason := strings.TrimSpace(st.in.Reason)
	f := map[string]string{}
	checkText(f, "reason", reason, maxReason)
	if len(f) > 0 {
		return Invalid(f)
	}
	c := st.c
	c.WithdrawalReason = reason
	c.WithdrawnAt = at(st.now)
	c.ClosedAt = at(st.now)
	c.AcceptanceDue, c.AmendmentDue, c.ServiceDue, c.AnswerDue, c.ConclusionDue = nil, nil, nil, nil, nil
	c.Status = StatusWithdrawn
	c.FeeTotalFen = c.Fee(s.court.PerCaseFen).TotalFen
	st.details["reason"] = reason
	st.details["fee_total"] = FormatYuan(c.FeeTotalFen)
	if c.Reference != nil {
		var notifyIDs []int64
		if c.JudgeID != nil {
			notifyIDs = append(notifyIDs, *c.JudgeID)
		} else {
			clerks, err := clerkIDs(st.tx)
			if err != nil {
				return err
			}
			notifyIDs = clerks
		}
		st.notify("withdrawn", *c.Reference, notifyIDs...)
		st.notify("withdrawn", *c.Reference, ptrID(c.DefendantUserID))
	}
	return nil
}

func effClose(s *Store, st *step) error {
	c := st.c
	if c.Status == StatusDecided && c.AppealDue != nil && st.now.Before(*c.AppealDue) {
		return WithMessage(ErrIllegalAction, "The appeal window is open until %s; the case can be closed after it.", c.AppealDue.Format(time.RFC3339))
	}
	c.ClosedAt = at(st.now)
	return nil
}
