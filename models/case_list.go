package models

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"
)

// CaseFilter narrows and orders a case list. Sort keys and filters are checked against
// allow-lists; nothing from the request reaches SQL text.
type CaseFilter struct {
	Status   []Status
	Q        string
	JudgeID  int64
	Sector   string
	Category string
	Overdue  bool
	Sort     string // "deadline" (default for clerks), "filed", "updated"
	Cursor   string
	Limit    int
}

// CasePage is one page of a keyset-paginated list.
type CasePage struct {
	Items      []Case
	NextCursor string
}

type listCursor struct {
	T  time.Time `json:"t"`
	ID int64     `json:"i"`
}

func encodeCursor(t time.Time, id int64) string {
	b, _ := json.Marshal(listCursor{T: t, ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (*listCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, WithMessage(&Error{Kind: KindBadRequest, Code: "bad_cursor"}, "The cursor is not valid.")
	}
	var c listCursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID <= 0 {
		return nil, WithMessage(&Error{Kind: KindBadRequest, Code: "bad_cursor"}, "The cursor is not valid.")
	}
	return &c, nil
}

// ListCases returns the cases u may see, newest activity first, one keyset page at a time.
// (The docket issue extends this with filters, search and deadline ordering.)
func (s *Store) ListCases(ctx context.Context, u *User, f CaseFilter) (*CasePage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := visibleScope(s.db.WithContext(ctx).Model(&Case{}), u)
	if f.Cursor != "" {
		cur, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		q = q.Where("(cases.updated_at < ?) OR (cases.updated_at = ? AND cases.id < ?)", cur.T, cur.T, cur.ID)
	}
	var cs []Case
	if err := q.Order("cases.updated_at DESC, cases.id DESC").Limit(f.Limit + 1).Find(&cs).Error; err != nil {
		return nil, err
	}
	page := &CasePage{Items: cs}
	if len(cs) > f.Limit {
		page.Items = cs[:f.Limit]
		last := page.Items[f.Limit-1]
		page.NextCursor = encodeCursor(last.UpdatedAt, last.ID)
	}
	return page, nil
}
