package models_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"netcourt/models"
	"netcourt/models/migrations"
)

// newPathStore opens a fresh SQLite store with a fixed clock for the end-to-end path test.
func newPathStore(t *testing.T, now *time.Time) *models.Store {
	t.Helper()
	dir := t.TempDir()
	db, _, err := models.OpenDB(models.DBConfig{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = models.CloseDB(db) })
	if err := migrations.Run(db); err != nil {
		t.Fatal(err)
	}
	blobs, err := models.NewLocalBlobStore(filepath.Join(dir, "evidence"))
	if err != nil {
		t.Fatal(err)
	}
	return models.New(models.Options{DB: db, Blobs: blobs, Court: models.DefaultCourt(), Clock: func() time.Time { return *now }, PasswordCost: 10})
}

func strp(s string) *string { return &s }
func boolp(b bool) *bool    { return &b }

// TestWholeCasePath walks one case from draft to published ruling through Advance and checks
// what each step sets and that the event chain stays intact.
func TestWholeCasePath(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	s := newPathStore(t, &now)
	p, err := s.Register(ctx, models.RegisterInput{Name: "王小明", Email: "p@example.com", Phone: "13800138000", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	clerk, err := s.CreateStaff(ctx, models.StaffInput{Role: models.RoleClerk, Name: "Clerk", Email: "c@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	judge, err := s.CreateStaff(ctx, models.StaffInput{Role: models.RoleJudge, Name: "Judge", Email: "j@example.com", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	cats := []string{"forced_consent", "excessive_collection"}
	infos := []string{"phone", "location"}
	c, err := s.CreateCase(ctx, p, models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: strp("某某科技有限公司"), USCC: strp(models.CompleteUSCC("91110000MA01ABCD2")),
			Sector: strp("ecommerce"), Platform: strp("ShopApp"), Address: strp("北京市海淀区某路1号")},
		Categories: &cats, InfoTypes: &infos,
		Facts:    strp("The app refused service unless I allowed location access at all times, which it does not need."),
		Requests: &models.RequestsInput{StopProcessing: boolp(true), Deletion: boolp(true), Compensation: strp("2900.00"), Costs: strp("0")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Advance(ctx, p, c.ID, models.ActSubmit, models.ActionInput{}); models.KindOf(err) != models.KindInvalid {
		t.Fatalf("submit without declaration: want validation error, got %v", err)
	}
	if _, err := s.UpdateComplaint(ctx, p, c.ID, models.ComplaintInput{Declaration: boolp(true)}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddEvidence(ctx, p, c.ID, models.EvidenceInput{Title: "Screenshot", FileName: "shot.txt",
		Body: strings.NewReader("聊天记录：客服说不同意就不能用。"), MaxBytes: 1 << 20}); err != nil {
		t.Fatal(err)
	}
	step := func(u *models.User, a models.Action, in models.ActionInput, want models.Status) *models.ActionResult {
		t.Helper()
		got, res, err := s.Advance(ctx, u, c.ID, a, in)
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		if got.Status != want {
			t.Fatalf("%s: status %s, want %s", a, got.Status, want)
		}
		c = got
		return res
	}
	step(p, models.ActSubmit, models.ActionInput{}, models.StatusSubmitted)
	if c.Reference == nil || *c.Reference != "NC-2026-000001" {
		t.Fatalf("reference = %v", c.Reference)
	}
	if want := now.Add(7 * 24 * time.Hour); !c.AcceptanceDue.Equal(want) {
		t.Fatalf("acceptance due %v, want %v", c.AcceptanceDue, want)
	}
	if _, err := s.UpdateComplaint(ctx, p, c.ID, models.ComplaintInput{Facts: strp("changed after submission, should fail")}, 0); models.KindOf(err) != models.KindConflict {
		t.Fatalf("edit after submit: want conflict, got %v", err)
	}
	if _, _, err := s.Advance(ctx, p, c.ID, models.ActAccept, models.ActionInput{}); models.KindOf(err) != models.KindForbidden {
		t.Fatalf("plaintiff accepting: want forbidden, got %v", err)
	}
	step(clerk, models.ActAccept, models.ActionInput{Procedure: models.ProcedureSimplified, JudgeID: judge.ID}, models.StatusAccepted)
	if *c.DocketNo != "(2026)京0491民初1号" || c.FeeTotalFen != 15000 {
		t.Fatalf("docket %v fee %d", *c.DocketNo, c.FeeTotalFen)
	}
	res := step(clerk, models.ActServe, models.ActionInput{}, models.StatusServed)
	if len(res.AccessCode) != 14 || c.AccessCodeHash != models.HashSecret(res.AccessCode) {
		t.Fatalf("access code %q not stored as its hash", res.AccessCode)
	}
	// The defendant is reached through the served case in later issues; here the clerk
	// schedules the hearing on the defendant's silence.
	hearingAt := now.Add(20 * 24 * time.Hour)
	step(clerk, models.ActScheduleHearing, models.ActionInput{At: &hearingAt, Mode: "video"}, models.StatusHearingScheduled)
	step(judge, models.ActRecordHearing, models.ActionInput{Minutes: "Both sides heard by video."}, models.StatusHeard)
	step(judge, models.ActRule, models.ActionInput{Ruling: &models.RulingInput{Outcome: "partly_upheld", Findings: []string{"forced_consent"},
		StopProcessing: true, Deletion: true, CompensationFen: 100000, Reasoning: "王小明 proved forced consent; location is not necessary."}}, models.StatusDecided)
	if _, _, err := s.Advance(ctx, judge, c.ID, models.ActRule, models.ActionInput{}); models.KindOf(err) != models.KindConflict {
		t.Fatalf("second ruling: want conflict, got %v", err)
	}
	step(judge, models.ActPublish, models.ActionInput{}, models.StatusDecided)
	events, err := s.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if probs := models.CheckChain(events); len(probs) > 0 || len(events) != 7 {
		t.Fatalf("chain problems %v, %d events", probs, len(events))
	}
}
