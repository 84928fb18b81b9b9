package models_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"netcourt/models"
	"netcourt/models/testkit"
)

// A backup taken while filings are being written is consistent: restored into a fresh data
// directory it verifies intact, and every case and file in it is complete.
func TestBackupWhileWriting(t *testing.T) {
	if testkit.PostgresEnabled() {
		t.Skip("SQLite backup (VACUUM INTO); PostgreSQL backups use pg_dump")
	}
	ctx := context.Background()
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	for i := 0; i < 3; i++ {
		fileCase(t, f, p, 2)
	}
	// A writer files cases (draft → evidence → submit) while the backup runs.
	stop, writing := make(chan struct{}), make(chan struct{})
	var (
		wg       sync.WaitGroup
		filed    atomic.Int64
		writeErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 500; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if writeErr = fileOne(f.Store, p, i); writeErr != nil {
				close(writing)
				return
			}
			if filed.Add(1) == 2 {
				close(writing) // the writer is really writing
			}
		}
	}()
	<-writing
	out := filepath.Join(t.TempDir(), "backup")
	m, err := f.Store.Backup(ctx, out, models.BackupOptions{})
	close(stop)
	wg.Wait()
	if err != nil || writeErr != nil {
		t.Fatal(err, writeErr)
	}
	t.Logf("%d cases filed while backing up; %d in the backup", filed.Load(), m.Counts.Cases)
	if !m.Verified.Done || !m.Verified.OK || m.Counts.Cases < 5 || m.Counts.EvidenceRows < 2*5 || m.Counts.Blobs != m.Counts.EvidenceRows || m.Database.SHA256 == "" {
		t.Fatalf("manifest %+v", m)
	}
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil || !json.Valid(b) || !strings.Contains(string(b), m.Database.SHA256) {
		t.Fatalf("manifest.json: %v %s", err, b)
	}

	// Restore: copy the database and the evidence into a fresh data directory.
	data := t.TempDir()
	copyTree(t, out, data)
	db, _, err := models.OpenDB(models.DBConfig{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer models.CloseDB(db)
	blobs, err := models.NewLocalBlobStore(filepath.Join(data, "evidence"))
	if err != nil {
		t.Fatal(err)
	}
	restored := models.New(models.Options{DB: db, Blobs: blobs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	sum, err := restored.VerifyAll(ctx, models.VerifyOptions{}, func(p models.Problem) { t.Errorf("restored copy: %s", p) })
	if err != nil || sum.Cases != m.Counts.Cases || sum.EvidenceFiles != m.Counts.EvidenceRows {
		t.Fatalf("restored: %+v %v (manifest %+v)", sum, err, m.Counts)
	}
	// Every submitted case in the copy has both its files; drafts caught mid-filing are
	// whole drafts.
	var cases []models.Case
	db.Find(&cases)
	for _, c := range cases {
		var n int64
		db.Model(&models.Evidence{}).Where("case_id = ?", c.ID).Count(&n)
		if c.Status == models.StatusSubmitted && n != 2 {
			t.Errorf("case %d submitted with %d files", c.ID, n)
		}
	}
	if _, err := f.Store.Backup(ctx, out, models.BackupOptions{}); err == nil {
		t.Fatal("backup into a non-empty directory should be refused")
	}
}

// fileOne drafts, files evidence and submits one case, returning errors rather than
// failing the test (it runs off the test goroutine).
func fileOne(s *models.Store, p *models.User, i int) error {
	ctx := context.Background()
	cats, infos := []string{"leak"}, []string{"phone"}
	c, err := s.CreateCase(ctx, p, models.ComplaintInput{
		Defendant: &models.DefendantInput{Name: sp("某某科技有限公司"), USCC: sp(models.CompleteUSCC("91110000MA01ABCD2")),
			Sector: sp("social"), Platform: sp("ChatApp"), Address: sp("北京市海淀区某路1号")},
		Categories: &cats, InfoTypes: &infos, Facts: sp("My phone number leaked from the platform's database."),
		Requests: &models.RequestsInput{Deletion: bp(true)}, Declaration: bp(true),
	})
	if err != nil {
		return err
	}
	for j := 0; j < 2; j++ {
		body := strings.NewReader(fmt.Sprintf("writer case %d file %d", i, j))
		if _, err := s.AddEvidence(ctx, p, c.ID, models.EvidenceInput{Title: "log", FileName: "log.txt", Body: body, MaxBytes: 1 << 20}); err != nil {
			return err
		}
	}
	_, _, err = s.Advance(ctx, p, c.ID, models.ActSubmit, models.ActionInput{})
	return err
}

// copyTree copies the backup into a data directory (netcourt.db and evidence/), as the
// README's restore steps do.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if rel == "manifest.json" {
			return nil
		}
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
	if err != nil {
		t.Fatal(fmt.Errorf("copy backup: %w", err))
	}
}
