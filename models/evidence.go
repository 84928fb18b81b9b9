package models

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Evidence is one file a party filed, with the SHA-256 taken while it streamed in.
type Evidence struct {
	ID            int64
	CaseID        int64
	Title         string
	Description   string
	FileName      string
	MediaType     string
	Size          int64
	SHA256        string
	SubmittedBy   int64
	SubmittedRole Role
	FlaggedAt     *time.Time
	CreatedAt     time.Time
}

// Evidence limits.
const (
	MaxEvidencePerParty = 30
	maxEvidenceTitle    = 200
	maxEvidenceDesc     = 2000
)

// EvidenceInput is one uploaded file with its title and description.
type EvidenceInput struct {
	Title       string
	Description string
	FileName    string
	Body        io.Reader
	MaxBytes    int64
}

// evidenceWindow says when each party may file evidence: the plaintiff with the complaint
// and again once the case is docketed, the defendant from service until the hearing.
var evidenceWindow = map[Role][]Status{
	RolePlaintiff: {StatusDraft, StatusAmendmentRequested, StatusAccepted, StatusServed, StatusAnswered, StatusHearingScheduled},
	RoleDefendant: {StatusServed, StatusAnswered, StatusHearingScheduled},
}

func (s *Store) checkEvidenceAllowed(tx *gorm.DB, u *User, caseID int64) (*Case, error) {
	c, err := s.loadVisible(tx, u, caseID)
	if err != nil {
		return nil, err
	}
	states, ok := evidenceWindow[u.Role]
	if !ok {
		return nil, WithMessage(ErrForbidden, "Only the parties file evidence.")
	}
	allowed := false
	for _, st := range states {
		allowed = allowed || st == c.Status
	}
	if !allowed {
		return nil, WithMessage(ErrIllegalAction, "Evidence cannot be added while the case is %s.", strings.ReplaceAll(string(c.Status), "_", " "))
	}
	var n int64
	if err := tx.Model(&Evidence{}).Where("case_id = ? AND submitted_by = ?", caseID, u.ID).Count(&n).Error; err != nil {
		return nil, err
	}
	if n >= MaxEvidencePerParty {
		return nil, &Error{Kind: KindConflict, Code: "too_many_files", Message: "Each party may file at most 30 pieces of evidence in a case."}
	}
	return c, nil
}

// CheckEvidenceAllowed lets the upload handler refuse before reading a large body.
func (s *Store) CheckEvidenceAllowed(ctx context.Context, u *User, caseID int64) error {
	_, err := s.checkEvidenceAllowed(s.db.WithContext(ctx), u, caseID)
	return err
}

func (in *EvidenceInput) validate() map[string]string {
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	f := map[string]string{}
	if in.Title == "" {
		in.Title = strings.TrimSpace(in.FileName)
	}
	if in.Title == "" {
		f["title"] = "validation.required"
	}
	checkText(f, "title", in.Title, maxEvidenceTitle)
	checkText(f, "description", in.Description, maxEvidenceDesc)
	return f
}

// AddEvidence files one piece of evidence. The bytes are streamed to the blob store (hashed,
// sniffed, size-capped, fsynced) before the row and its event commit, so an acknowledged
// file is always on disk; a failure leaves at most an unreferenced blob, which start-up
// reconciliation removes.
func (s *Store) AddEvidence(ctx context.Context, u *User, caseID int64, in EvidenceInput) (*Evidence, error) {
	if _, err := s.checkEvidenceAllowed(s.db.WithContext(ctx), u, caseID); err != nil {
		return nil, err
	}
	in.FileName = SanitiseFileName(in.FileName)
	if f := in.validate(); len(f) > 0 {
		return nil, Invalid(f)
	}
	blob, err := s.blobs.Put(ctx, in.Body, in.MaxBytes)
	if err != nil {
		return nil, err
	}
	var ev *Evidence
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Re-check inside the transaction: the case may have moved on during the upload.
		c, err := s.checkEvidenceAllowed(tx, u, caseID)
		if err != nil {
			return err
		}
		now := s.Now()
		ev = &Evidence{CaseID: caseID, Title: in.Title, Description: in.Description, FileName: in.FileName,
			MediaType: blob.MediaType, Size: blob.Size, SHA256: blob.SHA256, SubmittedBy: u.ID, SubmittedRole: u.Role, CreatedAt: now}
		if err := tx.Create(ev).Error; err != nil {
			return err
		}
		// A draft's evidence is recorded in the chain at submission; later filings get their
		// own event at once.
		if c.Status != StatusDraft {
			_, err := appendEvent(tx, caseID, "evidence_added", c.Status, c.Status, u, map[string]any{
				"evidence_id": ev.ID, "sha256": ev.SHA256, "size": ev.Size, "media_type": ev.MediaType, "title": ev.Title,
			}, now)
			if err != nil {
				return err
			}
			others := []int64{c.PlaintiffID, ptrID(c.DefendantUserID), ptrID(c.JudgeID)}
			var notifyIDs []int64
			for _, id := range others {
				if id != u.ID {
					notifyIDs = append(notifyIDs, id)
				}
			}
			if err := notify(tx, now, notifyIDs, caseID, "evidence_added", ev.Title); err != nil {
				return err
			}
		}
		// Conditional on the state checked above: on PostgreSQL a concurrent submit holds the
		// case row, and once it commits this matches nothing, so the file cannot slip into a
		// submitted case without being in its chain.
		res := tx.Model(&Case{}).Where("id = ? AND status = ?", caseID, c.Status).Update("updated_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return WithMessage(ErrConflict, "The case changed while the file was uploading; reload and try again.")
		}
		if s.hook != nil {
			s.hook(CrashBeforeEvidenceCommit)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.hook != nil {
		s.hook(CrashAfterEvidenceCommit)
	}
	return ev, nil
}

// RemoveEvidence deletes a draft's evidence (before submission only; afterwards the record
// is permanent).
func (s *Store) RemoveEvidence(ctx context.Context, u *User, caseID, evidenceID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.loadVisible(tx, u, caseID)
		if err != nil {
			return err
		}
		if c.PlaintiffID != u.ID {
			return ErrForbidden
		}
		if c.Status != StatusDraft {
			return WithMessage(ErrIllegalAction, "Evidence becomes part of the court record once the complaint is submitted and cannot be removed.")
		}
		res := tx.Where("id = ? AND case_id = ? AND submitted_by = ?", evidenceID, caseID, u.ID).Delete(&Evidence{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// EvidenceList returns a case's evidence in filing order (callers check visibility first).
func (s *Store) EvidenceList(ctx context.Context, caseID int64) ([]Evidence, error) {
	var es []Evidence
	err := s.db.WithContext(ctx).Where("case_id = ?", caseID).Order("id").Find(&es).Error
	return es, err
}

// EvidenceFile is an open evidence file ready to send.
type EvidenceFile struct {
	Evidence Evidence
	Body     io.ReadSeekCloser
	Size     int64
}

// OpenEvidence opens a file for a person who may see the case, after re-checking that its
// bytes still match the SHA-256 recorded at filing: a mismatch flags the evidence and is
// refused loudly rather than served. Every view is audited.
func (s *Store) OpenEvidence(ctx context.Context, u *User, caseID, evidenceID int64, ip string) (*EvidenceFile, error) {
	if _, err := s.CaseFor(ctx, u, caseID); err != nil {
		return nil, err
	}
	var ev Evidence
	err := s.db.WithContext(ctx).Where("id = ? AND case_id = ?", evidenceID, caseID).First(&ev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.blobs.Verify(ctx, ev.SHA256)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if !ok {
		now := s.Now()
		s.db.WithContext(ctx).Model(&Evidence{}).Where("id = ? AND flagged_at IS NULL", ev.ID).Update("flagged_at", now)
		s.log.Error("EVIDENCE INTEGRITY FAILURE: stored bytes do not match the filed SHA-256", "case_id", caseID, "evidence_id", ev.ID, "sha256", ev.SHA256)
		return nil, &Error{Kind: KindConflict, Code: "evidence_integrity_failure",
			Message: "This file no longer matches the fingerprint recorded when it was filed. It has been flagged for the court and will not be served."}
	}
	body, size, err := s.blobs.Open(ctx, ev.SHA256)
	if err != nil {
		return nil, err
	}
	cid, eid := caseID, ev.ID
	s.Audit(ctx, AuditEntry{UserID: u.ID, Action: AuditEvidenceView, CaseID: &cid, EvidenceID: &eid, IP: ip})
	return &EvidenceFile{Evidence: ev, Body: body, Size: size}, nil
}
