package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0002Docket adds the composite indexes the clerk's docket pages on: each sort order is one
// range scan over (sort column, id), also within a status, a judge or a sector, so a keyset
// page costs the same at page 1 and page 500 of a million cases. The statements are plain
// SQL that SQLite and PostgreSQL both accept.
func m0002Docket() *gormigrate.Migration {
	indexes := []struct{ name, cols string }{
		{"idx_cases_deadline_id", "next_deadline, id"},
		{"idx_cases_submitted_id", "submitted_at, id"},
		{"idx_cases_updated_id", "updated_at, id"},
		{"idx_cases_status_deadline_id", "status, next_deadline, id"},
		{"idx_cases_status_updated_id", "status, updated_at, id"},
		{"idx_cases_judge_status", "judge_id, status"},
		{"idx_cases_judge_deadline_id", "judge_id, next_deadline, id"},
		{"idx_cases_sector_deadline_id", "defendant_sector, next_deadline, id"},
	}
	return &gormigrate.Migration{
		ID: "0002_docket",
		Migrate: func(tx *gorm.DB) error {
			for _, ix := range indexes {
				if err := tx.Exec("CREATE INDEX IF NOT EXISTS " + ix.name + " ON cases (" + ix.cols + ")").Error; err != nil {
					return err
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			for _, ix := range indexes {
				if err := tx.Exec("DROP INDEX IF EXISTS " + ix.name).Error; err != nil {
					return err
				}
			}
			return nil
		},
	}
}
