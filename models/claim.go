package models

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"gorm.io/gorm"
)

// ClaimAccount says who is claiming a served case: either a defendant already signed in
// (User set), or the details of a new defendant account (Name, Email, Password), validated
// like a plaintiff's registration. IP feeds the wrong-code throttle.
type ClaimAccount struct {
	User     *User
	Name     string
	Email    string
	Password string
	IP       string
}

var referencePattern = regexp.MustCompile(`^NC-[0-9]{4}-[0-9]{6,9}$`)

// NormaliseReference accepts a filing reference typed in any case with stray spaces.
func NormaliseReference(ref string) string { return strings.ToUpper(strings.TrimSpace(ref)) }

func validAccessCode(code string) bool {
	if len(code) != 14 || code[4] != '-' || code[9] != '-' {
		return false
	}
	for i := 0; i < len(code); i++ {
		if i == 4 || i == 9 {
			continue
		}
		if strings.IndexByte(accessCodeAlphabet, code[i]) < 0 {
			return false
		}
	}
	return true
}

var errBadAccessCode = WithMessage(ErrUnauthorized, "The reference or access code is not right, or the code has already been used.")

// ClaimCase gives a defendant a served case: the one-time access code from the service
// notice is checked against its stored hash in constant time and spent in the same
// conditional UPDATE that attaches the case (so two claims racing cannot both win); a new
// defendant account is created in the same transaction when nobody is signed in. The
// plaintiff is told. Malformed input is 422; a wrong, unknown or used code is 401 and counts
// against the reference and the client address (429 after too many).
func (s *Store) ClaimCase(ctx context.Context, reference, accessCode string, acct ClaimAccount) (*User, *Case, error) {
	ref := NormaliseReference(reference)
	code := NormaliseAccessCode(accessCode)
	f := map[string]string{}
	if ref == "" {
		f["reference"] = "validation.required"
	} else if !referencePattern.MatchString(ref) {
		f["reference"] = "defendant.invalid_reference"
	}
	if strings.TrimSpace(accessCode) == "" {
		f["access_code"] = "validation.required"
	} else if !validAccessCode(code) {
		f["access_code"] = "defendant.invalid_code"
	}
	newAccount := acct.User == nil
	if !newAccount && acct.User.Role != RoleDefendant {
		return nil, nil, WithMessage(ErrForbidden, "Sign out first: only a defendant account can take on a served case.")
	}
	var reg RegisterInput
	if newAccount {
		reg = RegisterInput{Name: acct.Name, Email: acct.Email, Password: acct.Password}
		reg.normalise()
		if k := validateName(reg.Name); k != "" {
			f["name"] = k
		}
		if k := validateEmail(reg.Email); k != "" {
			f["email"] = k
		}
		if k := ValidatePassword(reg.Password, reg.Email); k != "" {
			f["password"] = k
		}
	}
	if len(f) > 0 {
		return nil, nil, Invalid(f)
	}
	now := s.Now()
	if !s.claims.Allow(ref, acct.IP, now) {
		return nil, nil, ErrThrottled
	}
	// Check the code before paying for a password hash, and without holding a write lock.
	var c Case
	err := s.db.WithContext(ctx).Where("reference = ?", ref).First(&c).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, err
	}
	sum := HashSecret(code)
	stored := c.AccessCodeHash
	if stored == "" {
		stored = HashSecret("netcourt-no-code") // compare anyway, so timing says nothing
	}
	if !constantTimeHexEqual(sum, stored) || c.AccessCodeHash == "" || c.AccessCodeUsedAt != nil || c.DefendantUserID != nil {
		s.claims.Fail(ref, acct.IP, now)
		return nil, nil, errBadAccessCode
	}
	var pwHash string
	if newAccount {
		if pwHash, err = s.hashPassword(reg.Password); err != nil {
			return nil, nil, err
		}
	}
	var out Case
	u := acct.User
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if newAccount {
			u = &User{Email: reg.Email, Name: reg.Name, Role: RoleDefendant, PasswordHash: pwHash, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(u).Error; err != nil {
				if isUniqueViolation(err) {
					return &Error{Kind: KindConflict, Code: "email_taken", Message: "An account with that email already exists. Sign in with it, then claim the case.",
						Fields: map[string]string{"email": "validation.email_taken"}}
				}
				return err
			}
		}
		// The code is spent and the case attached in one conditional UPDATE: of two claims
		// racing, the second finds access_code_used_at already set and changes nothing.
		res := tx.Model(&Case{}).
			Where("id = ? AND access_code_hash = ? AND access_code_used_at IS NULL AND defendant_user_id IS NULL", c.ID, sum).
			Updates(map[string]any{"access_code_used_at": now, "defendant_user_id": u.ID,
				"version": gorm.Expr("version + 1"), "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errBadAccessCode
		}
		if err := tx.First(&out, c.ID).Error; err != nil {
			return err
		}
		details := map[string]any{"defendant_user_id": u.ID, "new_account": newAccount}
		if _, err := appendEvent(tx, c.ID, "defendant_claimed", out.Status, out.Status, u, details, now); err != nil {
			return err
		}
		return notify(tx, now, []int64{out.PlaintiffID}, c.ID, "defendant_claimed", out.DefendantName)
	})
	if err != nil {
		if errors.Is(err, errBadAccessCode) {
			s.claims.Fail(ref, acct.IP, now)
		}
		return nil, nil, err
	}
	s.claims.Succeed(ref)
	return u, &out, nil
}
