package handlers

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// --- reading a list request ---

// listQuery reads the list filters every case list shares (API.md "Lists"): status (repeated
// or comma-separated), q, judge_id, sector, category, overdue, sort, cursor and limit. Values
// are checked against allow-lists in models; a malformed number or flag is a 400 here.
func listQuery(c echo.Context) (models.CaseFilter, error) {
	q := c.QueryParams()
	var f models.CaseFilter
	for _, raw := range q["status"] {
		for _, st := range strings.Split(raw, ",") {
			if st = strings.TrimSpace(st); st != "" {
				f.Status = append(f.Status, models.Status(st))
			}
		}
	}
	if len(f.Status) > len(models.AllStatuses) {
		return f, models.WithMessage(badRequest, "Too many status filters.")
	}
	f.Q = q.Get("q")
	f.Sector = strings.TrimSpace(q.Get("sector"))
	f.Category = strings.TrimSpace(q.Get("category"))
	f.Sort = strings.TrimSpace(q.Get("sort"))
	f.Cursor = q.Get("cursor")
	if raw := strings.TrimSpace(q.Get("judge_id")); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return f, models.WithMessage(badRequest, "judge_id must be a positive whole number.")
		}
		f.JudgeID = id
	}
	switch strings.ToLower(strings.TrimSpace(q.Get("overdue"))) {
	case "", "0", "false", "no":
	case "1", "true", "on", "yes":
		f.Overdue = true
	default:
		return f, models.WithMessage(badRequest, "overdue must be true or false.")
	}
	limit, err := listLimit(c)
	if err != nil {
		return f, err
	}
	f.Limit = limit
	return f, nil
}

// filterValues renders a filter back into query parameters (for next-page and CSV links).
func filterValues(f models.CaseFilter) url.Values {
	v := url.Values{}
	for _, st := range f.Status {
		v.Add("status", string(st))
	}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", f.Q)
	set("sector", f.Sector)
	set("category", f.Category)
	set("sort", f.Sort)
	if f.JudgeID > 0 {
		v.Set("judge_id", formatID(f.JudgeID))
	}
	if f.Overdue {
		v.Set("overdue", "1")
	}
	if f.Limit > 0 && f.Limit != models.DefaultListLimit {
		v.Set("limit", strconv.Itoa(f.Limit))
	}
	return v
}

// --- API ---

type defendantSummaryView struct {
	Name     string `json:"name"`
	Platform string `json:"platform"`
	Sector   string `json:"sector"`
}

// judgeNames batch-loads the judges of a page of cases with one IN query.
func (s *Server) judgeNames(ctx context.Context, cs []models.Case) (map[int64]*models.User, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, c := range cs {
		if c.JudgeID != nil && !seen[*c.JudgeID] {
			seen[*c.JudgeID] = true
			ids = append(ids, *c.JudgeID)
		}
	}
	return s.store.UsersByIDs(ctx, ids)
}

// apiListCases answers GET /api/v1/cases: what the caller may see, filtered, one keyset page.
func (s *Server) apiListCases(c echo.Context) error {
	f, err := listQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	page, err := s.store.ListCases(ctx, currentUser(c), f)
	if err != nil {
		return err
	}
	judges, err := s.judgeNames(ctx, page.Items)
	if err != nil {
		return err
	}
	items := make([]caseSummaryView, 0, len(page.Items))
	for i := range page.Items {
		items = append(items, viewCaseSummary(&page.Items[i], judges, s.store.Now()))
	}
	var next *string
	if page.NextCursor != "" {
		next = &page.NextCursor
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

type judgeLoadView struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	OpenCases int64  `json:"open_cases"`
	Suggested bool   `json:"suggested"`
}

// apiJudges answers GET /api/v1/judges (clerks): active judges with their open caseload,
// lightest first; the first is suggested for the next acceptance.
func (s *Server) apiJudges(c echo.Context) error {
	suggested, loads, err := s.store.SuggestJudge(c.Request().Context())
	if err != nil {
		return err
	}
	items := make([]judgeLoadView, 0, len(loads))
	for _, l := range loads {
		items = append(items, judgeLoadView{ID: l.Judge.ID, Name: l.Judge.Name, OpenCases: l.OpenCases,
			Suggested: suggested != nil && suggested.ID == l.Judge.ID})
	}
	var sid *int64
	if suggested != nil {
		sid = &suggested.ID
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "suggested_id": sid})
}

// apiDocketCSV answers GET /api/v1/docket.csv with the same filters as the list.
func (s *Server) apiDocketCSV(c echo.Context) error { return s.streamDocketCSV(c) }

// --- CSV export ---

// csvCell neutralises spreadsheet formulas: a cell starting with = + - @ (or a tab or
// carriage return, which some spreadsheets skip before reading one) gets a leading apostrophe.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

var csvHeader = []string{"id", "reference", "docket_no", "status", "procedure", "plaintiff", "defendant", "platform", "sector",
	"categories", "judge", "next_deadline", "overdue", "submitted_at", "updated_at"}

// streamDocketCSV writes the current docket view as CSV, a keyset page at a time, flushing as
// it goes so a long export neither waits nor holds the docket in memory.
func (s *Server) streamDocketCSV(c echo.Context) error {
	f, err := listQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := currentUser(c)
	// Check the filters before the 200 goes out, so a bad one is a clean 400.
	probe := f
	probe.Limit = 1
	if _, err := s.store.ListCases(ctx, u, probe); err != nil {
		return err
	}
	now := s.store.Now()
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="docket-`+now.In(s.store.Court().Location).Format("20060102-1504")+`.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	// A UTF-8 byte-order mark lets spreadsheet programs read the Chinese names correctly.
	if _, err := c.Response().Write([]byte("\ufeff")); err != nil {
		return nil
	}
	w := csv.NewWriter(c.Response())
	_ = w.Write(csvHeader)
	names := map[int64]string{}
	var batch []models.Case
	flush := func() error {
		var missing []models.Case
		for _, cs := range batch {
			if cs.JudgeID != nil {
				if _, ok := names[*cs.JudgeID]; !ok {
					missing = append(missing, cs)
				}
			}
		}
		if len(missing) > 0 {
			js, err := s.judgeNames(ctx, missing)
			if err != nil {
				return err
			}
			for id, j := range js {
				names[id] = j.Name
			}
		}
		for i := range batch {
			cs := &batch[i]
			judge := ""
			if cs.JudgeID != nil {
				judge = names[*cs.JudgeID]
			}
			overdue := "no"
			if cs.NextDeadline != nil && cs.NextDeadline.Before(now) {
				overdue = "yes"
			}
			rec := []string{formatID(cs.ID), deref(cs.Reference), deref(cs.DocketNo), string(cs.Status), cs.Procedure,
				cs.PlaintiffName, cs.DefendantName, cs.DefendantPlatform, cs.DefendantSector,
				strings.Join(cs.CategoryList(), " "), judge, timeOrEmpty(cs.NextDeadline), overdue,
				timeOrEmpty(cs.SubmittedAt), rfc3339(cs.UpdatedAt)}
			for j := range rec {
				rec[j] = csvCell(rec[j])
			}
			if err := w.Write(rec); err != nil {
				return err
			}
		}
		batch = batch[:0]
		w.Flush()
		c.Response().Flush()
		return w.Error()
	}
	err = s.store.EachCase(ctx, u, f, func(cs *models.Case) error {
		batch = append(batch, *cs)
		if len(batch) == models.MaxListLimit {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		// The status line has gone out; all we can do is stop and log.
		s.log.Warn("docket export stopped", "err", err)
	}
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func timeOrEmpty(t *time.Time) string {
	if t == nil {
		return ""
	}
	return rfc3339(*t)
}

// --- pages ---

// docketRow is one line of the docket table.
type docketRow struct {
	Case     *models.Case
	Judge    string
	Deadline *deadlineRow
}

// deadlineRow is a deadline with what is left of it, for tables that must say "overdue" in
// words rather than only in colour.
type deadlineRow struct {
	Name    string
	At      time.Time
	Days    int // whole days left, or whole days overdue when Overdue
	Overdue bool
}

func newDeadlineRow(name string, at, now time.Time) deadlineRow {
	d := at.Sub(now)
	r := deadlineRow{Name: name, At: at, Overdue: d < 0}
	if d < 0 {
		// Late by any part of a day counts as a day late.
		r.Days = int((-d + 24*time.Hour - 1) / (24 * time.Hour))
		return r
	}
	r.Days = int(d / (24 * time.Hour))
	return r
}

// deadlineRows lists a case's open deadlines, soonest first.
func deadlineRows(c *models.Case, now time.Time) []deadlineRow {
	var out []deadlineRow
	for name, at := range c.Deadlines() {
		out = append(out, newDeadlineRow(name, at, now))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

type docketPageView struct {
	Rows      []docketRow
	Filter    models.CaseFilter
	Statuses  []models.Status
	Sectors   []string
	Category  []string
	Sorts     []string
	Judges    []models.User
	CountText string // "37", or "1,000+" when the count stopped at models.CountCap
	NextURL   string
	CSVURL    string
	Filtered  bool
	FirstURL  string
	StatusSet map[string]bool
}

func (s *Server) docketPage(c echo.Context) error {
	f, err := listQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := currentUser(c)
	page, err := s.store.ListCases(ctx, u, f)
	if err != nil {
		return err
	}
	if f.Sort == "" {
		f.Sort = models.DefaultSort(u)
	}
	n, capped, err := s.store.CountCasesCapped(ctx, u, f)
	if err != nil {
		return err
	}
	judges, err := s.judgeNames(ctx, page.Items)
	if err != nil {
		return err
	}
	allJudges, err := s.store.ListUsersByRole(ctx, models.RoleJudge)
	if err != nil {
		return err
	}
	v := &docketPageView{Filter: f, Statuses: models.AllStatuses[1:], Sectors: models.Sectors, Category: models.CategoryCodes(),
		Sorts: models.CaseSorts, Judges: allJudges, CountText: countText(n, capped), StatusSet: map[string]bool{}}
	for _, st := range f.Status {
		v.StatusSet[string(st)] = true
	}
	for i := range page.Items {
		row := docketRow{Case: &page.Items[i]}
		if nd := page.Items[i].NextDeadline; nd != nil {
			dl := newDeadlineRow("", *nd, s.store.Now())
			row.Deadline = &dl
		}
		if id := page.Items[i].JudgeID; id != nil && judges[*id] != nil {
			row.Judge = judges[*id].Name
		}
		v.Rows = append(v.Rows, row)
	}
	vals := filterValues(f)
	v.Filtered = len(f.Status) > 0 || f.Q != "" || f.Sector != "" || f.Category != "" || f.JudgeID > 0 || f.Overdue
	v.CSVURL = "/docket/export.csv"
	if enc := vals.Encode(); enc != "" {
		v.CSVURL += "?" + enc
	}
	if f.Cursor != "" {
		v.FirstURL = "/docket?" + vals.Encode()
	}
	if page.NextCursor != "" {
		vals.Set("cursor", page.NextCursor)
		v.NextURL = "/docket?" + vals.Encode()
	}
	p := s.newPage(c, "docket.title")
	p.Data = v
	return s.render(c, "docket/list", p)
}

// countText groups thousands and marks a capped count: 1,000+.
func countText(n int64, capped bool) string {
	raw := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range raw {
		if i > 0 && (len(raw)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if capped {
		b.WriteByte('+')
	}
	return b.String()
}

func (s *Server) docketCSV(c echo.Context) error { return s.streamDocketCSV(c) }

// docketActions are the workflow actions the review page offers, by their URL names.
var docketActions = map[string]models.Action{
	"request-amendment": models.ActRequestAmendment,
	"accept":            models.ActAccept,
	"reject":            models.ActReject,
	"serve":             models.ActServe,
	"schedule-hearing":  models.ActScheduleHearing,
	"close":             models.ActClose,
}

type reviewView struct {
	D           *CaseDetail
	Deadlines   []deadlineRow
	Can         map[string]bool
	Loads       []models.JudgeLoad
	SuggestedID int64
	Procedures  []string
	Modes       []string
	DefaultDue  string
	MaxDue      string
	MinHearing  string
	Done        string
	Conflict    string
	FormAction  string
	EvidenceURL string
}

func (s *Server) loadReview(c echo.Context, id int64) (*reviewView, error) {
	ctx := c.Request().Context()
	d, err := s.visibleCaseDetail(c, id)
	if err != nil {
		return nil, err
	}
	cs := d.Case
	loc := s.store.Court().Location
	now := s.store.Now()
	v := &reviewView{D: d, Deadlines: deadlineRows(cs, now), Can: map[string]bool{}, Procedures: models.Procedures, Modes: models.HearingModes,
		DefaultDue: now.Add(7 * 24 * time.Hour).In(loc).Format("2006-01-02"),
		MaxDue:     now.Add(30 * 24 * time.Hour).In(loc).Format("2006-01-02"),
		MinHearing: now.In(loc).Format("2006-01-02T15:04")}
	for _, a := range d.Actions {
		v.Can[apiActionName(a)] = true
	}
	if v.Can["accept"] {
		suggested, loads, err := s.store.SuggestJudge(ctx)
		if err != nil {
			return nil, err
		}
		v.Loads = loads
		if suggested != nil {
			v.SuggestedID = suggested.ID
		}
	}
	return v, nil
}

func (s *Server) docketCasePage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.loadReview(c, id)
	if err != nil {
		return err
	}
	if _, ok := docketActions[c.QueryParam("done")]; ok {
		v.Done = c.QueryParam("done")
	}
	p := s.newPage(c, "docket.review_title")
	p.Data = v
	return s.render(c, "docket/case", p)
}

// pageActionInput reads an action form. Dates from <input type=date> end at the close of
// that day in the court's zone; date-times are read in the court's zone.
func (s *Server) pageActionInput(c echo.Context, action models.Action) (models.ActionInput, map[string]string) {
	loc := s.store.Court().Location
	f := map[string]string{}
	in := models.ActionInput{
		Reason: c.FormValue("reason"), Procedure: c.FormValue("procedure"), Mode: c.FormValue("mode"),
		Location: c.FormValue("location"), Text: c.FormValue("text"),
	}
	if raw := strings.TrimSpace(c.FormValue("version")); raw != "" {
		v, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || v <= 0 {
			f["version"] = "validation.type"
		}
		in.Version = v
	}
	if raw := strings.TrimSpace(c.FormValue("judge_id")); raw != "" {
		v, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || v <= 0 {
			f["judge_id"] = "validation.judge"
		}
		in.JudgeID = v
	}
	if raw := strings.TrimSpace(c.FormValue("due")); raw != "" {
		if d, err := time.ParseInLocation("2006-01-02", raw, loc); err == nil {
			end := d.Add(24*time.Hour - time.Minute)
			if max := s.store.Now().Add(30 * 24 * time.Hour); end.After(max) && !d.After(max) {
				end = max
			}
			in.Due = &end
		} else {
			in.Due = parseTime(f, "due", raw, loc)
		}
	}
	in.At = parseTime(f, "at", c.FormValue("at"), loc)
	return in, f
}

// docketAction runs one review-page form. Success redirects back (serve shows the access code
// once instead); a validation problem re-renders the page with the errors beside the fields;
// a conflict re-renders it with the case as it now stands and says what happened.
func (s *Server) docketAction(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	name := c.Param("action")
	action, ok := docketActions[name]
	if !ok {
		return models.ErrNotFound
	}
	in, ferr := s.pageActionInput(c, action)
	var cs *models.Case
	var res *models.ActionResult
	if len(ferr) > 0 {
		err = models.Invalid(ferr)
	} else {
		cs, res, err = s.store.Advance(c.Request().Context(), currentUser(c), id, action, in)
	}
	if err != nil {
		return s.reviewError(c, id, name, err)
	}
	if action == models.ActServe {
		return s.renderServed(c, cs, res)
	}
	return c.Redirect(http.StatusSeeOther, "/docket/cases/"+formatID(id)+"?done="+name)
}

func (s *Server) reviewError(c echo.Context, id int64, action string, err error) error {
	var de *models.Error
	if !errors.As(err, &de) || (de.Kind != models.KindInvalid && de.Kind != models.KindConflict) {
		return err
	}
	v, lerr := s.loadReview(c, id)
	if lerr != nil {
		return lerr
	}
	p := s.newPage(c, "docket.review_title")
	p.Status, _, _, _ = classify(err)
	p.Form = formValues(c, "reason", "due", "procedure", "judge_id", "at", "mode", "location")
	p.Form["action"] = action
	v.FormAction = action
	if de.Kind == models.KindInvalid {
		p.Errors = de.Fields
		if len(p.Errors) == 0 {
			p.Errors = map[string]string{"": "error.validation_failed"}
		}
	} else {
		v.Conflict = de.Code
	}
	p.Data = v
	return s.render(c, "docket/case", p)
}

type servedView struct {
	Case     *models.Case
	Code     string
	ClaimURL string
}

func (s *Server) renderServed(c echo.Context, cs *models.Case, res *models.ActionResult) error {
	p := s.newPage(c, "docket.served_title")
	p.Data = servedView{Case: cs, Code: res.AccessCode, ClaimURL: c.Scheme() + "://" + c.Request().Host + "/defendant/claim"}
	return s.render(c, "docket/served", p)
}
