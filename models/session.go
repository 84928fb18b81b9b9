package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"
)

// SessionLifetime bounds a sign-in; the access token carries the same expiry.
const SessionLifetime = 8 * time.Hour

// Session is the server-side record behind a token: deleting or revoking it, or disabling its
// user, ends the sign-in at once whatever the token's own expiry says.
//
// Only a hash of the session id is stored, so a read-only leak of the database (which also
// holds the signing key) cannot be turned into live sessions.
type Session struct {
	ID string // SHA-256 of the secret id
	// Secret is the id that goes into the token; it is never stored.
	Secret    string `gorm:"-"`
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
	IP        string
	UserAgent string
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// StartSession records a new sign-in for u.
func (s *Store) StartSession(ctx context.Context, u *User, ip, userAgent string) (*Session, error) {
	if len(userAgent) > 256 {
		userAgent = userAgent[:256]
	}
	if len(ip) > 64 {
		ip = ip[:64]
	}
	now := s.Now()
	secret := randomToken(24)
	sess := &Session{ID: HashSecret(secret), Secret: secret, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime), IP: ip, UserAgent: userAgent}
	if err := s.db.WithContext(ctx).Create(sess).Error; err != nil {
		return nil, err
	}
	return sess, nil
}

// ResolveSession returns the live session and its active user, or ErrUnauthorized.
func (s *Store) ResolveSession(ctx context.Context, sessionID string) (*Session, *User, error) {
	if sessionID == "" || len(sessionID) > 64 {
		return nil, nil, ErrUnauthorized
	}
	var sess Session
	err := s.db.WithContext(ctx).Where("id = ?", HashSecret(sessionID)).First(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, ErrUnauthorized
	}
	if err != nil {
		return nil, nil, err
	}
	if sess.RevokedAt != nil || !s.Now().Before(sess.ExpiresAt) {
		return nil, nil, ErrUnauthorized
	}
	u, err := s.UserByID(ctx, sess.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil, ErrUnauthorized
	}
	if err != nil {
		return nil, nil, err
	}
	if !u.Active() {
		return nil, nil, ErrUnauthorized
	}
	return &sess, u, nil
}

// EndSession revokes a sign-in (logout), given the secret id from its token.
func (s *Store) EndSession(ctx context.Context, sessionID string) error {
	return s.db.WithContext(ctx).Model(&Session{}).Where("id = ? AND revoked_at IS NULL", HashSecret(sessionID)).Update("revoked_at", s.Now()).Error
}

// PurgeSessions deletes sessions that ended more than a day ago, keeping the table small.
func (s *Store) PurgeSessions(ctx context.Context) error {
	cut := s.Now().Add(-24 * time.Hour)
	return s.db.WithContext(ctx).Where("expires_at < ?", cut).Delete(&Session{}).Error
}

// SigningKey returns the token-signing secret, creating it on first use. It lives in the
// database so that every app node behind a load balancer shares it without extra config.
func (s *Store) SigningKey(ctx context.Context) ([]byte, error) {
	type ServerKey struct {
		Name      string `gorm:"primaryKey"`
		Value     string
		CreatedAt time.Time
	}
	var k ServerKey
	err := s.db.WithContext(ctx).Where("name = ?", "jwt").First(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		k = ServerKey{Name: "jwt", Value: randomToken(48), CreatedAt: s.Now()}
		if err := s.db.WithContext(ctx).Create(&k).Error; err != nil && !isUniqueViolation(err) {
			return nil, err
		}
		// Another node may have won the race; read back whichever key was stored.
		if err := s.db.WithContext(ctx).Where("name = ?", "jwt").First(&k).Error; err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	return base64.RawURLEncoding.DecodeString(k.Value)
}

// HashSecret is the one-way hash used for one-time codes and idempotency fingerprints.
func HashSecret(s string) string { return sha256Hex([]byte(s)) }

// constantTimeHexEqual compares two hex digests without leaking where they differ.
func constantTimeHexEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := 0; i < len(a); i++ {
		v |= a[i] ^ b[i]
	}
	return v == 0
}
