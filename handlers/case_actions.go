package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// apiActionName is the URL form of an action (request_amendment → request-amendment).
func apiActionName(a models.Action) string { return strings.ReplaceAll(string(a), "_", "-") }

// actionBody is every field any action accepts; each action reads its own (API.md table).
type actionBody struct {
	Reason       string      `json:"reason" form:"reason"`
	Due          string      `json:"due" form:"due"`
	Procedure    string      `json:"procedure" form:"procedure"`
	JudgeID      int64       `json:"judge_id" form:"judge_id"`
	Text         string      `json:"text" form:"text"`
	At           string      `json:"at" form:"at"`
	Mode         string      `json:"mode" form:"mode"`
	Location     string      `json:"location" form:"location"`
	Questions    string      `json:"questions" form:"questions"`
	ResponsesDue string      `json:"responses_due" form:"responses_due"`
	Minutes      string      `json:"minutes" form:"minutes"`
	Outcome      string      `json:"outcome" form:"outcome"`
	Findings     []string    `json:"findings" form:"findings"`
	Orders       *ordersBody `json:"orders"`
	FeeBorneBy   string      `json:"fee_borne_by" form:"fee_borne_by"`
	Reasoning    string      `json:"reasoning" form:"reasoning"`
	Terms        string      `json:"terms" form:"terms"`
	Version      int64       `json:"version" form:"version"`
	// Declaration on submit: absent or true means the caller declares the complaint true and
	// accepts electronic service by submitting it; false submits only an already-declared case.
	Declaration *bool `json:"declaration" form:"-"`
}

type ordersBody struct {
	StopProcessing bool   `json:"stop_processing" form:"stop_processing"`
	Deletion       bool   `json:"deletion" form:"deletion"`
	Apology        bool   `json:"apology" form:"apology"`
	Compensation   string `json:"compensation" form:"compensation"`
	Costs          string `json:"costs" form:"costs"`
}

// parseTime reads an RFC 3339 time; a date-time-local value from a page form is read in
// the court's zone.
func parseTime(f map[string]string, field, raw string, loc *time.Location) *time.Time {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return &t
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, raw, loc); err == nil {
			return &t
		}
	}
	f[field] = "validation.datetime"
	return nil
}

func parseMoney(f map[string]string, field, raw string) int64 {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0
	}
	v, err := models.ParseYuan(raw)
	if err != nil {
		f[field] = models.MoneyErrorKey(err)
	}
	return v
}

// input converts the body to the model's ActionInput, collecting format errors per field.
func (b actionBody) input(action models.Action, loc *time.Location) (models.ActionInput, error) {
	f := map[string]string{}
	in := models.ActionInput{
		Reason: b.Reason, Procedure: b.Procedure, JudgeID: b.JudgeID, Text: b.Text, Mode: b.Mode, Location: b.Location,
		Questions: b.Questions, Minutes: b.Minutes, Terms: b.Terms, Version: b.Version,
		Due: parseTime(f, "due", b.Due, loc), At: parseTime(f, "at", b.At, loc), ResponsesDue: parseTime(f, "responses_due", b.ResponsesDue, loc),
	}
	if action == models.ActRule {
		r := &models.RulingInput{Outcome: b.Outcome, Findings: b.Findings, FeeBorneBy: b.FeeBorneBy, Reasoning: b.Reasoning}
		if b.Orders != nil {
			r.StopProcessing, r.Deletion, r.Apology = b.Orders.StopProcessing, b.Orders.Deletion, b.Orders.Apology
			r.CompensationFen = parseMoney(f, "orders.compensation", b.Orders.Compensation)
			r.CostsFen = parseMoney(f, "orders.costs", b.Orders.Costs)
		}
		in.Ruling = r
	}
	if len(f) > 0 {
		return in, models.Invalid(f)
	}
	return in, nil
}

// apiCaseAction runs POST /api/v1/cases/{id}/{action}. An Idempotency-Key header makes a
// retry return the first reply and change nothing.
func (s *Server) apiCaseAction(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	action := models.Action(strings.ReplaceAll(c.Param("action"), "-", "_"))
	if _, ok := models.TransitionFor(action); !ok || strings.Contains(c.Param("action"), "_") {
		return models.ErrNotFound
	}
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return jsonError(err)
	}
	var body actionBody
	if len(bytes.TrimSpace(raw)) > 0 {
		c.Request().Body = io.NopCloser(bytes.NewReader(raw))
		if err := bindJSON(c, &body); err != nil {
			return err
		}
	}
	u := currentUser(c)
	sum := sha256.Sum256(raw)
	reply, _, err := s.store.Once(c.Request().Context(), u.ID, c.Request().Header.Get("Idempotency-Key"),
		"case:"+formatID(id)+":"+string(action), hex.EncodeToString(sum[:]), func() (models.Reply, error) {
			in, err := body.input(action, s.store.Court().Location)
			if err != nil {
				return models.Reply{}, err
			}
			in.Declare = action == models.ActSubmit && (body.Declaration == nil || *body.Declaration)
			cs, res, err := s.store.Advance(c.Request().Context(), u, id, action, in)
			if err != nil {
				return models.Reply{}, err
			}
			out, err := s.caseReply(c, u, cs, res)
			if err != nil {
				return models.Reply{}, err
			}
			return models.Reply{Status: http.StatusOK, Body: out}, nil
		})
	if err != nil {
		return err
	}
	return c.JSONBlob(reply.Status, reply.Body)
}

func (s *Server) caseReply(c echo.Context, u *models.User, cs *models.Case, res *models.ActionResult) ([]byte, error) {
	d, err := s.loadCaseDetail(c.Request().Context(), u, cs)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"case": s.viewCase(d)}
	if res != nil && res.AccessCode != "" {
		out["access_code"] = res.AccessCode
	}
	return json.Marshal(out)
}

// apiGetCase answers GET /api/v1/cases/{id}.
func (s *Server) apiGetCase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u := currentUser(c)
	cs, err := s.store.CaseFor(c.Request().Context(), u, id)
	if err != nil {
		return err
	}
	out, err := s.caseReply(c, u, cs, nil)
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, out)
}
