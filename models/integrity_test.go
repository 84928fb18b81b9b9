package models_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"netcourt/models"
	"netcourt/models/testkit"
)

func sp(s string) *string { return &s }
func bp(b bool) *bool     { return &b }

// fileCase drafts a complete complaint with n evidence files and submits it.
func fileCase(t *testing.T, f *testkit.Fixture, p *models.User, n int) *models.Case {
	t.Helper()
	ctx := context.Background()
	cats, infos := []string{"forced_consent"}, []string{"phone"}
	c, err := f.Store.CreateCase(ctx, p, models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: sp("某某科技有限公司"), USCC: sp(models.CompleteUSCC("91110000MA01ABCD2")),
			Sector: sp("ecommerce"), Platform: sp("ShopApp"), Address: sp("北京市海淀区某路1号")},
		Categories: &cats, InfoTypes: &infos,
		Facts:       sp("The app refused service unless I allowed location access at all times."),
		Requests:    &models.RequestsInput{StopProcessing: bp(true), Compensation: sp("2900.00"), Costs: sp("0")},
		Declaration: bp(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		addFile(t, f, p, c.ID, fmt.Sprintf("case %d file %d: 客服说不同意就不能用。", c.ID, i))
	}
	c, _, err = f.Store.Advance(ctx, p, c.ID, models.ActSubmit, models.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func addFile(t *testing.T, f *testkit.Fixture, u *models.User, caseID int64, body string) *models.Evidence {
	t.Helper()
	ev, err := f.Store.AddEvidence(context.Background(), u, caseID, models.EvidenceInput{Title: "Chat log", FileName: "chat.txt",
		Body: strings.NewReader(body), MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// decide takes a submitted case through to a published ruling, with evidence added after
// submission (its own evidence_added event) on the way.
func decide(t *testing.T, f *testkit.Fixture, p *models.User, c *models.Case) (clerk, judge *models.User) {
	t.Helper()
	ctx := context.Background()
	clerk, judge = f.Clerk(t), f.Judge(t)
	step := func(u *models.User, a models.Action, in models.ActionInput) {
		t.Helper()
		if _, _, err := f.Store.Advance(ctx, u, c.ID, a, in); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	step(clerk, models.ActAccept, models.ActionInput{Procedure: models.ProcedureSimplified, JudgeID: judge.ID})
	addFile(t, f, p, c.ID, "a receipt filed after docketing")
	step(clerk, models.ActServe, models.ActionInput{})
	at := f.Clock.Now().Add(20 * 24 * time.Hour)
	step(clerk, models.ActScheduleHearing, models.ActionInput{At: &at, Mode: "video"})
	step(judge, models.ActRecordHearing, models.ActionInput{Minutes: "Both sides heard by video."})
	step(judge, models.ActRule, models.ActionInput{Ruling: &models.RulingInput{Outcome: "partly_upheld", Findings: []string{"forced_consent"},
		StopProcessing: true, CompensationFen: 100000, Reasoning: "Forced consent proved."}})
	step(judge, models.ActPublish, models.ActionInput{})
	return clerk, judge
}

func verify(t *testing.T, f *testkit.Fixture, u *models.User, id int64) *models.Verification {
	t.Helper()
	v, err := f.Store.VerifyCase(context.Background(), u, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func hasProblem(v *models.Verification, code string, match func(models.Problem) bool) bool {
	for _, p := range v.Problems {
		if p.Code == code && (match == nil || match(p)) {
			return true
		}
	}
	return false
}

func execSQL(t *testing.T, f *testkit.Fixture, sql string, args ...any) {
	t.Helper()
	if err := f.DB.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// dropGuards removes the append-only triggers, as someone with the owner's rights could.
func dropGuards(t *testing.T, f *testkit.Fixture) {
	t.Helper()
	if f.Store.Dialect() == models.Postgres {
		for _, s := range []string{"case_events_append_only ON case_events", "rulings_no_update ON rulings", "rulings_no_delete ON rulings", "evidence_fixed ON evidences"} {
			execSQL(t, f, "DROP TRIGGER "+s)
		}
		return
	}
	for _, s := range []string{"case_events_no_update", "case_events_no_delete", "rulings_no_update", "rulings_no_delete", "evidence_no_update", "evidence_no_delete"} {
		execSQL(t, f, "DROP TRIGGER "+s)
	}
}

func blobPath(f *testkit.Fixture, sum string) string {
	return filepath.Join(f.Blobs.Dir(), sum[:2], sum[2:4], sum)
}

func TestVerifyIntactRecord(t *testing.T) {
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	c := fileCase(t, f, p, 2)
	_, judge := decide(t, f, p, c)
	v := verify(t, f, judge, c.ID)
	if !v.OK() || len(v.Problems) > 0 {
		t.Fatalf("intact case reported broken: %+v", v.Problems)
	}
	if v.Events != 8 || v.EvidenceFiles != 3 || v.EvidenceBytes == 0 {
		t.Fatalf("counted %d events, %d files, %d bytes", v.Events, v.EvidenceFiles, v.EvidenceBytes)
	}
	sum, err := f.Store.VerifyAll(context.Background(), models.VerifyOptions{}, func(p models.Problem) { t.Errorf("problem: %s", p) })
	if err != nil || sum.Cases != 1 || sum.Events != 8 || sum.Problems != 0 {
		t.Fatalf("VerifyAll = %+v, %v", sum, err)
	}
}

func TestVerifyCaseVisibility(t *testing.T) {
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	c := fileCase(t, f, p, 1)
	for _, u := range []*models.User{f.Plaintiff(t), f.Judge(t), f.Admin(t), f.Defendant(t)} {
		if _, err := f.Store.VerifyCase(context.Background(), u, c.ID); models.KindOf(err) != models.KindNotFound {
			t.Errorf("%s without the case: want not found, got %v", u.Role, err)
		}
	}
	for _, u := range []*models.User{p, f.Clerk(t)} {
		if v := verify(t, f, u, c.ID); !v.OK() {
			t.Errorf("%s: %+v", u.Role, v.Problems)
		}
	}
}

// The database itself refuses to rewrite history.
func TestAppendOnlyTriggers(t *testing.T) {
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	draft := fileCase(t, f, p, 0) // submitted with no files
	_ = draft
	c := fileCase(t, f, p, 1)
	decide(t, f, p, c)
	refused := []struct{ name, sql string }{
		{"update event", "UPDATE case_events SET details = '{}' WHERE case_id = ? AND seq = 1"},
		{"delete event", "DELETE FROM case_events WHERE case_id = ? AND seq = 2"},
		{"delete all events", "DELETE FROM case_events WHERE case_id = ?"},
		{"edit ruling", "UPDATE rulings SET reasoning = 'changed' WHERE case_id = ?"},
		{"republish ruling", "UPDATE rulings SET published_text = 'changed' WHERE case_id = ?"},
		{"unpublish ruling", "UPDATE rulings SET published_at = NULL WHERE case_id = ?"},
		{"delete ruling", "DELETE FROM rulings WHERE case_id = ?"},
		{"swap evidence hash", "UPDATE evidences SET sha256 = '" + strings.Repeat("0", 64) + "' WHERE case_id = ?"},
		{"delete evidence", "DELETE FROM evidences WHERE case_id = ?"},
	}
	for _, r := range refused {
		err := f.DB.Exec(r.sql, c.ID).Error
		if err == nil {
			t.Errorf("%s: the database allowed it", r.name)
		} else if !strings.Contains(err.Error(), "append-only") && !strings.Contains(err.Error(), "immutable") && !strings.Contains(err.Error(), "court record") {
			t.Errorf("%s: unexpected error %v", r.name, err)
		}
	}
	if f.Store.Dialect() == models.Postgres {
		if err := f.DB.Exec("TRUNCATE case_events").Error; err == nil {
			t.Error("truncate case_events: allowed")
		}
	}
	// What the court legitimately does still works: flag evidence, and a draft's files may go.
	execSQL(t, f, "UPDATE evidences SET flagged_at = ? WHERE case_id = ?", f.Clock.Now(), c.ID)
	d, err := f.Store.CreateCase(context.Background(), p, models.ComplaintInput{Facts: sp("draft only")})
	if err != nil {
		t.Fatal(err)
	}
	ev := addFile(t, f, p, d.ID, "draft file")
	if err := f.Store.RemoveEvidence(context.Background(), p, d.ID, ev.ID); err != nil {
		t.Fatalf("removing a draft's file: %v", err)
	}
	if v := verify(t, f, p, c.ID); !v.ChainOK {
		t.Fatalf("after refused edits the chain should be intact: %+v", v.Problems)
	}
}

// A flipped byte in a stored file is found, named, flagged, and the file is not served.
func TestVerifyDetectsFlippedByte(t *testing.T) {
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	c := fileCase(t, f, p, 2)
	files, _ := f.Store.EvidenceList(context.Background(), c.ID)
	target := files[1]
	path := blobPath(f, target.SHA256)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[3] ^= 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	v := verify(t, f, p, c.ID)
	if v.EvidenceOK || !v.ChainOK {
		t.Fatalf("evidence_ok %v chain_ok %v", v.EvidenceOK, v.ChainOK)
	}
	if !hasProblem(v, "evidence_altered", func(pr models.Problem) bool {
		return pr.EvidenceID == target.ID && pr.SHA256 == target.SHA256 && pr.CaseID == c.ID && pr.Reference == *c.Reference
	}) || len(v.Problems) != 1 {
		t.Fatalf("problems %+v", v.Problems)
	}
	if !strings.Contains(v.Problems[0].String(), *c.Reference) || !strings.Contains(v.Problems[0].String(), target.SHA256) {
		t.Fatalf("report line %q does not name the case and file", v.Problems[0].String())
	}
	files, _ = f.Store.EvidenceList(context.Background(), c.ID)
	if files[1].FlaggedAt == nil || files[0].FlaggedAt != nil {
		t.Fatal("the altered file should be flagged, and only it")
	}
	if _, err := f.Store.OpenEvidence(context.Background(), p, c.ID, target.ID, "192.0.2.1"); err == nil {
		t.Fatal("an altered file was served")
	}
	var got []models.Problem
	sum, err := f.Store.VerifyAll(context.Background(), models.VerifyOptions{}, func(p models.Problem) { got = append(got, p) })
	if err != nil || sum.BrokenCases != 1 || len(got) != 1 || got[0].EvidenceID != target.ID {
		t.Fatalf("VerifyAll %+v %v %+v", sum, err, got)
	}
}

func TestVerifyDetectsMissingFile(t *testing.T) {
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	c := fileCase(t, f, p, 1)
	files, _ := f.Store.EvidenceList(context.Background(), c.ID)
	if err := os.Remove(blobPath(f, files[0].SHA256)); err != nil {
		t.Fatal(err)
	}
	v := verify(t, f, p, c.ID)
	if v.EvidenceOK || !hasProblem(v, "evidence_missing", func(pr models.Problem) bool { return pr.EvidenceID == files[0].ID }) {
		t.Fatalf("%+v", v.Problems)
	}
}

// With the guards dropped, an edited or deleted event is still found, by case and sequence.
func TestVerifyDetectsEditedAndDeletedEvents(t *testing.T) {
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	c := fileCase(t, f, p, 1)
	_, judge := decide(t, f, p, c)
	dropGuards(t, f)

	execSQL(t, f, `UPDATE case_events SET details = REPLACE(details, 'video', 'in_person') WHERE case_id = ? AND seq = 5`, c.ID)
	v := verify(t, f, judge, c.ID)
	if v.ChainOK || !hasProblem(v, "chain_hash", func(pr models.Problem) bool { return pr.Seq == 5 && pr.DocketNo != "" }) {
		t.Fatalf("edited event 5 not named: %+v", v.Problems)
	}

	execSQL(t, f, `DELETE FROM case_events WHERE case_id = ? AND seq = 3`, c.ID)
	v = verify(t, f, judge, c.ID)
	if !hasProblem(v, "chain_sequence", func(pr models.Problem) bool { return pr.Seq == 4 }) ||
		!hasProblem(v, "chain_link", func(pr models.Problem) bool { return pr.Seq == 4 }) {
		t.Fatalf("deleted event 3 not found: %+v", v.Problems)
	}
	// The evidence_added event was event 3: its file is no longer vouched for.
	if !hasProblem(v, "evidence_unrecorded", nil) {
		t.Fatalf("file of the deleted event not reported: %+v", v.Problems)
	}
}

func TestVerifyDetectsTruncatedChain(t *testing.T) {
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	c := fileCase(t, f, p, 1)
	_, judge := decide(t, f, p, c)
	dropGuards(t, f)
	execSQL(t, f, `DELETE FROM case_events WHERE case_id = ? AND seq >= 7`, c.ID) // the ruling and its publication
	v := verify(t, f, judge, c.ID)
	if v.ChainOK || !hasProblem(v, "status_mismatch", nil) || !hasProblem(v, "ruling_unrecorded", nil) {
		t.Fatalf("%+v", v.Problems)
	}
}

// Rewriting an evidence row to point at other bytes (so the file itself re-hashes fine) is
// caught by the chain's record of the file's hash.
func TestVerifyDetectsSwappedEvidenceRow(t *testing.T) {
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	c := fileCase(t, f, p, 2)
	_, judge := decide(t, f, p, c)
	dropGuards(t, f)
	other, err := f.Blobs.Put(context.Background(), strings.NewReader("a forged chat log"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := f.Store.EvidenceList(context.Background(), c.ID)
	for _, target := range []models.Evidence{files[0], files[2]} { // one listed at submission, one with its own event
		execSQL(t, f, `UPDATE evidences SET sha256 = ?, size = ? WHERE id = ?`, other.SHA256, other.Size, target.ID)
		v := verify(t, f, judge, c.ID)
		if v.EvidenceOK || !hasProblem(v, "evidence_row_altered", func(pr models.Problem) bool { return pr.EvidenceID == target.ID && pr.Seq > 0 }) {
			t.Fatalf("swapped row %d not found: %+v", target.ID, v.Problems)
		}
		execSQL(t, f, `UPDATE evidences SET sha256 = ?, size = ? WHERE id = ?`, target.SHA256, target.Size, target.ID)
	}
	// An extra row slipped in after submission is not in the chain.
	execSQL(t, f, `INSERT INTO evidences (case_id, title, description, file_name, media_type, size, sha256, submitted_by, submitted_role, created_at)
		VALUES (?, 'forged', '', 'f.txt', 'text/plain', ?, ?, ?, 'plaintiff', ?)`, c.ID, other.Size, other.SHA256, p.ID, f.Clock.Now())
	v := verify(t, f, judge, c.ID)
	if !hasProblem(v, "evidence_unrecorded", nil) {
		t.Fatalf("inserted row not found: %+v", v.Problems)
	}
}

func TestVerifyDetectsEditedRecord(t *testing.T) {
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	c := fileCase(t, f, p, 1)
	_, judge := decide(t, f, p, c)
	dropGuards(t, f)
	cases := []struct{ code, sql, undo string }{
		{"ruling_altered", `UPDATE rulings SET order_compensation_fen = 9900000 WHERE case_id = ?`, `UPDATE rulings SET order_compensation_fen = 100000 WHERE case_id = ?`},
		{"publication_altered", `UPDATE rulings SET published_text = published_text || 'x' WHERE case_id = ?`, ``},
		{"complaint_altered", `UPDATE cases SET facts = 'something else' WHERE id = ?`, ``},
		{"minutes_altered", `UPDATE hearings SET minutes = 'never happened' WHERE case_id = ?`, ``},
		{"docket_altered", `UPDATE cases SET docket_no = '(2026)京0491民初999号' WHERE id = ?`, ``},
	}
	for _, tc := range cases {
		execSQL(t, f, tc.sql, c.ID)
		v := verify(t, f, judge, c.ID)
		if v.ChainOK || !hasProblem(v, tc.code, func(pr models.Problem) bool { return pr.Seq > 0 }) {
			t.Fatalf("%s not found: %+v", tc.code, v.Problems)
		}
		if tc.undo != "" {
			execSQL(t, f, tc.undo, c.ID)
		}
	}
}

// VerifyAll streams over many cases in small batches and names only the broken one.
func TestVerifyAllBatches(t *testing.T) {
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	var cs []*models.Case
	for i := 0; i < 5; i++ {
		cs = append(cs, fileCase(t, f, p, 1))
	}
	dropGuards(t, f)
	execSQL(t, f, `UPDATE case_events SET actor_id = actor_id + 1 WHERE case_id = ?`, cs[3].ID)
	var got []models.Problem
	sum, err := f.Store.VerifyAll(context.Background(), models.VerifyOptions{BatchSize: 2}, func(p models.Problem) { got = append(got, p) })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Cases != 5 || sum.BrokenCases != 1 || sum.EvidenceFiles != 5 || len(got) != 1 || got[0].CaseID != cs[3].ID || got[0].Seq != 1 {
		t.Fatalf("summary %+v problems %+v", sum, got)
	}
}
