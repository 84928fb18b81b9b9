package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Blob describes stored evidence bytes. SHA256 is lowercase hex and doubles as the address.
type Blob struct {
	SHA256    string
	Size      int64
	MediaType string
}

// BlobStore keeps evidence bytes addressed by their SHA-256. The local directory is the
// default; an S3-compatible store can implement the same interface when several app nodes share storage.
type BlobStore interface {
	Put(ctx context.Context, r io.Reader, maxBytes int64) (Blob, error)
	Open(ctx context.Context, sha256 string) (io.ReadSeekCloser, int64, error) // size
	Verify(ctx context.Context, sha256 string) (bool, error)                   // re-hash, true if the bytes still match
	Delete(ctx context.Context, sha256 string) error
	Walk(ctx context.Context, fn func(sha256 string, size int64, modTime time.Time) error) error
}

var _ BlobStore = (*LocalBlobStore)(nil)

// copyBufSize fixes the per-upload memory cost regardless of file size.
const copyBufSize = 32 << 10

// LocalBlobStore stores each blob at dir/ab/cd/<hex>. Two levels of fan-out keep every
// directory small enough to list quickly even with millions of files.
type LocalBlobStore struct {
	dir  string
	hook func(point string) // crash-test hook; nil in production
}

// NewLocalBlobStore creates dir and its tmp subdirectory, private to the server's user since
// evidence holds personal data. It does not clean tmp: that is only safe before any upload
// can be in flight, so the caller decides when by calling CleanTemp.
func NewLocalBlobStore(dir string) (*LocalBlobStore, error) {
	if dir == "" {
		return nil, errors.New("blob store: empty directory")
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	return &LocalBlobStore{dir: dir}, nil
}

// Dir is the store's root directory.
func (s *LocalBlobStore) Dir() string { return s.dir }

func (s *LocalBlobStore) tmpDir() string { return filepath.Join(s.dir, "tmp") }

func (s *LocalBlobStore) path(sum string) string {
	return filepath.Join(s.dir, sum[:2], sum[2:4], sum)
}

// CleanTemp removes every file in tmp and reports how many it removed. Temp files are only
// ever partial uploads, so after a crash they are garbage; call it at start-up, before
// serving, because during operation it would delete uploads in progress.
func (s *LocalBlobStore) CleanTemp() (int, error) {
	entries, err := os.ReadDir(s.tmpDir())
	if err != nil {
		return 0, fmt.Errorf("blob store: clean temp: %w", err)
	}
	n := 0
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(s.tmpDir(), e.Name())); err != nil {
			return n, fmt.Errorf("blob store: clean temp: %w", err)
		}
		n++
	}
	return n, nil
}

// Put streams r to disk while hashing it, so memory stays flat at one copy buffer whatever
// the file size. The blob becomes visible under its hash only after its bytes are durable
// (temp → fsync → rename → fsync dir), so a crash leaves either the whole file or nothing
// but a temp file; callers write the database row only after Put returns.
func (s *LocalBlobStore) Put(ctx context.Context, r io.Reader, maxBytes int64) (blob Blob, err error) {
	if maxBytes <= 0 {
		return Blob{}, fmt.Errorf("blob store: maxBytes must be positive, got %d", maxBytes)
	}
	if err := ctx.Err(); err != nil {
		return Blob{}, err
	}
	f, err := os.CreateTemp(s.tmpDir(), "put-*")
	if err != nil {
		return Blob{}, fmt.Errorf("blob store: %w", err)
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(tmp)
		}
	}()

	h := sha256.New()
	// Reading one byte past the cap is how an over-size upload is told apart from one of
	// exactly maxBytes without trusting any declared length.
	src := &sniffReader{ctx: ctx, r: io.LimitReader(r, maxBytes+1)}
	buf := make([]byte, copyBufSize)
	n, err := io.CopyBuffer(io.MultiWriter(f, h), src, buf)
	if err != nil {
		if errors.Is(err, errSniffRejected) {
			return Blob{}, unsupportedTypeError()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return Blob{}, ctxErr
		}
		return Blob{}, fmt.Errorf("blob store: write upload: %w", err)
	}
	if n > maxBytes {
		e := WithMessage(ErrTooLarge, "Each file may be at most %d MiB.", maxBytes>>20)
		e.Args = []any{maxBytes >> 20}
		return Blob{}, e
	}
	if n == 0 {
		return Blob{}, Invalid(map[string]string{"file": "validation.file_empty"})
	}
	mediaType, ok := SniffMediaType(src.head[:src.n])
	if !ok {
		return Blob{}, unsupportedTypeError()
	}
	if err := ctx.Err(); err != nil {
		return Blob{}, err
	}
	if s.hook != nil {
		s.hook(CrashAfterBlobTmpWrite)
	}

	if err := f.Sync(); err != nil {
		return Blob{}, fmt.Errorf("blob store: %w", err)
	}
	closed = true
	if err := f.Close(); err != nil {
		return Blob{}, fmt.Errorf("blob store: %w", err)
	}

	sum := hex.EncodeToString(h.Sum(nil))
	blob = Blob{SHA256: sum, Size: n, MediaType: mediaType}
	final := s.path(sum)
	l1 := filepath.Join(s.dir, sum[:2])
	l2 := filepath.Join(l1, sum[2:4])
	newL1, err := mkdirNew(l1)
	if err != nil {
		return Blob{}, err
	}
	newL2, err := mkdirNew(l2)
	if err != nil {
		return Blob{}, err
	}
	if _, statErr := os.Lstat(final); statErr == nil {
		// Same hash means same bytes: the stored copy already serves this upload. Touching
		// it claims it against orphan collection (see CollectOrphan), which only removes
		// files that stay untouched past its check; if the touch finds the file gone, the
		// collector got there first and this upload writes its own copy. Remove the temp
		// before returning, since err is nil here and the deferred cleanup will not run.
		now := time.Now()
		if err := os.Chtimes(final, now, now); err == nil {
			os.Remove(tmp)
			return blob, nil
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return Blob{}, fmt.Errorf("blob store: %w", err)
	}
	// The rename is durable only once its directory is synced, and a new directory only
	// once its own parent is; without this a crash could lose an acknowledged filing.
	if err := syncDir(l2); err != nil {
		return Blob{}, err
	}
	if newL2 {
		if err := syncDir(l1); err != nil {
			return Blob{}, err
		}
	}
	if newL1 {
		if err := syncDir(s.dir); err != nil {
			return Blob{}, err
		}
	}
	if s.hook != nil {
		s.hook(CrashAfterBlobRename)
	}
	return blob, nil
}

func unsupportedTypeError() *Error {
	e := WithMessage(ErrUnsupportedType, "That file type is not allowed. Allowed types: %s.", AllowedEvidenceTypesText)
	e.Args = []any{AllowedEvidenceTypesText}
	return e
}

// mkdirNew creates one directory level and says whether it was new, which decides which
// parents need an fsync.
func mkdirNew(dir string) (bool, error) {
	err := os.Mkdir(dir, 0o700)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	return false, fmt.Errorf("blob store: %w", err)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blob store: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("blob store: sync %s: %w", dir, err)
	}
	return nil
}

// errSniffRejected stops the copy as soon as the head is known to be refused, so a large
// disallowed file is not written to disk in full first.
var errSniffRejected = errors.New("sniff rejected")

// sniffReader keeps the first SniffLen bytes as they pass and checks ctx between reads, so a
// cancelled request stops the copy at the next chunk.
type sniffReader struct {
	ctx  context.Context
	r    io.Reader
	head [SniffLen]byte
	n    int
}

func (s *sniffReader) Read(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := s.r.Read(p)
	if s.n < SniffLen && n > 0 {
		s.n += copy(s.head[s.n:], p[:n])
		if s.n == SniffLen {
			if _, ok := SniffMediaType(s.head[:]); !ok {
				return n, errSniffRejected
			}
		}
	}
	return n, err
}

// validSHA256 admits only 64 lowercase hex digits; the value becomes a path, so this is
// what makes traversal ("../../etc/passwd") impossible.
func validSHA256(sum string) bool {
	if len(sum) != 64 {
		return false
	}
	for i := 0; i < len(sum); i++ {
		c := sum[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Open returns the blob's bytes and size, or ErrNotFound when no such blob is stored.
func (s *LocalBlobStore) Open(ctx context.Context, sum string) (io.ReadSeekCloser, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	if !validSHA256(sum) {
		return nil, 0, ErrNotFound
	}
	f, err := os.Open(s.path(sum))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, ErrNotFound
		}
		return nil, 0, fmt.Errorf("blob store: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("blob store: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, ErrNotFound
	}
	return f, st.Size(), nil
}

// Verify re-hashes the stored bytes; false means they no longer match their address, i.e.
// the evidence was altered or damaged after filing.
func (s *LocalBlobStore) Verify(ctx context.Context, sum string) (bool, error) {
	rc, _, err := s.Open(ctx, sum)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	h := sha256.New()
	buf := make([]byte, copyBufSize)
	if _, err := io.CopyBuffer(h, &ctxReader{ctx: ctx, r: rc}, buf); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return false, ctxErr
		}
		return false, fmt.Errorf("blob store: verify: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)) == sum, nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Delete removes a blob, or returns ErrNotFound if it is absent. Callers must make sure no
// filing refers to the hash: identical uploads share one file.
func (s *LocalBlobStore) Delete(ctx context.Context, sum string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !validSHA256(sum) {
		return ErrNotFound
	}
	if err := os.Remove(s.path(sum)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return ErrNotFound
		}
		return fmt.Errorf("blob store: %w", err)
	}
	return nil
}

// Walk calls fn for every stored blob, in hash order. Anything in the tree that is not a
// well-formed blob path (tmp, stray files) is skipped rather than reported, so verification
// and garbage collection see only real blobs. An error from fn stops the walk and is returned.
func (s *LocalBlobStore) Walk(ctx context.Context, fn func(sha256 string, size int64, modTime time.Time) error) error {
	l1s, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("blob store: walk: %w", err)
	}
	for _, l1 := range l1s {
		if !l1.IsDir() || !isHexPair(l1.Name()) {
			continue
		}
		l2s, err := os.ReadDir(filepath.Join(s.dir, l1.Name()))
		if err != nil {
			return fmt.Errorf("blob store: walk: %w", err)
		}
		for _, l2 := range l2s {
			if !l2.IsDir() || !isHexPair(l2.Name()) {
				continue
			}
			dir := filepath.Join(s.dir, l1.Name(), l2.Name())
			files, err := os.ReadDir(dir)
			if err != nil {
				return fmt.Errorf("blob store: walk: %w", err)
			}
			for _, f := range files {
				if err := ctx.Err(); err != nil {
					return err
				}
				name := f.Name()
				if !f.Type().IsRegular() || !validSHA256(name) || name[:2] != l1.Name() || name[2:4] != l2.Name() {
					continue
				}
				info, err := f.Info()
				if err != nil {
					if errors.Is(err, fs.ErrNotExist) {
						continue // deleted since the listing
					}
					return fmt.Errorf("blob store: walk: %w", err)
				}
				if err := fn(name, info.Size(), info.ModTime()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func isHexPair(name string) bool {
	if len(name) != 2 {
		return false
	}
	for i := 0; i < 2; i++ {
		c := name[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
