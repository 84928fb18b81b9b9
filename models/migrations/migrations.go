// Package migrations holds netcourt's versioned schema changes. Each migration is applied once,
// recorded in the "migrations" table, and keeps its own frozen copies of the structs it
// creates, so later edits to models never rewrite history. The same list runs on SQLite and
// PostgreSQL.
package migrations

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// all lists every migration in order. Append only; never edit one that has shipped.
func all() []*gormigrate.Migration {
	return []*gormigrate.Migration{
		m0001Initial(),
		m0002Docket(),
		m0003Stats(),
		m0004AppendOnly(),
	}
}

// Run applies every pending migration. Running it again changes nothing.
func Run(db *gorm.DB) error {
	m := gormigrate.New(db, &gormigrate.Options{
		TableName:                 "migrations",
		IDColumnName:              "id",
		IDColumnSize:              255,
		UseTransaction:            db.Dialector.Name() == "postgres",
		ValidateUnknownMigrations: true,
	}, all())
	if err := m.Migrate(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// IDs lists the migration IDs in order (for status output and tests).
func IDs() []string {
	var ids []string
	for _, m := range all() {
		ids = append(ids, m.ID)
	}
	return ids
}
