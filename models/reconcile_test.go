package models_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"netcourt/models"
	"netcourt/models/testkit"
)

func TestReconcile(t *testing.T) {
	ctx := context.Background()
	f := testkit.NewStore(t)
	p := f.Plaintiff(t)
	c := fileCase(t, f, p, 2)
	files, _ := f.Store.EvidenceList(ctx, c.ID)
	old := time.Now().Add(-time.Hour)

	// An orphan from a crash between rename and commit, an orphan still within its grace
	// period, a partial upload, a referenced blob, and a row whose blob vanished.
	orphan, _ := f.Blobs.Put(ctx, strings.NewReader("orphaned upload"), 1<<20)
	young, _ := f.Blobs.Put(ctx, strings.NewReader("upload committing right now"), 1<<20)
	os.Chtimes(blobPath(f, orphan.SHA256), old, old)
	os.Chtimes(blobPath(f, files[0].SHA256), old, old)
	if err := os.WriteFile(filepath.Join(f.Blobs.Dir(), "tmp", "put-123"), []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(blobPath(f, files[1].SHA256)); err != nil {
		t.Fatal(err)
	}

	dry, err := f.Store.Reconcile(ctx, models.ReconcileOptions{Grace: 10 * time.Minute, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.TempFiles != 1 || len(dry.Orphans) != 1 || len(dry.MissingBlobs) != 1 {
		t.Fatalf("dry run: %+v", dry)
	}
	if _, err := os.Stat(blobPath(f, orphan.SHA256)); err != nil {
		t.Fatal("a dry run removed a file")
	}

	rep, err := f.Store.Reconcile(ctx, models.ReconcileOptions{Grace: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if rep.TempFiles != 1 || len(rep.Orphans) != 1 || rep.Orphans[0] != orphan.SHA256 || rep.YoungOrphans != 1 {
		t.Fatalf("report %+v", rep)
	}
	if len(rep.MissingBlobs) != 1 || rep.MissingBlobs[0].EvidenceID != files[1].ID || rep.MissingBlobs[0].Reference != *c.Reference {
		t.Fatalf("missing %+v", rep.MissingBlobs)
	}
	for sum, want := range map[string]bool{orphan.SHA256: false, young.SHA256: true, files[0].SHA256: true} {
		if _, err := os.Stat(blobPath(f, sum)); (err == nil) != want {
			t.Errorf("blob %s present=%v, want %v", sum[:8], err == nil, want)
		}
	}
	files, _ = f.Store.EvidenceList(ctx, c.ID)
	if files[1].FlaggedAt == nil || files[0].FlaggedAt != nil {
		t.Fatal("only the row without its file should be flagged")
	}
}

// An upload of the same bytes that races the collector never loses its file: either the
// collector sees the touch and puts the file back, or the upload writes its own copy.
func TestCollectOrphanRacesUpload(t *testing.T) {
	ctx := context.Background()
	f := testkit.NewStore(t)
	content := "the same bytes uploaded again"
	b, _ := f.Blobs.Put(ctx, strings.NewReader(content), 1<<20)
	path := blobPath(f, b.SHA256)
	old := time.Now().Add(-time.Hour)
	cutoff := time.Now().Add(-time.Minute)

	// The upload lands while the blob is moved aside: it must write its own copy.
	os.Chtimes(path, old, old)
	removed, err := f.Blobs.CollectOrphan(b.SHA256, cutoff, func() (bool, error) {
		if _, err := f.Blobs.Put(ctx, strings.NewReader(content), 1<<20); err != nil {
			return false, err
		}
		return false, nil // its row has not committed yet
	})
	if err != nil || !removed {
		t.Fatalf("removed %v err %v", removed, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal("the racing upload's file is gone")
	}

	// The row commits while the blob is aside: it is put back.
	os.Chtimes(path, old, old)
	removed, err = f.Blobs.CollectOrphan(b.SHA256, cutoff, func() (bool, error) { return true, nil })
	if err != nil || removed {
		t.Fatalf("removed %v err %v", removed, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal("a referenced blob was not put back")
	}

	// A crash mid-collection leaves the file in gc/; the next start puts it back.
	os.MkdirAll(filepath.Join(f.Blobs.Dir(), "gc"), 0o700)
	if err := os.Rename(path, filepath.Join(f.Blobs.Dir(), "gc", b.SHA256)); err != nil {
		t.Fatal(err)
	}
	if n, err := f.Blobs.RestoreCollected(); err != nil || n != 1 {
		t.Fatalf("restored %d, %v", n, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal("not restored")
	}
}
