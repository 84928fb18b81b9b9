package models

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
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

// Sort orders a case list may take.
const (
	SortDeadline = "deadline" // next_deadline ASC NULLS LAST, id ASC
	SortFiled    = "filed"    // submitted_at DESC NULLS LAST, id DESC
	SortUpdated  = "updated"  // updated_at DESC, id DESC
)

// CaseSorts lists the sort orders in the order offered.
var CaseSorts = []string{SortDeadline, SortFiled, SortUpdated}

// Limits on list requests.
const (
	DefaultListLimit = 50
	MaxListLimit     = 200
	maxQueryRunes    = 200
)

// DefaultSort is the order a role's list takes when none is asked for: the docket is worked
// by its clock, everyone else sees their latest activity first.
func DefaultSort(u *User) string {
	if u != nil && u.Role == RoleClerk {
		return SortDeadline
	}
	return SortUpdated
}

// sortSpec says how one sort order pages: the column (never from the request), whether it
// runs descending, and whether it may hold NULLs (which always come last).
type sortSpec struct {
	col      string
	desc     bool
	nullable bool
	value    func(*Case) *time.Time
}

var sortSpecs = map[string]sortSpec{
	SortDeadline: {col: "cases.next_deadline", nullable: true, value: func(c *Case) *time.Time { return c.NextDeadline }},
	SortFiled:    {col: "cases.submitted_at", desc: true, nullable: true, value: func(c *Case) *time.Time { return c.SubmittedAt }},
	SortUpdated:  {col: "cases.updated_at", desc: true, value: func(c *Case) *time.Time { return &c.UpdatedAt }},
}

// listCursor marks where the next page starts: the sort it belongs to, whether the previous
// page ended among the NULLs, and the last row's sort value and id.
type listCursor struct {
	S    string     `json:"s"`
	Null bool       `json:"n,omitempty"`
	T    *time.Time `json:"t,omitempty"`
	ID   int64      `json:"i"`
}

var errBadCursor = &Error{Kind: KindBadRequest, Code: "bad_cursor", Message: "The cursor is not valid; start again from the first page."}

// cursorCheck makes a cursor that was edited by hand fail cleanly (400) instead of quietly
// paging from an odd place. It is a checksum, not a secret: a forged cursor can only page
// within what the caller may already see.
func cursorCheck(payload []byte) []byte {
	h := sha256.Sum256(append([]byte("netcourt-cursor-v1:"), payload...))
	return h[:6]
}

func encodeCursor(c listCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(append(b, cursorCheck(b)...))
}

func decodeCursor(s, sort string) (*listCursor, error) {
	if len(s) > 512 {
		return nil, errBadCursor
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 7 {
		return nil, errBadCursor
	}
	payload, sum := raw[:len(raw)-6], raw[len(raw)-6:]
	if string(cursorCheck(payload)) != string(sum) {
		return nil, errBadCursor
	}
	var c listCursor
	if err := json.Unmarshal(payload, &c); err != nil || c.ID <= 0 || c.S != sort || (!c.Null && c.T == nil) {
		return nil, errBadCursor
	}
	return &c, nil
}

func badFilter(msg string) error {
	return WithMessage(&Error{Kind: KindBadRequest, Code: "bad_filter"}, "%s", msg)
}

// normalise checks every filter against its allow-list and fills defaults. An unknown value
// is a 400: a filter that silently matched everything would mislead the clerk.
func (f *CaseFilter) normalise(u *User) error {
	if f.Limit <= 0 {
		f.Limit = DefaultListLimit
	}
	if f.Limit > MaxListLimit {
		f.Limit = MaxListLimit
	}
	if f.Sort == "" {
		f.Sort = DefaultSort(u)
	}
	if _, ok := sortSpecs[f.Sort]; !ok {
		return badFilter("sort must be one of deadline, filed, updated.")
	}
	seen := map[Status]bool{}
	var sts []Status
	for _, st := range f.Status {
		if !knownStatus(st) {
			return badFilter("Unknown status " + quoteShort(string(st)) + ".")
		}
		if !seen[st] {
			seen[st] = true
			sts = append(sts, st)
		}
	}
	f.Status = sts
	if f.Sector != "" && !inStrings(Sectors, f.Sector) {
		return badFilter("Unknown sector " + quoteShort(f.Sector) + ".")
	}
	if f.Category != "" && !inStrings(CategoryCodes(), f.Category) {
		return badFilter("Unknown category " + quoteShort(f.Category) + ".")
	}
	if f.JudgeID < 0 {
		return badFilter("judge_id must be a positive number.")
	}
	f.Q = strings.TrimSpace(f.Q)
	if len([]rune(f.Q)) > maxQueryRunes || hasControl(f.Q) {
		return badFilter("The search text is too long or holds control characters.")
	}
	return nil
}

func knownStatus(st Status) bool {
	for _, s := range AllStatuses {
		if s == st {
			return true
		}
	}
	return false
}

func inStrings(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func quoteShort(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return "\"" + s + "\""
}

// likeLiteral makes user text match literally inside a LIKE pattern (escape character '\').
func likeLiteral(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// filtered applies visibility and every filter except the keyset position.
func (s *Store) filtered(ctx context.Context, u *User, f CaseFilter) *gorm.DB {
	q := visibleScope(s.db.WithContext(ctx).Model(&Case{}), u)
	if len(f.Status) == 1 {
		q = q.Where("cases.status = ?", f.Status[0])
	} else if len(f.Status) > 1 {
		q = q.Where("cases.status IN ?", f.Status)
	}
	if f.Sector != "" {
		q = q.Where("cases.defendant_sector = ?", f.Sector)
	}
	if f.Category != "" {
		q = q.Where("cases.categories LIKE ?", "%,"+f.Category+",%")
	}
	if f.JudgeID > 0 {
		q = q.Where("cases.judge_id = ?", f.JudgeID)
	}
	if f.Overdue {
		q = q.Where("cases.next_deadline < ?", s.Now())
	}
	if f.Q != "" {
		pat := "%" + likeLiteral(strings.ToLower(f.Q)) + "%"
		var conds []string
		var args []any
		for _, col := range []string{"reference", "docket_no", "plaintiff_name", "defendant_name", "defendant_platform", "facts"} {
			conds = append(conds, "LOWER(COALESCE(cases."+col+", '')) LIKE ? ESCAPE '\\'")
			args = append(args, pat)
		}
		q = q.Where("("+strings.Join(conds, " OR ")+")", args...)
	}
	return q
}

// ListCases returns the cases u may see, filtered and sorted, one keyset page at a time. Each
// page is one indexed range scan from the cursor, so page 500 costs what page 1 costs.
// Sorts on a nullable column page through the rows with a value first and then the NULLs,
// two index-friendly queries instead of one "NULLS LAST" sort over the whole table.
func (s *Store) ListCases(ctx context.Context, u *User, f CaseFilter) (*CasePage, error) {
	if err := f.normalise(u); err != nil {
		return nil, err
	}
	spec := sortSpecs[f.Sort]
	var cur *listCursor
	if f.Cursor != "" {
		var err error
		if cur, err = decodeCursor(f.Cursor, f.Sort); err != nil {
			return nil, err
		}
	}
	dir, cmp := "ASC", ">"
	if spec.desc {
		dir, cmp = "DESC", "<"
	}
	want := f.Limit + 1
	var cs []Case
	if cur == nil || !cur.Null {
		q := s.filtered(ctx, u, f)
		if spec.nullable {
			q = q.Where(spec.col + " IS NOT NULL")
		}
		if cur != nil {
			// A row-value comparison is one index range on (column, id) in both databases.
			q = q.Where("("+spec.col+", cases.id) "+cmp+" (?, ?)", *cur.T, cur.ID)
		}
		if err := q.Order(spec.col + " " + dir + ", cases.id " + dir).Limit(want).Find(&cs).Error; err != nil {
			return nil, err
		}
	}
	if spec.nullable && len(cs) < want {
		q := s.filtered(ctx, u, f).Where(spec.col + " IS NULL")
		if cur != nil && cur.Null {
			q = q.Where("cases.id "+cmp+" ?", cur.ID)
		}
		var rest []Case
		if err := q.Order("cases.id " + dir).Limit(want - len(cs)).Find(&rest).Error; err != nil {
			return nil, err
		}
		cs = append(cs, rest...)
	}
	page := &CasePage{Items: cs}
	if len(cs) > f.Limit {
		page.Items = cs[:f.Limit]
		last := &page.Items[f.Limit-1]
		c := listCursor{S: f.Sort, ID: last.ID}
		if v := spec.value(last); v != nil {
			t := v.UTC()
			c.T = &t
		} else {
			c.Null = true
		}
		page.NextCursor = encodeCursor(c)
	}
	return page, nil
}

// CountCap is where list counts stop counting: an exact COUNT(*) over a million-case docket
// on every page view is what keyset paging exists to avoid.
const CountCap = 1000

// CountCasesCapped counts the cases matching f up to CountCap; capped reports that there are
// at least that many ("1,000+").
func (s *Store) CountCasesCapped(ctx context.Context, u *User, f CaseFilter) (n int64, capped bool, err error) {
	f.Cursor = ""
	if err := f.normalise(u); err != nil {
		return 0, false, err
	}
	sub := s.filtered(ctx, u, f).Select("cases.id").Limit(CountCap + 1)
	if err := s.db.WithContext(ctx).Table("(?) AS capped", sub).Count(&n).Error; err != nil {
		return 0, false, err
	}
	if n > CountCap {
		return CountCap, true, nil
	}
	return n, false, nil
}

// MaxExportRows bounds one CSV export; a clerk wanting more narrows the filters.
const MaxExportRows = 100_000

// EachCase walks every case matching f (ignoring f.Cursor and f.Limit) in the list's order,
// a keyset page at a time, calling fn for each until fn fails or MaxExportRows is reached.
// It is the CSV export's source: memory stays flat however long the docket is.
func (s *Store) EachCase(ctx context.Context, u *User, f CaseFilter, fn func(*Case) error) error {
	f.Cursor, f.Limit = "", MaxListLimit
	sent := 0
	for {
		page, err := s.ListCases(ctx, u, f)
		if err != nil {
			return err
		}
		for i := range page.Items {
			if sent >= MaxExportRows {
				return nil
			}
			if err := fn(&page.Items[i]); err != nil {
				return err
			}
			sent++
		}
		if page.NextCursor == "" {
			return nil
		}
		f.Cursor = page.NextCursor
	}
}

// UsersByIDs loads accounts by id in one query (for names on list pages), keyed by id.
func (s *Store) UsersByIDs(ctx context.Context, ids []int64) (map[int64]*User, error) {
	out := map[int64]*User{}
	if len(ids) == 0 {
		return out, nil
	}
	var us []User
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&us).Error; err != nil {
		return nil, err
	}
	for i := range us {
		out[us[i].ID] = &us[i]
	}
	return out, nil
}

// openStatuses are the states in which a case still occupies its judge.
var openStatuses = []Status{StatusAccepted, StatusServed, StatusAnswered, StatusHearingScheduled, StatusHeard}

// JudgeLoad is one active judge and the number of open cases assigned to them.
type JudgeLoad struct {
	Judge     User
	OpenCases int64
}

// JudgeLoads lists every active judge with their open caseload, lightest first (ties by
// name), for the acceptance picker. The first entry is the suggested judge.
func (s *Store) JudgeLoads(ctx context.Context) ([]JudgeLoad, error) {
	judges, err := s.ListUsersByRole(ctx, RoleJudge)
	if err != nil {
		return nil, err
	}
	type row struct {
		JudgeID int64
		N       int64
	}
	var rows []row
	if err := s.db.WithContext(ctx).Model(&Case{}).Select("judge_id, COUNT(*) AS n").
		Where("judge_id IS NOT NULL AND status IN ?", openStatuses).Group("judge_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	load := map[int64]int64{}
	for _, r := range rows {
		load[r.JudgeID] = r.N
	}
	out := make([]JudgeLoad, len(judges))
	for i, j := range judges {
		out[i] = JudgeLoad{Judge: j, OpenCases: load[j.ID]}
	}
	// Judges arrive ordered by name, id; a stable sort keeps that order among equals.
	sort.SliceStable(out, func(a, b int) bool { return out[a].OpenCases < out[b].OpenCases })
	return out, nil
}

// SuggestJudge returns the least-loaded active judge (nil when there is none) and every
// judge's load for the picker.
func (s *Store) SuggestJudge(ctx context.Context) (*User, []JudgeLoad, error) {
	loads, err := s.JudgeLoads(ctx)
	if err != nil || len(loads) == 0 {
		return nil, loads, err
	}
	j := loads[0].Judge
	return &j, loads, nil
}
