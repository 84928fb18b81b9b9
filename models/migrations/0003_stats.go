package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0003Stats adds the court's maintained statistics: one row per (dimension, key) holding a
// count, updated in the same transaction as every case transition, so the public statistics
// read about a hundred rows instead of scanning the docket. It also indexes the public list
// of published rulings (newest first, keyset on published_at, id).
func m0003Stats() *gormigrate.Migration {
	type StatCounter struct {
		Dimension string `gorm:"primaryKey;size:32"`
		Key       string `gorm:"primaryKey;size:64"`
		Value     int64  `gorm:"not null;default:0"`
	}
	return &gormigrate.Migration{
		ID: "0003_stats",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&StatCounter{}); err != nil {
				return err
			}
			return tx.Exec("CREATE INDEX idx_rulings_published ON rulings (published_at, id)").Error
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Exec("DROP INDEX idx_rulings_published").Error; err != nil {
				return err
			}
			return tx.Migrator().DropTable(&StatCounter{})
		},
	}
}
