package models

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func newTestStore(t testing.TB) *LocalBlobStore {
	t.Helper()
	s, err := NewLocalBlobStore(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// storeFiles lists every regular file under the store, tmp included, so tests can prove that
// a failed Put leaves nothing anywhere.
func storeFiles(t *testing.T, s *LocalBlobStore) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(s.Dir(), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func assertEmpty(t *testing.T, s *LocalBlobStore) {
	t.Helper()
	if files := storeFiles(t, s); len(files) != 0 {
		t.Fatalf("store not empty: %v", files)
	}
}

func hexSum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestBlobRoundTrip(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	data := append(pdfHeader(), bytes.Repeat([]byte("evidence "), 10000)...)
	b, err := s.Put(ctx, bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want := Blob{SHA256: hexSum(data), Size: int64(len(data)), MediaType: "application/pdf"}
	if b != want {
		t.Fatalf("Put = %+v, want %+v", b, want)
	}
	rc, size, err := s.Open(ctx, b.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(data)) || !bytes.Equal(got, data) {
		t.Fatalf("Open returned %d bytes (size %d), want %d", len(got), size, len(data))
	}
	if _, err := rc.Seek(5, io.SeekStart); err != nil {
		t.Fatal(err)
	}

	p := filepath.Join(s.Dir(), b.SHA256[:2], b.SHA256[2:4], b.SHA256)
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("blob mode %v, want 0600", st.Mode().Perm())
	}
	if ok, err := s.Verify(ctx, b.SHA256); err != nil || !ok {
		t.Fatalf("Verify = %v, %v", ok, err)
	}

	var walked []string
	err = s.Walk(ctx, func(sum string, size int64, mod time.Time) error {
		if size != int64(len(data)) || mod.IsZero() {
			t.Errorf("Walk gave size %d mod %v", size, mod)
		}
		walked = append(walked, sum)
		return nil
	})
	if err != nil || len(walked) != 1 || walked[0] != b.SHA256 {
		t.Fatalf("Walk = %v, %v", walked, err)
	}

	if err := s.Delete(ctx, b.SHA256); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Open(ctx, b.SHA256); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open after Delete: %v", err)
	}
	if err := s.Delete(ctx, b.SHA256); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v", err)
	}
}

func TestBlobSameContentOneFile(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	data := pngHeader()
	b1, err := s.Put(ctx, bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := s.Put(ctx, bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if b1 != b2 {
		t.Fatalf("%+v != %+v", b1, b2)
	}
	if files := storeFiles(t, s); len(files) != 1 {
		t.Fatalf("want one file, got %v", files)
	}
}

func TestBlobSizeCapBoundary(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	const max = 2 << 20
	exact := append(pdfHeader(), bytes.Repeat([]byte{'x'}, max-len(pdfHeader()))...)
	if _, err := s.Put(ctx, bytes.NewReader(exact), max); err != nil {
		t.Fatalf("exactly maxBytes: %v", err)
	}

	s2 := newTestStore(t)
	over := append(exact, 'x')
	_, err := s2.Put(ctx, bytes.NewReader(over), max)
	if !errors.Is(err, ErrTooLarge) || KindOf(err) != KindTooLarge {
		t.Fatalf("maxBytes+1: %v", err)
	}
	var de *Error
	if !errors.As(err, &de) || de.Message != "Each file may be at most 2 MiB." {
		t.Fatalf("message: %v", err)
	}
	assertEmpty(t, s2)
}

func TestBlobRejectsDisguisedTypes(t *testing.T) {
	cases := map[string][]byte{
		"html named png": []byte("<html><script>alert(document.cookie)</script></html>"),
		"svg":            []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"gif":            []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04"),
		// Longer than the sniff window, so the copy stops early instead of at EOF.
		"large zip": append([]byte("PK\x03\x04"), make([]byte, 100<<10)...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			s := newTestStore(t)
			_, err := s.Put(context.Background(), bytes.NewReader(data), 1<<20)
			if !errors.Is(err, ErrUnsupportedType) || KindOf(err) != KindUnsupportedType {
				t.Fatalf("Put: %v", err)
			}
			var de *Error
			if !errors.As(err, &de) || !strings.Contains(de.Message, AllowedEvidenceTypesText) {
				t.Fatalf("message: %v", err)
			}
			assertEmpty(t, s)
		})
	}
}

func TestBlobZeroBytes(t *testing.T) {
	s := newTestStore(t)
	_, err := s.Put(context.Background(), strings.NewReader(""), 1<<20)
	var de *Error
	if !errors.As(err, &de) || de.Kind != KindInvalid || de.Fields["file"] != "validation.file_empty" {
		t.Fatalf("Put: %v", err)
	}
	assertEmpty(t, s)
}

type failingReader struct {
	r    io.Reader
	left int
}

var errBroken = errors.New("connection reset")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, errBroken
	}
	if len(p) > f.left {
		p = p[:f.left]
	}
	n, err := f.r.Read(p)
	f.left -= n
	return n, err
}

func TestBlobReaderFailsMidway(t *testing.T) {
	s := newTestStore(t)
	data := append(pdfHeader(), make([]byte, 200<<10)...)
	_, err := s.Put(context.Background(), &failingReader{r: bytes.NewReader(data), left: 100 << 10}, 1<<20)
	if !errors.Is(err, errBroken) {
		t.Fatalf("Put: %v", err)
	}
	assertEmpty(t, s)
}

// cancelAfterReader cancels its context once some bytes have gone through, as a client
// hanging up mid-upload would.
type cancelAfterReader struct {
	r      io.Reader
	after  int
	read   int
	cancel context.CancelFunc
}

func (c *cancelAfterReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	if c.read >= c.after {
		c.cancel()
	}
	return n, err
}

func TestBlobCancelledContext(t *testing.T) {
	data := append(pdfHeader(), make([]byte, 500<<10)...)

	s := newTestStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := s.Put(ctx, &cancelAfterReader{r: bytes.NewReader(data), after: 64 << 10, cancel: cancel}, 1<<20)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Put: %v", err)
	}
	assertEmpty(t, s)

	if _, err := s.Put(ctx, bytes.NewReader(data), 1<<20); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with cancelled ctx: %v", err)
	}
	assertEmpty(t, s)
}

func TestBlobVerifyDetectsFlippedByte(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	b, err := s.Put(ctx, bytes.NewReader(append(jpegHeader(), make([]byte, 4096)...)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(s.Dir(), b.SHA256[:2], b.SHA256[2:4], b.SHA256), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0xAA}, 1000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ok, err := s.Verify(ctx, b.SHA256)
	if err != nil || ok {
		t.Fatalf("Verify = %v, %v; want false, nil", ok, err)
	}
}

func TestBlobBadHashes(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	b, err := s.Put(ctx, bytes.NewReader(pdfHeader()), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	bad := []string{
		"../../etc/passwd",
		"../" + b.SHA256[3:],
		strings.ToUpper(b.SHA256),
		b.SHA256[:63],
		b.SHA256 + "0",
		"",
		strings.Repeat("g", 64),
		b.SHA256[:62] + "/.",
		hexSum([]byte("not stored")),
	}
	for _, sum := range bad {
		if _, _, err := s.Open(ctx, sum); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q): %v", sum, err)
		}
		if _, err := s.Verify(ctx, sum); !errors.Is(err, ErrNotFound) {
			t.Errorf("Verify(%q): %v", sum, err)
		}
		if err := s.Delete(ctx, sum); !errors.Is(err, ErrNotFound) {
			t.Errorf("Delete(%q): %v", sum, err)
		}
	}
	if _, _, err := s.Open(ctx, b.SHA256); err != nil {
		t.Fatalf("stored blob disturbed: %v", err)
	}
}

func TestBlobCleanTemp(t *testing.T) {
	s := newTestStore(t)
	for _, name := range []string{"put-1", "put-2", "put-3"} {
		if err := os.WriteFile(filepath.Join(s.Dir(), "tmp", name), []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.CleanTemp()
	if err != nil || n != 3 {
		t.Fatalf("CleanTemp = %d, %v", n, err)
	}
	assertEmpty(t, s)
	if n, err := s.CleanTemp(); err != nil || n != 0 {
		t.Fatalf("second CleanTemp = %d, %v", n, err)
	}
}

func TestBlobWalkSkipsForeignFiles(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	b, err := s.Put(ctx, bytes.NewReader(wavHeader()), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(s.Dir(), "tmp", "put-x"), []byte("partial"), 0o600)
	os.WriteFile(filepath.Join(s.Dir(), b.SHA256[:2], "stray"), nil, 0o600)
	os.WriteFile(filepath.Join(s.Dir(), b.SHA256[:2], b.SHA256[2:4], "README"), nil, 0o600)
	var got []string
	if err := s.Walk(ctx, func(sum string, _ int64, _ time.Time) error { got = append(got, sum); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != b.SHA256 {
		t.Fatalf("Walk = %v", got)
	}
	stop := errors.New("stop")
	if err := s.Walk(ctx, func(string, int64, time.Time) error { return stop }); err != stop {
		t.Fatalf("Walk did not return fn's error: %v", err)
	}
}

func TestBlobAcceptsEachAllowedType(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", pdfHeader(), "application/pdf"},
		{"png", pngHeader(), "image/png"},
		{"jpeg", jpegHeader(), "image/jpeg"},
		{"webp", webpHeader(), "image/webp"},
		{"mp3", mp3ID3Header(), "audio/mpeg"},
		{"m4a", m4aHeader(), "audio/mp4"},
		{"mp4", mp4Header(), "video/mp4"},
		{"wav", wavHeader(), "audio/wav"},
		{"text", chineseText(), "text/plain"},
		// Chinese text longer than the window, so the head is checked with a rune cut at 512.
		{"long text", bytes.Repeat([]byte("证据确凿。"), 200), "text/plain"},
	}
	s := newTestStore(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := s.Put(context.Background(), bytes.NewReader(c.data), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if b.MediaType != c.want || b.SHA256 != hexSum(c.data) {
				t.Fatalf("Put = %+v, want media type %q", b, c.want)
			}
		})
	}
}

// prngReader yields a deterministic pseudo-random stream without allocating, so it adds
// nothing to the memory being measured.
type prngReader struct{ x uint64 }

func (r *prngReader) Read(p []byte) (int, error) {
	for i := range p {
		r.x ^= r.x << 13
		r.x ^= r.x >> 7
		r.x ^= r.x << 17
		p[i] = byte(r.x)
	}
	return len(p), nil
}

const bigUpload = 50 << 20

func bigPDF() io.Reader {
	head := "%PDF-1.7\n"
	return io.MultiReader(strings.NewReader(head), io.LimitReader(&prngReader{x: 0x9E3779B97F4A7C15}, bigUpload-int64(len(head))))
}

// TestPutMemoryFlat guards the streaming promise: a 50 MiB upload must cost a small, fixed
// amount of memory, not a copy of the file.
func TestPutMemoryFlat(t *testing.T) {
	s := newTestStore(t)
	r := bigPDF()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b, err := s.Put(context.Background(), r, bigUpload)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if b.Size != bigUpload {
		t.Fatalf("size %d", b.Size)
	}
	delta := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d KiB for a %d MiB put", delta>>10, bigUpload>>20)
	if delta >= 8<<20 {
		t.Fatalf("Put allocated %d bytes for a %d-byte upload; it must stream", delta, bigUpload)
	}
}

func BenchmarkBlobPut50MiB(b *testing.B) {
	s := newTestStore(b)
	ctx := context.Background()
	b.SetBytes(bigUpload)
	b.ReportAllocs()
	var maxHeapDelta uint64
	for b.Loop() {
		r := bigPDF()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		blob, err := s.Put(ctx, r, bigUpload)
		runtime.ReadMemStats(&after)
		if err != nil {
			b.Fatal(err)
		}
		if after.HeapAlloc > before.HeapAlloc && after.HeapAlloc-before.HeapAlloc > maxHeapDelta {
			maxHeapDelta = after.HeapAlloc - before.HeapAlloc
		}
		// Delete so every iteration takes the full rename-and-sync path.
		b.StopTimer()
		if err := s.Delete(ctx, blob.SHA256); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(maxHeapDelta)/(1<<20), "heapMiB/op")
}
