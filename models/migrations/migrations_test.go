package migrations_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"gorm.io/gorm"

	"netcourt/models"
	"netcourt/models/migrations"
	tk "netcourt/models/testkit"
)

// schema describes every table, column, index and constraint, so two snapshots compare equal
// exactly when the schema is unchanged.
func schema(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var queries []string
	if models.DialectOf(db) == models.Postgres {
		queries = []string{
			`SELECT table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable || ' default=' || COALESCE(column_default, '')
			   FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, column_name`,
			`SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`,
			`SELECT c.conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c
			   JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema() ORDER BY c.conname`,
		}
	} else {
		queries = []string{`SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`}
	}
	var out []string
	for _, q := range queries {
		var rows []string
		if err := db.Raw(q).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		out = append(out, rows...)
	}
	return out
}

func applied(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var ids []string
	if err := db.Raw(`SELECT id FROM migrations ORDER BY id`).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestRunIsIdempotent(t *testing.T) {
	f := tk.NewStore(t) // runs the migrations once
	before, rowsBefore := schema(t, f.DB), applied(t, f.DB)
	if len(before) == 0 {
		t.Fatal("empty schema snapshot")
	}
	if !reflect.DeepEqual(rowsBefore, migrations.IDs()) {
		t.Fatalf("migrations table holds %v, want %v", rowsBefore, migrations.IDs())
	}
	for i := 0; i < 2; i++ {
		if err := migrations.Run(f.DB); err != nil {
			t.Fatalf("run %d: %v", i+2, err)
		}
	}
	after, rowsAfter := schema(t, f.DB), applied(t, f.DB)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("schema changed on re-run:\nbefore %s\nafter  %s", strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
	if !reflect.DeepEqual(rowsBefore, rowsAfter) {
		t.Fatalf("migrations rows changed: %v → %v", rowsBefore, rowsAfter)
	}
}

func TestRunCreatesTheCoreTables(t *testing.T) {
	f := tk.NewStore(t)
	for _, table := range []string{"users", "sessions", "server_keys", "counters", "cases", "evidences", "case_events",
		"hearings", "rulings", "notifications", "idempotency_keys", "audit_entries", "migrations"} {
		if !f.DB.Migrator().HasTable(table) {
			t.Errorf("table %s is missing", table)
		}
	}
}

// A database touched by a newer netcourt (a migration this binary does not know) is refused
// rather than run against a schema the code does not understand.
func TestRunRefusesUnknownMigrations(t *testing.T) {
	f := tk.NewStore(t)
	if err := f.DB.Exec(`INSERT INTO migrations (id) VALUES (?)`, "9999_from_the_future").Error; err != nil {
		t.Fatal(err)
	}
	err := migrations.Run(f.DB)
	if err == nil {
		t.Fatalf("Run with an unknown migration applied: %v", err)
	}
}

func TestIDsAreOrderedAndUnique(t *testing.T) {
	ids := migrations.IDs()
	for i, id := range ids {
		if want := fmt.Sprintf("%04d_", i+1); !strings.HasPrefix(id, want) {
			t.Errorf("migration %d is %q; IDs are numbered %sname, in order", i, id, want)
		}
	}
}
