package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Notification is one message in a user's in-app inbox.
type Notification struct {
	ID        int64
	UserID    int64
	CaseID    *int64
	Kind      string
	Detail    string
	ReadAt    *time.Time
	CreatedAt time.Time
}

// notify queues messages inside the caller's transaction, so a notice exists exactly when
// the change it announces does.
func notify(tx *gorm.DB, now time.Time, userIDs []int64, caseID int64, kind, detail string) error {
	if len(userIDs) == 0 {
		return nil
	}
	seen := map[int64]bool{}
	ns := make([]Notification, 0, len(userIDs))
	for _, id := range userIDs {
		if id == 0 || seen[id] {
			continue
		}
		seen[id] = true
		cid := caseID
		ns = append(ns, Notification{UserID: id, CaseID: &cid, Kind: kind, Detail: truncateRunes(detail, 500), CreatedAt: now})
	}
	if len(ns) == 0 {
		return nil
	}
	return tx.Create(&ns).Error
}

// UnreadNotifications counts a user's unread messages (shown in the header).
func (s *Store) UnreadNotifications(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, err
}

// Notifications lists a user's inbox, newest first, with keyset paging on id.
func (s *Store) Notifications(ctx context.Context, userID, beforeID int64, limit int) ([]Notification, error) {
	q := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id DESC").Limit(limit)
	if beforeID > 0 {
		q = q.Where("id < ?", beforeID)
	}
	var ns []Notification
	return ns, q.Find(&ns).Error
}

// MarkNotificationsRead marks all (ids empty) or the given messages of a user as read.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID int64, ids []int64) error {
	q := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID)
	if len(ids) > 0 {
		q = q.Where("id IN ?", ids)
	}
	return q.Update("read_at", s.Now()).Error
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
