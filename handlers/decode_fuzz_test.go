package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"netcourt/models"
	tk "netcourt/models/testkit"
)

// Fuzz targets for the API's JSON request decoding: arbitrary bytes as the body of the
// register, complaint and action calls, through the real router. Whatever arrives, the
// server answers with a client error or success, never a 5xx (a panic would be a 500 from
// the recover middleware). Seeds are in testdata/fuzz/<Target>/ and run in every go test.

// fuzzServer is one fixture shared by every input of a fuzz run.
type fuzzServer struct {
	f       *tk.Fixture
	e       *echo.Echo
	ptok    string
	ctok    string
	jtok    string
	dtok    string
	draft   int64
	plainID int64
}

func newFuzzServer(f *testing.F) *fuzzServer {
	fx := tk.NewStore(f)
	e := tk.NewServer(f, fx)
	p, c, j, d := fx.Plaintiff(f), fx.Clerk(f), fx.Judge(f), fx.Defendant(f)
	return &fuzzServer{f: fx, e: e, plainID: p.ID,
		ptok:  tk.LoginAPI(f, e, p.Email, tk.Password),
		ctok:  tk.LoginAPI(f, e, c.Email, tk.Password),
		jtok:  tk.LoginAPI(f, e, j.Email, tk.Password),
		dtok:  tk.LoginAPI(f, e, d.Email, tk.Password),
		draft: buildCase(f, fx, p, c, j, d, models.StatusDraft, completeComplaint()),
	}
}

func noServerError(t *testing.T, what string, code int, body []byte, reply string) {
	t.Helper()
	if code >= 500 {
		t.Fatalf("%s: status %d for body %q\n%s", what, code, body, reply)
	}
	if code >= 400 {
		var v struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(reply), &v); err != nil || v.Error.Code == "" {
			t.Fatalf("%s: status %d without a JSON error for body %q: %s", what, code, body, reply)
		}
	}
}

func FuzzRegisterJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"王小明","email":"wang@example.test","password":"a long passphrase","phone":"13800138000"}`,
		`{"name":"","email":"","password":""}`,
		`{"name":"x","email":"x@example.test","password":"password","role":"admin","id":1}`,
		`{"name":123,"email":["a"],"password":{}}`,
		`{"name":"\u0000","email":"a@b.c","password":"` + "\xff\xfe" + `"}`,
		`{}`, `[]`, `null`, `"string"`, `{"name":"a"}{"name":"b"}`, `{"name":`, ``,
		`{"email":"` + "a@b.c\u202e" + `","password":"12345678"}`,
	} {
		f.Add([]byte(s))
	}
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tk.Do(t, fs.e, http.MethodPost, "/api/v1/auth/register", nil, tk.Raw("application/json", body))
		noServerError(t, "register", rec.Code, body, rec.Body.String())
		if rec.Code == http.StatusCreated {
			var v struct {
				User struct {
					Role string `json:"role"`
				} `json:"user"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &v)
			if v.User.Role != "plaintiff" {
				t.Fatalf("registered with role %q", v.User.Role)
			}
		}
	})
}

func FuzzComplaintJSON(f *testing.F) {
	good, _ := json.Marshal(map[string]any{"defendant": map[string]any{"name": "Example Co", "uscc": models.CompleteUSCC("91110000MA01ABCD2"),
		"sector": "social", "platform": "App", "address": "1 Road"}, "categories": []string{"forced_consent"}, "info_types": []string{"phone"},
		"facts": "Forced consent.", "requests": map[string]any{"stop_processing": true, "compensation": "2900.00", "costs": "0.00"}})
	for _, s := range []string{
		string(good),
		`{"defendant":{"uscc":"91110000MA01ABCD2X"},"categories":["nope"],"info_types":["phone","phone"]}`,
		`{"requests":{"compensation":"1e9","costs":"-1"}}`,
		`{"requests":{"compensation":"99999999999999999999.99"}}`,
		`{"facts":"` + "\u0000\u202e" + `","status":"decided","plaintiff_id":2,"judge_id":3,"version":99}`,
		`{"categories":null,"info_types":{},"requests":[]}`,
		`{"defendant":"x"}`, `{"declaration":"yes"}`, `[]`, `null`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	fs := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tk.Do(t, fs.e, http.MethodPost, "/api/v1/cases", nil, tk.Raw("application/json", body), tk.Bearer(fs.ptok))
		noServerError(t, "create", rec.Code, body, rec.Body.String())
		rec = tk.Do(t, fs.e, http.MethodPatch, fmt.Sprintf("/api/v1/cases/%d", fs.draft), nil, tk.Raw("application/json", body), tk.Bearer(fs.ptok))
		noServerError(t, "patch", rec.Code, body, rec.Body.String())
		// The same bytes decoded straight into the model's input never break the store.
		var in models.ComplaintInput
		if json.Unmarshal(body, &in) == nil {
			if _, err := fs.f.Store.UpdateComplaint(context.Background(), &models.User{ID: fs.plainID, Role: models.RolePlaintiff}, fs.draft, in, 0); err != nil {
				if models.KindOf(err) == 0 { // not a domain error: an internal failure
					t.Fatalf("UpdateComplaint(%q): %v", body, err)
				}
			}
		}
	})
}

// fuzzActions are the action names the fuzzer picks from, with the caller who may take them.
var fuzzActions = []string{"submit", "withdraw", "request-amendment", "accept", "reject", "serve", "answer",
	"schedule-hearing", "record-hearing", "rule", "settle", "publish", "close"}

func FuzzActionJSON(f *testing.F) {
	for i, s := range []string{
		`{}`, `{"reason":"Add the screenshots.","due":"2026-04-01T00:00:00Z"}`,
		`{"procedure":"simplified","judge_id":3}`, `{"procedure":"nope","judge_id":-1}`,
		`{"at":"not a time","mode":"video"}`, `{"at":"2026-13-45T99:99","mode":"teleport"}`,
		`{"outcome":"upheld","findings":["forced_consent"],"orders":{"compensation":"1e99"},"reasoning":"x"}`,
		`{"orders":null,"findings":null}`, `{"orders":"x"}`, `{"version":-1}`, `{"version":9223372036854775807}`,
		`{"judge_id":1.5}`, `{"judge_id":"3"}`, `{"text":` + `"` + "\x00" + `"}`, `[]`, `null`, `{`, ``,
	} {
		f.Add(uint8(i), []byte(s))
	}
	fs := newFuzzServer(f)
	tokens := []string{fs.ptok, fs.ctok, fs.jtok, fs.dtok}
	f.Fuzz(func(t *testing.T, pick uint8, body []byte) {
		action := fuzzActions[int(pick)%len(fuzzActions)]
		tok := tokens[int(pick/16)%len(tokens)]
		rec := tk.Do(t, fs.e, http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/%s", fs.draft, action), nil,
			tk.Raw("application/json", body), tk.Bearer(tok), tk.Header("Idempotency-Key", fmt.Sprintf("fuzz-%x", body)))
		noServerError(t, action, rec.Code, body, rec.Body.String())
	})
}
