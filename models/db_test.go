package models_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"netcourt/models"
	tk "netcourt/models/testkit"
)

// The pragmas live in the DSN, so every pooled connection has them, not only the first.
func TestSQLitePragmasOnEveryConnection(t *testing.T) {
	if tk.PostgresEnabled() {
		t.Skip("SQLite only")
	}
	db, dialect, err := models.OpenDB(models.DBConfig{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer models.CloseDB(db)
	if dialect != models.SQLite {
		t.Fatalf("dialect %s", dialect)
	}
	sqlDB, _ := db.DB()
	ctx := context.Background()
	want := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000", "synchronous": "2"}
	for i := 0; i < 3; i++ { // hold three connections at once so each is a different one
		conn, err := sqlDB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for pragma, v := range want {
			var got string
			if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if strings.ToLower(got) != v {
				t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, pragma, got, v)
			}
		}
	}
}

func TestOpenDBDefaultsToSQLiteInTheDataDir(t *testing.T) {
	dir := t.TempDir()
	db, _, err := models.OpenDB(models.DBConfig{DataDir: filepath.Join(dir, "nested", "data")})
	if err != nil {
		t.Fatal(err)
	}
	models.CloseDB(db)
	if _, err := os.Stat(filepath.Join(dir, "nested", "data", "netcourt.db")); err != nil {
		t.Fatal(err)
	}
}

func TestOpenDBRejectsUnknownDSNWithoutThePassword(t *testing.T) {
	_, _, err := models.OpenDB(models.DBConfig{DSN: "mysql://root:hunter2@db/netcourt"})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v", err)
	}
}
