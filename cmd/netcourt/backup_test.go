package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"netcourt/models"
)

// TestBackupWhileServingThenRestore backs up with `netcourt backup` while a client files
// cases over HTTP, restores the copy into a fresh data directory as README describes, and
// checks that `netcourt verify` passes and every case acknowledged before the backup began is
// there with its files. Then it flips one byte and checks verify names the file.
func TestBackupWhileServingThenRestore(t *testing.T) {
	data := t.TempDir()
	srv := startServer(t, data)
	defer srv.stop(t, syscall.SIGTERM)
	token := signUp(t, srv.base, "backup@example.test")
	c := newClient(srv.base, token)
	if _, st, err := c.createCase(0); st == http.StatusNotFound || err != nil {
		t.Skipf("this build has no filing API (POST /api/v1/cases → %d, %v)", st, err)
	}
	fileOne := func(i int) (int64, error) {
		id, st, err := c.createCase(i)
		if err != nil || st != http.StatusCreated {
			return 0, fmt.Errorf("create: %d %v", st, err)
		}
		for j := 0; j < 2; j++ {
			if _, st, err := c.upload(id, "f", textFile(fmt.Sprintf("backup %d %d", i, j), 4096)); err != nil || st != http.StatusCreated {
				return 0, fmt.Errorf("upload: %d %v", st, err)
			}
		}
		st, b, err := c.json("POST", fmt.Sprintf("/api/v1/cases/%d/submit", id), map[string]any{}, nil)
		if err != nil || st != http.StatusOK {
			return 0, fmt.Errorf("submit: %d %v %s", st, err, b)
		}
		return id, nil
	}
	var before []int64
	for i := 1; i <= 5; i++ {
		id, err := fileOne(i)
		if err != nil {
			t.Fatal(err)
		}
		before = append(before, id)
	}

	stop := make(chan struct{})
	var (
		wg       sync.WaitGroup
		writeErr error
		during   int
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 100; i < 400; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, writeErr = fileOne(i); writeErr != nil {
				return
			}
			during++
		}
	}()
	out := filepath.Join(t.TempDir(), "backup")
	code, msg := runCLI(t, "backup", "--out", out, "--data", data)
	close(stop)
	wg.Wait()
	if code != 0 || writeErr != nil {
		t.Fatalf("backup exit %d: %s (writer: %v)", code, msg, writeErr)
	}
	if !strings.Contains(msg, "verified: intact") {
		t.Fatalf("backup output: %s", msg)
	}
	t.Logf("%d cases filed during the backup; %s", during, strings.TrimSpace(msg))

	// Restore as README says: a fresh data directory with the database and the evidence.
	restored := t.TempDir()
	if err := os.Rename(filepath.Join(out, "netcourt.db"), filepath.Join(restored, "netcourt.db")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(out, "evidence"), filepath.Join(restored, "evidence")); err != nil {
		t.Fatal(err)
	}
	code, msg = runCLI(t, "verify", "--data", restored)
	if code != 0 || !strings.Contains(msg, "verify: intact") {
		t.Fatalf("verify of the restored copy: exit %d\n%s", code, msg)
	}
	db, _, err := models.OpenDB(models.DBConfig{DataDir: restored})
	if err != nil {
		t.Fatal(err)
	}
	var rows []models.Evidence
	db.Where("case_id IN ?", before).Find(&rows)
	var submitted int64
	db.Model(&models.Case{}).Where("id IN ? AND status = ?", before, models.StatusSubmitted).Count(&submitted)
	if len(rows) != 2*len(before) || submitted != int64(len(before)) {
		models.CloseDB(db)
		t.Fatalf("restored copy holds %d files and %d submitted of the %d cases filed before the backup", len(rows), submitted, len(before))
	}
	var ref string
	db.Model(&models.Case{}).Where("id = ?", rows[0].CaseID).Pluck("reference", &ref)
	models.CloseDB(db)

	// Tamper with one file of the copy: verify fails (exit 3) and names the case and file.
	p := filepath.Join(restored, "evidence", rows[0].SHA256[:2], rows[0].SHA256[2:4], rows[0].SHA256)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[10] ^= 1
	os.WriteFile(p, b, 0o600)
	code, msg = runCLI(t, "verify", "--data", restored)
	if code != exitBroken || !strings.Contains(msg, ref) || !strings.Contains(msg, rows[0].SHA256) || !strings.Contains(msg, "evidence_altered") {
		t.Fatalf("verify after tampering: exit %d\n%s", code, msg)
	}
}
