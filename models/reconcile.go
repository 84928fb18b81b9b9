package models

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Start-up reconciliation. Filing writes the evidence bytes first and the rows second, so a
// crash can leave (a) a partial upload in tmp, (b) a complete blob that no row references
// (killed between the blob's rename and the commit), or — only if a disk lost data or someone
// deleted files — (c) a row whose blob is gone. Reconcile cleans (a) and (b) and reports and
// flags (c). It never touches a blob a row references.

// DefaultOrphanGrace is how old an unreferenced blob must be before it is collected: long
// enough that an upload on another node sharing the store has committed its row.
const DefaultOrphanGrace = 10 * time.Minute

// ReconcileOptions tune Reconcile.
type ReconcileOptions struct {
	// Grace leaves unreferenced blobs younger than this alone (0 collects them all: only safe
	// when no other node writes to the store).
	Grace time.Duration
	// DryRun reports without changing anything (used by `netcourt verify`).
	DryRun bool
}

// ReconcileReport says what Reconcile found and did.
type ReconcileReport struct {
	TempFiles    int       // partial uploads removed (or present, in a dry run)
	Restored     int       // blobs put back from a collection interrupted by a crash
	Orphans      []string  // unreferenced blobs removed (or that would be)
	YoungOrphans int       // unreferenced blobs within the grace period, left alone
	MissingBlobs []Problem // evidence rows whose bytes are gone (flagged unless a dry run)
}

// orphanCollector is what a blob store needs for reconciliation; the local directory has it.
type orphanCollector interface {
	CleanTemp() (int, error)
	TempFiles() (int, error)
	RestoreCollected() (int, error)
	CollectOrphan(sum string, cutoff time.Time, referenced func() (bool, error)) (bool, error)
}

var _ orphanCollector = (*LocalBlobStore)(nil)

// Reconcile brings the evidence store and the database back into agreement. Call it at
// start-up before serving: removing temp files is only safe while no upload is in flight.
func (s *Store) Reconcile(ctx context.Context, o ReconcileOptions) (ReconcileReport, error) {
	var rep ReconcileReport
	oc, ok := s.blobs.(orphanCollector)
	if ok {
		var err error
		if o.DryRun {
			rep.TempFiles, err = oc.TempFiles()
		} else {
			if rep.Restored, err = oc.RestoreCollected(); err != nil {
				return rep, err
			}
			rep.TempFiles, err = oc.CleanTemp()
		}
		if err != nil {
			return rep, err
		}
		if err := s.collectOrphans(ctx, oc, o, &rep); err != nil {
			return rep, err
		}
	}
	if err := s.findMissingBlobs(ctx, o, &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

func (s *Store) referenced(ctx context.Context, sums []string) (map[string]bool, error) {
	var found []string
	if err := s.db.WithContext(ctx).Model(&Evidence{}).Distinct("sha256").Where("sha256 IN ?", sums).Pluck("sha256", &found).Error; err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(found))
	for _, f := range found {
		m[f] = true
	}
	return m, nil
}

func (s *Store) collectOrphans(ctx context.Context, oc orphanCollector, o ReconcileOptions, rep *ReconcileReport) error {
	cutoff := time.Now().Add(-o.Grace)
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		refs, err := s.referenced(ctx, batch)
		if err != nil {
			return err
		}
		for _, sum := range batch {
			if refs[sum] {
				continue
			}
			if o.DryRun {
				rep.Orphans = append(rep.Orphans, sum)
				continue
			}
			removed, err := oc.CollectOrphan(sum, cutoff, func() (bool, error) {
				r, err := s.referenced(ctx, []string{sum})
				return r[sum], err
			})
			if err != nil {
				return err
			}
			if removed {
				rep.Orphans = append(rep.Orphans, sum)
				s.log.Info("removed an evidence file no filing refers to", "sha256", sum)
			} else {
				rep.YoungOrphans++
			}
		}
		batch = batch[:0]
		return nil
	}
	err := s.blobs.Walk(ctx, func(sum string, _ int64, mod time.Time) error {
		if mod.After(cutoff) {
			// Possibly an upload whose row is committing right now.
			refs, err := s.referenced(ctx, []string{sum})
			if err != nil {
				return err
			}
			if !refs[sum] {
				rep.YoungOrphans++
			}
			return nil
		}
		batch = append(batch, sum)
		if len(batch) >= 500 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// findMissingBlobs streams over the evidence rows and reports each whose blob is gone.
func (s *Store) findMissingBlobs(ctx context.Context, o ReconcileOptions, rep *ReconcileReport) error {
	var after int64
	for {
		var rows []Evidence
		if err := s.db.WithContext(ctx).Select("id, case_id, sha256, flagged_at").Where("id > ?", after).Order("id").Limit(1000).Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		after = rows[len(rows)-1].ID
		for i := range rows {
			r := &rows[i]
			rc, _, err := s.blobs.Open(ctx, r.SHA256)
			if err == nil {
				rc.Close()
				continue
			}
			if !errors.Is(err, ErrNotFound) {
				return err
			}
			p := Problem{CaseID: r.CaseID, Area: AreaEvidence, Code: "evidence_missing", EvidenceID: r.ID, SHA256: r.SHA256,
				Detail: "the file is missing from the evidence store"}
			var c Case
			if s.db.WithContext(ctx).Select("id, reference, docket_no").First(&c, r.CaseID).Error == nil {
				if c.Reference != nil {
					p.Reference = *c.Reference
				}
				if c.DocketNo != nil {
					p.DocketNo = *c.DocketNo
				}
			}
			rep.MissingBlobs = append(rep.MissingBlobs, p)
			if !o.DryRun && r.FlaggedAt == nil {
				s.flagEvidence(ctx, r, p.Code)
			}
		}
	}
}

func (s *LocalBlobStore) gcDir() string { return filepath.Join(s.dir, "gc") }

// TempFiles counts partial uploads without removing them.
func (s *LocalBlobStore) TempFiles() (int, error) {
	entries, err := os.ReadDir(s.tmpDir())
	if err != nil {
		return 0, fmt.Errorf("blob store: %w", err)
	}
	return len(entries), nil
}

// CollectOrphan removes an unreferenced blob without racing an upload of the same bytes.
// Put claims an existing blob by touching it (and writes its own copy if the touch finds it
// gone), so collection first moves the blob aside — after which no upload can claim it —
// then re-checks that nobody touched it since the cutoff and that still no row refers to it,
// and only then deletes it; otherwise it puts it back. A crash in between leaves the file in
// gc/, which RestoreCollected puts back at the next start.
func (s *LocalBlobStore) CollectOrphan(sum string, cutoff time.Time, referenced func() (bool, error)) (bool, error) {
	if !validSHA256(sum) {
		return false, ErrNotFound
	}
	final := s.path(sum)
	st, err := os.Stat(final)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, fmt.Errorf("blob store: %w", err)
	}
	if st.ModTime().After(cutoff) {
		return false, nil
	}
	if err := os.MkdirAll(s.gcDir(), 0o700); err != nil {
		return false, fmt.Errorf("blob store: %w", err)
	}
	aside := filepath.Join(s.gcDir(), sum)
	if err := os.Rename(final, aside); err != nil {
		return false, fmt.Errorf("blob store: %w", err)
	}
	keep := false
	if st, err := os.Stat(aside); err != nil || st.ModTime().After(cutoff) {
		keep = true
	}
	if !keep {
		ref, err := referenced()
		if err != nil || ref {
			keep = true
		}
	}
	if keep {
		return false, s.putBack(sum)
	}
	if err := os.Remove(aside); err != nil {
		return false, fmt.Errorf("blob store: %w", err)
	}
	return true, nil
}

// putBack returns a blob from gc/ to its place (if an upload has meanwhile written the same
// bytes there, the spare copy is dropped).
func (s *LocalBlobStore) putBack(sum string) error {
	aside := filepath.Join(s.gcDir(), sum)
	if err := os.MkdirAll(filepath.Dir(s.path(sum)), 0o700); err != nil {
		return fmt.Errorf("blob store: %w", err)
	}
	if err := os.Link(aside, s.path(sum)); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("blob store: put back %s: %w", sum, err)
	}
	if err := syncDir(filepath.Dir(s.path(sum))); err != nil {
		return err
	}
	return os.Remove(aside)
}

// RestoreCollected puts back every blob a crashed collection left aside; whether it is an
// orphan is decided afresh.
func (s *LocalBlobStore) RestoreCollected() (int, error) {
	entries, err := os.ReadDir(s.gcDir())
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("blob store: %w", err)
	}
	n := 0
	for _, e := range entries {
		if !validSHA256(e.Name()) {
			continue
		}
		if err := s.putBack(e.Name()); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
