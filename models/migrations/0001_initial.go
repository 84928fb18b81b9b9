package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0001Initial creates the court's core tables as they were first shipped.
func m0001Initial() *gormigrate.Migration {
	type User struct {
		ID           int64  `gorm:"primaryKey"`
		Email        string `gorm:"size:254;not null;uniqueIndex"`
		Name         string `gorm:"size:100;not null"`
		Phone        string `gorm:"size:32;not null;default:''"`
		Role         string `gorm:"size:16;not null;index"`
		PasswordHash string `gorm:"size:100;not null"`
		DisabledAt   *time.Time
		CreatedAt    time.Time `gorm:"not null"`
		UpdatedAt    time.Time `gorm:"not null"`
	}
	type Session struct {
		ID        string    `gorm:"primaryKey;size:64"`
		UserID    int64     `gorm:"not null;index"`
		CreatedAt time.Time `gorm:"not null"`
		ExpiresAt time.Time `gorm:"not null;index"`
		RevokedAt *time.Time
		IP        string `gorm:"size:64;not null;default:''"`
		UserAgent string `gorm:"size:256;not null;default:''"`
		User      *User  `gorm:"constraint:OnDelete:CASCADE"`
	}
	type ServerKey struct {
		Name      string    `gorm:"primaryKey;size:64"`
		Value     string    `gorm:"size:256;not null"`
		CreatedAt time.Time `gorm:"not null"`
	}
	type Counter struct {
		Name  string `gorm:"primaryKey;size:64"`
		Value int64  `gorm:"not null;default:0"`
	}
	type Case struct {
		ID           int64   `gorm:"primaryKey"`
		Reference    *string `gorm:"size:32;uniqueIndex"`
		DocketNo     *string `gorm:"size:64;uniqueIndex"`
		DocketYear   int     `gorm:"not null;default:0"`
		DocketSerial int     `gorm:"not null;default:0"`
		Status       string  `gorm:"size:32;not null;index:idx_cases_status_deadline,priority:1"`
		Procedure    string  `gorm:"size:16;not null;default:''"`

		PlaintiffID      int64  `gorm:"not null;index"`
		PlaintiffName    string `gorm:"size:100;not null;default:''"`
		PlaintiffPhone   string `gorm:"size:32;not null;default:''"`
		PlaintiffEmail   string `gorm:"size:254;not null;default:''"`
		PlaintiffAddress string `gorm:"size:300;not null;default:''"`
		DefendantUserID  *int64 `gorm:"index"`
		JudgeID          *int64 `gorm:"index"`

		DefendantName     string `gorm:"size:200;not null;default:''"`
		DefendantUSCC     string `gorm:"size:18;not null;default:''"`
		DefendantSector   string `gorm:"size:16;not null;default:'';index"`
		DefendantPlatform string `gorm:"size:200;not null;default:''"`
		DefendantAddress  string `gorm:"size:300;not null;default:''"`

		Categories string `gorm:"size:300;not null;default:''"`
		InfoTypes  string `gorm:"size:300;not null;default:''"`
		Facts      string `gorm:"type:text;not null;default:''"`

		ReqStopProcessing  bool  `gorm:"not null;default:false"`
		ReqDeletion        bool  `gorm:"not null;default:false"`
		ReqApology         bool  `gorm:"not null;default:false"`
		ReqCompensationFen int64 `gorm:"not null;default:0"`
		ReqCostsFen        int64 `gorm:"not null;default:0"`
		FeeWaiverRequested bool  `gorm:"not null;default:false"`
		FeeTotalFen        int64 `gorm:"not null;default:0"`

		DeclaredAt       *time.Time
		AccessCodeHash   string `gorm:"size:100;not null;default:''"`
		AccessCodeUsedAt *time.Time

		SubmittedAt *time.Time `gorm:"index"`
		AcceptedAt  *time.Time
		ServedAt    *time.Time
		AnsweredAt  *time.Time
		DecidedAt   *time.Time
		ClosedAt    *time.Time
		WithdrawnAt *time.Time

		AcceptanceDue *time.Time
		AmendmentDue  *time.Time
		ServiceDue    *time.Time
		AnswerDue     *time.Time
		ConclusionDue *time.Time
		AppealDue     *time.Time
		NextDeadline  *time.Time `gorm:"index:idx_cases_status_deadline,priority:2;index:idx_cases_deadline"`

		AmendmentReason  string `gorm:"type:text;not null;default:''"`
		RejectionReason  string `gorm:"type:text;not null;default:''"`
		WithdrawalReason string `gorm:"type:text;not null;default:''"`
		SettlementTerms  string `gorm:"type:text;not null;default:''"`
		AnswerText       string `gorm:"type:text;not null;default:''"`

		Version   int64     `gorm:"not null;default:1"`
		CreatedAt time.Time `gorm:"not null"`
		UpdatedAt time.Time `gorm:"not null;index"`
		Plaintiff *User     `gorm:"foreignKey:PlaintiffID;constraint:OnDelete:RESTRICT"`
	}
	type Evidence struct {
		ID            int64  `gorm:"primaryKey"`
		CaseID        int64  `gorm:"not null;index"`
		Title         string `gorm:"size:200;not null"`
		Description   string `gorm:"type:text;not null;default:''"`
		FileName      string `gorm:"size:255;not null"`
		MediaType     string `gorm:"size:64;not null"`
		Size          int64  `gorm:"not null"`
		SHA256        string `gorm:"size:64;not null;index"`
		SubmittedBy   int64  `gorm:"not null"`
		SubmittedRole string `gorm:"size:16;not null"`
		FlaggedAt     *time.Time
		CreatedAt     time.Time `gorm:"not null"`
		Case          *Case     `gorm:"constraint:OnDelete:RESTRICT"`
	}
	type CaseEvent struct {
		ID         int64     `gorm:"primaryKey"`
		CaseID     int64     `gorm:"not null;uniqueIndex:idx_case_events_case_seq,priority:1"`
		Seq        int       `gorm:"not null;uniqueIndex:idx_case_events_case_seq,priority:2"`
		Action     string    `gorm:"size:32;not null"`
		FromStatus string    `gorm:"size:32;not null;default:''"`
		ToStatus   string    `gorm:"size:32;not null;default:''"`
		ActorID    int64     `gorm:"not null;default:0"`
		ActorRole  string    `gorm:"size:16;not null;default:''"`
		Details    string    `gorm:"type:text;not null;default:''"`
		At         time.Time `gorm:"not null"`
		PrevHash   string    `gorm:"size:64;not null;default:''"`
		Hash       string    `gorm:"size:64;not null"`
		Case       *Case     `gorm:"constraint:OnDelete:RESTRICT"`
	}
	type Hearing struct {
		ID           int64     `gorm:"primaryKey"`
		CaseID       int64     `gorm:"not null;index"`
		ScheduledAt  time.Time `gorm:"not null"`
		Mode         string    `gorm:"size:16;not null"`
		Location     string    `gorm:"size:300;not null;default:''"`
		Questions    string    `gorm:"type:text;not null;default:''"`
		ResponsesDue *time.Time
		Minutes      string `gorm:"type:text;not null;default:''"`
		RecordedAt   *time.Time
		CreatedBy    int64     `gorm:"not null"`
		CreatedAt    time.Time `gorm:"not null"`
		Case         *Case     `gorm:"constraint:OnDelete:RESTRICT"`
	}
	type Ruling struct {
		ID                   int64      `gorm:"primaryKey"`
		CaseID               int64      `gorm:"not null;uniqueIndex"`
		JudgeID              int64      `gorm:"not null"`
		Outcome              string     `gorm:"size:16;not null;index"`
		Findings             string     `gorm:"type:text;not null;default:''"`
		OrderStopProcessing  bool       `gorm:"not null;default:false"`
		OrderDeletion        bool       `gorm:"not null;default:false"`
		OrderApology         bool       `gorm:"not null;default:false"`
		OrderCompensationFen int64      `gorm:"not null;default:0"`
		OrderCostsFen        int64      `gorm:"not null;default:0"`
		FeeBorneBy           string     `gorm:"size:16;not null;default:''"`
		Reasoning            string     `gorm:"type:text;not null;default:''"`
		IssuedAt             time.Time  `gorm:"not null"`
		PublishedAt          *time.Time `gorm:"index"`
		PublishedText        string     `gorm:"type:text;not null;default:''"`
		CreatedAt            time.Time  `gorm:"not null"`
		Case                 *Case      `gorm:"constraint:OnDelete:RESTRICT"`
	}
	type Notification struct {
		ID        int64      `gorm:"primaryKey"`
		UserID    int64      `gorm:"not null;index:idx_notifications_user_read,priority:1"`
		CaseID    *int64     `gorm:"index"`
		Kind      string     `gorm:"size:32;not null"`
		Detail    string     `gorm:"size:500;not null;default:''"`
		ReadAt    *time.Time `gorm:"index:idx_notifications_user_read,priority:2"`
		CreatedAt time.Time  `gorm:"not null"`
		User      *User      `gorm:"constraint:OnDelete:CASCADE"`
	}
	type IdempotencyKey struct {
		UserID      int64     `gorm:"primaryKey"`
		Key         string    `gorm:"primaryKey;size:128"`
		Scope       string    `gorm:"size:64;not null"`
		RequestHash string    `gorm:"size:64;not null"`
		StatusCode  int       `gorm:"not null;default:0"`
		Response    string    `gorm:"type:text;not null;default:''"`
		CreatedAt   time.Time `gorm:"not null;index"`
	}
	type AuditEntry struct {
		ID         int64     `gorm:"primaryKey"`
		At         time.Time `gorm:"not null;index"`
		UserID     int64     `gorm:"not null;default:0;index"`
		Action     string    `gorm:"size:48;not null"`
		CaseID     *int64    `gorm:"index"`
		EvidenceID *int64
		IP         string `gorm:"size:64;not null;default:''"`
		Detail     string `gorm:"size:500;not null;default:''"`
	}
	tables := []any{&User{}, &Session{}, &ServerKey{}, &Counter{}, &Case{}, &Evidence{},
		&CaseEvent{}, &Hearing{}, &Ruling{}, &Notification{}, &IdempotencyKey{}, &AuditEntry{}}
	return &gormigrate.Migration{
		ID: "0001_initial",
		Migrate: func(tx *gorm.DB) error {
			for _, t := range tables {
				if err := tx.Migrator().CreateTable(t); err != nil {
					return err
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			for i := len(tables) - 1; i >= 0; i-- {
				if err := tx.Migrator().DropTable(tables[i]); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
