package handlers

import (
	"time"

	"netcourt/models"
)

// userView is the JSON form of an account; never the gorm struct, so hashes cannot leak.
type userView struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
	Role  string `json:"role"`
}

func viewUser(u *models.User) userView {
	return userView{ID: u.ID, Name: u.Name, Email: u.Email, Phone: u.Phone, Role: string(u.Role)}
}

type tokenView struct {
	Token     string   `json:"token"`
	ExpiresAt string   `json:"expires_at"`
	User      userView `json:"user"`
}

type notificationView struct {
	ID        int64   `json:"id"`
	CaseID    *int64  `json:"case_id"`
	Kind      string  `json:"kind"`
	Text      string  `json:"text"`
	Detail    string  `json:"detail,omitempty"`
	CreatedAt string  `json:"created_at"`
	ReadAt    *string `json:"read_at"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func rfc3339Ptr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := rfc3339(*t)
	return &s
}
