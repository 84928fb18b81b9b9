package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// IdempotencyKey remembers a request made with an Idempotency-Key header and the reply it
// got, so a retry (double click, flaky network) gets the same reply and creates nothing new.
type IdempotencyKey struct {
	UserID      int64  `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey"`
	Scope       string
	RequestHash string
	StatusCode  int
	Response    string
	CreatedAt   time.Time
}

// Reply is a stored response.
type Reply struct {
	Status int
	Body   []byte
}

const (
	maxIdempotencyKey = 128
	// A claim older than this whose request never finished (the process died) is taken over.
	idempotencyStale = 2 * time.Minute
	idempotencyWait  = 30 * time.Second
	idempotencyPoll  = 25 * time.Millisecond
	idempotencyTTL   = 7 * 24 * time.Hour
)

var errKeyReuse = &Error{Kind: KindInvalid, Code: "idempotency_key_reused",
	Message: "This Idempotency-Key was already used for a different request.", Fields: map[string]string{"Idempotency-Key": "validation.idempotency_reused"}}

// Once runs fn at most once per (user, key). The first caller claims the key, runs fn and
// stores its reply; concurrent or later callers with the same key and request get that
// reply; the same key with a different request (scope or body hash) is refused with 422.
// Replies for server errors are not kept, so a retry after a 5xx runs again.
func (s *Store) Once(ctx context.Context, userID int64, key, scope, requestHash string, fn func() (Reply, error)) (Reply, bool, error) {
	if key == "" {
		r, err := fn()
		return r, false, err
	}
	if len(key) > maxIdempotencyKey || hasControl(key) {
		return Reply{}, false, Invalid(map[string]string{"Idempotency-Key": "validation.idempotency_key"})
	}
	deadline := time.Now().Add(idempotencyWait)
	for {
		claimed, existing, err := s.claimKey(ctx, userID, key, scope, requestHash)
		if err != nil {
			return Reply{}, false, err
		}
		if claimed {
			break
		}
		if existing.Scope != scope || existing.RequestHash != requestHash {
			return Reply{}, false, errKeyReuse
		}
		if existing.StatusCode != 0 {
			return Reply{Status: existing.StatusCode, Body: []byte(existing.Response)}, true, nil
		}
		if s.Now().Sub(existing.CreatedAt) > idempotencyStale {
			// The first request died mid-way; release its claim and try again.
			s.db.WithContext(ctx).Where("user_id = ? AND \"key\" = ? AND status_code = 0 AND created_at = ?", userID, key, existing.CreatedAt).Delete(&IdempotencyKey{})
			continue
		}
		if time.Now().After(deadline) {
			return Reply{}, false, WithMessage(ErrConflict, "The first request with this Idempotency-Key is still being processed. Try again shortly.")
		}
		select {
		case <-ctx.Done():
			return Reply{}, false, ctx.Err()
		case <-time.After(idempotencyPoll):
		}
	}
	reply, err := fn()
	if err != nil || reply.Status >= 500 {
		// Nothing durable happened, or we cannot tell: let a retry run again.
		s.db.WithContext(context.WithoutCancel(ctx)).Where("user_id = ? AND \"key\" = ?", userID, key).Delete(&IdempotencyKey{})
		return reply, false, err
	}
	if err := s.db.WithContext(context.WithoutCancel(ctx)).Model(&IdempotencyKey{}).Where("user_id = ? AND \"key\" = ?", userID, key).
		Updates(map[string]any{"status_code": reply.Status, "response": string(reply.Body)}).Error; err != nil {
		s.log.Error("storing an idempotent reply failed", "err", err)
	}
	return reply, false, nil
}

// claimKey inserts the key row, or returns the row that is already there.
func (s *Store) claimKey(ctx context.Context, userID int64, key, scope, hash string) (bool, *IdempotencyKey, error) {
	row := &IdempotencyKey{UserID: userID, Key: key, Scope: scope, RequestHash: hash, CreatedAt: s.Now()}
	err := s.db.WithContext(ctx).Create(row).Error
	if err == nil {
		return true, nil, nil
	}
	if !isUniqueViolation(err) {
		return false, nil, err
	}
	var existing IdempotencyKey
	err = s.db.WithContext(ctx).Where("user_id = ? AND \"key\" = ?", userID, key).First(&existing).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		// Released between our insert and read (a stale claim was dropped); try again.
		return s.claimKey(ctx, userID, key, scope, hash)
	}
	return false, &existing, err
}

// PurgeIdempotencyKeys drops keys older than a week.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context) error {
	return s.db.WithContext(ctx).Where("created_at < ?", s.Now().Add(-idempotencyTTL)).Delete(&IdempotencyKey{}).Error
}
