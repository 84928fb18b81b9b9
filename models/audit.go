package models

import (
	"context"
	"time"
)

// AuditEntry records security-relevant acts: sign-ins, refused authorisations and every view
// of evidence. It is written outside business transactions so a refusal is logged even when
// nothing else happens.
type AuditEntry struct {
	ID         int64
	At         time.Time
	UserID     int64
	Action     string
	CaseID     *int64
	EvidenceID *int64
	IP         string
	Detail     string
}

// Audit actions.
const (
	AuditLogin         = "login"
	AuditLoginFailed   = "login_failed"
	AuditLogout        = "logout"
	AuditForbidden     = "forbidden"
	AuditEvidenceView  = "evidence_view"
	AuditAccountChange = "account_change"
)

// Audit appends an entry; failure to audit is logged but never blocks the request.
func (s *Store) Audit(ctx context.Context, e AuditEntry) {
	e.At = s.Now()
	if len(e.Detail) > 500 {
		e.Detail = e.Detail[:500]
	}
	if len(e.IP) > 64 {
		e.IP = e.IP[:64]
	}
	if err := s.db.WithContext(ctx).Create(&e).Error; err != nil {
		s.log.Error("audit write failed", "action", e.Action, "err", err)
	}
}

// AuditActions lists every audit action, for the administrator's filter.
var AuditActions = []string{AuditLogin, AuditLoginFailed, AuditLogout, AuditForbidden, AuditEvidenceView, AuditAccountChange}

// AuditTrail lists the newest entries for the admin page, newest first, optionally of one
// action only (an unknown action matches nothing).
func (s *Store) AuditTrail(ctx context.Context, action string, beforeID int64, limit int) ([]AuditEntry, error) {
	q := s.db.WithContext(ctx).Order("id DESC").Limit(limit)
	if action != "" {
		q = q.Where("action = ?", action)
	}
	if beforeID > 0 {
		q = q.Where("id < ?", beforeID)
	}
	var es []AuditEntry
	return es, q.Find(&es).Error
}
