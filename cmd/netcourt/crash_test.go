package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"netcourt/models"
)

// ack is something the server acknowledged with a 2xx, which must survive any crash.
type ack struct {
	caseID     int64
	evidenceID int64  // 0 for the case itself
	sha256     string // of the bytes the client sent
	submitted  string // the reference, when the submit was acknowledged
}

// TestCrashSafety kills the real server with SIGKILL at chosen points in the filing path
// (mid-upload, blob renamed but no row, row written but not committed, committed but not
// answered, submission before and after commit), at least 50 times, restarting it on the
// same data each time, and then shows that every acknowledged filing is complete with
// matching hashes and nothing half-made remains.
func TestCrashSafety(t *testing.T) {
	data := t.TempDir()
	srv := startServer(t, data)
	token := signUp(t, srv.base, "crash@example.test")
	if _, st, err := newClient(srv.base, token).createCase(0); st == http.StatusNotFound || err != nil {
		srv.stop(t, syscall.SIGKILL)
		t.Skipf("this build has no filing API (POST /api/v1/cases → %d, %v)", st, err)
	}
	if err := srv.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("clean stop: %v", err)
	}

	const (
		minKills = 54
		workers  = 3
		perCycle = 6 // filings per worker per cycle at most
	)
	rng := rand.New(rand.NewPCG(1, 2))
	var (
		mu    sync.Mutex
		acks  []ack
		kills = map[string]int{}
	)
	deadline := time.Now().Add(75 * time.Second)
	seq := 0
	for cycle := 0; cycle < minKills; cycle++ {
		if time.Now().After(deadline) {
			t.Fatalf("ran out of time after %d cycles", cycle)
		}
		point := models.CrashPoints[cycle%len(models.CrashPoints)]
		nth := 1 + rng.IntN(3)
		srv := startServer(t, data, "NETCOURT_TEST_HOOKS=1", "NETCOURT_TEST_CRASH_POINT="+point, fmt.Sprintf("NETCOURT_TEST_CRASH_AFTER=%d", nth))
		var (
			wg   sync.WaitGroup
			died atomic.Bool
		)
		for w := 0; w < workers; w++ {
			seq++
			base := seq * 1000
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := newClient(srv.base, token)
				for i := 0; i < perCycle; i++ {
					id, st, err := c.createCase(base + i)
					if err != nil {
						died.Store(true) // the server died
						return
					}
					if st != http.StatusCreated {
						t.Errorf("create: status %d", st)
						return
					}
					mu.Lock()
					acks = append(acks, ack{caseID: id})
					mu.Unlock()
					for j := 0; j < 2; j++ {
						file := textFile(fmt.Sprintf("%d-%d-%d", base, i, j), 512+rng.IntN(48<<10))
						r, st, err := c.upload(id, fmt.Sprintf("file %d", j), file)
						if err != nil {
							died.Store(true)
							return
						}
						if st != http.StatusCreated || r.Evidence.SHA256 != sha(file) {
							t.Errorf("upload: status %d, sha %s", st, r.Evidence.SHA256)
							return
						}
						mu.Lock()
						acks = append(acks, ack{caseID: id, evidenceID: r.Evidence.ID, sha256: sha(file)})
						mu.Unlock()
					}
					st, b, err := c.json("POST", fmt.Sprintf("/api/v1/cases/%d/submit", id), map[string]any{},
						map[string]string{"Idempotency-Key": fmt.Sprintf("submit-%d", id)})
					if err != nil {
						died.Store(true)
						return
					}
					if st != http.StatusOK {
						t.Errorf("submit: status %d %s", st, b)
						return
					}
					var r struct {
						Case struct{ Reference string } `json:"case"`
					}
					_ = json.Unmarshal(b, &r)
					mu.Lock()
					acks = append(acks, ack{caseID: id, submitted: r.Case.Reference})
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if !died.Load() {
			// The chosen hit never came (every filing finished first): kill it from outside.
			srv.stop(t, syscall.SIGKILL)
			kills["external"]++
		} else {
			select {
			case <-srv.exited:
			case <-time.After(10 * time.Second):
				t.Fatalf("cycle %d: requests failed but the server lives\n%s", cycle, srv.output())
			}
			select {
			case p := <-srv.crashed:
				kills[p]++
				if ws, ok := srv.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
					t.Fatalf("cycle %d: server at %s ended with %v, want SIGKILL\n%s", cycle, p, srv.waitErr, srv.output())
				}
			default:
				t.Fatalf("cycle %d: server ended without reaching a crash point: %v\n%s", cycle, srv.waitErr, srv.output())
			}
		}
		if t.Failed() {
			t.Fatalf("cycle %d (%s #%d) failed\n%s", cycle, point, nth, srv.output())
		}
	}
	total := 0
	for p, n := range kills {
		total += n
		t.Logf("killed at %s: %d", p, n)
	}
	if total < 50 || len(kills) < len(models.CrashPoints) {
		t.Fatalf("only %d kills over %d points", total, len(kills))
	}

	// Restart cleanly: reconciliation runs; then every acknowledgement must hold.
	srv = startServer(t, data)
	c := newClient(srv.base, token)
	type caseView struct {
		Case struct {
			Status    string  `json:"status"`
			Reference *string `json:"reference"`
			Evidence  []struct {
				ID     int64  `json:"id"`
				SHA256 string `json:"sha256"`
			} `json:"evidence"`
		} `json:"case"`
	}
	views := map[int64]*caseView{}
	checked := 0
	for _, a := range acks {
		v := views[a.caseID]
		if v == nil {
			st, b, err := c.json("GET", fmt.Sprintf("/api/v1/cases/%d", a.caseID), nil, nil)
			if err != nil || st != http.StatusOK {
				t.Fatalf("acknowledged case %d lost: %d %v", a.caseID, st, err)
			}
			v = &caseView{}
			if err := json.Unmarshal(b, v); err != nil {
				t.Fatal(err)
			}
			views[a.caseID] = v
		}
		switch {
		case a.evidenceID != 0:
			found := false
			for _, e := range v.Case.Evidence {
				found = found || (e.ID == a.evidenceID && e.SHA256 == a.sha256)
			}
			if !found {
				t.Fatalf("acknowledged evidence %d of case %d lost", a.evidenceID, a.caseID)
			}
			st, body, err := c.do("GET", fmt.Sprintf("/api/v1/cases/%d/evidence/%d/file", a.caseID, a.evidenceID), "", nil, nil)
			if err != nil || st != http.StatusOK || sha(body) != a.sha256 {
				t.Fatalf("evidence %d: download %d %v, hash %s want %s", a.evidenceID, st, err, sha(body), a.sha256)
			}
		case a.submitted != "":
			if v.Case.Status != "submitted" || v.Case.Reference == nil || *v.Case.Reference != a.submitted {
				t.Fatalf("acknowledged submission of case %d lost: %+v", a.caseID, v.Case)
			}
		}
		checked++
	}
	t.Logf("%d acknowledgements over %d cases all present after %d kills", checked, len(views), total)
	if err := srv.stop(t, syscall.SIGTERM); err != nil {
		t.Fatalf("clean stop: %v", err)
	}

	// Nothing half-made: no temp files, no blob without a row, no row without its blob, and
	// every chain intact.
	if code, out := runCLI(t, "verify", "--data", data); code != 0 {
		t.Fatalf("netcourt verify exit %d:\n%s", code, out)
	}
	assertNoHalfMade(t, data)
}

// assertNoHalfMade checks the evidence directory and the rows agree exactly.
func assertNoHalfMade(t *testing.T, data string) {
	t.Helper()
	tmp, _ := os.ReadDir(filepath.Join(data, "evidence", "tmp"))
	gc, _ := os.ReadDir(filepath.Join(data, "evidence", "gc"))
	if len(tmp) > 0 || len(gc) > 0 {
		t.Fatalf("half-made files remain: %d in tmp, %d in gc", len(tmp), len(gc))
	}
	db, _, err := models.OpenDB(models.DBConfig{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer models.CloseDB(db)
	var rows []string
	if err := db.Model(&models.Evidence{}).Distinct("sha256").Pluck("sha256", &rows).Error; err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, r := range rows {
		want[r] = true
	}
	blobs, err := models.NewLocalBlobStore(filepath.Join(data, "evidence"))
	if err != nil {
		t.Fatal(err)
	}
	onDisk := 0
	err = blobs.Walk(context.Background(), func(sum string, _ int64, _ time.Time) error {
		onDisk++
		if !want[sum] {
			return fmt.Errorf("orphan blob %s survived reconciliation", sum)
		}
		delete(want, sum)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) > 0 {
		t.Fatalf("%d evidence rows have no file", len(want))
	}
	t.Logf("%d evidence files on disk, each referenced", onDisk)
}
