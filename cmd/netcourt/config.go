package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"netcourt/models"
)

// config is every setting, from flags with NETCOURT_* environment defaults.
type config struct {
	Addr           string
	Data           string
	DB             string
	CourtName      string
	CourtNameZH    string
	CourtCode      string
	TimeZone       string
	PerCaseFee     string
	TrustedProxies string
	SecureCookies  bool
	MaxUploadMiB   int
	LogLevel       string
	LogFormat      string
	OrphanGrace    time.Duration

	court    models.Court
	proxies  []*net.IPNet
	testHook func(point string) // crash tests only (NETCOURT_TEST_HOOKS=1)
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envBool(name string) bool {
	b, _ := strconv.ParseBool(os.Getenv(name))
	return b
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

// storageFlags are shared by every subcommand that opens the database.
func (c *config) storageFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", env("NETCOURT_DATA", "./data"), "data directory (SQLite file and evidence) [NETCOURT_DATA]")
	fs.StringVar(&c.DB, "db", env("NETCOURT_DB", ""), "database DSN: postgres://… or a SQLite file; default <data>/netcourt.db [NETCOURT_DB]")
	fs.StringVar(&c.LogLevel, "log-level", env("NETCOURT_LOG_LEVEL", "info"), "debug, info, warn or error [NETCOURT_LOG_LEVEL]")
	fs.StringVar(&c.LogFormat, "log-format", env("NETCOURT_LOG_FORMAT", "text"), "text or json [NETCOURT_LOG_FORMAT]")
	def := models.DefaultCourt()
	fs.StringVar(&c.CourtName, "court-name", env("NETCOURT_COURT_NAME", def.Name), "court name in English [NETCOURT_COURT_NAME]")
	fs.StringVar(&c.CourtNameZH, "court-name-zh", env("NETCOURT_COURT_NAME_ZH", def.NameZH), "court name in Chinese [NETCOURT_COURT_NAME_ZH]")
	fs.StringVar(&c.CourtCode, "court-code", env("NETCOURT_COURT_CODE", def.Code), "court code in docket numbers [NETCOURT_COURT_CODE]")
	fs.StringVar(&c.TimeZone, "tz", env("NETCOURT_TZ", "Asia/Shanghai"), "time zone for display and deadlines [NETCOURT_TZ]")
	fs.StringVar(&c.PerCaseFee, "per-case-fee", env("NETCOURT_PER_CASE_FEE", "300.00"), "per-case fee in yuan, 100–500 [NETCOURT_PER_CASE_FEE]")
}

func (c *config) serveFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", env("NETCOURT_ADDR", "127.0.0.1:8080"), "listen address [NETCOURT_ADDR]")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("NETCOURT_TRUSTED_PROXIES", ""), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is trusted [NETCOURT_TRUSTED_PROXIES]")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", envBool("NETCOURT_SECURE_COOKIES"), "mark cookies Secure (set when TLS ends at a proxy) [NETCOURT_SECURE_COOKIES]")
	fs.IntVar(&c.MaxUploadMiB, "max-upload-mib", envInt("NETCOURT_MAX_UPLOAD_MIB", 50), "largest evidence file in MiB [NETCOURT_MAX_UPLOAD_MIB]")
	grace, err := time.ParseDuration(env("NETCOURT_ORPHAN_GRACE", models.DefaultOrphanGrace.String()))
	if err != nil {
		grace = models.DefaultOrphanGrace
	}
	fs.DurationVar(&c.OrphanGrace, "orphan-grace", grace, "at start-up, remove evidence files no filing refers to once older than this [NETCOURT_ORPHAN_GRACE]")
}

// validate checks every setting and says plainly what is wrong.
func (c *config) validate(serving bool) error {
	if c.DB != "" && !models.IsPostgresDSN(c.DB) && !strings.HasPrefix(c.DB, "file:") && !strings.HasSuffix(c.DB, ".db") {
		return fmt.Errorf("--db %q is not a database DSN: use postgres://user:pass@host/db or a SQLite path ending in .db", c.DB)
	}
	if err := checkWritableDir(c.Data); err != nil {
		return fmt.Errorf("data directory %s is not writable: %v", c.Data, err)
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return fmt.Errorf("--tz %q is not a known time zone (e.g. Asia/Shanghai)", c.TimeZone)
	}
	fee, err := models.ParseYuan(c.PerCaseFee)
	if err != nil || fee < 10000 || fee > 50000 {
		return fmt.Errorf("--per-case-fee %q must be an amount from 100 to 500 yuan (Measures on Litigation Costs Art. 13(2))", c.PerCaseFee)
	}
	code := strings.TrimSpace(c.CourtCode)
	if code == "" || len([]rune(code)) > 16 {
		return errors.New("--court-code must be 1 to 16 characters, e.g. 京0491")
	}
	if strings.TrimSpace(c.CourtName) == "" {
		return errors.New("--court-name must not be empty")
	}
	c.court = models.Court{Name: c.CourtName, NameZH: c.CourtNameZH, Code: code, Location: loc, PerCaseFen: fee}
	if serving {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			return fmt.Errorf("--addr %q is not host:port (e.g. 127.0.0.1:8080)", c.Addr)
		}
		for _, cidr := range strings.Split(c.TrustedProxies, ",") {
			if cidr = strings.TrimSpace(cidr); cidr == "" {
				continue
			}
			_, n, err := net.ParseCIDR(cidr)
			if err != nil {
				return fmt.Errorf("--trusted-proxies: %q is not a CIDR like 10.0.0.0/8", cidr)
			}
			c.proxies = append(c.proxies, n)
		}
		if c.MaxUploadMiB < 1 || c.MaxUploadMiB > 1024 {
			return errors.New("--max-upload-mib must be from 1 to 1024")
		}
	}
	return nil
}

func checkWritableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".writecheck-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func (c *config) logger() *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func (c *config) evidenceDir() string { return filepath.Join(c.Data, "evidence") }
