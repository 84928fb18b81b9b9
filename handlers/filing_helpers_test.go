package handlers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"netcourt/handlers"
	"netcourt/models"
	"netcourt/models/testkit"
)

const goodUSCC = "91110000802100433B"

// newFilingServer builds the real router with upload caps small enough to test quickly.
func newFilingServer(t testing.TB, f *testkit.Fixture, maxUpload, maxRequest int64) *echo.Echo {
	t.Helper()
	e, _, err := handlers.New(handlers.Options{Store: f.Store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxUploadBytes: maxUpload, MaxRequestBytes: maxRequest})
	if err != nil {
		t.Fatalf("handlers.New: %v", err)
	}
	return e
}

func fullComplaint() map[string]any {
	return map[string]any{
		"defendant": map[string]any{"name": "Example Tech Co., Ltd.", "uscc": goodUSCC, "sector": "social",
			"platform": "ChatApp", "address": "1 Example Road, Beijing"},
		"categories": []string{"forced_consent", "excessive_collection"},
		"info_types": []string{"phone", "location"},
		"facts":      "The app refused to work unless I let it read my contacts and location at all times.",
		"requests": map[string]any{"stop_processing": true, "deletion": true, "apology": false,
			"compensation": "2900.00", "costs": "0.00"},
		"declaration": true,
	}
}

type caseReply struct {
	Case struct {
		ID        int64   `json:"id"`
		Reference *string `json:"reference"`
		Status    string  `json:"status"`
		Version   int64   `json:"version"`
		Fee       struct {
			Total string `json:"total"`
			Lines []struct {
				Key    string `json:"key"`
				Amount string `json:"amount"`
			} `json:"lines"`
		} `json:"fee"`
		Evidence []evidenceJSON `json:"evidence"`
		Events   []struct {
			Action string `json:"action"`
		} `json:"events"`
	} `json:"case"`
}

type evidenceJSON struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	FileName  string `json:"file_name"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
}

func createCase(t testing.TB, e *echo.Echo, tok string, body any) int64 {
	t.Helper()
	rec := testkit.Do(t, e, http.MethodPost, "/api/v1/cases", body, testkit.Bearer(tok))
	if rec.Code != http.StatusCreated {
		t.Fatalf("create case: %d %s", rec.Code, rec.Body.String())
	}
	return testkit.DecodeJSON[caseReply](t, rec).Case.ID
}

func submitCase(t testing.TB, e *echo.Echo, tok string, id int64) caseReply {
	t.Helper()
	rec := testkit.Do(t, e, http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/submit", id), map[string]any{}, testkit.Bearer(tok))
	if rec.Code != http.StatusOK {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body.String())
	}
	return testkit.DecodeJSON[caseReply](t, rec)
}

// mpart is one part of a multipart body; a part with a file name is a file.
type mpart struct {
	name, filename string
	data           []byte
}

func textPart(name, v string) mpart { return mpart{name: name, data: []byte(v)} }

func filePart(filename string, data []byte) mpart {
	return mpart{name: "file", filename: filename, data: data}
}

func multipartBody(t testing.TB, parts ...mpart) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.filename != "" || p.name == "file" {
			// Written raw, as a hostile client would, not Go-escaped.
			h.Set("Content-Disposition", `form-data; name="`+p.name+`"; filename="`+p.filename+`"`)
			h.Set("Content-Type", "application/octet-stream")
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, p.name))
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(p.data)
	}
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func upload(t testing.TB, e *echo.Echo, tok string, id int64, parts ...mpart) *httptest.ResponseRecorder {
	t.Helper()
	ct, body := multipartBody(t, parts...)
	return testkit.Do(t, e, http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/evidence", id), nil,
		testkit.Bearer(tok), testkit.Raw(ct, body))
}

// pngData is a PNG signature followed by n bytes of filler: enough for the sniffer.
func pngData(n int, seed byte) []byte {
	b := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, n)...)
	for i := 8; i < len(b); i++ {
		b[i] = seed + byte(i%7)
	}
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// storedFiles counts regular files under the evidence directory (blobs and temp files).
func storedFiles(t testing.TB, f *testkit.Fixture) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(f.Blobs.Dir(), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// spoolFiles lists the upload spool files in the system temp directory.
func spoolFiles(t testing.TB) map[string]bool {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(os.TempDir(), "netcourt-upload-*"))
	out := map[string]bool{}
	for _, p := range m {
		out[p] = true
	}
	return out
}

// browser is a signed-in page session: cookies plus the CSRF token they carry.
type browser struct {
	t       testing.TB
	e       *echo.Echo
	cookies []*http.Cookie
}

func newBrowser(t testing.TB, e *echo.Echo, u *models.User) *browser {
	return &browser{t: t, e: e, cookies: testkit.LoginPage(t, e, u.Email, testkit.Password)}
}

func (b *browser) csrf() string {
	for _, c := range b.cookies {
		if c.Name == "nc_csrf" {
			return c.Value
		}
	}
	b.t.Fatal("no CSRF cookie")
	return ""
}

func (b *browser) get(path string, opts ...testkit.ReqOpt) *httptest.ResponseRecorder {
	b.t.Helper()
	return testkit.Do(b.t, b.e, http.MethodGet, path, nil, append([]testkit.ReqOpt{testkit.Cookie(b.cookies...)}, opts...)...)
}

func (b *browser) post(path string, v url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	v.Set("_csrf", b.csrf())
	return testkit.Do(b.t, b.e, http.MethodPost, path, nil, testkit.Cookie(b.cookies...), testkit.Form(v))
}

func (b *browser) postMultipart(path string, parts ...mpart) *httptest.ResponseRecorder {
	b.t.Helper()
	ct, body := multipartBody(b.t, parts...)
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return testkit.Do(b.t, b.e, http.MethodPost, path+sep+"_csrf="+url.QueryEscape(b.csrf()), nil,
		testkit.Cookie(b.cookies...), testkit.Raw(ct, body))
}

func wantStatus(t testing.TB, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status %d, want %d: %s", rec.Code, want, truncate(rec.Body.String(), 600))
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
