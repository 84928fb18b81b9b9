package handlers_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	tk "netcourt/models/testkit"
)

// forgeClaims mirrors the claims the server issues, so each case below changes one thing.
type forgeClaims struct {
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

func TestForgedTokensAreRefused(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	ctx := context.Background()
	u := f.Plaintiff(t)
	sess, err := f.Store.StartSession(ctx, u, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	key, err := f.Store.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := f.Clock.Now()
	good := func() forgeClaims {
		return forgeClaims{SessionID: sess.Secret, RegisteredClaims: jwt.RegisteredClaims{
			Issuer: "netcourt", Audience: jwt.ClaimStrings{"netcourt-portal"}, Subject: "1",
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
		}}
	}
	sign := func(m jwt.SigningMethod, c forgeClaims, k any) string {
		t.Helper()
		s, err := jwt.NewWithClaims(m, c).SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}

	// The control: a token built this way with the real key works, so each refusal below is
	// down to the one thing changed.
	if rec := tk.Do(t, e, http.MethodGet, "/api/v1/me", nil, tk.Bearer(sign(jwt.SigningMethodHS256, good(), key))); rec.Code != http.StatusOK {
		t.Fatalf("control token: %d %s", rec.Code, rec.Body)
	}

	with := func(change func(*forgeClaims)) forgeClaims { c := good(); change(&c); return c }
	tampered := func() string {
		parts := strings.Split(sign(jwt.SigningMethodHS256, good(), key), ".")
		other := with(func(c *forgeClaims) { c.Subject = "2"; c.SessionID = "someone-elses-session" })
		parts[1] = strings.Split(sign(jwt.SigningMethodHS256, other, []byte("irrelevant-key-irrelevant-key-00")), ".")[1]
		return strings.Join(parts, ".")
	}
	noneToken, err := jwt.NewWithClaims(jwt.SigningMethodNone, good()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	// The classic confusion attack: an RS256 header with an HMAC made from "public" material.
	hsBody := strings.Join(strings.Split(sign(jwt.SigningMethodHS256, good(), key), ".")[:2], ".")
	rsHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	confused := rsHeader + "." + strings.SplitN(hsBody, ".", 2)[1] + "." + strings.Split(sign(jwt.SigningMethodHS256, good(), key), ".")[2]

	cases := []struct {
		name  string
		token string
	}{
		{"alg none", noneToken},
		{"alg none with the signature stripped", strings.TrimSuffix(noneToken, ".") + "."},
		{"HS256 with a wrong key", sign(jwt.SigningMethodHS256, good(), []byte("an-attackers-guess-at-the-key-000000"))},
		{"HS512 with the right key", sign(jwt.SigningMethodHS512, good(), key)},
		{"HS384 with the right key", sign(jwt.SigningMethodHS384, good(), key)},
		{"RS256 signed by another key", sign(jwt.SigningMethodRS256, good(), rsaKey)},
		{"RS256 header over an HS256 signature", confused},
		{"expired", sign(jwt.SigningMethodHS256, with(func(c *forgeClaims) {
			c.IssuedAt = jwt.NewNumericDate(now.Add(-3 * time.Hour))
			c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour))
		}), key)},
		{"issued in the future", sign(jwt.SigningMethodHS256, with(func(c *forgeClaims) {
			c.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour))
			c.ExpiresAt = jwt.NewNumericDate(now.Add(2 * time.Hour))
		}), key)},
		{"not yet valid", sign(jwt.SigningMethodHS256, with(func(c *forgeClaims) { c.NotBefore = jwt.NewNumericDate(now.Add(time.Hour)) }), key)},
		{"missing exp", sign(jwt.SigningMethodHS256, with(func(c *forgeClaims) { c.ExpiresAt = nil }), key)},
		{"wrong aud", sign(jwt.SigningMethodHS256, with(func(c *forgeClaims) { c.Audience = jwt.ClaimStrings{"another-app"} }), key)},
		{"missing aud", sign(jwt.SigningMethodHS256, with(func(c *forgeClaims) { c.Audience = nil }), key)},
		{"wrong iss", sign(jwt.SigningMethodHS256, with(func(c *forgeClaims) { c.Issuer = "evil" }), key)},
		{"missing iss", sign(jwt.SigningMethodHS256, with(func(c *forgeClaims) { c.Issuer = "" }), key)},
		{"missing sid", sign(jwt.SigningMethodHS256, with(func(c *forgeClaims) { c.SessionID = "" }), key)},
		{"unknown sid", sign(jwt.SigningMethodHS256, with(func(c *forgeClaims) { c.SessionID = "no-such-session" }), key)},
		{"tampered payload", tampered()},
		{"signature removed", strings.Join(strings.Split(sign(jwt.SigningMethodHS256, good(), key), ".")[:2], ".") + "."},
		{"not a JWT", "hello"},
		{"garbage base64", "a.b.c"},
		{"1 MB of dots", strings.Repeat(".", 1<<20)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			rec := tk.Do(t, e, http.MethodGet, "/api/v1/me", nil, tk.Bearer(tc.token))
			if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusRequestHeaderFieldsTooLarge {
				t.Fatalf("status %d, want 401: %s", rec.Code, rec.Body)
			}
			if strings.Contains(rec.Body.String(), u.Email) {
				t.Fatal("the reply leaks the account")
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}

func TestAuthorizationHeaderShapes(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	u := f.Plaintiff(t)
	tok := tk.LoginAPI(t, e, u.Email, tk.Password)
	cases := []struct {
		name   string
		header string
		want   int
	}{
		{"bearer in lower case", "bearer " + tok, http.StatusOK},
		{"Basic scheme", "Basic " + base64.StdEncoding.EncodeToString([]byte(u.Email+":"+tk.Password)), http.StatusUnauthorized},
		{"bare token without scheme", tok, http.StatusUnauthorized},
		{"scheme only", "Bearer", http.StatusUnauthorized},
		{"scheme and space", "Bearer ", http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if rec := tk.Do(t, e, http.MethodGet, "/api/v1/me", nil, tk.Header("Authorization", tc.header)); rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
}

// The API never accepts the browser's session cookie, and pages never accept a bearer token,
// so a cookie can never authorise an API call made from another site.
func TestCookieAndBearerDoNotCross(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	u := f.Plaintiff(t)
	cookies := tk.LoginPage(t, e, u.Email, tk.Password)
	if rec := tk.Do(t, e, http.MethodGet, "/api/v1/me", nil, tk.Cookie(cookies...)); rec.Code != http.StatusUnauthorized {
		t.Fatalf("API with the session cookie: %d, want 401", rec.Code)
	}
	tok := tk.LoginAPI(t, e, u.Email, tk.Password)
	if rec := tk.Do(t, e, http.MethodGet, "/account", nil, tk.Bearer(tok)); rec.Code != http.StatusSeeOther {
		t.Fatalf("page with a bearer token: %d, want a redirect to sign in", rec.Code)
	}
}
