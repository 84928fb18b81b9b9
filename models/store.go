package models

import (
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Court holds the court's own facts, which are settings rather than code.
type Court struct {
	Name       string         // English name, e.g. "Beijing Internet Court"
	NameZH     string         // Chinese name, e.g. "北京互联网法院"
	Code       string         // court code used in docket numbers, e.g. "京0491"
	Location   *time.Location // the zone times are shown in
	PerCaseFen int64          // per-case fee for personality-rights cases (Art. 13(2))
}

// DefaultCourt is the Beijing Internet Court, the model the portal follows.
func DefaultCourt() Court {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	return Court{Name: "Beijing Internet Court", NameZH: "北京互联网法院", Code: "京0491", Location: loc, PerCaseFen: 30000}
}

// Options are the dependencies of the domain layer, built once in cmd/netcourt.
type Options struct {
	DB     *gorm.DB
	Blobs  BlobStore
	Court  Court
	Clock  func() time.Time // injected so tests can fix time; defaults to time.Now
	Logger *slog.Logger
	// PasswordCost is the bcrypt cost; values below 10 are raised to 12. Tests use 10.
	PasswordCost int
	// TestHook, when set, is called at named crash points (see crashpoint.go); only the
	// crash-safety tests set it.
	TestHook func(point string)
}

// Store is netcourt's business layer: every court rule is reached through it, and it is the
// only thing handlers talk to. It is safe for concurrent use.
type Store struct {
	db       *gorm.DB
	dialect  Dialect
	blobs    BlobStore
	court    Court
	clock    func() time.Time
	log      *slog.Logger
	pwCost   int
	throttle *LoginThrottle
	claims   *LoginThrottle // wrong defendant access codes, per reference and per IP

	hook func(point string) // nil outside crash tests

	dummyOnce sync.Once
	dummy     []byte // see dummyHash
}

// New builds the Store from its dependencies.
func New(o Options) *Store {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.PasswordCost < 10 {
		o.PasswordCost = 12
	}
	if o.Court.Location == nil {
		o.Court.Location = DefaultCourt().Location
	}
	return &Store{
		db: o.DB, dialect: DialectOf(o.DB), blobs: o.Blobs, court: o.Court,
		clock: o.Clock, log: o.Logger, pwCost: o.PasswordCost,
		throttle: NewLoginThrottle(), claims: NewLoginThrottle(), hook: o.TestHook,
	}
}

// Now is the store's clock in UTC.
func (s *Store) Now() time.Time { return s.clock().UTC() }

// Court returns the court's settings.
func (s *Store) Court() Court { return s.court }

// DB exposes the handle for health checks, backups and tests.
func (s *Store) DB() *gorm.DB { return s.db }

// Dialect says which database the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Blobs is the evidence store.
func (s *Store) Blobs() BlobStore { return s.blobs }
