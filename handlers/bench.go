package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// The judge's bench: the list of assigned cases, the case file, and one page per action
// (schedule a hearing, record it, rule, settle, publish). Every form carries the case version,
// so a judge acting on a stale page gets a conflict instead of overwriting someone's change.

// benchActions are the actions a judge takes from the bench, by their URL name.
var benchActions = map[string]models.Action{
	"schedule-hearing": models.ActScheduleHearing,
	"record-hearing":   models.ActRecordHearing,
	"rule":             models.ActRule,
	"settle":           models.ActSettle,
	"publish":          models.ActPublish,
}

// benchRow is one line of the judge's list.
type benchRow struct {
	Case      models.Case
	Limit     *time.Time // conclusion limit counted from docketing
	Months    int
	DaysLeft  int
	Overdue   bool
	Next      *time.Time
	NextLabel string // deadline.* key of the next deadline
	// Running is true while the conclusion limit still binds (not yet decided or ended).
	Running     bool
	OverdueDays int
}

type benchListView struct {
	Rows     []benchRow
	Next     string
	Finished bool
}

func (s *Server) benchRows(cs []models.Case) []benchRow {
	now := s.store.Now()
	rows := make([]benchRow, 0, len(cs))
	for _, c := range cs {
		r := benchRow{Case: c, Limit: models.ConclusionLimit(&c), Months: models.ConclusionMonths(c.Procedure), Next: c.NextDeadline}
		if r.Limit != nil {
			r.DaysLeft = daysBetween(now, *r.Limit)
			r.Running = c.ConclusionDue != nil && !c.IsTerminal() && c.Status != models.StatusDecided && c.Status != models.StatusSettled
			r.Overdue = r.Running && now.After(*r.Limit)
			r.OverdueDays = -r.DaysLeft
		}
		if c.NextDeadline != nil {
			for name, t := range c.Deadlines() {
				if t.Equal(*c.NextDeadline) {
					r.NextLabel = "deadline." + name
				}
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// daysBetween counts whole days from a to b, negative when b has passed.
func daysBetween(a, b time.Time) int {
	d := b.Sub(a)
	if d < 0 {
		return -int((-d).Hours() / 24)
	}
	return int(d.Hours() / 24)
}

func (s *Server) benchPage(c echo.Context) error {
	finished := c.QueryParam("show") == "finished"
	page, err := s.store.BenchCases(c.Request().Context(), currentUser(c), models.BenchFilter{Finished: finished, Cursor: c.QueryParam("cursor")})
	if err != nil {
		return err
	}
	p := s.newPage(c, "bench.title")
	p.Data = benchListView{Rows: s.benchRows(page.Items), Next: page.NextCursor, Finished: finished}
	return s.render(c, "bench/list", p)
}

// benchCaseView is the judge's case file.
type benchCaseView struct {
	D           *CaseDetail
	Checks      []models.EvidenceCheck
	Integrity   *VerifyView
	Limit       *time.Time
	Months      int
	DaysLeft    int
	Overdue     bool
	OverdueDays int
	Can         map[string]bool
	Categories  []models.Category
	Modes       []string
	Outcomes    []string
	Bearers     []string
	Findings    []string // chosen on the ruling form
	Orders      map[string]bool
	Preview     *models.PublicationPreview
	Ruling      *models.RulingInput // the confirmation page's ruling
	MaxComp     string
	MaxCosts    string
	LastHear    *models.Hearing
	Claimed     []models.Category // the complaint's categories with their PIPL articles
	Found       []models.Category // the ruling's findings with their articles
}

func withArticles(codes []string) []models.Category {
	out := make([]models.Category, 0, len(codes))
	for _, code := range codes {
		out = append(out, models.Category{Code: code, Articles: models.CategoryArticles(code)})
	}
	return out
}

func (s *Server) loadBenchCase(c echo.Context) (*benchCaseView, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	d, err := s.visibleCaseDetail(c, id)
	if err != nil {
		return nil, err
	}
	cs := d.Case
	v := &benchCaseView{D: d, Limit: models.ConclusionLimit(cs), Months: models.ConclusionMonths(cs.Procedure), Can: map[string]bool{},
		Categories: models.Categories, Modes: models.HearingModes, Outcomes: models.Outcomes, Bearers: models.FeeBearers,
		Orders: map[string]bool{}, MaxComp: models.FormatYuan(cs.ReqCompensationFen), MaxCosts: models.FormatYuan(cs.ReqCostsFen)}
	if v.Limit != nil {
		now := s.store.Now()
		v.DaysLeft = daysBetween(now, *v.Limit)
		v.Overdue = now.After(*v.Limit) && cs.ConclusionDue != nil
		v.OverdueDays = -v.DaysLeft
	}
	for _, a := range d.Actions {
		v.Can[apiActionName(a)] = true
	}
	if d.Ruling != nil && d.Ruling.PublishedAt != nil {
		v.Can["publish"] = false
	}
	v.Claimed = withArticles(cs.CategoryList())
	if d.Ruling != nil {
		v.Found = withArticles(d.Ruling.FindingList())
	}
	if n := len(d.Hearings); n > 0 {
		v.LastHear = &d.Hearings[n-1]
	}
	return v, nil
}

var benchDone = map[string]bool{"schedule-hearing": true, "record-hearing": true, "rule": true, "settle": true, "publish": true}

func (s *Server) benchCasePage(c echo.Context) error {
	v, err := s.loadBenchCase(c)
	if err != nil {
		return err
	}
	vr, err := s.store.VerifyCase(c.Request().Context(), currentUser(c), v.D.Case.ID)
	if err != nil {
		return err
	}
	v.Checks = models.EvidenceChecks(v.D.Evidence, vr)
	v.Integrity = newVerifyView(vr)
	p := s.newPage(c, "bench.case.title")
	if done := c.QueryParam("done"); benchDone[done] {
		p.Flash = "bench.done." + done
	}
	p.Data = v
	return s.render(c, "bench/case", p)
}

// benchActionPage shows an action's form (GET /bench/cases/:id/:action).
func (s *Server) benchActionPage(c echo.Context) error {
	name := c.Param("action")
	action, ok := benchActions[name]
	if !ok {
		return models.ErrNotFound
	}
	v, err := s.loadBenchCase(c)
	if err != nil {
		return err
	}
	if !v.Can[name] {
		if t, _ := models.TransitionFor(action); !containsRole(t.By, currentUser(c).Role) {
			return models.ErrForbidden
		}
		if name == "publish" && v.D.Ruling != nil && v.D.Ruling.PublishedAt != nil {
			return models.WithMessage(models.ErrIllegalAction, "This ruling has already been published.")
		}
		return models.WithMessage(models.ErrIllegalAction, "That action is not open while the case is %s.", v.D.Case.Status)
	}
	p := s.newPage(c, "bench."+name+".title")
	p.Form = map[string]string{"version": formatID(v.D.Case.Version)}
	if name == "publish" {
		if v.Preview, err = s.store.PreviewPublication(c.Request().Context(), currentUser(c), v.D.Case.ID); err != nil {
			return err
		}
	}
	if name == "schedule-hearing" {
		p.Form["mode"] = "video"
	}
	p.Data = v
	return s.render(c, "bench/"+name, p)
}

func containsRole(rs []models.Role, r models.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// benchForm is what the action pages post.
func benchForm(c echo.Context) (actionBody, url.Values, error) {
	form, err := c.FormParams()
	if err != nil {
		return actionBody{}, nil, models.WithMessage(badRequest, "The form could not be read.")
	}
	version, _ := strconv.ParseInt(form.Get("version"), 10, 64)
	b := actionBody{At: form.Get("at"), Mode: form.Get("mode"), Location: form.Get("location"), Questions: form.Get("questions"),
		ResponsesDue: form.Get("responses_due"), Minutes: form.Get("minutes"), Outcome: form.Get("outcome"), Findings: form["findings"],
		FeeBorneBy: form.Get("fee_borne_by"), Reasoning: form.Get("reasoning"), Terms: form.Get("terms"), Version: version,
		Orders: &ordersBody{StopProcessing: form.Get("stop_processing") != "", Deletion: form.Get("deletion") != "",
			Apology: form.Get("apology") != "", Compensation: form.Get("compensation"), Costs: form.Get("costs")}}
	return b, form, nil
}

var benchFormFields = []string{"version", "at", "mode", "location", "questions", "responses_due", "minutes", "outcome",
	"fee_borne_by", "reasoning", "terms", "compensation", "costs"}

// benchActionSubmit handles POST /bench/cases/:id/:action. The ruling form is posted twice:
// first to check it and show the confirmation ("Issuing is final"), then with confirm=1 to
// issue it.
func (s *Server) benchActionSubmit(c echo.Context) error {
	name := c.Param("action")
	action, ok := benchActions[name]
	if !ok {
		return models.ErrNotFound
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, form, err := benchForm(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	ctx := c.Request().Context()
	in, err := body.input(action, s.store.Court().Location)
	if err == nil && action == models.ActRule && form.Get("confirm") != "1" {
		// First pass (or "change the ruling"): check, then show the confirmation page.
		if form.Get("edit") == "1" {
			return s.benchFormAgain(c, name, nil, form)
		}
		if err = s.store.CheckRuling(ctx, u, id, in.Ruling); err == nil {
			return s.benchConfirmRuling(c, in.Ruling, form)
		}
	}
	if err == nil {
		var cs *models.Case
		cs, _, err = s.store.Advance(ctx, u, id, action, in)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/bench/cases/"+formatID(cs.ID)+"?done="+name)
		}
	}
	if models.KindOf(err) == models.KindInvalid {
		return s.benchFormAgain(c, name, err, form)
	}
	return err
}

// benchFormAgain re-renders an action's form with what was typed and, if err is a
// validation error, its field errors and a 422.
func (s *Server) benchFormAgain(c echo.Context, name string, err error, form url.Values) error {
	v, lerr := s.loadBenchCase(c)
	if lerr != nil {
		return lerr
	}
	p := s.newPage(c, "bench."+name+".title")
	p.Form = map[string]string{}
	for _, f := range benchFormFields {
		p.Form[f] = form.Get(f)
	}
	v.Findings = form["findings"]
	for _, o := range []string{"stop_processing", "deletion", "apology"} {
		v.Orders[o] = form.Get(o) != ""
	}
	var de *models.Error
	if err != nil && errors.As(err, &de) {
		p.Status = http.StatusUnprocessableEntity
		p.Errors = de.Fields
	}
	if name == "publish" {
		if v.Preview, lerr = s.store.PreviewPublication(c.Request().Context(), currentUser(c), v.D.Case.ID); lerr != nil {
			return lerr
		}
	}
	p.Data = v
	return s.render(c, "bench/"+name, p)
}

// benchConfirmRuling shows the ruling as it will issue, with everything posted again hidden.
func (s *Server) benchConfirmRuling(c echo.Context, r *models.RulingInput, form url.Values) error {
	v, err := s.loadBenchCase(c)
	if err != nil {
		return err
	}
	v.Ruling = r
	v.Findings = form["findings"]
	p := s.newPage(c, "bench.confirm.title")
	p.Form = map[string]string{}
	for _, f := range benchFormFields {
		p.Form[f] = form.Get(f)
	}
	for _, o := range []string{"stop_processing", "deletion", "apology"} {
		v.Orders[o] = form.Get(o) != ""
	}
	p.Data = v
	return s.render(c, "bench/confirm", p)
}

// --- the printable ruling, for the parties, the judge and the clerks ---

type rulingDocView struct {
	Case        *models.Case
	Ruling      *models.Ruling
	Judge       *models.User
	Findings    []models.Category
	Dismissed   bool
	Partly      bool
	AppealUntil *time.Time
}

func (s *Server) rulingPrintPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	cs, r, err := s.store.RulingDocument(ctx, currentUser(c), id)
	if err != nil {
		return err
	}
	v := rulingDocView{Case: cs, Ruling: r, Dismissed: r.Outcome == "dismissed", Partly: r.Outcome == "partly_upheld", AppealUntil: cs.AppealDue}
	if v.AppealUntil == nil {
		t := r.IssuedAt.Add(15 * 24 * time.Hour)
		v.AppealUntil = &t
	}
	if v.Judge, err = s.store.UserByID(ctx, r.JudgeID); err != nil {
		return err
	}
	v.Findings = withArticles(r.FindingList())
	p := s.newPage(c, "bench.print.title")
	p.Data = v
	return s.render(c, "bench/ruling", p)
}
