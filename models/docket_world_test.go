package models_test

import (
	"context"
	"testing"
	"time"

	"netcourt/models"
	"netcourt/models/testkit"
)

// world is one fixture with one person in every role, and a way to put a fresh case into
// any state along the workflow's usual paths.
type world struct {
	f         *testkit.Fixture
	s         *models.Store
	plaintiff *models.User
	defendant *models.User
	clerk     *models.User
	judge     *models.User
	admin     *models.User
	codes     map[int64]string // access codes issued by serve, by case id
}

func newWorld(t testing.TB) *world {
	t.Helper()
	f := testkit.NewStore(t)
	return &world{f: f, s: f.Store, plaintiff: f.Plaintiff(t), defendant: f.Defendant(t), clerk: f.Clerk(t),
		judge: f.Judge(t), admin: f.Admin(t), codes: map[int64]string{}}
}

func (w *world) actor(r models.Role) *models.User {
	switch r {
	case models.RolePlaintiff:
		return w.plaintiff
	case models.RoleDefendant:
		return w.defendant
	case models.RoleClerk:
		return w.clerk
	case models.RoleJudge:
		return w.judge
	}
	return w.admin
}

// completeComplaint is a complaint that can be submitted.
func completeComplaint() models.ComplaintInput {
	cats := []string{"forced_consent"}
	infos := []string{"phone", "location"}
	return models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: sp("某某科技有限公司"), USCC: sp(models.CompleteUSCC("91110000MA01ABCD2")),
			Sector: sp("ecommerce"), Platform: sp("ShopApp"), Address: sp("北京市海淀区某路1号")},
		Categories: &cats, InfoTypes: &infos,
		Facts:       sp("The app refused service unless I allowed location access at all times."),
		Requests:    &models.RequestsInput{StopProcessing: bp(true), Compensation: sp("2900.00")},
		Declaration: bp(true),
	}
}

// validInput is input each action accepts (relative to the store's clock).
func (w *world) validInput(a models.Action) models.ActionInput {
	now := w.s.Now()
	switch a {
	case models.ActRequestAmendment:
		return models.ActionInput{Reason: "Attach the screenshot of the consent screen."}
	case models.ActAccept:
		return models.ActionInput{Procedure: models.ProcedureSmallClaims, JudgeID: w.judge.ID}
	case models.ActReject:
		return models.ActionInput{Reason: "Not within this court's jurisdiction."}
	case models.ActAnswer:
		return models.ActionInput{Text: "We obtained consent; records attached."}
	case models.ActScheduleHearing:
		at := now.Add(10 * 24 * time.Hour)
		return models.ActionInput{At: &at, Mode: "video"}
	case models.ActRecordHearing:
		return models.ActionInput{Minutes: "Both parties heard."}
	case models.ActRule:
		return models.ActionInput{Ruling: &models.RulingInput{Outcome: "upheld", Findings: []string{"forced_consent"},
			StopProcessing: true, CompensationFen: 100000, Reasoning: "Consent was forced."}}
	case models.ActSettle:
		return models.ActionInput{Terms: "The company deletes the data and pays 500 yuan."}
	case models.ActWithdraw:
		return models.ActionInput{Reason: "Settled out of court."}
	}
	return models.ActionInput{}
}

// paths lists how each state is reached from a fresh draft.
var paths = map[models.Status][]models.Action{
	models.StatusDraft:              {},
	models.StatusSubmitted:          {models.ActSubmit},
	models.StatusAmendmentRequested: {models.ActSubmit, models.ActRequestAmendment},
	models.StatusAccepted:           {models.ActSubmit, models.ActAccept},
	models.StatusRejected:           {models.ActSubmit, models.ActReject},
	models.StatusServed:             {models.ActSubmit, models.ActAccept, models.ActServe, "claim"},
	models.StatusAnswered:           {models.ActSubmit, models.ActAccept, models.ActServe, "claim", models.ActAnswer},
	models.StatusHearingScheduled:   {models.ActSubmit, models.ActAccept, models.ActServe, "claim", models.ActAnswer, models.ActScheduleHearing},
	models.StatusHeard:              {models.ActSubmit, models.ActAccept, models.ActServe, "claim", models.ActAnswer, models.ActScheduleHearing, models.ActRecordHearing},
	models.StatusDecided:            {models.ActSubmit, models.ActAccept, models.ActServe, "claim", models.ActAnswer, models.ActScheduleHearing, models.ActRecordHearing, models.ActRule},
	models.StatusClosed:             {models.ActSubmit, models.ActAccept, models.ActServe, "claim", models.ActAnswer, models.ActScheduleHearing, models.ActRecordHearing, models.ActRule, "wait_appeal", models.ActClose},
	models.StatusWithdrawn:          {models.ActSubmit, models.ActWithdraw},
	models.StatusSettled:            {models.ActSubmit, models.ActAccept, models.ActServe, "claim", models.ActSettle},
}

// whoActs is who takes each step on the usual path.
var whoActs = map[models.Action]models.Role{
	models.ActSubmit: models.RolePlaintiff, models.ActRequestAmendment: models.RoleClerk, models.ActAccept: models.RoleClerk,
	models.ActReject: models.RoleClerk, models.ActServe: models.RoleClerk, models.ActAnswer: models.RoleDefendant,
	models.ActScheduleHearing: models.RoleClerk, models.ActRecordHearing: models.RoleJudge, models.ActRule: models.RoleJudge,
	models.ActSettle: models.RoleJudge, models.ActWithdraw: models.RolePlaintiff, models.ActClose: models.RoleClerk,
	models.ActPublish: models.RoleJudge,
}

// newDraft files a complete draft for the world's plaintiff.
func (w *world) newDraft(t testing.TB) *models.Case {
	t.Helper()
	c, err := w.s.CreateCase(context.Background(), w.plaintiff, completeComplaint())
	if err != nil {
		t.Fatalf("create case: %v", err)
	}
	return c
}

// caseIn builds a fresh case in the given state.
func (w *world) caseIn(t testing.TB, st models.Status) *models.Case {
	t.Helper()
	ctx := context.Background()
	c := w.newDraft(t)
	for _, a := range paths[st] {
		switch a {
		case "claim":
			if _, _, err := w.s.ClaimCase(ctx, *c.Reference, w.codes[c.ID], models.ClaimAccount{User: w.defendant, IP: "192.0.2.9"}); err != nil {
				t.Fatalf("claim: %v", err)
			}
			continue
		case "wait_appeal":
			w.f.Clock.Advance(16 * 24 * time.Hour)
			continue
		}
		got, res, err := w.s.Advance(ctx, w.actor(whoActs[a]), c.ID, a, w.validInput(a))
		if err != nil {
			t.Fatalf("building %s: %s: %v", st, a, err)
		}
		if res.AccessCode != "" {
			w.codes[c.ID] = res.AccessCode
		}
		c = got
	}
	got, err := w.s.CaseFor(ctx, w.clerk, c.ID)
	if st == models.StatusDraft {
		got, err = w.s.CaseFor(ctx, w.plaintiff, c.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != st {
		t.Fatalf("built %s, got %s", st, got.Status)
	}
	return got
}

// snapshot is everything an action could change about a case.
type snapshot struct {
	c             models.Case
	events, notes int64
	hearings      int64
	rulings       int64
	counters      int64
}

func (w *world) snap(t testing.TB, id int64) snapshot {
	t.Helper()
	var sn snapshot
	db := w.f.DB
	if err := db.First(&sn.c, id).Error; err != nil {
		t.Fatal(err)
	}
	db.Model(&models.CaseEvent{}).Where("case_id = ?", id).Count(&sn.events)
	db.Model(&models.Notification{}).Count(&sn.notes)
	db.Model(&models.Hearing{}).Where("case_id = ?", id).Count(&sn.hearings)
	db.Model(&models.Ruling{}).Where("case_id = ?", id).Count(&sn.rulings)
	db.Table("counters").Select("COALESCE(SUM(value), 0)").Scan(&sn.counters)
	return sn
}

func sameCase(a, b models.Case) bool {
	return a.Status == b.Status && a.Version == b.Version && a.UpdatedAt.Equal(b.UpdatedAt) &&
		ptrEq(a.DocketNo, b.DocketNo) && ptrEq(a.Reference, b.Reference) && a.AccessCodeHash == b.AccessCodeHash &&
		timeEq(a.NextDeadline, b.NextDeadline) && a.FeeTotalFen == b.FeeTotalFen && idEq(a.JudgeID, b.JudgeID)
}

func ptrEq(a, b *string) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }
func idEq(a, b *int64) bool   { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }
func timeEq(a, b *time.Time) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && a.Equal(*b))
}
