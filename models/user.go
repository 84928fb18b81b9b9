package models

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// Role is what a person is to the court.
type Role string

const (
	RolePlaintiff Role = "plaintiff"
	RoleDefendant Role = "defendant"
	RoleClerk     Role = "clerk"
	RoleJudge     Role = "judge"
	RoleAdmin     Role = "admin"
)

// StaffRoles may only be created by an administrator or the CLI.
var StaffRoles = []Role{RoleClerk, RoleJudge, RoleAdmin}

// ParseRole accepts a role name.
func ParseRole(s string) (Role, bool) {
	switch r := Role(s); r {
	case RolePlaintiff, RoleDefendant, RoleClerk, RoleJudge, RoleAdmin:
		return r, true
	}
	return "", false
}

// User is an account. PasswordHash never leaves models.
type User struct {
	ID           int64
	Email        string
	Name         string
	Phone        string
	Role         Role
	PasswordHash string
	DisabledAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Active reports whether the account may sign in.
func (u *User) Active() bool { return u.DisabledAt == nil }

const (
	PasswordMinLen = 8
	// bcrypt reads at most 72 bytes; longer passphrases are pre-hashed so that every byte counts.
	PasswordMaxLen = 128
	nameMaxLen     = 100
	emailMaxLen    = 254
)

// RegisterInput is what a plaintiff gives to open an account.
type RegisterInput struct {
	Name     string
	Email    string
	Phone    string
	Password string
}

// StaffInput creates a clerk, judge or admin account.
type StaffInput struct {
	Role     Role
	Name     string
	Email    string
	Password string
}

func normaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validateName checks a person's name: present, not too long, no control characters.
func validateName(name string) string {
	switch {
	case name == "":
		return "validation.required"
	case utf8.RuneCountInString(name) > nameMaxLen:
		return "validation.too_long"
	case hasControl(name):
		return "validation.control_chars"
	}
	return ""
}

func validateEmail(email string) string {
	if email == "" {
		return "validation.required"
	}
	if len(email) > emailMaxLen || hasControl(email) {
		return "validation.email"
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndexByte(email, '@'):], ".") {
		return "validation.email"
	}
	return ""
}

// validatePhone accepts digits with an optional leading + and common separators.
func validatePhone(phone string) string {
	digits := 0
	for i, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')':
		default:
			return "validation.phone"
		}
	}
	if digits < 5 || digits > 20 {
		return "validation.phone"
	}
	return ""
}

// ValidatePassword applies NIST SP 800-63B: a minimum length, a generous maximum, no
// composition rules, and no password from the common-passwords list.
func ValidatePassword(pw, email string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < PasswordMinLen:
		return "validation.password_short"
	case n > PasswordMaxLen:
		return "validation.password_long"
	case IsCommonPassword(pw):
		return "validation.password_common"
	case email != "" && strings.EqualFold(pw, email):
		return "validation.password_common"
	}
	return ""
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

func (in *RegisterInput) normalise() {
	in.Name = strings.TrimSpace(in.Name)
	in.Email = normaliseEmail(in.Email)
	in.Phone = strings.TrimSpace(in.Phone)
}

// Validate returns field → message key for every problem.
func (in RegisterInput) Validate() map[string]string {
	in.normalise()
	f := map[string]string{}
	if k := validateName(in.Name); k != "" {
		f["name"] = k
	}
	if k := validateEmail(in.Email); k != "" {
		f["email"] = k
	}
	if in.Phone == "" {
		f["phone"] = "validation.required"
	} else if k := validatePhone(in.Phone); k != "" {
		f["phone"] = k
	}
	if k := ValidatePassword(in.Password, in.Email); k != "" {
		f["password"] = k
	}
	return f
}

// hashPassword pre-hashes long passphrases so that bcrypt's 72-byte limit never silently
// truncates them.
func (s *Store) hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword(passwordBytes(pw), s.pwCost)
	return string(h), err
}

func passwordBytes(pw string) []byte {
	if len(pw) <= 72 {
		return []byte(pw)
	}
	sum := sha256Hex([]byte(pw))
	return []byte(sum)
}

// Register opens a plaintiff account.
func (s *Store) Register(ctx context.Context, in RegisterInput) (*User, error) {
	in.normalise()
	if f := in.Validate(); len(f) > 0 {
		return nil, Invalid(f)
	}
	return s.createUser(ctx, RolePlaintiff, in.Name, in.Email, in.Phone, in.Password)
}

// CreateStaff makes a clerk, judge or admin account (CLI or admin only).
func (s *Store) CreateStaff(ctx context.Context, in StaffInput) (*User, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Email = normaliseEmail(in.Email)
	f := map[string]string{}
	switch in.Role {
	case RoleClerk, RoleJudge, RoleAdmin:
	default:
		f["role"] = "validation.role"
	}
	if k := validateName(in.Name); k != "" {
		f["name"] = k
	}
	if k := validateEmail(in.Email); k != "" {
		f["email"] = k
	}
	if k := ValidatePassword(in.Password, in.Email); k != "" {
		f["password"] = k
	}
	if len(f) > 0 {
		return nil, Invalid(f)
	}
	return s.createUser(ctx, in.Role, in.Name, in.Email, "", in.Password)
}

func (s *Store) createUser(ctx context.Context, role Role, name, email, phone, pw string) (*User, error) {
	hash, err := s.hashPassword(pw)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	u := &User{Email: email, Name: name, Phone: phone, Role: role, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := s.db.WithContext(ctx).Create(u).Error; err != nil {
		if isUniqueViolation(err) {
			return nil, &Error{Kind: KindConflict, Code: "email_taken", Message: "An account with that email already exists.",
				Fields: map[string]string{"email": "validation.email_taken"}}
		}
		return nil, err
	}
	return u, nil
}

// UserByID loads an account.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := s.db.WithContext(ctx).First(&u, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return &u, nil
}

// UserByEmail loads an account by email.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", normaliseEmail(email)).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &u, err
}

// dummyHash lets a login for an unknown email spend the same time as a real one, so response
// times do not reveal which emails have accounts. It must use the store's own cost: bcrypt's
// time doubles with each step, so a cheaper dummy would give unknown emails away.
func (s *Store) dummyHash() []byte {
	s.dummyOnce.Do(func() {
		s.dummy, _ = bcrypt.GenerateFromPassword([]byte("netcourt-timing-equaliser"), s.pwCost)
	})
	return s.dummy
}

// Authenticate checks an email and password, applying the per-account and per-IP throttle.
// Failures never say whether the email exists.
func (s *Store) Authenticate(ctx context.Context, email, password, ip string) (*User, error) {
	email = normaliseEmail(email)
	now := s.Now()
	if !s.throttle.Allow(email, ip, now) {
		return nil, ErrThrottled
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if u == nil || len(password) > 4*PasswordMaxLen {
		_ = bcrypt.CompareHashAndPassword(s.dummyHash(), passwordBytes(password))
		s.throttle.Fail(email, ip, now)
		return nil, ErrBadCredentials
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), passwordBytes(password)) != nil {
		s.throttle.Fail(email, ip, now)
		return nil, ErrBadCredentials
	}
	if !u.Active() {
		s.throttle.Fail(email, ip, now)
		return nil, WithMessage(ErrBadCredentials, "This account is disabled. Contact the court.")
	}
	s.throttle.Succeed(email)
	return u, nil
}

// SetUserDisabled disables or re-enables an account; disabling revokes every session at once.
func (s *Store) SetUserDisabled(ctx context.Context, userID int64, disabled bool) error {
	now := s.Now()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var at *time.Time
		if disabled {
			at = &now
		}
		res := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"disabled_at": at, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if disabled {
			return tx.Model(&Session{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error
		}
		return nil
	})
}

// ListUsersByRole lists accounts of one role, by name (for judge pickers and admin pages).
func (s *Store) ListUsersByRole(ctx context.Context, role Role) ([]User, error) {
	var us []User
	err := s.db.WithContext(ctx).Where("role = ? AND disabled_at IS NULL", role).Order("name, id").Limit(500).Find(&us).Error
	return us, err
}
