package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"netcourt/models/testkit"
)

func TestCreateCaseRolesAndMalformed(t *testing.T) {
	f := testkit.NewStore(t)
	e := testkit.NewServer(t, f)
	p := testkit.LoginAPI(t, e, f.Plaintiff(t).Email, testkit.Password)
	clerk := testkit.LoginAPI(t, e, f.Clerk(t).Email, testkit.Password)
	judge := testkit.LoginAPI(t, e, f.Judge(t).Email, testkit.Password)
	def := testkit.LoginAPI(t, e, f.Defendant(t).Email, testkit.Password)
	cases := []struct {
		name   string
		opts   []testkit.ReqOpt
		body   any
		status int
		code   string
	}{
		{"plaintiff creates a draft", []testkit.ReqOpt{testkit.Bearer(p)}, fullComplaint(), 201, ""},
		{"empty draft is fine", []testkit.ReqOpt{testkit.Bearer(p)}, map[string]any{}, 201, ""},
		{"unauthenticated", nil, fullComplaint(), 401, "unauthorized"},
		{"bad token", []testkit.ReqOpt{testkit.Bearer("nope")}, fullComplaint(), 401, "unauthorized"},
		{"clerk", []testkit.ReqOpt{testkit.Bearer(clerk)}, fullComplaint(), 403, "forbidden"},
		{"judge", []testkit.ReqOpt{testkit.Bearer(judge)}, fullComplaint(), 403, "forbidden"},
		{"defendant", []testkit.ReqOpt{testkit.Bearer(def)}, fullComplaint(), 403, "forbidden"},
		{"malformed JSON", []testkit.ReqOpt{testkit.Bearer(p), testkit.Raw("application/json", []byte(`{"facts": `))}, nil, 400, "bad_request"},
		{"not JSON", []testkit.ReqOpt{testkit.Bearer(p), testkit.Raw("text/plain", []byte(`hello`))}, nil, 400, "bad_request"},
		{"two objects", []testkit.ReqOpt{testkit.Bearer(p), testkit.Raw("application/json", []byte(`{}{}`))}, nil, 400, "bad_request"},
		{"wrong type", []testkit.ReqOpt{testkit.Bearer(p), testkit.Raw("application/json", []byte(`{"facts": 5}`))}, nil, 422, "validation_failed"},
		{"oversized body", []testkit.ReqOpt{testkit.Bearer(p), testkit.Raw("application/json", []byte(`{"facts":"`+strings.Repeat("a", 2<<20)+`"}`))}, nil, 413, "too_large"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := testkit.Do(t, e, http.MethodPost, "/api/v1/cases", tc.body, tc.opts...)
			wantStatus(t, rec, tc.status)
			if tc.code != "" {
				v := testkit.DecodeJSON[struct {
					Error struct{ Code string } `json:"error"`
				}](t, rec)
				if v.Error.Code != tc.code {
					t.Fatalf("code %q, want %q", v.Error.Code, tc.code)
				}
				return
			}
			v := testkit.DecodeJSON[caseReply](t, rec)
			if v.Case.Status != "draft" || v.Case.ID == 0 || v.Case.Reference != nil {
				t.Fatalf("created %+v", v.Case)
			}
		})
	}
}

func TestComplaintValidation(t *testing.T) {
	f := testkit.NewStore(t)
	e := testkit.NewServer(t, f)
	p := testkit.LoginAPI(t, e, f.Plaintiff(t).Email, testkit.Password)
	with := func(mut func(m map[string]any)) map[string]any {
		m := fullComplaint()
		mut(m)
		return m
	}
	def := func(k, v string) map[string]any {
		return with(func(m map[string]any) { m["defendant"].(map[string]any)[k] = v })
	}
	req := func(k, v string) map[string]any {
		return with(func(m map[string]any) { m["requests"].(map[string]any)[k] = v })
	}
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"USCC wrong check digit", def("uscc", "91110000802100433C"), "defendant.uscc"},
		{"USCC too short", def("uscc", "9111000080"), "defendant.uscc"},
		{"USCC forbidden letters", def("uscc", "91110000802100433I"), "defendant.uscc"},
		{"unknown sector", def("sector", "gambling"), "defendant.sector"},
		{"unknown category", with(func(m map[string]any) { m["categories"] = []string{"leak", "spying"} }), "categories"},
		{"duplicate category", with(func(m map[string]any) { m["categories"] = []string{"leak", "leak"} }), "categories"},
		{"unknown info type", with(func(m map[string]any) { m["info_types"] = []string{"dna"} }), "info_types"},
		{"negative compensation", req("compensation", "-5.00"), "requests.compensation"},
		{"absurd compensation", req("compensation", "99999999999999"), "requests.compensation"},
		{"compensation with exponent", req("compensation", "1e9"), "requests.compensation"},
		{"three decimals", req("costs", "1.005"), "requests.costs"},
		{"over-long facts", with(func(m map[string]any) { m["facts"] = strings.Repeat("事", 20001) }), "facts"},
		{"over-long company", def("name", strings.Repeat("x", 201)), "defendant.name"},
		{"over-long platform", def("platform", strings.Repeat("x", 201)), "defendant.platform"},
		{"over-long address", def("address", strings.Repeat("x", 301)), "defendant.address"},
		{"control characters", def("name", "Evil\x00Corp"), "defendant.name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{http.MethodPost, http.MethodPatch} {
				path := "/api/v1/cases"
				if method == http.MethodPatch {
					path = fmt.Sprintf("/api/v1/cases/%d", createCase(t, e, p, map[string]any{}))
				}
				rec := testkit.Do(t, e, method, path, tc.body, testkit.Bearer(p))
				wantStatus(t, rec, 422)
				v := testkit.DecodeJSON[struct {
					Error struct {
						Code   string            `json:"code"`
						Fields map[string]string `json:"fields"`
					} `json:"error"`
				}](t, rec)
				if v.Error.Fields[tc.field] == "" || strings.HasPrefix(v.Error.Fields[tc.field], "validation.") {
					t.Fatalf("%s: fields %v, want a message for %s", method, v.Error.Fields, tc.field)
				}
			}
		})
	}
}

func TestPatchCase(t *testing.T) {
	f := testkit.NewStore(t)
	e := testkit.NewServer(t, f)
	pu := f.Plaintiff(t)
	p := testkit.LoginAPI(t, e, pu.Email, testkit.Password)
	other := testkit.LoginAPI(t, e, f.Plaintiff(t).Email, testkit.Password)
	clerk := testkit.LoginAPI(t, e, f.Clerk(t).Email, testkit.Password)
	id := createCase(t, e, p, map[string]any{"facts": "first version of the facts"})
	path := fmt.Sprintf("/api/v1/cases/%d", id)

	rec := testkit.Do(t, e, http.MethodPatch, path, map[string]any{"defendant": map[string]any{"name": "ACME"}, "fee_waiver": true}, testkit.Bearer(p))
	wantStatus(t, rec, 200)
	cs, _ := f.Store.CaseFor(context.Background(), pu, id)
	if cs.DefendantName != "ACME" || cs.Facts != "first version of the facts" || !cs.FeeWaiverRequested {
		t.Fatalf("PATCH must change only what was sent: %+v", cs)
	}
	wantStatus(t, testkit.Do(t, e, http.MethodPatch, path, map[string]any{"facts": "x"}, testkit.Bearer(other)), 404)
	wantStatus(t, testkit.Do(t, e, http.MethodPatch, "/api/v1/cases/999999", map[string]any{"facts": "x"}, testkit.Bearer(p)), 404)
	wantStatus(t, testkit.Do(t, e, http.MethodPatch, "/api/v1/cases/abc", map[string]any{"facts": "x"}, testkit.Bearer(p)), 404)
	wantStatus(t, testkit.Do(t, e, http.MethodPatch, path, map[string]any{"facts": "x"}, testkit.Bearer(clerk)), 403)
	wantStatus(t, testkit.Do(t, e, http.MethodPatch, path, map[string]any{"facts": "x"}), 401)
	wantStatus(t, testkit.Do(t, e, http.MethodPatch, path, "{", testkit.Bearer(p), testkit.Header("Content-Type", "application/json")), 400)
	wantStatus(t, testkit.Do(t, e, http.MethodPatch, path, map[string]any{"facts": "x", "version": 1}, testkit.Bearer(p)), 409)

	// Complete it, submit it: then it is read-only.
	wantStatus(t, testkit.Do(t, e, http.MethodPatch, path, fullComplaint(), testkit.Bearer(p)), 200)
	submitCase(t, e, p, id)
	rec = testkit.Do(t, e, http.MethodPatch, path, map[string]any{"facts": "changed after submission, which is not allowed"}, testkit.Bearer(p))
	wantStatus(t, rec, 409)
	if !strings.Contains(rec.Body.String(), "illegal_transition") {
		t.Fatalf("want illegal_transition: %s", rec.Body.String())
	}
}

func TestSubmitIncompleteNamesEveryMissingPiece(t *testing.T) {
	f := testkit.NewStore(t)
	e := testkit.NewServer(t, f)
	pl := f.Plaintiff(t)
	p := testkit.LoginAPI(t, e, pl.Email, testkit.Password)
	id := createCase(t, e, p, map[string]any{})
	// Submitting through the API is itself the declaration, unless the caller says otherwise.
	rec := testkit.Do(t, e, http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/submit", id), map[string]any{"declaration": false}, testkit.Bearer(p))
	wantStatus(t, rec, 422)
	for _, field := range []string{"defendant.name", "defendant.uscc", "defendant.sector", "defendant.platform", "categories", "info_types", "facts", "requests", "declaration"} {
		if !strings.Contains(rec.Body.String(), `"`+field+`"`) {
			t.Errorf("missing %s not named: %s", field, rec.Body.String())
		}
	}
	rec = testkit.Do(t, e, http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/submit", id), map[string]any{}, testkit.Bearer(p))
	wantStatus(t, rec, 422)
	if strings.Contains(rec.Body.String(), `"declaration"`) || !strings.Contains(rec.Body.String(), `"facts"`) {
		t.Errorf("an API submit should declare, and still name what is missing: %s", rec.Body.String())
	}
	if c, err := f.Store.CaseFor(t.Context(), pl, id); err != nil || c.DeclaredAt != nil || c.Status != "draft" {
		t.Errorf("a refused submission left a trace: %+v %v", c, err)
	}
}

func TestSubmitTwiceWithSameIdempotencyKey(t *testing.T) {
	f := testkit.NewStore(t)
	e := testkit.NewServer(t, f)
	p := testkit.LoginAPI(t, e, f.Plaintiff(t).Email, testkit.Password)
	id := createCase(t, e, p, fullComplaint())
	upload(t, e, p, id, textPart("title", "Screenshot"), filePart("shot.png", pngData(1000, 1)))
	path := fmt.Sprintf("/api/v1/cases/%d/submit", id)
	first := testkit.Do(t, e, http.MethodPost, path, map[string]any{}, testkit.Bearer(p), testkit.Header("Idempotency-Key", "k-1"))
	wantStatus(t, first, 200)
	second := testkit.Do(t, e, http.MethodPost, path, map[string]any{}, testkit.Bearer(p), testkit.Header("Idempotency-Key", "k-1"))
	wantStatus(t, second, 200)
	if first.Body.String() != second.Body.String() {
		t.Fatalf("replies differ:\n%s\n%s", first.Body.String(), second.Body.String())
	}
	v := testkit.DecodeJSON[caseReply](t, first)
	if v.Case.Reference == nil || !strings.HasPrefix(*v.Case.Reference, "NC-") {
		t.Fatalf("reference %v", v.Case.Reference)
	}
	submits := 0
	evs, _ := f.Store.Events(context.Background(), id)
	for _, ev := range evs {
		if ev.Action == "submit" {
			submits++
		}
	}
	if submits != 1 {
		t.Fatalf("%d submit events, want 1", submits)
	}
	// Without the key, a second submit is refused: the case is no longer a draft.
	wantStatus(t, testkit.Do(t, e, http.MethodPost, path, map[string]any{}, testkit.Bearer(p)), 409)
}

func TestListCases(t *testing.T) {
	f := testkit.NewStore(t)
	e := testkit.NewServer(t, f)
	p := testkit.LoginAPI(t, e, f.Plaintiff(t).Email, testkit.Password)
	other := testkit.LoginAPI(t, e, f.Plaintiff(t).Email, testkit.Password)
	for i := 0; i < 3; i++ {
		createCase(t, e, p, fullComplaint())
		f.Clock.Advance(1e9)
	}
	createCase(t, e, other, fullComplaint())
	type listReply struct {
		Items []struct {
			ID        int64  `json:"id"`
			Status    string `json:"status"`
			Defendant struct {
				Name string `json:"name"`
			} `json:"defendant"`
			Plaintiff struct {
				ID int64 `json:"id"`
			} `json:"plaintiff"`
			Categories []string `json:"categories"`
		} `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	seen := map[int64]bool{}
	cursor := ""
	for pages := 0; pages < 10; pages++ {
		q := "/api/v1/cases?limit=2"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		rec := testkit.Do(t, e, http.MethodGet, q, nil, testkit.Bearer(p))
		wantStatus(t, rec, 200)
		v := testkit.DecodeJSON[listReply](t, rec)
		for _, it := range v.Items {
			if seen[it.ID] {
				t.Fatalf("case %d listed twice", it.ID)
			}
			seen[it.ID] = true
			if it.Defendant.Name == "" || len(it.Categories) != 2 || it.Status != "draft" {
				t.Fatalf("summary %+v", it)
			}
		}
		if v.NextCursor == nil {
			break
		}
		cursor = *v.NextCursor
	}
	if len(seen) != 3 {
		t.Fatalf("listed %d of the plaintiff's 3 cases", len(seen))
	}
	for _, q := range []string{"limit=0", "limit=201", "limit=abc", "cursor=!!!", "cursor=bm9wZQ", "status=bogus", "judge_id=-1"} {
		rec := testkit.Do(t, e, http.MethodGet, "/api/v1/cases?"+q, nil, testkit.Bearer(p))
		if rec.Code != 400 {
			t.Errorf("%s: status %d, want 400", q, rec.Code)
		}
	}
	wantStatus(t, testkit.Do(t, e, http.MethodGet, "/api/v1/cases", nil), 401)
}
