package handlers

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Tokens issues and checks access tokens. One algorithm is pinned (HS256) and exp, iss and aud
// are required; the sid claim points at a server-side session that must still be live.
type Tokens struct {
	key      []byte
	issuer   string
	audience string
}

// NewTokens builds a token issuer from the signing key.
func NewTokens(key []byte, issuer, audience string) (*Tokens, error) {
	if len(key) < 32 {
		return nil, errors.New("token signing key must be at least 32 bytes")
	}
	return &Tokens{key: key, issuer: issuer, audience: audience}, nil
}

type claims struct {
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// maxTokenLen rejects absurd headers before any parsing work.
const maxTokenLen = 2048

// Issue signs a token for a session.
func (t *Tokens) Issue(sessionID string, userID int64, issuedAt, expiresAt time.Time) (string, error) {
	c := claims{
		SessionID: sessionID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Audience:  jwt.ClaimStrings{t.audience},
			Subject:   formatID(userID),
			IssuedAt:  jwt.NewNumericDate(issuedAt),
			NotBefore: jwt.NewNumericDate(issuedAt.Add(-time.Minute)),
			ExpiresAt: jwt.NewNumericDate(expiresAt),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.key)
}

// Parse verifies a token and returns its session id.
func (t *Tokens) Parse(raw string, now time.Time) (string, error) {
	if raw == "" || len(raw) > maxTokenLen {
		return "", errors.New("token missing or too long")
	}
	var c claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(t.issuer),
		jwt.WithAudience(t.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	if err != nil {
		return "", err
	}
	if c.SessionID == "" {
		return "", errors.New("token has no session")
	}
	return c.SessionID, nil
}
