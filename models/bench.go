package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// --- the judge's bench ---

// ConclusionLimit is when the case must be concluded, counted from docketing: small claims 2
// months (Art. 168), simplified 3 (Art. 164), ordinary 6 (Art. 152). Unlike ConclusionDue it
// is still known after the case ends, so a judge's list can show it for every case.
func ConclusionLimit(c *Case) *time.Time {
	months, ok := conclusionMonths[c.Procedure]
	if !ok || c.AcceptedAt == nil {
		return nil
	}
	t := c.AcceptedAt.AddDate(0, months, 0)
	return &t
}

// ConclusionMonths is the time limit of a procedure in months (0 when unknown).
func ConclusionMonths(procedure string) int { return conclusionMonths[procedure] }

// benchOpen are the states in which a case still needs the judge: each has a binding
// deadline (the conclusion limit, or the appeal window once decided), so NextDeadline is set.
var benchOpen = []Status{StatusAccepted, StatusServed, StatusAnswered, StatusHearingScheduled, StatusHeard, StatusDecided}

// benchFinished are the judge's cases that are over.
var benchFinished = []Status{StatusSettled, StatusClosed, StatusWithdrawn}

// BenchFilter chooses the judge's open cases (by next deadline) or finished ones.
type BenchFilter struct {
	Finished bool
	Cursor   string
	Limit    int
}

// BenchCases lists the cases assigned to judge u: open ones by next deadline (soonest, and so
// the overdue, first), finished ones most recent first. Keyset-paginated.
func (s *Store) BenchCases(ctx context.Context, u *User, f BenchFilter) (*CasePage, error) {
	if u.Role != RoleJudge {
		return nil, WithMessage(ErrForbidden, "Only judges have a bench.")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := visibleScope(s.db.WithContext(ctx).Model(&Case{}), u)
	sortKey := "bench_open"
	if f.Finished {
		sortKey = "bench_finished"
	}
	var cur *listCursor
	if f.Cursor != "" {
		var err error
		if cur, err = decodeCursor(f.Cursor, sortKey); err != nil {
			return nil, err
		}
		if cur.T == nil {
			return nil, errBadCursor
		}
	}
	if f.Finished {
		q = q.Where("cases.status IN ?", benchFinished)
		if cur != nil {
			q = q.Where("(cases.updated_at < ?) OR (cases.updated_at = ? AND cases.id < ?)", *cur.T, *cur.T, cur.ID)
		}
		q = q.Order("cases.updated_at DESC, cases.id DESC")
	} else {
		q = q.Where("cases.status IN ? AND cases.next_deadline IS NOT NULL", benchOpen)
		if cur != nil {
			q = q.Where("(cases.next_deadline > ?) OR (cases.next_deadline = ? AND cases.id > ?)", *cur.T, *cur.T, cur.ID)
		}
		q = q.Order("cases.next_deadline ASC, cases.id ASC")
	}
	var cs []Case
	if err := q.Limit(f.Limit + 1).Find(&cs).Error; err != nil {
		return nil, err
	}
	page := &CasePage{Items: cs}
	if len(cs) > f.Limit {
		page.Items = cs[:f.Limit]
		last := page.Items[f.Limit-1]
		t := last.UpdatedAt
		if !f.Finished && last.NextDeadline != nil {
			t = *last.NextDeadline
		}
		page.NextCursor = encodeCursor(listCursor{S: sortKey, T: &t, ID: last.ID})
	}
	return page, nil
}

// EvidenceCheck is one file's integrity: its bytes re-hashed now against the SHA-256
// recorded when it was filed.
type EvidenceCheck struct {
	Evidence Evidence
	Intact   bool
	Missing  bool // the bytes are gone altogether
}

// EvidenceChecks turns one case verification into a badge per file, so the judge's page
// re-hashes each file once: a file is intact when the verification found no problem with it.
func EvidenceChecks(es []Evidence, v *Verification) []EvidenceCheck {
	broken := map[int64]string{}
	for _, p := range v.Problems {
		if p.EvidenceID != 0 && p.Area == AreaEvidence {
			broken[p.EvidenceID] = p.Code
		}
	}
	out := make([]EvidenceCheck, 0, len(es))
	for _, e := range es {
		code, bad := broken[e.ID]
		out = append(out, EvidenceCheck{Evidence: e, Intact: !bad, Missing: code == "evidence_missing"})
	}
	return out
}

// CheckRuling runs every check issuing the ruling would run — visibility, role, state, the
// form — without issuing it, for the judge's confirmation page ("Issuing is final").
func (s *Store) CheckRuling(ctx context.Context, u *User, caseID int64, in *RulingInput) error {
	c, err := s.CaseFor(ctx, u, caseID)
	if err != nil {
		return err
	}
	t, _ := TransitionFor(ActRule)
	if !t.allowsRole(u.Role) {
		return WithMessage(ErrForbidden, "A %s may not rule on a case.", u.Role)
	}
	if !t.allowsFrom(c.Status) {
		return &Error{Kind: KindConflict, Code: "illegal_transition", Message: "Cannot rule on a case that is " + strings.ReplaceAll(string(c.Status), "_", " ") + "."}
	}
	if err := checkRuleState(c); err != nil {
		return err
	}
	return validateRuling(c, in)
}

// PublicationPreview is the ruling as issued and as it would be published, for the judge to
// compare before publishing.
type PublicationPreview struct {
	Case       *Case
	Ruling     *Ruling
	Original   string
	Anonymised string
}

// PreviewPublication builds the side-by-side preview for the case's judge. The same
// anonymisation runs again at publication, inside its transaction.
func (s *Store) PreviewPublication(ctx context.Context, u *User, caseID int64) (*PublicationPreview, error) {
	c, err := s.CaseFor(ctx, u, caseID)
	if err != nil {
		return nil, err
	}
	if t, _ := TransitionFor(ActPublish); !t.allowsRole(u.Role) {
		return nil, WithMessage(ErrForbidden, "Only the judge publishes a ruling.")
	}
	r, err := s.RulingFor(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, WithMessage(ErrIllegalAction, "There is no ruling to publish.")
	}
	reps, err := representatives(s.db.WithContext(ctx), c)
	if err != nil {
		return nil, err
	}
	return &PublicationPreview{Case: c, Ruling: r, Original: s.RulingText(c, r), Anonymised: s.AnonymisedRuling(c, r, reps...)}, nil
}

// RulingDocument is what the printable ruling shows: the case and its ruling, for a party, the
// case's judge or a clerk.
func (s *Store) RulingDocument(ctx context.Context, u *User, caseID int64) (*Case, *Ruling, error) {
	c, err := s.CaseFor(ctx, u, caseID)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.RulingFor(ctx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	if r == nil {
		return nil, nil, ErrNotFound
	}
	return c, r, nil
}

// --- the public record ---

// PublishedRuling is a ruling as the public sees it: the anonymised text and facts about the
// case that name no natural person. It is read with its own column list, so the plaintiff's
// particulars are never even loaded.
type PublishedRuling struct {
	ID                int64
	CaseID            int64
	DocketNo          string
	DefendantName     string
	DefendantSector   string
	DefendantPlatform string
	Categories        string
	Findings          string
	Outcome           string
	IssuedAt          time.Time
	PublishedAt       time.Time
	PublishedText     string
}

// CategoryList is the case's categories of infringement.
func (p *PublishedRuling) CategoryList() []string { return splitCodes(p.Categories) }

// FindingList is what the court found proven.
func (p *PublishedRuling) FindingList() []string {
	r := Ruling{Findings: p.Findings}
	return r.FindingList()
}

// RulingFilter narrows the public list. Category and sector must be known codes.
type RulingFilter struct {
	Q        string
	Category string
	Sector   string
	Cursor   string
	Limit    int
}

// RulingPage is one keyset page of published rulings.
type RulingPage struct {
	Items      []PublishedRuling
	NextCursor string
}

const publishedColumns = "rulings.id, rulings.case_id, cases.docket_no, cases.defendant_name, cases.defendant_sector, " +
	"cases.defendant_platform, cases.categories, rulings.findings, rulings.outcome, rulings.issued_at, rulings.published_at, rulings.published_text"

func (s *Store) publishedQuery(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Table("rulings").Select(publishedColumns).
		Joins("JOIN cases ON cases.id = rulings.case_id").Where("rulings.published_at IS NOT NULL")
}

// maxSearchRunes bounds a search string.
const maxSearchRunes = 200

// likePattern escapes LIKE wildcards so a search for "50%" finds "50%".
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(q)) + "%"
}

// PublishedRulings lists published rulings, newest first, filtered by text (over the published
// text, docket number, defendant and platform), category and sector.
func (s *Store) PublishedRulings(ctx context.Context, f RulingFilter) (*RulingPage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	bad := map[string]string{}
	if f.Category != "" {
		checkCodes(bad, "category", []string{f.Category}, CategoryCodes())
	}
	if f.Sector != "" {
		checkCodes(bad, "sector", []string{f.Sector}, Sectors)
	}
	f.Q = strings.TrimSpace(f.Q)
	if len([]rune(f.Q)) > maxSearchRunes {
		bad["q"] = "validation.too_long"
	} else {
		checkText(bad, "q", f.Q, maxSearchRunes)
	}
	if len(bad) > 0 {
		return nil, Invalid(bad)
	}
	q := s.publishedQuery(ctx)
	if f.Category != "" {
		q = q.Where("cases.categories LIKE ?", "%,"+f.Category+",%")
	}
	if f.Sector != "" {
		q = q.Where("cases.defendant_sector = ?", f.Sector)
	}
	if f.Q != "" {
		p := likePattern(f.Q)
		q = q.Where(`LOWER(rulings.published_text) LIKE ? ESCAPE '\' OR LOWER(cases.docket_no) LIKE ? ESCAPE '\' OR `+
			`LOWER(cases.defendant_name) LIKE ? ESCAPE '\' OR LOWER(cases.defendant_platform) LIKE ? ESCAPE '\'`, p, p, p, p)
	}
	if f.Cursor != "" {
		cur, err := decodeCursor(f.Cursor, "rulings")
		if err != nil {
			return nil, err
		}
		if cur.T == nil {
			return nil, errBadCursor
		}
		q = q.Where("(rulings.published_at < ?) OR (rulings.published_at = ? AND rulings.id < ?)", *cur.T, *cur.T, cur.ID)
	}
	var rs []PublishedRuling
	if err := q.Order("rulings.published_at DESC, rulings.id DESC").Limit(f.Limit + 1).Scan(&rs).Error; err != nil {
		return nil, err
	}
	page := &RulingPage{Items: rs}
	if len(rs) > f.Limit {
		page.Items = rs[:f.Limit]
		last := page.Items[f.Limit-1]
		t := last.PublishedAt
		page.NextCursor = encodeCursor(listCursor{S: "rulings", T: &t, ID: last.ID})
	}
	return page, nil
}

// PublishedRulingByID returns one published ruling, or ErrNotFound (also for a ruling that
// exists but is not published).
func (s *Store) PublishedRulingByID(ctx context.Context, id int64) (*PublishedRuling, error) {
	var rs []PublishedRuling
	if err := s.publishedQuery(ctx).Where("rulings.id = ?", id).Limit(1).Scan(&rs).Error; err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, ErrNotFound
	}
	return &rs[0], nil
}
