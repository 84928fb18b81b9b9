package e2etest_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"netcourt/models"
)

// hostile holds every payload; each text field of the case gets it.
const hostile = `<script>alert(1)</script> "><img src=x onerror=alert(2)> <svg/onload=alert(3)> javascript:alert(4) {{7*7}}`

func sp(s string) *string { return &s }
func bp(b bool) *bool     { return &b }

// TestHostileTextNeverRuns stores script payloads in every text a party or the court can
// type, then opens every page of the router as each role with JavaScript on: no dialog may
// open anywhere (the tab's trap fails the test).
func TestHostileTextNeverRuns(t *testing.T) {
	p := startPortal(t)
	ctx := context.Background()
	st := p.F.Store
	pl, err := st.Register(ctx, models.RegisterInput{Name: `Mallory <img src=x onerror=alert(5)>`, Email: "mallory@example.test",
		Phone: "13800138000", Password: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	clerk, judge, def := p.F.Clerk(t), p.F.Judge(t), p.F.Defendant(t)
	cats, infos := []string{"forced_consent"}, []string{"phone"}
	in := models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: sp("Evil " + hostile), USCC: sp(models.CompleteUSCC("91110000MA01ABCD2")), Sector: sp("social"),
			Platform: sp("App " + hostile), Address: sp("Road " + hostile)},
		Categories: &cats, InfoTypes: &infos, Facts: sp("Facts " + hostile), PlaintiffAddress: sp("Home " + hostile),
		Requests:    &models.RequestsInput{StopProcessing: bp(true), Compensation: sp("1.00"), Costs: sp("0")},
		Declaration: bp(true),
	}
	newCase := func() int64 {
		c, err := st.CreateCase(ctx, pl, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddEvidence(ctx, pl, c.ID, models.EvidenceInput{Title: "Title " + hostile, Description: "Desc " + hostile,
			FileName: `"><img src=x onerror=alert(6)>.txt`, Body: strings.NewReader("evidence"), MaxBytes: 1 << 20}); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	adv := func(u *models.User, id int64, a models.Action, in models.ActionInput) {
		t.Helper()
		if _, _, err := st.Advance(ctx, u, id, a, in); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	draft := newCase()
	amend := newCase()
	adv(pl, amend, models.ActSubmit, models.ActionInput{})
	adv(clerk, amend, models.ActRequestAmendment, models.ActionInput{Reason: "Reason " + hostile})
	decided := newCase()
	adv(pl, decided, models.ActSubmit, models.ActionInput{})
	adv(clerk, decided, models.ActAccept, models.ActionInput{Procedure: models.ProcedureSimplified, JudgeID: judge.ID})
	adv(clerk, decided, models.ActServe, models.ActionInput{})
	if err := p.F.DB.Model(&models.Case{}).Where("id = ?", decided).Update("defendant_user_id", def.ID).Error; err != nil {
		t.Fatal(err)
	}
	adv(def, decided, models.ActAnswer, models.ActionInput{Text: "Answer " + hostile})
	at := p.F.Clock.Now().Add(240 * time.Hour)
	adv(clerk, decided, models.ActScheduleHearing, models.ActionInput{At: &at, Mode: "in_person", Location: "Room " + hostile})
	adv(judge, decided, models.ActRecordHearing, models.ActionInput{Minutes: "Minutes " + hostile})
	adv(judge, decided, models.ActRule, models.ActionInput{Ruling: &models.RulingInput{Outcome: "upheld", Findings: []string{"forced_consent"},
		Apology: true, Reasoning: "Reasoning " + hostile}})
	adv(judge, decided, models.ActPublish, models.ActionInput{})
	r, err := st.RulingFor(ctx, decided)
	if err != nil {
		t.Fatal(err)
	}

	param := regexp.MustCompile(`:[a-z_]+`)
	roles := map[string]*models.User{"plaintiff": pl, "clerk": clerk, "judge": judge, "defendant": def, "public": nil}
	visits := 0
	for role, u := range roles {
		b := p.newTab(t, role, false)
		b.axe = false // this test hunts script execution; the journey runs axe
		if u != nil {
			signIn(t, b, u.Email, "correct horse battery staple", "/account")
		}
		seen := map[string]bool{}
		for _, id := range []int64{draft, amend, decided} {
			evs, _ := st.EvidenceList(ctx, id)
			for _, rt := range p.E.Routes() {
				if rt.Method != http.MethodGet || strings.HasPrefix(rt.Path, "/api/") || strings.HasPrefix(rt.Path, "/static/") ||
					strings.HasSuffix(rt.Path, "/file") || strings.HasSuffix(rt.Path, ".csv") || strings.HasSuffix(rt.Path, "/preview") {
					continue
				}
				path := param.ReplaceAllStringFunc(rt.Path, func(n string) string {
					switch n {
					case ":id":
						if strings.HasPrefix(rt.Path, "/rulings/") {
							return fmt.Sprint(r.ID)
						}
						return fmt.Sprint(id)
					case ":eid":
						if len(evs) > 0 {
							return fmt.Sprint(evs[0].ID)
						}
					case ":action":
						return "rule"
					}
					return n
				})
				if strings.Contains(path, ":") || seen[path] {
					continue
				}
				seen[path] = true
				b.open(t, path) // the dialog trap runs on every load
				if eval[bool](t, b, `document.documentElement.outerHTML.includes("<script>alert(1)</script>")`) {
					b.fatal(t, "%s holds the payload unescaped", path)
				}
				visits++
			}
		}
	}
	t.Logf("%d page loads with stored script payloads; no dialog opened", visits)
}
