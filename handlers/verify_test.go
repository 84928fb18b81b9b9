package handlers_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"netcourt/models"
	"netcourt/models/testkit"
)

// submitted files a complete complaint with one evidence file and submits it.
func submitted(t *testing.T, f *testkit.Fixture, p *models.User, evidence string) (*models.Case, *models.Evidence) {
	t.Helper()
	ctx := context.Background()
	cats, infos := []string{"forced_consent"}, []string{"phone"}
	c, err := f.Store.CreateCase(ctx, p, models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: sp("某某科技有限公司"), USCC: sp(models.CompleteUSCC("91110000MA01ABCD2")),
			Sector: sp("ecommerce"), Platform: sp("ShopApp"), Address: sp("北京市海淀区某路1号")},
		Categories: &cats, InfoTypes: &infos, Facts: sp("Forced consent to location tracking."),
		Requests: &models.RequestsInput{StopProcessing: bp(true), Compensation: sp("100.00")}, Declaration: bp(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := f.Store.AddEvidence(ctx, p, c.ID, models.EvidenceInput{Title: "log", FileName: "log.txt", Body: strings.NewReader(evidence), MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if c, _, err = f.Store.Advance(ctx, p, c.ID, models.ActSubmit, models.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	return c, ev
}

type verifyReply struct {
	EvidenceOK *bool `json:"evidence_ok"`
	ChainOK    *bool `json:"chain_ok"`
	Problems   []struct {
		CaseID     int64  `json:"case_id"`
		Reference  string `json:"reference"`
		Code       string `json:"code"`
		EvidenceID int64  `json:"evidence_id"`
		SHA256     string `json:"sha256"`
		Message    string `json:"message"`
	} `json:"problems"`
}

func TestAPIVerifyCase(t *testing.T) {
	f := testkit.NewStore(t)
	e := testkit.NewServer(t, f)
	p := f.Plaintiff(t)
	c, ev := submitted(t, f, p, "chat log <script>alert(1)</script>")
	url := "/api/v1/cases/" + strconv.FormatInt(c.ID, 10) + "/verify"
	tok := func(u *models.User) testkit.ReqOpt {
		return testkit.Bearer(testkit.LoginAPI(t, e, u.Email, testkit.Password))
	}

	for _, u := range []*models.User{p, f.Clerk(t)} {
		rec := testkit.Do(t, e, http.MethodGet, url, nil, tok(u))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d %s", u.Role, rec.Code, rec.Body)
		}
		v := testkit.DecodeJSON[verifyReply](t, rec)
		if v.EvidenceOK == nil || !*v.EvidenceOK || v.ChainOK == nil || !*v.ChainOK || v.Problems == nil || len(v.Problems) != 0 {
			t.Fatalf("%s: intact case: %s", u.Role, rec.Body)
		}
		if !strings.Contains(rec.Body.String(), `"problems":[]`) {
			t.Fatalf("problems must be an empty list, not null: %s", rec.Body)
		}
	}

	// Not visible: other plaintiffs, unassigned judges, defendants, admins all get 404.
	for _, u := range []*models.User{f.Plaintiff(t), f.Judge(t), f.Defendant(t), f.Admin(t)} {
		if rec := testkit.Do(t, e, http.MethodGet, url, nil, tok(u)); rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", u.Role, rec.Code)
		}
	}
	if rec := testkit.Do(t, e, http.MethodGet, url, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: status %d, want 401", rec.Code)
	}
	ptok := tok(p)
	for _, bad := range []string{"/api/v1/cases/abc/verify", "/api/v1/cases/-1/verify", "/api/v1/cases/99999999/verify",
		"/api/v1/cases/" + strings.Repeat("9", 400) + "/verify", "/api/v1/cases/%3Cscript%3E/verify"} {
		rec := testkit.Do(t, e, http.MethodGet, bad, nil, ptok)
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("%s: status %d %s", bad, rec.Code, rec.Body)
		}
	}
	// No state change over this route: POST is not a verify.
	if rec := testkit.Do(t, e, http.MethodPost, url, map[string]any{}, ptok); rec.Code == http.StatusOK {
		t.Errorf("POST verify answered 200")
	}

	// A flipped byte is reported, naming the file.
	path := filepath.Join(f.Blobs.Dir(), ev.SHA256[:2], ev.SHA256[2:4], ev.SHA256)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x20
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	rec := testkit.Do(t, e, http.MethodGet, url, nil, ptok)
	v := testkit.DecodeJSON[verifyReply](t, rec)
	if rec.Code != http.StatusOK || *v.EvidenceOK || !*v.ChainOK || len(v.Problems) != 1 {
		t.Fatalf("altered file: %d %s", rec.Code, rec.Body)
	}
	pr := v.Problems[0]
	if pr.Code != "evidence_altered" || pr.EvidenceID != ev.ID || pr.SHA256 != ev.SHA256 || pr.CaseID != c.ID || pr.Reference != *c.Reference || pr.Message == "" {
		t.Fatalf("problem %+v", pr)
	}
	// And the file is no longer served.
	dl := testkit.Do(t, e, http.MethodGet, "/api/v1/cases/"+strconv.FormatInt(c.ID, 10)+"/evidence/"+strconv.FormatInt(ev.ID, 10)+"/file", nil, ptok)
	if dl.Code == http.StatusOK {
		t.Fatalf("altered evidence was served")
	}
}
