package models_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"netcourt/models"
	"netcourt/models/migrations"
)

// benchNow is the generated docket's "today".
var benchNow = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

// benchDBPath caches a generated docket under the system temp directory, keyed by size and
// by the generator's version, so a rerun opens it in a moment.
func benchDBPath(n int) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("netcourt-bench-docket-v2-%d.db", n))
}

// openBenchStore opens (building on first use) a SQLite docket of n generated cases and
// returns a store whose clock is fixed at benchNow, and a clerk.
func openBenchStore(b *testing.B, n int) (*models.Store, *models.User) {
	b.Helper()
	path := benchDBPath(n)
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		if err := generateDocket(path, n); err != nil {
			b.Fatalf("generate %d cases: %v", n, err)
		}
		b.Logf("generated %d cases in %v (cached at %s)", n, time.Since(start).Round(time.Millisecond), path)
	}
	db, _, err := models.OpenDB(models.DBConfig{DSN: path})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = models.CloseDB(db) })
	if err := migrations.Run(db); err != nil {
		b.Fatal(err)
	}
	s := models.New(models.Options{DB: db, Court: models.DefaultCourt(), Clock: func() time.Time { return benchNow },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PasswordCost: 10})
	var clerk models.User
	if err := db.Where("role = ?", models.RoleClerk).First(&clerk).Error; err != nil {
		b.Fatal(err)
	}
	return s, &clerk
}

// generateDocket writes n cases with a realistic spread of states, deadlines, sectors and
// judges, with multi-row INSERTs inside one transaction, into a temporary file that is
// renamed into place only when complete.
func generateDocket(path string, n int) error {
	tmp := strings.TrimSuffix(path, ".db") + ".building.db"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(tmp + suffix)
	}
	db, _, err := models.OpenDB(models.DBConfig{DSN: tmp})
	if err != nil {
		return err
	}
	if err := migrations.Run(db); err != nil {
		_ = models.CloseDB(db)
		return err
	}
	// Bulk loading: the durability of the filing path is not needed for a cache file, so one
	// connection loads it without a journal (no WAL copy of every page) and without fsyncs.
	sqlDB, err := db.DB()
	if err != nil {
		_ = models.CloseDB(db)
		return err
	}
	sqlDB.SetMaxOpenConns(1)
	for _, p := range []string{"PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -400000", "PRAGMA temp_store = MEMORY"} {
		if err := db.Exec(p).Error; err != nil {
			_ = models.CloseDB(db)
			return err
		}
	}
	// Secondary indexes are dropped for the load and rebuilt after it: one sort per index
	// instead of a million random B-tree inserts.
	var idx []struct{ Name, SQL string }
	if err := db.Raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL").Scan(&idx).Error; err != nil {
		_ = models.CloseDB(db)
		return err
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		for _, ix := range idx {
			if err := tx.Exec(`DROP INDEX "` + ix.Name + `"`).Error; err != nil {
				return err
			}
		}
		if err := fillDocket(tx, n); err != nil {
			return err
		}
		for _, ix := range idx {
			if err := tx.Exec(ix.SQL).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := models.CloseDB(db); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		_ = os.Remove(tmp + suffix)
	}
	return os.Rename(tmp, path)
}

func fillDocket(tx *gorm.DB, n int) error {
	now := benchNow
	users := "INSERT INTO users (email, name, phone, role, password_hash, created_at, updated_at) VALUES (?, ?, '', ?, 'x', ?, ?)"
	if err := tx.Exec(users, "plaintiff@bench.test", "Bench Plaintiff", "plaintiff", now, now).Error; err != nil {
		return err
	}
	if err := tx.Exec(users, "clerk@bench.test", "Bench Clerk", "clerk", now, now).Error; err != nil {
		return err
	}
	const judges = 40
	for i := 0; i < judges; i++ {
		if err := tx.Exec(users, fmt.Sprintf("judge%d@bench.test", i), fmt.Sprintf("Judge %02d", i), "judge", now, now).Error; err != nil {
			return err
		}
	}
	var plaintiffID int64
	if err := tx.Raw("SELECT id FROM users WHERE email = ?", "plaintiff@bench.test").Scan(&plaintiffID).Error; err != nil {
		return err
	}
	var judgeIDs []int64
	if err := tx.Raw("SELECT id FROM users WHERE role = 'judge' ORDER BY id").Scan(&judgeIDs).Error; err != nil {
		return err
	}
	// Weighted states: what a docket holds at any time.
	states := []struct {
		st models.Status
		w  int
	}{
		{models.StatusSubmitted, 15}, {models.StatusAmendmentRequested, 5}, {models.StatusAccepted, 10},
		{models.StatusServed, 15}, {models.StatusAnswered, 10}, {models.StatusHearingScheduled, 10},
		{models.StatusHeard, 5}, {models.StatusDecided, 10}, {models.StatusClosed, 10},
		{models.StatusRejected, 5}, {models.StatusWithdrawn, 5},
	}
	var bag []models.Status
	for _, s := range states {
		for i := 0; i < s.w; i++ {
			bag = append(bag, s.st)
		}
	}
	rng := rand.New(rand.NewSource(42))
	cats := models.CategoryCodes()
	const cols = "reference, docket_no, docket_year, docket_serial, status, procedure, plaintiff_id, plaintiff_name, judge_id, " +
		"defendant_name, defendant_sector, defendant_platform, categories, info_types, facts, submitted_at, accepted_at, " +
		"next_deadline, version, created_at, updated_at"
	const perRow = 21
	const batch = 1000
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", perRow), ", ") + ")"
	serial := 0
	args := make([]any, 0, batch*perRow)
	rows := 0
	flush := func() error {
		if rows == 0 {
			return nil
		}
		q := "INSERT INTO cases (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
		err := tx.Exec(q, args...).Error
		args, rows = args[:0], 0
		return err
	}
	for i := 1; i <= n; i++ {
		st := bag[rng.Intn(len(bag))]
		submitted := now.Add(-time.Duration(rng.Intn(400*24*60)) * time.Minute)
		updated := submitted.Add(time.Duration(rng.Intn(30*24*60)) * time.Minute)
		var docket, procedure any = nil, ""
		var judge, accepted, next any = nil, nil, nil
		year, ser := 0, 0
		switch st {
		case models.StatusSubmitted, models.StatusAmendmentRequested, models.StatusRejected, models.StatusWithdrawn:
		default:
			serial++
			year, ser = 2026, serial
			docket = models.DocketNumber(year, "京0491", int64(serial))
			procedure = models.Procedures[rng.Intn(3)]
			judge = judgeIDs[rng.Intn(len(judgeIDs))]
			accepted = submitted.Add(3 * 24 * time.Hour)
		}
		switch st {
		case models.StatusRejected, models.StatusWithdrawn, models.StatusClosed:
		default:
			next = now.Add(time.Duration(rng.Intn(200*24)-30*24) * time.Hour)
		}
		cat := cats[rng.Intn(len(cats))]
		args = append(args,
			fmt.Sprintf("NC-2026-%07d", i), docket, year, ser, string(st), procedure, plaintiffID, fmt.Sprintf("原告%d", i), judge,
			fmt.Sprintf("Company %d Technology Co., Ltd.", rng.Intn(5000)), models.Sectors[rng.Intn(len(models.Sectors))],
			fmt.Sprintf("App%d", rng.Intn(800)), ","+cat+",", ",phone,", "The app collected my data without consent, case "+fmt.Sprint(i),
			submitted, accepted, next, 1+rng.Intn(6), submitted, updated)
		rows++
		if rows == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// BenchmarkDocketList measures the clerk's docket query at 100k cases (and 1M with
// NETCOURT_BENCH_1M=1): the first page and a deep page (500 where there are that many) of
// each sort and of common filters. The
// per-page latency percentiles are reported as p50-ms and p99-ms; page 500 should cost what
// page 1 costs, since each page is one range scan from its cursor.
func BenchmarkDocketList(b *testing.B) {
	sizes := []int{100_000}
	if os.Getenv("NETCOURT_BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	ctx := context.Background()
	views := []struct {
		name string
		f    models.CaseFilter
		deep int // the deep page measured (overdue cases are fewer)
	}{
		{"deadline", models.CaseFilter{}, 500},
		{"filed", models.CaseFilter{Sort: models.SortFiled}, 500},
		{"updated", models.CaseFilter{Sort: models.SortUpdated}, 500},
		{"open-statuses", models.CaseFilter{Status: []models.Status{models.StatusSubmitted, models.StatusServed, models.StatusAnswered}}, 500},
		{"judge", models.CaseFilter{}, 20},
		{"overdue", models.CaseFilter{Overdue: true}, 200},
	}
	for _, n := range sizes {
		s, clerk := openBenchStore(b, n)
		var judgeID int64
		if err := s.DB().Raw("SELECT id FROM users WHERE role = 'judge' ORDER BY id LIMIT 1").Scan(&judgeID).Error; err != nil {
			b.Fatal(err)
		}
		for _, v := range views {
			for _, page := range []int{1, v.deep} {
				f := v.f
				if v.name == "judge" {
					f.JudgeID = judgeID
				}
				f.Limit = 50
				// Walk to the page once; the benchmark then fetches it repeatedly.
				for p := 1; p < page; p++ {
					res, err := s.ListCases(ctx, clerk, f)
					if err != nil {
						b.Fatal(err)
					}
					if res.NextCursor == "" {
						b.Fatalf("%s has fewer than %d pages", v.name, page)
					}
					f.Cursor = res.NextCursor
				}
				b.Run(fmt.Sprintf("cases=%d/%s/page=%d", n, v.name, page), func(b *testing.B) {
					lat := make([]time.Duration, 0, b.N)
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						t0 := time.Now()
						res, err := s.ListCases(ctx, clerk, f)
						lat = append(lat, time.Since(t0))
						if err != nil || len(res.Items) != 50 {
							b.Fatalf("page: %v (%d items)", err, len(res.Items))
						}
					}
					b.StopTimer()
					sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
					pct := func(p float64) float64 {
						return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
					}
					b.ReportMetric(pct(0.50), "p50-ms")
					b.ReportMetric(pct(0.99), "p99-ms")
				})
			}
		}
	}
}
