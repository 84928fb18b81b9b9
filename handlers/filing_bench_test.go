package handlers_test

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"

	"netcourt/models"
	"netcourt/models/testkit"
)

// BenchmarkEvidenceUpload50MiB sends a 50 MiB file through the real router and handler,
// generated on the fly through a pipe so the client side holds no copy either. It reports the
// bytes allocated per upload (an upper bound on heap growth): streaming keeps it flat.
//
//	go test ./handlers -run '^$' -bench EvidenceUpload50MiB -benchtime 5x
func BenchmarkEvidenceUpload50MiB(b *testing.B) {
	const size = 50 << 20
	f := testkit.NewStore(b)
	e := newFilingServer(b, f, size, 0)
	tok := testkit.LoginAPI(b, e, f.Plaintiff(b).Email, testkit.Password)
	chunk := pngData(32<<10-8, 1)[8:]
	var caseID int64
	var maxAlloc uint64
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%25 == 0 {
			b.StopTimer()
			caseID = createCase(b, e, tok, fullComplaint())
			b.StartTimer()
		}
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			mw.WriteField("title", "Screen recording")
			fw, _ := mw.CreateFormFile("file", "recording.png")
			fw.Write([]byte("\x89PNG\r\n\x1a\n"))
			left := size - 8
			for left > 0 {
				n := min(left, len(chunk))
				fw.Write(chunk[:n])
				left -= n
			}
			mw.Close()
			pw.Close()
		}()
		req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/evidence", caseID), pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		e.ServeHTTP(rec, req)
		runtime.ReadMemStats(&after)
		if rec.Code != http.StatusCreated {
			b.Fatalf("upload: %d %s", rec.Code, rec.Body.String())
		}
		if d := after.TotalAlloc - before.TotalAlloc; d > maxAlloc {
			maxAlloc = d
		}
	}
	b.ReportMetric(float64(maxAlloc)/(1<<20), "max-alloc-MiB/upload")
	if maxAlloc > 8<<20 {
		b.Fatalf("a 50 MiB upload allocated %.1f MiB; the budget is 8 MiB", float64(maxAlloc)/(1<<20))
	}
}

// BenchmarkCreateSubmitWith100KiBEvidence files a whole complaint through the router:
// create (one JSON request), one 100 KiB evidence file (multipart), submit.
func BenchmarkCreateSubmitWith100KiBEvidence(b *testing.B) {
	f := testkit.NewStore(b)
	e := newFilingServer(b, f, 0, 0)
	tok := testkit.LoginAPI(b, e, f.Plaintiff(b).Email, testkit.Password)
	file := pngData(100<<10-8, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Distinct bytes each time, so every filing really writes and fsyncs its blob.
		file[100], file[101], file[102], file[103] = byte(i), byte(i>>8), byte(i>>16), byte(i>>24)
		id := createCase(b, e, tok, fullComplaint())
		if rec := upload(b, e, tok, id, textPart("title", "Screenshot"), filePart("s.png", file)); rec.Code != http.StatusCreated {
			b.Fatalf("upload: %d %s", rec.Code, rec.Body.String())
		}
		submitCase(b, e, tok, id)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "filings/s")
	b.ReportMetric(3*float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkBareSQLiteInsert is the floor to compare a filing with: one single-row INSERT in
// its own transaction on the same SQLite settings (WAL, synchronous=FULL).
func BenchmarkBareSQLiteInsert(b *testing.B) {
	db, _, err := models.OpenDB(models.DBConfig{DSN: filepath.Join(b.TempDir(), "bare.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer models.CloseDB(db)
	if err := db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)").Error; err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := db.Exec("INSERT INTO t (v) VALUES (?)", "a complaint").Error; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
}
