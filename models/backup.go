package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Backups. A backup directory holds a consistent copy of the database, the evidence files
// that copy refers to (under evidence/, laid out as in the data directory) and
// manifest.json. On SQLite the copy is made with VACUUM INTO, which reads one snapshot, so
// filings that commit during the backup are either wholly in it or not at all; the evidence
// files are copied after, and since a file is always on disk before its row commits, every
// row in the snapshot finds its file. The copy is then verified like the live record.

// BackupManifest describes a backup (DIR/manifest.json).
type BackupManifest struct {
	Format    string    `json:"format"`
	CreatedAt time.Time `json:"created_at"`
	Dialect   Dialect   `json:"dialect"`
	Database  struct {
		File   string `json:"file"`
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	} `json:"database"`
	Counts struct {
		Cases        int64 `json:"cases"`
		Events       int64 `json:"events"`
		EvidenceRows int64 `json:"evidence_rows"`
		Blobs        int64 `json:"blobs"`
		BlobBytes    int64 `json:"blob_bytes"`
	} `json:"counts"`
	Verified struct {
		Done     bool     `json:"done"`
		OK       bool     `json:"ok"`
		Problems []string `json:"problems"`
	} `json:"verified"`
}

// BackupOptions tune Backup.
type BackupOptions struct {
	// Link hard-links evidence files instead of copying them (fast, same file system only;
	// the backup then shares the files' storage with the live store).
	Link bool
	// DSN is the PostgreSQL URL, needed to run pg_dump.
	DSN string
}

const (
	backupFormat   = "netcourt-backup-1"
	backupDBFile   = "netcourt.db"
	backupPGFile   = "netcourt.pgdump"
	backupManifest = "manifest.json"
)

// Backup writes a consistent copy of the record into dir, which must not exist or be empty,
// and verifies it. A copy that fails verification is still written (it may be the best copy
// there is) and the problems are in the manifest and the returned error.
func (s *Store) Backup(ctx context.Context, dir string, o BackupOptions) (*BackupManifest, error) {
	if err := prepareBackupDir(dir); err != nil {
		return nil, err
	}
	m := &BackupManifest{Format: backupFormat, CreatedAt: time.Now().UTC(), Dialect: s.dialect}
	m.Verified.Problems = []string{}
	if s.dialect == Postgres {
		return m, s.backupPostgres(ctx, dir, o, m)
	}
	dbPath := filepath.Join(dir, backupDBFile)
	if err := s.db.WithContext(ctx).Exec("VACUUM INTO ?", dbPath).Error; err != nil {
		return nil, fmt.Errorf("backup: VACUUM INTO: %w", err)
	}
	snap, _, err := OpenDB(DBConfig{DSN: dbPath})
	if err != nil {
		return nil, fmt.Errorf("backup: open the copy: %w", err)
	}
	closed := false
	defer func() {
		if !closed {
			_ = CloseDB(snap)
		}
	}()
	dst, err := NewLocalBlobStore(filepath.Join(dir, "evidence"))
	if err != nil {
		return nil, err
	}
	if err := s.copyBlobs(ctx, snap, dst, o.Link, m); err != nil {
		return nil, err
	}
	copyStore := New(Options{DB: snap, Blobs: dst, Court: s.court, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	sum, err := copyStore.VerifyAll(ctx, VerifyOptions{NoFlag: true}, func(p Problem) {
		m.Verified.Problems = append(m.Verified.Problems, p.String())
	})
	if err != nil {
		return nil, fmt.Errorf("backup: verify the copy: %w", err)
	}
	m.Counts.Cases, m.Counts.Events = sum.Cases, sum.Events
	m.Verified.Done, m.Verified.OK = true, sum.Problems == 0 && len(m.Verified.Problems) == 0
	closed = true
	if err := CloseDB(snap); err != nil {
		return nil, err
	}
	_ = os.Remove(filepath.Join(dir, "evidence", "tmp"))
	// Hash the file only now: opening it may have rewritten its header (WAL mode).
	if m.Database.SHA256, m.Database.Size, err = hashFile(dbPath); err != nil {
		return nil, err
	}
	m.Database.File = backupDBFile
	if err := writeManifest(dir, m); err != nil {
		return nil, err
	}
	if !m.Verified.OK {
		return m, fmt.Errorf("backup written to %s but the copy failed verification (%d problems): %s", dir, len(m.Verified.Problems), strings.Join(m.Verified.Problems, "; "))
	}
	return m, nil
}

// backupPostgres runs pg_dump (custom format) and copies the evidence the live database
// refers to once the dump has finished — a superset of what the dump refers to, because
// filed evidence rows are never deleted.
func (s *Store) backupPostgres(ctx context.Context, dir string, o BackupOptions, m *BackupManifest) error {
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		return errors.New("backup: PostgreSQL needs pg_dump on the PATH (install the PostgreSQL client of the server's version), " +
			"or back the database up with your usual PostgreSQL tooling and copy <data>/evidence alongside")
	}
	if o.DSN == "" {
		return errors.New("backup: no PostgreSQL DSN to dump")
	}
	out := filepath.Join(dir, backupPGFile)
	cmd := exec.CommandContext(ctx, pgDump, "--format=custom", "--no-owner", "--file", out, "--dbname", o.DSN)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("backup: pg_dump failed: %v: %s", err, strings.TrimSpace(string(b)))
	}
	dst, err := NewLocalBlobStore(filepath.Join(dir, "evidence"))
	if err != nil {
		return err
	}
	if err := s.copyBlobs(ctx, s.db, dst, o.Link, m); err != nil {
		return err
	}
	_ = os.Remove(filepath.Join(dir, "evidence", "tmp"))
	var n int64
	s.db.WithContext(ctx).Model(&Case{}).Count(&n)
	m.Counts.Cases = n
	s.db.WithContext(ctx).Model(&CaseEvent{}).Count(&n)
	m.Counts.Events = n
	if m.Database.SHA256, m.Database.Size, err = hashFile(out); err != nil {
		return err
	}
	m.Database.File = backupPGFile
	// A dump can only be verified once restored: restore it into a scratch database and run
	// `netcourt verify --db <that> --data <dir>` (README, "Backup and restore").
	return writeManifest(dir, m)
}

// copyBlobs copies (or links) every blob the given database refers to, re-hashing each copy
// so a damaged source file is reported rather than silently backed up.
func (s *Store) copyBlobs(ctx context.Context, db *gorm.DB, dst *LocalBlobStore, link bool, m *BackupManifest) error {
	var after int64
	done := map[string]bool{}
	for {
		var rows []Evidence
		if err := db.WithContext(ctx).Select("id, sha256").Where("id > ?", after).Order("id").Limit(1000).Find(&rows).Error; err != nil {
			return fmt.Errorf("backup: list evidence: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		after = rows[len(rows)-1].ID
		for _, r := range rows {
			m.Counts.EvidenceRows++
			if done[r.SHA256] || !validSHA256(r.SHA256) {
				continue
			}
			done[r.SHA256] = true
			n, err := s.copyBlob(ctx, dst, r.SHA256, link)
			if errors.Is(err, ErrNotFound) || errors.Is(err, errBlobAltered) {
				m.Verified.Problems = append(m.Verified.Problems, fmt.Sprintf("evidence %d (sha256 %s): %v in the live store", r.ID, r.SHA256, err))
				continue
			}
			if err != nil {
				return err
			}
			m.Counts.Blobs++
			m.Counts.BlobBytes += n
		}
	}
}

func (s *Store) copyBlob(ctx context.Context, dst *LocalBlobStore, sum string, link bool) (int64, error) {
	target := dst.path(sum)
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return 0, err
	}
	if local, ok := s.blobs.(*LocalBlobStore); ok && link {
		if err := os.Link(local.path(sum), target); err == nil {
			st, err := os.Stat(target)
			if err != nil {
				return 0, err
			}
			return st.Size(), nil
		}
	}
	rc, _, err := s.blobs.Open(ctx, sum)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	f, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, err
	}
	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(f, h), &ctxReader{ctx: ctx, r: rc}, make([]byte, 256<<10))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("backup: copy %s: %w", sum, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		os.Remove(target)
		return 0, errBlobAltered
	}
	return n, nil
}

func prepareBackupDir(dir string) error {
	if dir == "" {
		return errors.New("backup: --out is required")
	}
	entries, err := os.ReadDir(dir)
	if err == nil && len(entries) > 0 {
		return fmt.Errorf("backup: %s is not empty; choose a new directory", dir)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	return os.MkdirAll(dir, 0o700)
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func writeManifest(dir string, m *BackupManifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, backupManifest)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err = f.Write(append(b, '\n')); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return syncDir(dir)
}
