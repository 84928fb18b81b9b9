package models

import (
	"context"
	"strconv"
	"strings"
)

// UserFilter narrows the administrator's account list.
type UserFilter struct {
	Role     Role
	Q        string // part of a name or email
	BeforeID int64  // keyset cursor: accounts with a smaller id
	Limit    int
}

// ListUsers lists accounts for the administrator, newest first.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]User, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := s.db.WithContext(ctx).Model(&User{}).Order("id DESC").Limit(f.Limit)
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	if term := strings.TrimSpace(f.Q); term != "" {
		like := accountPattern(term)
		q = q.Where("(LOWER(name) LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')", like, like)
	}
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	var us []User
	return us, q.Find(&us).Error
}

// accountPattern makes search text a literal, lower-cased "contains" LIKE pattern.
func accountPattern(term string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(term)) + "%"
}

// AdminSetDisabled lets an administrator disable or re-enable an account. Disabling ends the
// account's sessions at once. An administrator cannot lock themselves out.
func (s *Store) AdminSetDisabled(ctx context.Context, admin *User, userID int64, disabled bool, ip string) error {
	if admin.Role != RoleAdmin {
		return ErrForbidden
	}
	if admin.ID == userID {
		return WithMessage(ErrIllegalAction, "You cannot disable your own account.")
	}
	if err := s.SetUserDisabled(ctx, userID, disabled); err != nil {
		return err
	}
	detail := "enabled user "
	if disabled {
		detail = "disabled user "
	}
	s.Audit(ctx, AuditEntry{UserID: admin.ID, Action: AuditAccountChange, IP: ip, Detail: detail + strconv.FormatInt(userID, 10)})
	return nil
}

// AdminCreateStaff creates a clerk, judge or admin account from the admin pages.
func (s *Store) AdminCreateStaff(ctx context.Context, admin *User, in StaffInput, ip string) (*User, error) {
	if admin.Role != RoleAdmin {
		return nil, ErrForbidden
	}
	u, err := s.CreateStaff(ctx, in)
	if err != nil {
		return nil, err
	}
	s.Audit(ctx, AuditEntry{UserID: admin.ID, Action: AuditAccountChange, IP: ip, Detail: "created " + string(u.Role) + " " + strconv.FormatInt(u.ID, 10)})
	return u, nil
}
