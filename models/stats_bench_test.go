package models_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"netcourt/models"
	"netcourt/models/migrations"
)

// BenchmarkStats measures one statistics read over a large docket: 100,000 cases by default,
// 1,000,000 with NETCOURT_BENCH_1M=1. The docket is generated once with multi-row INSERTs in
// one transaction, its counters rebuilt, and the SQLite file kept under os.TempDir() so later
// runs start at once.
//
//	NETCOURT_BENCH_1M=1 go test ./models -run '^$' -bench BenchmarkStats -benchtime 200x
func BenchmarkStats(b *testing.B) {
	n := 100_000
	if os.Getenv("NETCOURT_BENCH_1M") == "1" {
		n = 1_000_000
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("netcourt-bench-stats-%d.db", n))
	db, _, err := models.OpenDB(models.DBConfig{DSN: path})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = models.CloseDB(db) }()
	if err := migrations.Run(db); err != nil {
		b.Fatal(err)
	}
	blobs, err := models.NewLocalBlobStore(filepath.Join(b.TempDir(), "evidence"))
	if err != nil {
		b.Fatal(err)
	}
	s := models.New(models.Options{DB: db, Blobs: blobs, Court: models.DefaultCourt(), PasswordCost: 10,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx := context.Background()
	var have int64
	if err := db.Raw("SELECT COUNT(*) FROM cases").Scan(&have).Error; err != nil {
		b.Fatal(err)
	}
	if have != int64(n) {
		start := time.Now()
		if err := generateStatsDocket(db, n); err != nil {
			b.Fatal(err)
		}
		gen := time.Since(start)
		start = time.Now()
		if err := s.RebuildStats(ctx); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d cases in %v, rebuilt the counters in %v (%s)", n, gen.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), path)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if st.Total < int64(n)*9/10 {
		b.Fatalf("counters say %d cases, want about %d", st.Total, n)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Stats(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/stats")
}

// generateStatsDocket replaces the docket (the benchmark's own file) by n cases (about 5% drafts) and the rulings of the decided ones with raw
// multi-row INSERTs in one transaction.
func generateStatsDocket(db *gorm.DB, n int) error {
	return db.Transaction(func(tx *gorm.DB) error {
		for _, t := range []string{"rulings", "cases", "stat_counters"} {
			if err := tx.Exec("DELETE FROM " + t).Error; err != nil {
				return err
			}
		}
		now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		if err := tx.Exec("INSERT INTO users (id, email, name, phone, role, password_hash, created_at, updated_at) VALUES (1, 'bench@example.test', 'Bench', '', 'plaintiff', 'x', ?, ?) ON CONFLICT DO NOTHING", now, now).Error; err != nil {
			return err
		}
		rng := rand.New(rand.NewPCG(42, 42))
		statuses := []models.Status{models.StatusSubmitted, models.StatusAccepted, models.StatusServed, models.StatusAnswered,
			models.StatusHearingScheduled, models.StatusHeard, models.StatusDecided, models.StatusClosed, models.StatusRejected,
			models.StatusWithdrawn, models.StatusSettled}
		const batch = 500
		var (
			caseSQL, rulingSQL   strings.Builder
			caseArgs, rulingArgs []any
			rows, rrows          int
		)
		flush := func() error {
			if rows > 0 {
				if err := tx.Exec(caseSQL.String(), caseArgs...).Error; err != nil {
					return err
				}
			}
			if rrows > 0 {
				if err := tx.Exec(rulingSQL.String(), rulingArgs...).Error; err != nil {
					return err
				}
			}
			caseSQL.Reset()
			rulingSQL.Reset()
			caseArgs, rulingArgs, rows, rrows = caseArgs[:0], rulingArgs[:0], 0, 0
			return nil
		}
		for id := 1; id <= n; id++ {
			created := now.AddDate(0, 0, -rng.IntN(720))
			var st models.Status
			var submitted, accepted, decided *time.Time
			outcome := ""
			if rng.IntN(20) == 0 {
				st = models.StatusDraft
			} else {
				st = statuses[rng.IntN(len(statuses))]
				t := created.Add(time.Duration(rng.IntN(48)) * time.Hour)
				submitted = &t
				switch st {
				case models.StatusSubmitted, models.StatusRejected:
				default:
					a := t.Add(time.Duration(rng.IntN(7*24)) * time.Hour)
					accepted = &a
				}
				if st == models.StatusDecided || st == models.StatusClosed {
					d := accepted.Add(time.Duration(20+rng.IntN(90)) * 24 * time.Hour)
					decided = &d
					outcome = models.Outcomes[rng.IntN(3)]
				}
			}
			var cats, infos []string
			for _, c := range models.CategoryCodes() {
				if rng.IntN(4) == 0 {
					cats = append(cats, c)
				}
			}
			for _, c := range models.InfoTypes {
				if rng.IntN(4) == 0 {
					infos = append(infos, c)
				}
			}
			wrap := func(xs []string) string {
				if len(xs) == 0 {
					return ""
				}
				return "," + strings.Join(xs, ",") + ","
			}
			if rows == 0 {
				caseSQL.WriteString("INSERT INTO cases (id, status, plaintiff_id, defendant_name, defendant_sector, categories, info_types, submitted_at, accepted_at, decided_at, version, created_at, updated_at) VALUES ")
			} else {
				caseSQL.WriteString(",")
			}
			caseSQL.WriteString("(?,?,1,?,?,?,?,?,?,?,1,?,?)")
			caseArgs = append(caseArgs, id, string(st), "某某科技有限公司", models.Sectors[rng.IntN(len(models.Sectors))],
				wrap(cats), wrap(infos), submitted, accepted, decided, created, created)
			rows++
			if outcome != "" {
				if rrows == 0 {
					rulingSQL.WriteString("INSERT INTO rulings (case_id, judge_id, outcome, findings, fee_borne_by, reasoning, issued_at, created_at) VALUES ")
				} else {
					rulingSQL.WriteString(",")
				}
				rulingSQL.WriteString("(?,1,?,'[]','defendant','-',?,?)")
				rulingArgs = append(rulingArgs, id, outcome, *decided, *decided)
				rrows++
			}
			if rows == batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	})
}
