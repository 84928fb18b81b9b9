package models_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"netcourt/models"
	"netcourt/models/testkit"
)

const day = 24 * time.Hour

// TestDeadlinesFollowTheCivilProcedureLaw checks each clock DESIGN.md §5 sets.
func TestDeadlinesFollowTheCivilProcedureLaw(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.newDraft(t)
	t0 := w.s.Now()
	c, _, err := w.s.Advance(ctx, w.plaintiff, c.ID, models.ActSubmit, models.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.AcceptanceDue.Equal(t0.Add(7*day)) || !c.NextDeadline.Equal(*c.AcceptanceDue) {
		t.Fatalf("acceptance due %v (next %v), want submission + 7 days", c.AcceptanceDue, c.NextDeadline)
	}
	// An amendment request stops the acceptance clock; the default time to amend is 7 days.
	w.f.Clock.Advance(2 * day)
	c, _, err = w.s.Advance(ctx, w.clerk, c.ID, models.ActRequestAmendment, models.ActionInput{Reason: "Add evidence."})
	if err != nil {
		t.Fatal(err)
	}
	if c.AcceptanceDue != nil || !c.AmendmentDue.Equal(w.s.Now().Add(7*day)) || !c.NextDeadline.Equal(*c.AmendmentDue) {
		t.Fatalf("after amendment request: acceptance %v amendment %v", c.AcceptanceDue, c.AmendmentDue)
	}
	// A chosen due date is kept; one in the past or beyond 30 days is refused.
	for _, bad := range []time.Duration{-day, 31 * day} {
		cc := w.caseIn(t, models.StatusSubmitted)
		due := w.s.Now().Add(bad)
		if _, _, err := w.s.Advance(ctx, w.clerk, cc.ID, models.ActRequestAmendment, models.ActionInput{Reason: "x", Due: &due}); models.KindOf(err) != models.KindInvalid {
			t.Fatalf("due %v: want 422, got %v", bad, err)
		}
	}
	// Resubmission restarts the 7 days from the complete filing.
	w.f.Clock.Advance(3 * day)
	c, _, err = w.s.Advance(ctx, w.plaintiff, c.ID, models.ActSubmit, models.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !c.AcceptanceDue.Equal(w.s.Now().Add(7*day)) || c.AmendmentDue != nil {
		t.Fatalf("resubmitted: acceptance %v amendment %v", c.AcceptanceDue, c.AmendmentDue)
	}
	accepted := w.s.Now()
	c, _, err = w.s.Advance(ctx, w.clerk, c.ID, models.ActAccept, models.ActionInput{Procedure: models.ProcedureOrdinary, JudgeID: w.judge.ID})
	if err != nil {
		t.Fatal(err)
	}
	if c.AcceptanceDue != nil || !c.ServiceDue.Equal(accepted.Add(5*day)) || !c.NextDeadline.Equal(*c.ServiceDue) {
		t.Fatalf("accepted: service due %v next %v", c.ServiceDue, c.NextDeadline)
	}
	if !c.ConclusionDue.Equal(accepted.AddDate(0, 6, 0)) {
		t.Fatalf("ordinary procedure concludes %v, want 6 months from docketing", c.ConclusionDue)
	}
	if c.FeeTotalFen != 30000 {
		t.Fatalf("ordinary fee %d, want the full 300 yuan", c.FeeTotalFen)
	}
	w.f.Clock.Advance(day)
	served := w.s.Now()
	c, _, err = w.s.Advance(ctx, w.clerk, c.ID, models.ActServe, models.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	if c.ServiceDue != nil || !c.AnswerDue.Equal(served.Add(15*day)) || !c.NextDeadline.Equal(*c.AnswerDue) {
		t.Fatalf("served: answer due %v, next %v", c.AnswerDue, c.NextDeadline)
	}
}

// TestConclusionPeriodByProcedure: 2, 3 and 6 months from docketing, counted on the court's
// calendar, ending on the last day of a shorter month.
func TestConclusionPeriodByProcedure(t *testing.T) {
	ctx := context.Background()
	bj := models.DefaultCourt().Location
	cases := []struct {
		start     time.Time
		procedure string
		want      time.Time
		fee       int64
	}{
		{testkit.Start, models.ProcedureSmallClaims, testkit.Start.AddDate(0, 2, 0), 15000},
		{testkit.Start, models.ProcedureSimplified, testkit.Start.AddDate(0, 3, 0), 15000},
		{testkit.Start, models.ProcedureOrdinary, testkit.Start.AddDate(0, 6, 0), 30000},
		// 31 August + 6 months ends on 28 February, not 3 March.
		{time.Date(2026, 8, 31, 10, 0, 0, 0, bj), models.ProcedureOrdinary, time.Date(2027, 2, 28, 10, 0, 0, 0, bj), 30000},
		// 31 December + 2 months: 28 February.
		{time.Date(2026, 12, 31, 9, 0, 0, 0, bj), models.ProcedureSmallClaims, time.Date(2027, 2, 28, 9, 0, 0, 0, bj), 15000},
		// 1 a.m. on 1 February in Beijing is still 31 January in UTC; the court's date counts.
		{time.Date(2026, 2, 1, 1, 0, 0, 0, bj), models.ProcedureSimplified, time.Date(2026, 5, 1, 1, 0, 0, 0, bj), 15000},
	}
	for _, tc := range cases {
		t.Run(tc.procedure+"@"+tc.start.Format(time.RFC3339), func(t *testing.T) {
			w := newWorld(t)
			w.f.Clock.Set(tc.start)
			c := w.caseIn(t, models.StatusSubmitted)
			c, _, err := w.s.Advance(ctx, w.clerk, c.ID, models.ActAccept, models.ActionInput{Procedure: tc.procedure, JudgeID: w.judge.ID})
			if err != nil {
				t.Fatal(err)
			}
			if !c.ConclusionDue.Equal(tc.want) {
				t.Fatalf("concludes %v, want %v", c.ConclusionDue.In(bj), tc.want.In(bj))
			}
			if c.FeeTotalFen != tc.fee {
				t.Fatalf("fee %d, want %d", c.FeeTotalFen, tc.fee)
			}
		})
	}
}

// TestDocketNumbersUnderConcurrentAcceptances accepts 50 cases at once through Advance:
// the serials are exactly 1..50, no gaps, no duplicates (SQLite here; PostgreSQL when
// NETCOURT_TEST_PG is set). The year restarts the series.
func TestDocketNumbersUnderConcurrentAcceptances(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	const n = 50
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = w.caseIn(t, models.StatusSubmitted).ID
	}
	clerks := []*models.User{w.clerk, w.f.Clerk(t), w.f.Clerk(t)}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for i, id := range ids {
		wg.Add(1)
		go func(i int, id int64) {
			defer wg.Done()
			<-start
			_, _, err := w.s.Advance(ctx, clerks[i%len(clerks)], id, models.ActAccept, w.validInput(models.ActAccept))
			errs <- err
		}(i, id)
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent accept: %v", err)
		}
	}
	var got []models.Case
	if err := w.f.DB.Where("docket_no IS NOT NULL").Order("docket_serial").Find(&got).Error; err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d docketed, want %d", len(got), n)
	}
	for i, c := range got {
		want := fmt.Sprintf("(2026)京0491民初%d号", i+1)
		if c.DocketSerial != i+1 || *c.DocketNo != want || c.DocketYear != 2026 {
			t.Fatalf("serial %d: %s (serial %d), want %s", i, *c.DocketNo, c.DocketSerial, want)
		}
	}
	// A new year starts again at 1.
	w.f.Clock.Set(time.Date(2027, 1, 4, 2, 0, 0, 0, time.UTC))
	c := w.caseIn(t, models.StatusAccepted)
	if *c.DocketNo != "(2027)京0491民初1号" {
		t.Fatalf("first case of 2027 numbered %s", *c.DocketNo)
	}
}

// TestTwoClerksAtOnce: the same case, two clerks, accept and reject together. One wins; the
// other is told 409 with the state it is now in; exactly one event and one number exist.
func TestTwoClerksAtOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	other := w.f.Clerk(t)
	for round := 0; round < 5; round++ {
		c := w.caseIn(t, models.StatusSubmitted)
		before := w.snap(t, c.ID)
		var wg sync.WaitGroup
		results := make([]error, 2)
		start := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			_, _, results[0] = w.s.Advance(ctx, w.clerk, c.ID, models.ActAccept, w.validInput(models.ActAccept))
		}()
		go func() {
			defer wg.Done()
			<-start
			_, _, results[1] = w.s.Advance(ctx, other, c.ID, models.ActReject, w.validInput(models.ActReject))
		}()
		close(start)
		wg.Wait()
		wins := 0
		for _, err := range results {
			switch {
			case err == nil:
				wins++
			case models.KindOf(err) == models.KindConflict:
				if !strings.Contains(err.Error(), "accepted") && !strings.Contains(err.Error(), "rejected") {
					t.Fatalf("conflict does not name the current state: %v", err)
				}
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		after := w.snap(t, c.ID)
		if wins != 1 || after.events != before.events+1 || after.c.Version != before.c.Version+1 {
			t.Fatalf("round %d: %d winners, events %d→%d, version %d→%d", round, wins, before.events, after.events, before.c.Version, after.c.Version)
		}
	}
}

// TestStaleVersionIsAConflict: a form carries the version its page showed; acting on an
// older version is refused with the current state, and changes nothing.
func TestStaleVersionIsAConflict(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.caseIn(t, models.StatusSubmitted)
	seen := c.Version
	if _, _, err := w.s.Advance(ctx, w.clerk, c.ID, models.ActRequestAmendment, models.ActionInput{Reason: "More.", Version: seen}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.s.Advance(ctx, w.plaintiff, c.ID, models.ActSubmit, models.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	before := w.snap(t, c.ID)
	in := w.validInput(models.ActAccept)
	in.Version = seen // the page loaded before the amendment round
	_, _, err := w.s.Advance(ctx, w.f.Clerk(t), c.ID, models.ActAccept, in)
	var de *models.Error
	if !errors.As(err, &de) || de.Kind != models.KindConflict || de.Code != "conflict" ||
		!strings.Contains(de.Message, "submitted") || !strings.Contains(de.Message, fmt.Sprint(before.c.Version)) {
		t.Fatalf("stale accept: %v", err)
	}
	if after := w.snap(t, c.ID); !sameCase(before.c, after.c) || after.events != before.events || after.counters != before.counters {
		t.Fatal("a stale action changed the case")
	}
	in.Version = before.c.Version
	if _, _, err := w.s.Advance(ctx, w.clerk, c.ID, models.ActAccept, in); err != nil {
		t.Fatalf("current version: %v", err)
	}
}

// TestEveryStepNotifies: each event the docket issue lists lands in the right inbox.
func TestEveryStepNotifies(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	kinds := func(u *models.User) map[string]int {
		ns, err := w.s.Notifications(ctx, u.ID, 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int{}
		for _, n := range ns {
			m[n.Kind]++
		}
		return m
	}
	c := w.caseIn(t, models.StatusAmendmentRequested)
	if _, _, err := w.s.Advance(ctx, w.plaintiff, c.ID, models.ActSubmit, models.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	r := w.caseIn(t, models.StatusRejected)
	_ = r
	h := w.caseIn(t, models.StatusHearingScheduled)
	_ = h
	pk, ck, jk, dk := kinds(w.plaintiff), kinds(w.clerk), kinds(w.judge), kinds(w.defendant)
	for _, k := range []string{"amendment_requested", "accepted", "rejected", "served", "defendant_claimed", "answer_filed", "hearing_scheduled"} {
		if pk[k] == 0 {
			t.Errorf("plaintiff got no %q notice (has %v)", k, pk)
		}
	}
	for _, k := range []string{"new_filing", "filing_amended"} {
		if ck[k] == 0 {
			t.Errorf("clerk got no %q notice (has %v)", k, ck)
		}
	}
	for _, k := range []string{"assigned", "answer_filed", "hearing_scheduled"} {
		if jk[k] == 0 {
			t.Errorf("judge got no %q notice (has %v)", k, jk)
		}
	}
	if dk["hearing_scheduled"] == 0 {
		t.Errorf("defendant got no hearing notice (has %v)", dk)
	}
	n, err := w.s.UnreadNotifications(ctx, w.plaintiff.ID)
	if err != nil || n == 0 {
		t.Fatalf("unread count %d %v", n, err)
	}
}

// --- claiming a served case ---

func TestClaimCase(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.caseIn(t, models.StatusAccepted)
	_, res, err := w.s.Advance(ctx, w.clerk, c.ID, models.ActServe, models.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	code := res.AccessCode
	ref := *c.Reference
	acct := models.ClaimAccount{Name: "法务 张三", Email: "Legal@Company.example", Password: "a long enough passphrase", IP: "198.51.100.7"}

	// Malformed input is 422, before any code is checked.
	for _, tc := range []struct{ ref, code string }{{"", code}, {ref, ""}, {"NC-2026-1", code}, {ref, "ABC"}, {ref, "0000-0000-0000"}} {
		if _, _, err := w.s.ClaimCase(ctx, tc.ref, tc.code, acct); models.KindOf(err) != models.KindInvalid {
			t.Fatalf("claim %q/%q: want 422, got %v", tc.ref, tc.code, err)
		}
	}
	bad := acct
	bad.Password = "password"
	if _, _, err := w.s.ClaimCase(ctx, ref, code, bad); models.KindOf(err) != models.KindInvalid {
		t.Fatalf("weak password: %v", err)
	}
	// A wrong code is 401 and spends nothing.
	wrong := "ABCD-EFGH-JKMN"
	if wrong == code {
		wrong = "NMKJ-HGFE-DCBA"
	}
	if _, _, err := w.s.ClaimCase(ctx, ref, wrong, acct); models.KindOf(err) != models.KindUnauthorized {
		t.Fatalf("wrong code: %v", err)
	}
	if _, _, err := w.s.ClaimCase(ctx, "NC-2026-999999", code, acct); models.KindOf(err) != models.KindUnauthorized {
		t.Fatalf("unknown reference: %v", err)
	}
	// The right code, typed in lower case without dashes, creates a defendant account.
	u, got, err := w.s.ClaimCase(ctx, " "+strings.ToLower(ref)+" ", strings.ToLower(strings.ReplaceAll(code, "-", "")), acct)
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != models.RoleDefendant || u.Email != "legal@company.example" || got.DefendantUserID == nil || *got.DefendantUserID != u.ID || got.AccessCodeUsedAt == nil {
		t.Fatalf("claimed: user %+v case defendant %v", u, got.DefendantUserID)
	}
	if _, err := w.s.CaseFor(ctx, u, c.ID); err != nil {
		t.Fatalf("defendant cannot see the claimed case: %v", err)
	}
	if _, err := w.s.Authenticate(ctx, "legal@company.example", "a long enough passphrase", "198.51.100.7"); err != nil {
		t.Fatalf("the new account cannot sign in: %v", err)
	}
	events, _ := w.s.Events(ctx, c.ID)
	if last := events[len(events)-1]; last.Action != "defendant_claimed" || last.ActorID != u.ID || len(models.CheckChain(events)) > 0 {
		t.Fatalf("last event %+v", last)
	}
	// Used: the same code again, for a new account or for the existing defendant, is 401.
	acct2 := acct
	acct2.Email = "other@company.example"
	if _, _, err := w.s.ClaimCase(ctx, ref, code, acct2); models.KindOf(err) != models.KindUnauthorized {
		t.Fatalf("reused code: %v", err)
	}
	if _, _, err := w.s.ClaimCase(ctx, ref, code, models.ClaimAccount{User: w.defendant}); models.KindOf(err) != models.KindUnauthorized {
		t.Fatalf("reused code by an existing defendant: %v", err)
	}
	if _, err := w.s.UserByEmail(ctx, "other@company.example"); !errors.Is(err, models.ErrNotFound) {
		t.Fatal("a failed claim left an account behind")
	}
	// Only defendants claim while signed in.
	if _, _, err := w.s.ClaimCase(ctx, ref, code, models.ClaimAccount{User: w.plaintiff}); models.KindOf(err) != models.KindForbidden {
		t.Fatalf("plaintiff claiming: %v", err)
	}
}

func TestClaimExistingDefendantAndEmailTaken(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.caseIn(t, models.StatusAccepted)
	_, res, err := w.s.Advance(ctx, w.clerk, c.ID, models.ActServe, models.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	// An email already in use: 409 on the email field, and the code is still good.
	taken := models.ClaimAccount{Name: "X", Email: w.plaintiff.Email, Password: "a long enough passphrase"}
	if _, _, err := w.s.ClaimCase(ctx, *c.Reference, res.AccessCode, taken); models.KindOf(err) != models.KindConflict {
		t.Fatalf("email taken: %v", err)
	}
	if _, err := w.s.CaseFor(ctx, w.defendant, c.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatal("defendant sees the case before claiming it")
	}
	u, _, err := w.s.ClaimCase(ctx, *c.Reference, res.AccessCode, models.ClaimAccount{User: w.defendant})
	if err != nil || u.ID != w.defendant.ID {
		t.Fatalf("existing defendant claim: %v", err)
	}
	if _, err := w.s.CaseFor(ctx, w.defendant, c.ID); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentClaims: ten claims with the right code at once; exactly one wins.
func TestConcurrentClaims(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.caseIn(t, models.StatusAccepted)
	_, res, err := w.s.Advance(ctx, w.clerk, c.ID, models.ActServe, models.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	defs := make([]*models.User, 10)
	for i := range defs {
		defs[i] = w.f.Defendant(t)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(defs))
	start := make(chan struct{})
	for i, d := range defs {
		wg.Add(1)
		go func(i int, d *models.User) {
			defer wg.Done()
			<-start
			_, _, errs[i] = w.s.ClaimCase(ctx, *c.Reference, res.AccessCode, models.ClaimAccount{User: d, IP: fmt.Sprintf("192.0.2.%d", i)})
		}(i, d)
	}
	close(start)
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if k := models.KindOf(err); k != models.KindUnauthorized && k != models.KindConflict && k != models.KindTooManyRequests {
			t.Fatalf("unexpected: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d claims won", wins)
	}
}

// TestClaimThrottle: wrong codes for one reference are throttled (429), and so are wrong
// codes from one address across references.
func TestClaimThrottle(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	c := w.caseIn(t, models.StatusAccepted)
	_, res, err := w.s.Advance(ctx, w.clerk, c.ID, models.ActServe, models.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	wrong := "ABCD-EFGH-JKMN"
	if wrong == res.AccessCode {
		wrong = "NMKJ-HGFE-DCBA"
	}
	acct := models.ClaimAccount{User: w.defendant}
	throttled := false
	for i := 0; i < 10; i++ {
		acct.IP = fmt.Sprintf("203.0.113.%d", i)
		_, _, err := w.s.ClaimCase(ctx, *c.Reference, wrong, acct)
		if models.KindOf(err) == models.KindTooManyRequests {
			throttled = true
			break
		}
	}
	if !throttled {
		t.Fatal("ten wrong codes for one reference were never throttled")
	}
	// Even the right code waits until the window passes.
	if _, _, err := w.s.ClaimCase(ctx, *c.Reference, res.AccessCode, acct); models.KindOf(err) != models.KindTooManyRequests {
		t.Fatalf("right code while throttled: %v", err)
	}
	w.f.Clock.Advance(16 * time.Minute)
	if _, _, err := w.s.ClaimCase(ctx, *c.Reference, res.AccessCode, acct); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// Per address: many references from one IP.
	throttled = false
	for i := 0; i < 30; i++ {
		_, _, err := w.s.ClaimCase(ctx, fmt.Sprintf("NC-2026-%06d", 500+i), wrong, models.ClaimAccount{User: w.defendant, IP: "198.51.100.99"})
		if models.KindOf(err) == models.KindTooManyRequests {
			throttled = true
			break
		}
	}
	if !throttled {
		t.Fatal("one address guessing across references was never throttled")
	}
}

// --- the docket list ---

func TestDocketListFiltersAndSorts(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	judge2 := w.f.Judge(t)
	draft := w.newDraft(t)
	sub := w.caseIn(t, models.StatusSubmitted)
	w.f.Clock.Advance(time.Hour)
	acc := w.caseIn(t, models.StatusAccepted)
	w.f.Clock.Advance(time.Hour)
	served := w.caseIn(t, models.StatusServed)
	w.f.Clock.Advance(time.Hour)
	rej := w.caseIn(t, models.StatusRejected)
	// A second judge's case in another sector, with odd text in the facts.
	c := w.newDraft(t)
	odd := "100%_match \\ of 'quotes'"
	if _, err := w.s.UpdateComplaint(ctx, w.plaintiff, c.ID, models.ComplaintInput{Facts: sp("Facts with " + odd + " in them."),
		Defendant: &models.DefendantInput{Sector: sp("health"), Name: sp("Acme Health Ltd")}}, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.s.Advance(ctx, w.plaintiff, c.ID, models.ActSubmit, models.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	other, _, err := w.s.Advance(ctx, w.clerk, c.ID, models.ActAccept, models.ActionInput{Procedure: models.ProcedureOrdinary, JudgeID: judge2.ID})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(f models.CaseFilter) []int64 {
		t.Helper()
		p, err := w.s.ListCases(ctx, w.clerk, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		var out []int64
		for _, c := range p.Items {
			out = append(out, c.ID)
		}
		return out
	}
	eq := func(name string, got []int64, want ...int64) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
	// Default for clerks: next deadline first, no deadline last, drafts never.
	all := ids(models.CaseFilter{})
	for _, id := range all {
		if id == draft.ID {
			t.Fatal("a private draft is on the docket")
		}
	}
	if len(all) != 5 || all[len(all)-1] != rej.ID {
		t.Fatalf("deadline order %v: rejected (no deadline) should be last", all)
	}
	var prev *time.Time
	p, _ := w.s.ListCases(ctx, w.clerk, models.CaseFilter{})
	for _, c := range p.Items {
		if c.NextDeadline != nil && prev != nil && c.NextDeadline.Before(*prev) {
			t.Fatal("deadline order not ascending")
		}
		if c.NextDeadline != nil {
			prev = c.NextDeadline
		}
	}
	eq("status", ids(models.CaseFilter{Status: []models.Status{models.StatusServed}}), served.ID)
	multi := ids(models.CaseFilter{Status: []models.Status{models.StatusSubmitted, models.StatusRejected}, Sort: models.SortFiled})
	eq("status multi, filed", multi, rej.ID, sub.ID)
	eq("sector", ids(models.CaseFilter{Sector: "health"}), other.ID)
	eq("judge", ids(models.CaseFilter{JudgeID: judge2.ID}), other.ID)
	eq("category", ids(models.CaseFilter{Category: "leak"}))
	if len(ids(models.CaseFilter{Category: "forced_consent"})) != 5 {
		t.Error("category filter misses cases")
	}
	eq("q literal percent", ids(models.CaseFilter{Q: "100%_MATCH"}), other.ID)
	eq("q wildcard is literal", ids(models.CaseFilter{Q: "%"}), other.ID)
	eq("q underscore is literal", ids(models.CaseFilter{Q: "_"}), other.ID)
	eq("q backslash and quote", ids(models.CaseFilter{Q: `\ of 'quotes'`}), other.ID)
	eq("q defendant name, any case", ids(models.CaseFilter{Q: "acme HEALTH"}), other.ID)
	eq("q reference", ids(models.CaseFilter{Q: strings.ToLower(*served.Reference)}), served.ID)
	eq("q docket number", ids(models.CaseFilter{Q: "民初1号"}), acc.ID)
	eq("q no match", ids(models.CaseFilter{Q: "'; DROP TABLE cases; --"}))
	// Overdue: nothing now; after 8 days the submitted case's acceptance is overdue.
	eq("overdue now", ids(models.CaseFilter{Overdue: true}))
	w.f.Clock.Advance(8 * day)
	over := ids(models.CaseFilter{Overdue: true})
	// Both accepted cases missed their 5-day service deadline, the submitted one its 7-day
	// acceptance deadline; the served case still has days to answer.
	eq("overdue after 8 days", over, acc.ID, other.ID, sub.ID)
	// Updated sort: newest change first.
	upd := ids(models.CaseFilter{Sort: models.SortUpdated})
	if upd[0] != other.ID {
		t.Errorf("updated order %v", upd)
	}
	// Hostile or unknown values are 400, never SQL.
	for _, f := range []models.CaseFilter{
		{Sort: "id; DROP TABLE cases"}, {Sort: "next_deadline"}, {Status: []models.Status{"served' OR 1=1 --"}},
		{Sector: "x"}, {Category: "%"}, {JudgeID: -1}, {Q: strings.Repeat("x", 201)}, {Q: "a\x00b"},
		{Cursor: "!!!"}, {Cursor: "eyJzIjoiZGVhZGxpbmUiLCJpIjoxfQ"},
	} {
		if _, err := w.s.ListCases(ctx, w.clerk, f); models.KindOf(err) != models.KindBadRequest {
			t.Errorf("%+v: want 400, got %v", f, err)
		}
	}
	// Other roles see only their own.
	pp, err := w.s.ListCases(ctx, w.judge, models.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range pp.Items {
		if c.JudgeID == nil || *c.JudgeID != w.judge.ID {
			t.Fatal("a judge sees another judge's case")
		}
	}
	if dp, _ := w.s.ListCases(ctx, w.defendant, models.CaseFilter{}); len(dp.Items) != 1 || dp.Items[0].ID != served.ID {
		t.Fatalf("defendant sees %d cases", len(dp.Items))
	}
	if ap, _ := w.s.ListCases(ctx, w.admin, models.CaseFilter{}); len(ap.Items) != 0 {
		t.Fatal("an admin sees cases")
	}
	n, capped, err := w.s.CountCasesCapped(ctx, w.clerk, models.CaseFilter{})
	if err != nil || n != 5 || capped {
		t.Fatalf("count %d capped %v err %v", n, capped, err)
	}
}

// TestKeysetPagesCoverEverythingOnce walks every sort in small pages, including the
// switch from dated rows to undated ones, and checks each case appears exactly once in the
// same order one big page gives.
func TestKeysetPagesCoverEverythingOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	for i, st := range []models.Status{models.StatusSubmitted, models.StatusAccepted, models.StatusRejected, models.StatusSubmitted,
		models.StatusWithdrawn, models.StatusRejected, models.StatusSubmitted, models.StatusAccepted, models.StatusWithdrawn} {
		w.caseIn(t, st)
		if i%3 == 0 {
			w.f.Clock.Advance(time.Minute) // some equal timestamps, some not
		}
	}
	for _, sortKey := range models.CaseSorts {
		full, err := w.s.ListCases(ctx, w.clerk, models.CaseFilter{Sort: sortKey, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, limit := range []int{1, 2, 4} {
			var got []int64
			f := models.CaseFilter{Sort: sortKey, Limit: limit}
			for pages := 0; pages < 50; pages++ {
				p, err := w.s.ListCases(ctx, w.clerk, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range p.Items {
					got = append(got, c.ID)
				}
				if p.NextCursor == "" {
					break
				}
				f.Cursor = p.NextCursor
			}
			var want []int64
			for _, c := range full.Items {
				want = append(want, c.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("sort %s limit %d: pages %v, one page %v", sortKey, limit, got, want)
			}
			seen := append([]int64(nil), got...)
			sort.Slice(seen, func(a, b int) bool { return seen[a] < seen[b] })
			for i := 1; i < len(seen); i++ {
				if seen[i] == seen[i-1] {
					t.Fatalf("sort %s: case %d twice", sortKey, seen[i])
				}
			}
		}
		// A cursor from one sort is refused by another.
		p, _ := w.s.ListCases(ctx, w.clerk, models.CaseFilter{Sort: sortKey, Limit: 1})
		otherSort := models.SortUpdated
		if sortKey == otherSort {
			otherSort = models.SortFiled
		}
		if _, err := w.s.ListCases(ctx, w.clerk, models.CaseFilter{Sort: otherSort, Cursor: p.NextCursor}); models.KindOf(err) != models.KindBadRequest {
			t.Fatalf("cursor of %s used for %s: %v", sortKey, otherSort, err)
		}
		// A flipped character is caught.
		bad := []byte(p.NextCursor)
		bad[len(bad)/2] ^= 1
		if _, err := w.s.ListCases(ctx, w.clerk, models.CaseFilter{Sort: sortKey, Cursor: string(bad)}); models.KindOf(err) != models.KindBadRequest {
			t.Fatalf("tampered cursor: %v", err)
		}
	}
	var rows int
	if err := w.s.EachCase(ctx, w.clerk, models.CaseFilter{Status: []models.Status{models.StatusSubmitted}}, func(*models.Case) error { rows++; return nil }); err != nil || rows != 3 {
		t.Fatalf("EachCase gave %d rows, %v", rows, err)
	}
}

func TestSuggestJudge(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	busy := w.judge
	light := w.f.Judge(t)
	disabled := w.f.Judge(t)
	if err := w.s.SetUserDisabled(ctx, disabled.ID, true); err != nil {
		t.Fatal(err)
	}
	w.caseIn(t, models.StatusAccepted) // assigned to w.judge
	w.caseIn(t, models.StatusServed)
	w.caseIn(t, models.StatusClosed) // closed cases do not count
	j, loads, err := w.s.SuggestJudge(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if j == nil || j.ID != light.ID || len(loads) != 2 {
		t.Fatalf("suggested %+v of %+v", j, loads)
	}
	if loads[1].Judge.ID != busy.ID || loads[1].OpenCases != 2 || loads[0].OpenCases != 0 {
		t.Fatalf("loads %+v", loads)
	}
}
