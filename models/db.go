package models

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database family behind a *gorm.DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DBConfig says which database to open. An empty DSN means SQLite at <DataDir>/netcourt.db.
type DBConfig struct {
	DSN     string
	DataDir string
}

// IsPostgresDSN reports whether a DSN selects PostgreSQL.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// OpenDB opens the database and checks it answers. SQLite pragmas go in the DSN so that
// every pooled connection gets them, not just the first one.
func OpenDB(cfg DBConfig) (*gorm.DB, Dialect, error) {
	gcfg := &gorm.Config{
		Logger:         logger.Default.LogMode(logger.Silent),
		TranslateError: true,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	}
	var (
		db      *gorm.DB
		dialect Dialect
		err     error
	)
	switch {
	case IsPostgresDSN(cfg.DSN):
		dialect = Postgres
		db, err = gorm.Open(postgres.Open(cfg.DSN), gcfg)
	case cfg.DSN == "" || strings.HasPrefix(cfg.DSN, "file:") || strings.HasSuffix(cfg.DSN, ".db"):
		dialect = SQLite
		path := strings.TrimPrefix(cfg.DSN, "file:")
		if path == "" {
			path = filepath.Join(cfg.DataDir, "netcourt.db")
		}
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, "", fmt.Errorf("cannot create the database directory: %w", err)
		}
		db, err = gorm.Open(sqlite.Open(SQLiteDSN(path)), gcfg)
	default:
		return nil, "", fmt.Errorf("unrecognised database DSN %q: use postgres://… or a SQLite file path ending in .db", redactDSN(cfg.DSN))
	}
	if err != nil {
		return nil, "", fmt.Errorf("cannot open the %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, "", err
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's model; a small pool avoids lock churn while WAL
		// still lets readers run beside the writer.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	} else {
		sqlDB.SetMaxOpenConns(32)
		sqlDB.SetMaxIdleConns(16)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, "", fmt.Errorf("the %s database does not answer: %w", dialect, err)
	}
	return db, dialect, nil
}

// SQLiteDSN is the mattn/go-sqlite3 DSN with netcourt's pragmas: WAL for concurrent readers,
// foreign keys on, a busy timeout instead of instant SQLITE_BUSY, synchronous=FULL because an
// acknowledged filing must survive power loss, and IMMEDIATE transactions so two writers
// queue rather than deadlock on a lock upgrade.
func SQLiteDSN(path string) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_synchronous", "FULL")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// DialectOf tells which database a handle talks to.
func DialectOf(db *gorm.DB) Dialect {
	if db.Dialector.Name() == "postgres" {
		return Postgres
	}
	return SQLite
}

func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return dsn
}

// CloseDB closes the pool; used on shutdown after requests have drained.
func CloseDB(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// isUniqueViolation recognises a duplicate-key error on either database.
func isUniqueViolation(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey)
}
