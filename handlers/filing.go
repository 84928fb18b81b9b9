package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// The plaintiff's pages: "My cases", the complaint task list with one page per question
// group, evidence, check your answers, declaration, submission, confirmation, the case page
// and withdrawal. Each handler is form → model → redirect; every rule is in models.

// Section states shown on the task list.
const (
	stateNotStarted = "not_started"
	stateInProgress = "in_progress"
	stateCompleted  = "completed"
	stateCannot     = "cannot_start"
	stateOptional   = "optional"
)

// sectionOrder is the order of the question pages; "Save and continue" goes to the next.
var sectionOrder = []string{"defendant", "categories", "info", "facts", "requests", "evidence"}

// fieldSection says which page asks for a field, so a missing answer links to its page.
func fieldSection(field string) string {
	switch {
	case strings.HasPrefix(field, "defendant."):
		return "defendant"
	case field == "categories":
		return "categories"
	case field == "info_types":
		return "info"
	case field == "facts":
		return "facts"
	case field == "requests" || strings.HasPrefix(field, "requests.") || field == "fee_waiver":
		return "requests"
	case field == "declaration":
		return "declaration"
	}
	return ""
}

func sectionURL(id int64, section string) string {
	if section == "declaration" {
		return "/cases/" + formatID(id) + "/declaration"
	}
	return "/cases/" + formatID(id) + "/complaint/" + section
}

func editable(c *models.Case) bool {
	return c.Status == models.StatusDraft || c.Status == models.StatusAmendmentRequested
}

// loadOwnCase loads a case for the signed-in plaintiff (404 when it is not theirs).
func (s *Server) loadOwnCase(c echo.Context) (*models.Case, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.store.CaseFor(c.Request().Context(), currentUser(c), id)
}

// --- My cases ---

type dashboardView struct {
	Cases []dashboardRow
	Next  string
}

type dashboardRow struct {
	Case     models.Case
	Link     string
	Editable bool
}

func (s *Server) myCasesPage(c echo.Context) error {
	cursor := c.QueryParam("cursor")
	if len(cursor) > 512 {
		return models.WithMessage(badRequest, "The cursor is not valid.")
	}
	page, err := s.store.ListCases(c.Request().Context(), currentUser(c), models.CaseFilter{Cursor: cursor, Limit: 25})
	if err != nil {
		return err
	}
	p := s.newPage(c, "filing.dashboard.title")
	v := dashboardView{Next: page.NextCursor}
	for _, cs := range page.Items {
		row := dashboardRow{Case: cs, Link: "/cases/" + formatID(cs.ID), Editable: editable(&cs)}
		if cs.Status == models.StatusDraft {
			row.Link += "/complaint"
		}
		v.Cases = append(v.Cases, row)
	}
	p.Data = v
	switch c.QueryParam("done") {
	case "withdrawn":
		p.Flash = "filing.flash.withdrawn"
	}
	return s.render(c, "filing/dashboard", p)
}

func (s *Server) startComplaint(c echo.Context) error {
	cs, err := s.store.CreateCase(c.Request().Context(), currentUser(c), models.ComplaintInput{})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+formatID(cs.ID)+"/complaint")
}

// --- task list ---

type taskView struct {
	Key, URL, State, Detail string
}

type taskListView struct {
	Case     *models.Case
	Tasks    []taskView
	Check    taskView
	Done     int
	Total    int
	Evidence int
}

// sectionStates works out each section's state from the case as saved.
func sectionStates(cs *models.Case, evidence int) map[string]string {
	missing := cs.MissingForSubmission()
	has := func(fields ...string) (given, miss int) {
		for _, f := range fields {
			if _, m := missing[f]; m {
				miss++
			}
		}
		return len(fields) - miss, miss
	}
	st := map[string]string{}
	state := func(anyGiven bool, miss int) string {
		switch {
		case miss == 0:
			return stateCompleted
		case anyGiven:
			return stateInProgress
		}
		return stateNotStarted
	}
	_, miss := has("defendant.name", "defendant.uscc", "defendant.sector", "defendant.platform")
	st["defendant"] = state(cs.DefendantName != "" || cs.DefendantUSCC != "" || cs.DefendantSector != "" ||
		cs.DefendantPlatform != "" || cs.DefendantAddress != "", miss)
	_, miss = has("categories")
	st["categories"] = state(false, miss)
	_, miss = has("info_types")
	st["info"] = state(false, miss)
	_, miss = has("facts")
	st["facts"] = state(cs.Facts != "", miss)
	_, miss = has("requests")
	st["requests"] = state(cs.FeeWaiverRequested, miss)
	if evidence > 0 {
		st["evidence"] = stateCompleted
	} else {
		st["evidence"] = stateOptional
	}
	return st
}

func (s *Server) taskListPage(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	if !editable(cs) {
		return c.Redirect(http.StatusSeeOther, "/cases/"+formatID(cs.ID))
	}
	ev, err := s.store.EvidenceList(c.Request().Context(), cs.ID)
	if err != nil {
		return err
	}
	states := sectionStates(cs, len(ev))
	v := taskListView{Case: cs, Evidence: len(ev)}
	for _, key := range sectionOrder {
		t := taskView{Key: key, URL: sectionURL(cs.ID, key), State: states[key]}
		v.Tasks = append(v.Tasks, t)
		if key != "evidence" {
			v.Total++
			if t.State == stateCompleted {
				v.Done++
			}
		}
	}
	v.Check = taskView{Key: "check", URL: "/cases/" + formatID(cs.ID) + "/check", State: stateNotStarted}
	if v.Done < v.Total {
		v.Check.State = stateCannot
	}
	p := s.newPage(c, "filing.tasks.title")
	p.Data = v
	if c.QueryParam("saved") == "1" {
		p.Flash = "filing.flash.saved"
	}
	return s.render(c, "filing/tasklist", p)
}

// --- question pages ---

// sectionView is what every question page receives.
type sectionView struct {
	Case       *models.Case
	Section    string
	Action     string
	Return     string
	Back       string
	Selected   map[string]bool
	Sectors    []string
	Categories []models.Category
	InfoTypes  []string
	MaxFacts   int
}

const maxFactsChars = 20000

// sectionValues fills a question page from the saved case.
func sectionValues(section string, cs *models.Case) (map[string]string, map[string]bool) {
	form := map[string]string{}
	sel := map[string]bool{}
	switch section {
	case "defendant":
		form["defendant.name"] = cs.DefendantName
		form["defendant.uscc"] = cs.DefendantUSCC
		form["defendant.platform"] = cs.DefendantPlatform
		form["defendant.address"] = cs.DefendantAddress
		sel[cs.DefendantSector] = true
	case "categories":
		for _, k := range cs.CategoryList() {
			sel[k] = true
		}
	case "info":
		for _, k := range cs.InfoTypeList() {
			sel[k] = true
		}
	case "facts":
		form["facts"] = cs.Facts
	case "requests":
		sel["stop_processing"] = cs.ReqStopProcessing
		sel["deletion"] = cs.ReqDeletion
		sel["apology"] = cs.ReqApology
		sel["fee_waiver"] = cs.FeeWaiverRequested
		if cs.ReqCompensationFen > 0 {
			form["requests.compensation"] = models.FormatYuan(cs.ReqCompensationFen)
		}
		if cs.ReqCostsFen > 0 {
			form["requests.costs"] = models.FormatYuan(cs.ReqCostsFen)
		}
	}
	return form, sel
}

// sectionInput reads a question page's form into a complaint change touching only that
// section, and what was typed (to show again after an error).
func sectionInput(section string, c echo.Context) (models.ComplaintInput, map[string]string, map[string]bool, error) {
	params, err := c.FormParams()
	if err != nil {
		return models.ComplaintInput{}, nil, nil, models.WithMessage(badRequest, "The form could not be read.")
	}
	form := map[string]string{}
	sel := map[string]bool{}
	val := func(k string) *string {
		v := params.Get(k)
		form[k] = v
		return &v
	}
	list := func(k string) *[]string {
		vs := []string{}
		for _, v := range params[k] {
			if v != "" {
				vs = append(vs, v)
				sel[v] = true
			}
		}
		return &vs
	}
	flag := func(k string) *bool {
		b := params.Get(k) != ""
		sel[k] = b
		return &b
	}
	var in models.ComplaintInput
	switch section {
	case "defendant":
		sector := params.Get("defendant.sector")
		sel[sector] = true
		in.Defendant = &models.DefendantInput{Name: val("defendant.name"), USCC: val("defendant.uscc"), Sector: &sector,
			Platform: val("defendant.platform"), Address: val("defendant.address")}
	case "categories":
		in.Categories = list("categories")
	case "info":
		in.InfoTypes = list("info_types")
	case "facts":
		in.Facts = val("facts")
	case "requests":
		in.Requests = &models.RequestsInput{StopProcessing: flag("stop_processing"), Deletion: flag("deletion"),
			Apology: flag("apology"), Compensation: val("requests.compensation"), Costs: val("requests.costs")}
		in.FeeWaiver = flag("fee_waiver")
	}
	return in, form, sel, nil
}

func (s *Server) sectionPageView(c echo.Context, section string, cs *models.Case, sel map[string]bool) *sectionView {
	ret := ""
	back := "/cases/" + formatID(cs.ID) + "/complaint"
	if c.QueryParam("return") == "check" || c.FormValue("return") == "check" {
		ret = "check"
		back = "/cases/" + formatID(cs.ID) + "/check"
	}
	action := sectionURL(cs.ID, section)
	if ret != "" {
		action += "?return=check"
	}
	return &sectionView{Case: cs, Section: section, Action: action, Return: ret, Back: back, Selected: sel,
		Sectors: models.Sectors, Categories: models.Categories, InfoTypes: models.InfoTypes, MaxFacts: maxFactsChars}
}

func (s *Server) sectionPage(section string) echo.HandlerFunc {
	return func(c echo.Context) error {
		cs, err := s.loadOwnCase(c)
		if err != nil {
			return err
		}
		if !editable(cs) {
			return c.Redirect(http.StatusSeeOther, "/cases/"+formatID(cs.ID))
		}
		form, sel := sectionValues(section, cs)
		p := s.newPage(c, "filing."+section+".title")
		p.Form = form
		p.Data = s.sectionPageView(c, section, cs, sel)
		return s.render(c, "filing/"+section, p)
	}
}

func (s *Server) saveSection(section string) echo.HandlerFunc {
	return func(c echo.Context) error {
		cs, err := s.loadOwnCase(c)
		if err != nil {
			return err
		}
		in, form, sel, err := sectionInput(section, c)
		if err != nil {
			return err
		}
		updated, err := s.store.UpdateComplaint(c.Request().Context(), currentUser(c), cs.ID, in, 0)
		if err != nil {
			var de *models.Error
			if errors.As(err, &de) && de.Kind == models.KindInvalid {
				p := s.newPage(c, "filing."+section+".title")
				p.Status = http.StatusUnprocessableEntity
				p.Errors = de.Fields
				p.Form = form
				p.Data = s.sectionPageView(c, section, cs, sel)
				return s.render(c, "filing/"+section, p)
			}
			return err
		}
		if c.QueryParam("return") == "check" {
			return c.Redirect(http.StatusSeeOther, "/cases/"+formatID(updated.ID)+"/check")
		}
		return c.Redirect(http.StatusSeeOther, nextSectionURL(updated.ID, section))
	}
}

func nextSectionURL(id int64, section string) string {
	for i, k := range sectionOrder {
		if k == section && i+1 < len(sectionOrder) {
			return sectionURL(id, sectionOrder[i+1])
		}
	}
	return "/cases/" + formatID(id) + "/complaint?saved=1"
}

// --- evidence ---

type evidencePageView struct {
	Case         *models.Case
	Evidence     []models.Evidence
	CanRemove    bool
	CanAdd       bool
	Editable     bool
	Return       string
	Back         string
	MaxUploadMiB int64
	MaxFiles     int
	AllowedTypes string
	Added        int
}

func (s *Server) evidencePageData(c echo.Context, cs *models.Case) (*evidencePageView, error) {
	ev, err := s.store.EvidenceList(c.Request().Context(), cs.ID)
	if err != nil {
		return nil, err
	}
	u := currentUser(c)
	mine := 0
	for _, e := range ev {
		if e.SubmittedBy == u.ID {
			mine++
		}
	}
	v := &evidencePageView{Case: cs, Evidence: ev, CanRemove: cs.Status == models.StatusDraft, Editable: editable(cs),
		CanAdd: s.store.CheckEvidenceAllowed(c.Request().Context(), u, cs.ID) == nil,
		Back:   "/cases/" + formatID(cs.ID) + "/complaint", MaxUploadMiB: s.opts.MaxUploadBytes >> 20,
		MaxFiles: maxFilesPerRequest, AllowedTypes: models.AllowedEvidenceTypesText}
	if !v.Editable {
		v.Back = "/cases/" + formatID(cs.ID)
	}
	if c.QueryParam("return") == "check" {
		v.Return = "check"
		v.Back = "/cases/" + formatID(cs.ID) + "/check"
	}
	return v, nil
}

func (s *Server) evidencePage(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	v, err := s.evidencePageData(c, cs)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(c.QueryParam("added")); err == nil && n > 0 {
		v.Added = n
	}
	p := s.newPage(c, "filing.evidence.title")
	p.Data = v
	if c.QueryParam("removed") == "1" {
		p.Flash = "filing.flash.evidence_removed"
	}
	return s.render(c, "filing/evidence", p)
}

// pageFieldNames renames model field keys that are too generic to own a catalog label
// (another area may label its own "title" or "reason"), and gives the page's inputs ids
// of their own.
var pageFieldNames = map[string]string{
	"title": "evidence_title", "description": "evidence_description", "file": "evidence_file", "files": "evidence_file",
	"reason": "withdraw_reason",
}

func pageFields(fields map[string]string) map[string]string {
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		if n, ok := pageFieldNames[k]; ok {
			k = n
		}
		out[k] = v
	}
	return out
}

func (s *Server) evidenceUploadSubmit(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	added, err := s.receiveEvidence(c, cs.ID)
	if err == nil {
		to := "/cases/" + formatID(cs.ID) + "/complaint/evidence?added=" + strconv.Itoa(len(added))
		if c.QueryParam("return") == "check" {
			to += "&return=check"
		}
		return c.Redirect(http.StatusSeeOther, to)
	}
	var de *models.Error
	if !errors.As(err, &de) {
		return err
	}
	p := s.newPage(c, "filing.evidence.title")
	if !s.uploadErrors(p, de) {
		return err
	}
	// Refresh the case: the upload may have been refused because it moved on.
	if cs, err = s.store.CaseFor(c.Request().Context(), currentUser(c), cs.ID); err != nil {
		return err
	}
	v, err := s.evidencePageData(c, cs)
	if err != nil {
		return err
	}
	p.Data = v
	return s.render(c, "filing/evidence", p)
}

// uploadErrors puts a refused upload's reason on the page, next to the file input
// ("evidence_file") or at the top; it reports false for errors a page cannot explain.
func (s *Server) uploadErrors(p *Page, de *models.Error) bool {
	p.Status, _, _, _ = classify(de)
	switch de.Kind {
	case models.KindInvalid:
		p.Errors = pageFields(de.Fields)
	case models.KindTooLarge:
		p.Errors = map[string]string{"evidence_file": "filing.error.file_too_large"}
		p.ErrorArgs = map[string][]any{"evidence_file": {s.opts.MaxUploadBytes >> 20, s.opts.MaxRequestBytes >> 20}}
	case models.KindUnsupportedType:
		p.Errors = map[string]string{"evidence_file": "filing.error.file_type"}
		p.ErrorArgs = map[string][]any{"evidence_file": {models.AllowedEvidenceTypesText}}
	case models.KindConflict:
		key := "error." + de.Code
		if !s.cat.Has(key) {
			key = "error.illegal_transition"
		}
		p.Errors = map[string]string{"": key}
	default:
		return false
	}
	return true
}

func (s *Server) evidenceRemoveSubmit(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	eid, err := pathID(c, "eid")
	if err != nil {
		return err
	}
	if err := s.store.RemoveEvidence(c.Request().Context(), currentUser(c), cs.ID, eid); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+formatID(cs.ID)+"/complaint/evidence?removed=1")
}

// --- check your answers, declaration, submission ---

type missingItem struct {
	Field, Key, URL string
}

type checkView struct {
	Case      *models.Case
	Evidence  []models.Evidence
	Fee       models.Fee
	Missing   []missingItem
	Declared  bool
	FormToken string
	Base      string
}

func newFormToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

func (s *Server) checkData(c echo.Context, cs *models.Case) (*checkView, error) {
	ev, err := s.store.EvidenceList(c.Request().Context(), cs.ID)
	if err != nil {
		return nil, err
	}
	v := &checkView{Case: cs, Evidence: ev, Fee: cs.Fee(s.store.Court().PerCaseFen), Declared: cs.DeclaredAt != nil,
		FormToken: newFormToken(), Base: "/cases/" + formatID(cs.ID)}
	missing := cs.MissingForSubmission()
	keys := make([]string, 0, len(missing))
	for k := range missing {
		keys = append(keys, k)
	}
	order := map[string]int{}
	for i, k := range []string{"defendant.name", "defendant.uscc", "defendant.sector", "defendant.platform", "categories",
		"info_types", "facts", "requests"} {
		order[k] = i
	}
	sort.Slice(keys, func(i, j int) bool { return order[keys[i]] < order[keys[j]] })
	for _, k := range keys {
		v.Missing = append(v.Missing, missingItem{Field: k, Key: missing[k], URL: sectionURL(cs.ID, fieldSection(k)) + "?return=check#" + k})
	}
	return v, nil
}

func (s *Server) checkPage(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	if !editable(cs) {
		return c.Redirect(http.StatusSeeOther, "/cases/"+formatID(cs.ID))
	}
	v, err := s.checkData(c, cs)
	if err != nil {
		return err
	}
	p := s.newPage(c, "filing.check.title")
	p.Data = v
	return s.render(c, "filing/check", p)
}

func (s *Server) declarationPage(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	if !editable(cs) {
		return c.Redirect(http.StatusSeeOther, "/cases/"+formatID(cs.ID))
	}
	p := s.newPage(c, "filing.declaration.title")
	p.Data = cs
	p.Form = map[string]string{}
	if cs.DeclaredAt != nil {
		p.Form["declaration"] = "yes"
	}
	return s.render(c, "filing/declaration", p)
}

func (s *Server) declarationSubmit(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	agreed := c.FormValue("declaration") == "yes"
	if !agreed {
		p := s.newPage(c, "filing.declaration.title")
		p.Status = http.StatusUnprocessableEntity
		p.Errors = map[string]string{"declaration": "validation.declaration"}
		p.Data = cs
		return s.render(c, "filing/declaration", p)
	}
	if _, err := s.store.UpdateComplaint(c.Request().Context(), currentUser(c), cs.ID, models.ComplaintInput{Declaration: &agreed}, 0); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+formatID(cs.ID)+"/check#submit")
}

func validFormToken(t string) bool {
	if len(t) != 32 {
		return false
	}
	_, err := hex.DecodeString(t)
	return err == nil
}

// submitComplaint files the complaint. The check page embeds a random one-time token and
// Store.Once runs the submission at most once per token, so a double click or a replayed
// form makes one filing and lands on the same confirmation page.
func (s *Server) submitComplaint(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	tok := c.FormValue("form_token")
	if !validFormToken(tok) {
		return models.WithMessage(badRequest, "The form is missing its one-time token. Reload the page and try again.")
	}
	u := currentUser(c)
	ctx := c.Request().Context()
	reply, _, err := s.store.Once(ctx, u.ID, "form:"+tok, "page:submit:"+formatID(cs.ID), "", func() (models.Reply, error) {
		if _, _, err := s.store.Advance(ctx, u, cs.ID, models.ActSubmit, models.ActionInput{}); err != nil {
			return models.Reply{}, err
		}
		return models.Reply{Status: http.StatusSeeOther, Body: []byte("/cases/" + formatID(cs.ID) + "/confirmation")}, nil
	})
	if err != nil {
		var de *models.Error
		if errors.As(err, &de) && de.Kind == models.KindInvalid && len(de.Fields) > 0 {
			v, lerr := s.checkData(c, cs)
			if lerr != nil {
				return lerr
			}
			p := s.newPage(c, "filing.check.title")
			p.Status = http.StatusUnprocessableEntity
			p.Errors = de.Fields
			p.Data = v
			return s.render(c, "filing/check", p)
		}
		return err
	}
	return c.Redirect(reply.Status, string(reply.Body))
}

type confirmationView struct {
	Case     *models.Case
	Fee      models.Fee
	Evidence []models.Evidence
}

func (s *Server) confirmationPage(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	if cs.Reference == nil {
		return c.Redirect(http.StatusSeeOther, "/cases/"+formatID(cs.ID)+"/complaint")
	}
	ev, err := s.store.EvidenceList(c.Request().Context(), cs.ID)
	if err != nil {
		return err
	}
	p := s.newPage(c, "filing.confirmation.title")
	p.Data = confirmationView{Case: cs, Fee: cs.Fee(s.store.Court().PerCaseFen), Evidence: ev}
	return s.render(c, "filing/confirmation", p)
}

// --- the plaintiff's case page ---

type deadlineItem struct {
	Name string
	At   time.Time
}

type timelineItem struct {
	Label string
	Event models.CaseEvent
}

type casePageView struct {
	D           *CaseDetail
	Fee         models.Fee
	Deadlines   []deadlineItem
	Timeline    []timelineItem
	Editable    bool
	CanWithdraw bool
	CanAddEv    bool
	Previewable map[int64]bool
}

func (s *Server) plaintiffCasePage(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	d, err := s.loadCaseDetail(c.Request().Context(), u, cs)
	if err != nil {
		return err
	}
	p := s.newPage(c, "filing.case.title")
	v := casePageView{D: d, Fee: cs.Fee(s.store.Court().PerCaseFen), Editable: editable(cs), Previewable: map[int64]bool{}}
	for name, t := range cs.Deadlines() {
		v.Deadlines = append(v.Deadlines, deadlineItem{Name: name, At: t})
	}
	sort.Slice(v.Deadlines, func(i, j int) bool { return v.Deadlines[i].At.Before(v.Deadlines[j].At) })
	for i := len(d.Events) - 1; i >= 0; i-- {
		e := d.Events[i]
		label := e.Action
		if s.cat.Has("action." + e.Action) {
			label = s.cat.T(p.Lang, "action."+e.Action)
		}
		v.Timeline = append(v.Timeline, timelineItem{Label: label, Event: e})
	}
	for _, a := range d.Actions {
		if a == models.ActWithdraw {
			v.CanWithdraw = true
		}
	}
	for _, e := range d.Evidence {
		v.Previewable[e.ID] = previewTypes[e.MediaType]
	}
	v.CanAddEv = !v.Editable && s.store.CheckEvidenceAllowed(c.Request().Context(), u, cs.ID) == nil
	p.Data = v
	switch c.QueryParam("done") {
	case "withdrawn":
		p.Flash = "filing.flash.withdrawn"
	}
	return s.render(c, "filing/case", p)
}

// --- withdrawal ---

func (s *Server) withdrawPage(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	p := s.newPage(c, "filing.withdraw.title")
	p.Data = withdrawView{Case: cs, Fee: s.withdrawFee(cs)}
	return s.render(c, "filing/withdraw", p)
}

type withdrawView struct {
	Case *models.Case
	Fee  models.Fee
}

// withdrawFee is what the fee would be after withdrawing (half once the case was accepted).
func (s *Server) withdrawFee(cs *models.Case) models.Fee {
	after := *cs
	after.Status = models.StatusWithdrawn
	return after.Fee(s.store.Court().PerCaseFen)
}

func (s *Server) withdrawSubmit(c echo.Context) error {
	cs, err := s.loadOwnCase(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	_, _, err = s.store.Advance(c.Request().Context(), currentUser(c), cs.ID, models.ActWithdraw, models.ActionInput{Reason: reason})
	if err != nil {
		var de *models.Error
		if errors.As(err, &de) && de.Kind == models.KindInvalid {
			p := s.newPage(c, "filing.withdraw.title")
			p.Status = http.StatusUnprocessableEntity
			p.Errors = pageFields(de.Fields)
			p.Form = map[string]string{"withdraw_reason": reason}
			p.Data = withdrawView{Case: cs, Fee: s.withdrawFee(cs)}
			return s.render(c, "filing/withdraw", p)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+formatID(cs.ID)+"?done=withdrawn")
}
