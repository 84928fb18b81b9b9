package models_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"netcourt/models"
)

var allRoles = []models.Role{models.RolePlaintiff, models.RoleDefendant, models.RoleClerk, models.RoleJudge, models.RoleAdmin}

// visibleTo says who may see a case built along the usual path to each state: the plaintiff
// always, clerks everything but drafts, the judge once assigned, the defendant once served
// and claimed, the administrator nothing.
func visibleTo(r models.Role, st models.Status) bool {
	assigned := map[models.Status]bool{models.StatusAccepted: true, models.StatusServed: true, models.StatusAnswered: true,
		models.StatusHearingScheduled: true, models.StatusHeard: true, models.StatusDecided: true, models.StatusClosed: true,
		models.StatusSettled: true}
	switch r {
	case models.RolePlaintiff:
		return true
	case models.RoleClerk:
		return st != models.StatusDraft
	case models.RoleJudge:
		return assigned[st]
	case models.RoleDefendant:
		return assigned[st] && st != models.StatusAccepted
	}
	return false
}

// TestWorkflowTable runs every (state × action × role): the allowed ones succeed with valid
// input and land in the table's target state with one new event; every other one is refused
// with 404 (not visible), 403 (role) or 409 (state), in that order, and changes nothing at
// all — no event, no notification, no hearing, no ruling, no number taken.
func TestWorkflowTable(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	allowed, refused := 0, 0
	for _, st := range models.AllStatuses {
		shared := w.caseIn(t, st) // refusals leave it untouched, so one case serves them all
		for _, tr := range models.Workflow {
			for _, role := range allRoles {
				name := fmt.Sprintf("%s/%s/%s", st, tr.Action, role)
				want := models.Kind(0)
				switch {
				case !visibleTo(role, st):
					want = models.KindNotFound
				case !roleMay(tr, role):
					want = models.KindForbidden
				case !tr.Allows(role, st):
					want = models.KindConflict
				}
				actor := w.actor(role)
				if want == 0 {
					allowed++
					c := w.caseIn(t, st)
					if tr.Action == models.ActClose && st == models.StatusDecided {
						w.f.Clock.Advance(16 * 24 * time.Hour) // past the appeal window
					}
					before := w.snap(t, c.ID)
					got, _, err := w.s.Advance(ctx, actor, c.ID, tr.Action, w.validInput(tr.Action))
					if err != nil {
						t.Errorf("%s: allowed but refused: %v", name, err)
						continue
					}
					to := tr.To
					if to == "" {
						to = st
					}
					after := w.snap(t, c.ID)
					if got.Status != to || after.c.Status != to {
						t.Errorf("%s: status %s (stored %s), want %s", name, got.Status, after.c.Status, to)
					}
					if after.events != before.events+1 || after.c.Version != before.c.Version+1 {
						t.Errorf("%s: events %d→%d version %d→%d, want one more of each", name, before.events, after.events, before.c.Version, after.c.Version)
					}
					continue
				}
				refused++
				before := w.snap(t, shared.ID)
				_, _, err := w.s.Advance(ctx, actor, shared.ID, tr.Action, w.validInput(tr.Action))
				if got := models.KindOf(err); got != want {
					t.Errorf("%s: got kind %d (%v), want %d", name, got, err, want)
				}
				after := w.snap(t, shared.ID)
				if !sameCase(before.c, after.c) || before.events != after.events || before.notes != after.notes ||
					before.hearings != after.hearings || before.rulings != after.rulings || before.counters != after.counters {
					t.Errorf("%s: a refused action changed something: %+v → %+v", name, before, after)
				}
			}
		}
	}
	if allowed < 30 || allowed+refused != len(models.AllStatuses)*len(models.Workflow)*len(allRoles) {
		t.Fatalf("table covered %d allowed and %d refused combinations; expected the whole matrix", allowed, refused)
	}
	t.Logf("%d allowed and %d refused (state, action, role) combinations checked", allowed, refused)
}

func roleMay(tr models.Transition, r models.Role) bool {
	for _, b := range tr.By {
		if b == r {
			return true
		}
	}
	return false
}

// TestRefusalMessagesAreClear checks the 409 says what was tried and what the state is.
func TestRefusalMessagesAreClear(t *testing.T) {
	w := newWorld(t)
	c := w.caseIn(t, models.StatusAccepted)
	_, _, err := w.s.Advance(context.Background(), w.clerk, c.ID, models.ActAccept, w.validInput(models.ActAccept))
	var de *models.Error
	if !asError(err, &de) || de.Code != "illegal_transition" || de.Message != "Cannot accept a case that is accepted." {
		t.Fatalf("got %v", err)
	}
	_, _, err = w.s.Advance(context.Background(), w.plaintiff, c.ID, models.ActServe, models.ActionInput{})
	if !asError(err, &de) || de.Kind != models.KindForbidden || de.Message != "A plaintiff may not serve a case." {
		t.Fatalf("got %v", err)
	}
}

func asError(err error, target **models.Error) bool { return errors.As(err, target) }
