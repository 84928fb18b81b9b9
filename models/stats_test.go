package models_test

import (
	"context"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"netcourt/models"
	"netcourt/models/testkit"
)

// statsWorld is a generated docket: a few accounts and cases driven through the real workflow.
type statsWorld struct {
	f      *testkit.Fixture
	clerk  *models.User
	judge  *models.User
	plaint []*models.User
	def    *models.User
	rng    *rand.Rand
}

func newStatsWorld(t *testing.T, seed uint64) *statsWorld {
	f := testkit.NewStore(t)
	w := &statsWorld{f: f, clerk: f.Clerk(t), judge: f.Judge(t), def: f.Defendant(t), rng: rand.New(rand.NewPCG(seed, 99))}
	for range 3 {
		w.plaint = append(w.plaint, f.Plaintiff(t))
	}
	return w
}

func (w *statsWorld) pick(list []string, min int) []string {
	var out []string
	for _, x := range list {
		if w.rng.IntN(3) == 0 {
			out = append(out, x)
		}
	}
	for len(out) < min {
		x := list[w.rng.IntN(len(list))]
		dup := false
		for _, y := range out {
			dup = dup || y == x
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}

// stops are where a generated case may end up.
var stops = []string{"draft", "submitted", "amended", "rejected", "withdrawn_early", "accepted", "served", "answered",
	"hearing_scheduled", "heard", "ruled", "settled", "closed", "withdrawn_late", "published"}

// newCase drives one case to a random stop, moving the clock a little at every step.
func (w *statsWorld) newCase(t *testing.T, stop string) *models.Case {
	t.Helper()
	ctx := context.Background()
	s := w.f.Store
	p := w.plaint[w.rng.IntN(len(w.plaint))]
	cats := w.pick(models.CategoryCodes(), 1)
	infos := w.pick(models.InfoTypes, 1)
	sector := models.Sectors[w.rng.IntN(len(models.Sectors))]
	comp := []string{"0.00", "500.00", "2900.00", "60000.00"}[w.rng.IntN(4)]
	c, err := s.CreateCase(ctx, p, models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: sp("王者科技有限公司"), USCC: sp(models.CompleteUSCC("91110000MA01ABCD2")),
			Sector: sp(sector), Platform: sp("王者App"), Address: sp("北京市海淀区某路1号")},
		Categories: &cats, InfoTypes: &infos,
		Facts:       sp("The app collected my contacts without consent and kept pushing ads to me."),
		Requests:    &models.RequestsInput{StopProcessing: bp(true), Deletion: bp(true), Compensation: sp(comp), Costs: sp("100.00")},
		Declaration: bp(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	tick := func() { w.f.Clock.Advance(time.Duration(w.rng.IntN(5*24)) * time.Hour) }
	adv := func(u *models.User, a models.Action, in models.ActionInput) {
		t.Helper()
		tick()
		got, _, err := s.Advance(ctx, u, c.ID, a, in)
		if err != nil {
			t.Fatalf("case %d %s: %v", c.ID, a, err)
		}
		c = got
	}
	if stop == "draft" {
		return c
	}
	adv(p, models.ActSubmit, models.ActionInput{})
	switch stop {
	case "submitted":
		return c
	case "amended":
		adv(w.clerk, models.ActRequestAmendment, models.ActionInput{Reason: "Name the app's version."})
		newCats := w.pick(models.CategoryCodes(), 1)
		newSector := models.Sectors[w.rng.IntN(len(models.Sectors))]
		if _, err := s.UpdateComplaint(ctx, p, c.ID, models.ComplaintInput{Categories: &newCats,
			Defendant: &models.DefendantInput{Sector: &newSector}}, 0); err != nil {
			t.Fatal(err)
		}
		if w.rng.IntN(2) == 0 {
			adv(p, models.ActSubmit, models.ActionInput{})
		}
		c, _ = s.CaseFor(ctx, p, c.ID)
		return c
	case "rejected":
		adv(w.clerk, models.ActReject, models.ActionInput{Reason: "Not a personal-information dispute."})
		return c
	case "withdrawn_early":
		adv(p, models.ActWithdraw, models.ActionInput{})
		return c
	}
	proc := models.Procedures[w.rng.IntN(3)]
	adv(w.clerk, models.ActAccept, models.ActionInput{Procedure: proc, JudgeID: w.judge.ID})
	if stop == "accepted" {
		return c
	}
	if stop == "settled" {
		adv(w.judge, models.ActSettle, models.ActionInput{Terms: "The defendant deletes the data and pays 500 yuan."})
		return c
	}
	adv(w.clerk, models.ActServe, models.ActionInput{})
	if stop == "served" {
		return c
	}
	if err := w.f.DB.Model(&models.Case{}).Where("id = ?", c.ID).Update("defendant_user_id", w.def.ID).Error; err != nil {
		t.Fatal(err)
	}
	adv(w.def, models.ActAnswer, models.ActionInput{Text: "We had consent records."})
	if stop == "answered" {
		return c
	}
	at := w.f.Clock.Now().Add(10 * 24 * time.Hour)
	adv(w.judge, models.ActScheduleHearing, models.ActionInput{At: &at, Mode: models.HearingModes[w.rng.IntN(3)]})
	if stop == "hearing_scheduled" {
		return c
	}
	adv(w.judge, models.ActRecordHearing, models.ActionInput{Minutes: "Both sides heard."})
	switch stop {
	case "heard":
		return c
	case "withdrawn_late":
		adv(p, models.ActWithdraw, models.ActionInput{Reason: "Settled privately."})
		return c
	}
	outcome := models.Outcomes[w.rng.IntN(3)]
	in := &models.RulingInput{Outcome: outcome, Findings: []string{c.CategoryList()[0]}, Reasoning: "The court finds as follows."}
	if outcome != "dismissed" {
		in.Deletion = true
		in.CompensationFen = c.ReqCompensationFen / 2
	}
	adv(w.judge, models.ActRule, models.ActionInput{Ruling: in})
	switch stop {
	case "closed":
		w.f.Clock.Advance(16 * 24 * time.Hour)
		adv(w.clerk, models.ActClose, models.ActionInput{})
	case "published":
		adv(w.judge, models.ActPublish, models.ActionInput{})
	}
	return c
}

// expectedStats computes the figures straight from the rows, independently of the counters.
type expectedStats struct {
	total                          int64
	status, cat, sector, info, out map[string]int64
	months                         map[string]int64
	accept, rule                   []float64
}

func median(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	sort.Float64s(v)
	m := (v[(len(v)-1)/2] + v[len(v)/2]) / 2
	return &m
}

func computeExpected(t *testing.T, w *statsWorld) expectedStats {
	t.Helper()
	var cases []models.Case
	if err := w.f.DB.Order("id").Find(&cases).Error; err != nil {
		t.Fatal(err)
	}
	var rulings []models.Ruling
	if err := w.f.DB.Find(&rulings).Error; err != nil {
		t.Fatal(err)
	}
	outcome := map[int64]string{}
	for _, r := range rulings {
		outcome[r.CaseID] = r.Outcome
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	e := expectedStats{status: map[string]int64{}, cat: map[string]int64{}, sector: map[string]int64{}, info: map[string]int64{},
		out: map[string]int64{}, months: map[string]int64{}}
	for _, c := range cases {
		if c.Status == models.StatusDraft || c.SubmittedAt == nil {
			continue
		}
		e.total++
		e.status[string(c.Status)]++
		e.sector[c.DefendantSector]++
		for _, x := range strings.Split(strings.Trim(c.Categories, ","), ",") {
			e.cat[x]++
		}
		for _, x := range strings.Split(strings.Trim(c.InfoTypes, ","), ",") {
			e.info[x]++
		}
		e.months[c.SubmittedAt.In(loc).Format("2006-01")]++
		if c.AcceptedAt != nil {
			e.accept = append(e.accept, float64(int(c.AcceptedAt.Sub(*c.SubmittedAt).Hours()/24)))
		}
		if o, ok := outcome[c.ID]; ok {
			e.out[o]++
			e.rule = append(e.rule, float64(int(c.DecidedAt.Sub(*c.SubmittedAt).Hours()/24)))
		}
	}
	return e
}

func compareStats(t *testing.T, label string, got *models.Stats, e expectedStats) {
	t.Helper()
	if got.Total != e.total {
		t.Errorf("%s: total %d, want %d", label, got.Total, e.total)
	}
	check := func(name string, got, want map[string]int64) {
		t.Helper()
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s[%s] = %d, want %d", label, name, k, got[k], v)
			}
		}
		for k, v := range got {
			if want[k] != v {
				t.Errorf("%s: %s[%s] = %d, want %d", label, name, k, v, want[k])
			}
		}
	}
	check("status", got.ByStatus, e.status)
	check("category", got.ByCategory, e.cat)
	check("sector", got.BySector, e.sector)
	check("info_type", got.ByInfoType, e.info)
	check("outcome", got.ByOutcome, e.out)
	months := map[string]int64{}
	for _, m := range got.FilingsByMonth {
		months[m.Month] = m.Count
	}
	check("month", months, e.months)
	eq := func(name string, a, b *float64) {
		t.Helper()
		if (a == nil) != (b == nil) || a != nil && *a != *b {
			t.Errorf("%s: %s = %v, want %v", label, name, deref(a), deref(b))
		}
	}
	eq("median_days_to_acceptance", got.MedianDaysToAcceptance, median(e.accept))
	eq("median_days_to_ruling", got.MedianDaysToRuling, median(e.rule))
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestStatsMatchGeneratedDocket drives random cases through the workflow and checks that the
// counters maintained by each transition, and the counters rebuilt from the tables, both equal
// the figures computed here from the rows themselves.
func TestStatsMatchGeneratedDocket(t *testing.T) {
	w := newStatsWorld(t, 7)
	n := 45
	if testing.Short() {
		n = 20
	}
	for i := range n {
		w.newCase(t, stops[(i+w.rng.IntN(3))%len(stops)])
	}
	ctx := context.Background()
	e := computeExpected(t, w)
	if e.total == 0 || len(e.accept) == 0 || len(e.rule) == 0 {
		t.Fatalf("the generated docket is too thin to test: %+v", e)
	}
	got, err := w.f.Store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	compareStats(t, "maintained", got, e)

	if err := w.f.Store.RebuildStats(ctx); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := w.f.Store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	compareStats(t, "rebuilt", rebuilt, e)

	// Corrupt the counters; a rebuild repairs them.
	if err := w.f.DB.Exec("UPDATE stat_counters SET value = value + 5").Error; err != nil {
		t.Fatal(err)
	}
	if err := w.f.Store.RebuildStats(ctx); err != nil {
		t.Fatal(err)
	}
	repaired, err := w.f.Store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	compareStats(t, "repaired", repaired, e)

	// After migration 0003 on a database that already held cases, start-up fills the counters.
	if err := w.f.DB.Exec("DELETE FROM stat_counters").Error; err != nil {
		t.Fatal(err)
	}
	if err := w.f.Store.EnsureStats(ctx); err != nil {
		t.Fatal(err)
	}
	ensured, err := w.f.Store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	compareStats(t, "ensured", ensured, e)
}

func TestStatsEmptyAndDraftsNotCounted(t *testing.T) {
	w := newStatsWorld(t, 1)
	w.newCase(t, "draft")
	st, err := w.f.Store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 0 || st.MedianDaysToAcceptance != nil || st.MedianDaysToRuling != nil || len(st.FilingsByMonth) != 0 {
		t.Fatalf("a draft was counted: %+v", st)
	}
	if _, ok := st.ByStatus["draft"]; ok {
		t.Fatal("by_status must not report drafts")
	}
	if len(st.ByCategory) != len(models.Categories) || len(st.BySector) != len(models.Sectors) {
		t.Fatalf("every known key should be present: %+v", st)
	}
}

func TestHistogramMedian(t *testing.T) {
	for _, c := range []struct {
		h    map[int]int64
		want any
	}{
		{map[int]int64{}, nil},
		{map[int]int64{3: 1}, 3.0},
		{map[int]int64{1: 1, 4: 1}, 2.5},
		{map[int]int64{0: 2, 5: 1}, 0.0},
		{map[int]int64{1: 2, 2: 2, 9: 0}, 1.5},
		{map[int]int64{1: 1, 2: 1, 30: 1}, 2.0},
	} {
		m, _ := models.HistogramMedian(c.h)
		if deref(m) != c.want {
			t.Errorf("median %v = %v, want %v", c.h, deref(m), c.want)
		}
	}
}
