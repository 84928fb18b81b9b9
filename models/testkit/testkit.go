// Package testkit is what netcourt's tests build on: a fresh database per test with the real
// migrations, a fixed clock, account builders and a small HTTP client for the real router.
// Production code must never import it.
//
// By default each test gets a new SQLite file in t.TempDir(). When NETCOURT_TEST_PG holds a
// PostgreSQL URL (postgres://user:pass@host/db), each test gets its own schema in that
// database instead, dropped when the test ends; the same tests then run on both databases.
//
// Write tests in external packages (package handlers_test, models_test) so that importing
// testkit, which imports handlers, never forms a cycle:
//
//	f := testkit.NewStore(t)
//	e := testkit.NewServer(t, f)
//	judge := f.Judge(t)
//	token := testkit.LoginAPI(t, e, judge.Email, testkit.Password)
//	rec := testkit.Do(t, e, "GET", "/api/v1/me", nil, testkit.Bearer(token))
//
// Table-driven HTTP tests use Scenario / RunScenarios (each scenario on a fresh fixture).
// Page tests sign in with LoginPage and fetch a form's CSRF token with FormToken.
package testkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"netcourt/models"
	"netcourt/models/migrations"
)

// Password is the password of every account the builders make.
const Password = "correct horse battery staple"

// Start is the moment every fixture's clock starts at: 10:00 on 2 March 2026 in Beijing.
var Start = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

// PGEnv names the environment variable holding the PostgreSQL URL for database tests.
const PGEnv = "NETCOURT_TEST_PG"

// PostgresEnabled reports whether tests run against PostgreSQL (NETCOURT_TEST_PG is set).
func PostgresEnabled() bool { return os.Getenv(PGEnv) != "" }

// Clock is a fixed clock that tests move by hand. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t.UTC()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (backward if d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// Fixture is one test's world: the store and what it was built from.
type Fixture struct {
	Store *models.Store
	DB    *gorm.DB
	Clock *Clock
	Blobs *models.LocalBlobStore
	Dir   string // the test's temporary directory

	seq atomic.Int64
}

type settings struct {
	court models.Court
	start time.Time
}

// Option changes how NewStore builds a fixture.
type Option func(*settings)

// WithCourt replaces models.DefaultCourt().
func WithCourt(c models.Court) Option { return func(s *settings) { s.court = c } }

// WithStart starts the clock at t instead of Start.
func WithStart(t time.Time) Option { return func(s *settings) { s.start = t } }

// NewStore builds a fresh, migrated database and the store on top of it. Everything is
// removed when the test ends.
func NewStore(t testing.TB, opts ...Option) *Fixture {
	t.Helper()
	cfg := settings{court: models.DefaultCourt(), start: Start}
	for _, o := range opts {
		o(&cfg)
	}
	dir := t.TempDir()
	var db *gorm.DB
	if dsn := os.Getenv(PGEnv); dsn != "" {
		db = openPostgres(t, dsn)
	} else {
		var err error
		db, _, err = models.OpenDB(models.DBConfig{DSN: filepath.Join(dir, "netcourt.db")})
		if err != nil {
			t.Fatalf("testkit: open SQLite: %v", err)
		}
		t.Cleanup(func() { _ = models.CloseDB(db) })
	}
	if err := migrations.Run(db); err != nil {
		t.Fatalf("testkit: %v", err)
	}
	blobs, err := models.NewLocalBlobStore(filepath.Join(dir, "evidence"))
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	clock := NewClock(cfg.start)
	store := models.New(models.Options{
		DB: db, Blobs: blobs, Court: cfg.court, Clock: clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PasswordCost: 10,
	})
	return &Fixture{Store: store, DB: db, Clock: clock, Blobs: blobs, Dir: dir}
}

// openPostgres creates a schema of its own for the test and opens the database with that
// schema first on the search path; the schema is dropped when the test ends.
func openPostgres(t testing.TB, dsn string) *gorm.DB {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || !models.IsPostgresDSN(dsn) {
		t.Fatalf("testkit: %s must be a postgres:// URL", PGEnv)
	}
	admin, _, err := models.OpenDB(models.DBConfig{DSN: dsn})
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	schema := "t_" + randomHex(8)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		_ = models.CloseDB(admin)
		t.Fatalf("testkit: create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error; err != nil {
			t.Errorf("testkit: drop schema %s: %v", schema, err)
		}
		_ = models.CloseDB(admin)
	})
	q := u.Query()
	q.Set("search_path", schema)
	// Test data need not survive a power cut; not waiting for the WAL flush on every commit
	// makes the suite several times faster.
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	db, _, err := models.OpenDB(models.DBConfig{DSN: u.String()})
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	t.Cleanup(func() { _ = models.CloseDB(db) })
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// User makes an account of the given role with a unique email and password Password.
// Plaintiffs register, staff are created as the CLI does, defendants are inserted directly
// (their accounts normally come from claiming a served case).
func (f *Fixture) User(t testing.TB, role models.Role) *models.User {
	t.Helper()
	n := f.seq.Add(1)
	email := fmt.Sprintf("%s%d@example.test", role, n)
	name := fmt.Sprintf("Test %s %d", role, n)
	ctx := context.Background()
	var (
		u   *models.User
		err error
	)
	switch role {
	case models.RolePlaintiff:
		u, err = f.Store.Register(ctx, models.RegisterInput{Name: name, Email: email, Phone: "13800138000", Password: Password})
	case models.RoleClerk, models.RoleJudge, models.RoleAdmin:
		u, err = f.Store.CreateStaff(ctx, models.StaffInput{Role: role, Name: name, Email: email, Password: Password})
	case models.RoleDefendant:
		var hash []byte
		hash, err = bcrypt.GenerateFromPassword([]byte(Password), 10)
		if err == nil {
			now := f.Clock.Now()
			u = &models.User{Email: email, Name: name, Role: role, PasswordHash: string(hash), CreatedAt: now, UpdatedAt: now}
			err = f.DB.Create(u).Error
		}
	default:
		t.Fatalf("testkit: unknown role %q", role)
	}
	if err != nil {
		t.Fatalf("testkit: create %s: %v", role, err)
	}
	return u
}

// Plaintiff makes a self-registered plaintiff account.
func (f *Fixture) Plaintiff(t testing.TB) *models.User {
	t.Helper()
	return f.User(t, models.RolePlaintiff)
}

// Defendant makes a defendant account.
func (f *Fixture) Defendant(t testing.TB) *models.User {
	t.Helper()
	return f.User(t, models.RoleDefendant)
}

// Clerk makes a clerk account.
func (f *Fixture) Clerk(t testing.TB) *models.User { t.Helper(); return f.User(t, models.RoleClerk) }

// Judge makes a judge account.
func (f *Fixture) Judge(t testing.TB) *models.User { t.Helper(); return f.User(t, models.RoleJudge) }

// Admin makes an administrator account.
func (f *Fixture) Admin(t testing.TB) *models.User { t.Helper(); return f.User(t, models.RoleAdmin) }
