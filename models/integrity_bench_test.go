package models_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"netcourt/models"
	"netcourt/models/testkit"
)

// BenchmarkVerifyAll measures `netcourt verify`'s work — evidence MB/s re-hashed and events/s
// walked — and runs sha256sum over the same files for comparison (ratio = ours / sha256sum).
//
//	go test ./models -run '^$' -bench VerifyAll -benchtime 5x
func BenchmarkVerifyAll(b *testing.B) {
	ctx := context.Background()
	f := testkit.NewStore(b)
	p := f.Plaintiff(b)
	const cases, files, size = 100, 2, 256 << 10
	clerk, judge := f.Clerk(b), f.Judge(b)
	for i := 0; i < cases; i++ {
		if err := fileOne(f.Store, p, i); err != nil {
			b.Fatal(err)
		}
	}
	// Larger files and a longer chain: accept each case and file evidence after docketing.
	var ids []int64
	f.DB.Model(&models.Case{}).Order("id").Pluck("id", &ids)
	for i, id := range ids {
		if _, _, err := f.Store.Advance(ctx, clerk, id, models.ActAccept, models.ActionInput{Procedure: models.ProcedureSimplified, JudgeID: judge.ID}); err != nil {
			b.Fatal(err)
		}
		for j := 0; j < files; j++ {
			body := bytes.Repeat([]byte(fmt.Sprintf("case %d file %d line of evidence text\n", i, j)), size/40)
			if _, err := f.Store.AddEvidence(ctx, p, id, models.EvidenceInput{Title: "big", FileName: "big.txt", Body: bytes.NewReader(body), MaxBytes: 1 << 30}); err != nil {
				b.Fatal(err)
			}
		}
	}
	var sum models.VerifySummary
	b.ResetTimer()
	for b.Loop() {
		var err error
		sum, err = f.Store.VerifyAll(ctx, models.VerifyOptions{}, func(p models.Problem) { b.Errorf("problem: %s", p) })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.SetBytes(sum.EvidenceBytes)
	perOp := b.Elapsed().Seconds() / float64(b.N)
	ours := float64(sum.EvidenceBytes) / 1e6 / perOp
	b.ReportMetric(ours, "MB/s-rehash")
	b.ReportMetric(float64(sum.Events)/perOp, "events/s")
	b.ReportMetric(float64(sum.EvidenceFiles), "files")

	if _, err := exec.LookPath("sha256sum"); err != nil {
		return
	}
	var paths []string
	filepath.WalkDir(f.Blobs.Dir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && len(d.Name()) == 64 {
			paths = append(paths, p)
		}
		return nil
	})
	var total int64
	for _, p := range paths {
		st, _ := os.Stat(p)
		total += st.Size()
	}
	start := time.Now()
	const rounds = 3
	for r := 0; r < rounds; r++ {
		if out, err := exec.Command("sha256sum", paths...).CombinedOutput(); err != nil {
			b.Fatalf("sha256sum: %v %s", err, out)
		}
	}
	theirs := float64(total) / 1e6 / (time.Since(start).Seconds() / rounds)
	b.ReportMetric(theirs, "MB/s-sha256sum")
	b.ReportMetric(ours/theirs, "ratio")
}

// BenchmarkCheckChain measures re-walking a hash chain alone (events/s), without the
// database or the files.
func BenchmarkCheckChain(b *testing.B) {
	const n = 1000
	events := make([]models.CaseEvent, n)
	prev := ""
	at := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	for i := range events {
		e := &events[i]
		*e = models.CaseEvent{CaseID: 1, Seq: i + 1, Action: "evidence_added", FromStatus: models.StatusAccepted, ToStatus: models.StatusAccepted,
			ActorID: 7, ActorRole: models.RolePlaintiff, Details: `{"evidence_id":1,"sha256":"` + fmt.Sprintf("%064d", i) + `"}`, At: at, PrevHash: prev}
		e.Hash = models.EventHash(e)
		prev = e.Hash
	}
	for b.Loop() {
		if probs := models.CheckChain(events); len(probs) > 0 {
			b.Fatal(probs)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}
