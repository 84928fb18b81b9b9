package handlers_test

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"netcourt/models/testkit"
)

const testMaxUpload = 64 << 10 // 64 KiB per file in these tests

func TestEvidenceUpload(t *testing.T) {
	f := testkit.NewStore(t)
	e := newFilingServer(t, f, testMaxUpload, 4*testMaxUpload)
	p := testkit.LoginAPI(t, e, f.Plaintiff(t).Email, testkit.Password)
	other := testkit.LoginAPI(t, e, f.Plaintiff(t).Email, testkit.Password)
	clerk := testkit.LoginAPI(t, e, f.Clerk(t).Email, testkit.Password)
	id := createCase(t, e, p, fullComplaint())
	othersCase := createCase(t, e, other, fullComplaint())

	png := pngData(2000, 3)
	cases := []struct {
		name   string
		tok    string
		caseID int64
		ct     string // raw content type instead of multipart
		raw    string // raw body with ct (default "x")
		parts  []mpart
		status int
		check  func(t *testing.T, body string)
	}{
		{name: "png with title first", tok: p, caseID: id, status: 201,
			parts: []mpart{textPart("title", "Consent screen"), textPart("description", "It would not let me continue"), filePart("screen.png", png)},
			check: func(t *testing.T, body string) {
				for _, want := range []string{`"title":"Consent screen"`, `"media_type":"image/png"`, `"sha256":"` + sha(png) + `"`, `"size":2008`, `"file_name":"screen.png"`, `"submitted_by":{"id":`} {
					if !strings.Contains(body, want) {
						t.Errorf("reply lacks %s: %s", want, body)
					}
				}
			}},
		{name: "title after the file (spooled)", tok: p, caseID: id, status: 201,
			parts: []mpart{filePart("later.png", pngData(100, 9)), textPart("title", "Title sent last"), textPart("description", "desc")},
			check: func(t *testing.T, body string) {
				if !strings.Contains(body, `"title":"Title sent last"`) {
					t.Errorf("late title not applied: %s", body)
				}
			}},
		{name: "no title uses the file name", tok: p, caseID: id, status: 201,
			parts: []mpart{filePart("chat-log.txt", []byte("2026-01-02 They said: agree or leave.\n"))},
			check: func(t *testing.T, body string) {
				if !strings.Contains(body, `"title":"chat-log.txt"`) || !strings.Contains(body, `"media_type":"text/plain"`) {
					t.Errorf("reply: %s", body)
				}
			}},
		{name: "traversal and control characters in the name", tok: p, caseID: id, status: 201,
			parts: []mpart{textPart("title", "t"), filePart("../../etc/pa\u0080ss\u202ewd\u200b.png", pngData(50, 4))},
			check: func(t *testing.T, body string) {
				if !strings.Contains(body, `"file_name":"passwd.png"`) {
					t.Errorf("name not sanitised: %s", body)
				}
			}},
		{name: "several files in one request", tok: p, caseID: id, status: 201,
			parts: []mpart{textPart("title", "Batch"), filePart("a.png", pngData(10, 11)), filePart("b.png", pngData(10, 12))},
			check: func(t *testing.T, body string) {
				if !strings.Contains(body, `"items":[`) || !strings.Contains(body, `"title":"Batch (2)"`) {
					t.Errorf("reply: %s", body)
				}
			}},
		{name: "raw control byte in a part header", tok: p, caseID: id, status: 400,
			parts: []mpart{textPart("title", "t"), filePart("a\x01b.png", pngData(50, 4))}},
		{name: "windows path", tok: p, caseID: id, status: 201,
			parts: []mpart{textPart("title", "t"), filePart(`C:\\Users\\me\\..\\evil.png`, pngData(50, 6))},
			check: func(t *testing.T, body string) {
				if !strings.Contains(body, `"file_name":"evil.png"`) {
					t.Errorf("name not sanitised: %s", body)
				}
			}},
		{name: "HTML disguised as png", tok: p, caseID: id, status: 415,
			parts: []mpart{textPart("title", "x"), filePart("photo.png", []byte("<!DOCTYPE html><script>alert(1)</script>"))},
			check: func(t *testing.T, body string) {
				if !strings.Contains(body, "PDF, PNG, JPEG") {
					t.Errorf("415 should name the allowed types: %s", body)
				}
			}},
		{name: "SVG", tok: p, caseID: id, status: 415,
			parts: []mpart{textPart("title", "x"), filePart("logo.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`))}},
		{name: "SVG with leading whitespace", tok: p, caseID: id, status: 415,
			parts: []mpart{filePart("logo.png", []byte("  \n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"))}},
		{name: "zero-byte file", tok: p, caseID: id, status: 422,
			parts: []mpart{textPart("title", "x"), filePart("empty.png", nil)}},
		{name: "no file at all", tok: p, caseID: id, status: 422,
			parts: []mpart{textPart("title", "x")}},
		{name: "over-long title", tok: p, caseID: id, status: 422,
			parts: []mpart{textPart("title", strings.Repeat("t", 201)), filePart("a.png", pngData(10, 5))}},
		{name: "title part over the text cap", tok: p, caseID: id, status: 422,
			parts: []mpart{textPart("title", strings.Repeat("t", 17<<10)), filePart("a.png", pngData(10, 5))}},
		{name: "someone else's case", tok: p, caseID: othersCase, status: 404,
			parts: []mpart{textPart("title", "x"), filePart("a.png", png)}},
		{name: "a case that does not exist", tok: p, caseID: 987654, status: 404,
			parts: []mpart{textPart("title", "x"), filePart("a.png", png)}},
		{name: "clerk cannot see a draft", tok: clerk, caseID: id, status: 404,
			parts: []mpart{textPart("title", "x"), filePart("a.png", png)}},
		{name: "unauthenticated", tok: "", caseID: id, status: 401,
			parts: []mpart{textPart("title", "x"), filePart("a.png", png)}},
		{name: "not multipart", tok: p, caseID: id, ct: "application/json", status: 415},
		{name: "multipart without boundary", tok: p, caseID: id, ct: "multipart/form-data", status: 415},
		{name: "multipart with no parts", tok: p, caseID: id, ct: "multipart/form-data; boundary=xyz", status: 422},
		{name: "truncated multipart", tok: p, caseID: id, ct: "multipart/form-data; boundary=xyz", status: 400,
			raw: "--xyz\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nt\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n\x89PNG\r\n\x1a\nabcdef"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := storedFiles(t, f)
			var opts []testkit.ReqOpt
			if tc.tok != "" {
				opts = append(opts, testkit.Bearer(tc.tok))
			}
			if tc.ct != "" {
				raw := tc.raw
				if raw == "" {
					raw = "x"
				}
				opts = append(opts, testkit.Raw(tc.ct, []byte(raw)))
			} else {
				ct, body := multipartBody(t, tc.parts...)
				opts = append(opts, testkit.Raw(ct, body))
			}
			rec := testkit.Do(t, e, http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/evidence", tc.caseID), nil, opts...)
			wantStatus(t, rec, tc.status)
			if tc.check != nil {
				tc.check(t, rec.Body.String())
			}
			if tc.status >= 400 && storedFiles(t, f) != before {
				t.Fatalf("a refused upload left files behind: %d → %d", before, storedFiles(t, f))
			}
		})
	}
}

func TestEvidenceOversizeLeavesNothing(t *testing.T) {
	f := testkit.NewStore(t)
	e := newFilingServer(t, f, testMaxUpload, 3*testMaxUpload)
	pu := f.Plaintiff(t)
	p := testkit.LoginAPI(t, e, pu.Email, testkit.Password)
	id := createCase(t, e, p, fullComplaint())
	cases := []struct {
		name  string
		parts []mpart
	}{
		{"one byte over the file cap, streamed", []mpart{textPart("title", "big"), filePart("big.png", pngData(testMaxUpload-7, 1))}},
		{"one byte over the file cap, spooled", []mpart{filePart("big.png", pngData(testMaxUpload-7, 1)), textPart("title", "big")}},
		{"over the request cap across files", []mpart{textPart("title", "many"),
			filePart("1.png", pngData(testMaxUpload-100, 1)), filePart("2.png", pngData(testMaxUpload-100, 2)),
			filePart("3.png", pngData(testMaxUpload-100, 3)), filePart("4.png", pngData(testMaxUpload-100, 4))}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, spool := storedFiles(t, f), spoolFiles(t)
			rec := upload(t, e, p, id, tc.parts...)
			wantStatus(t, rec, 413)
			if n := storedFiles(t, f); n != before {
				t.Fatalf("files under the evidence directory: %d → %d", before, n)
			}
			tmp, _ := os.ReadDir(filepath.Join(f.Blobs.Dir(), "tmp"))
			if len(tmp) != 0 {
				t.Fatalf("temp files left: %v", tmp)
			}
			for p := range spoolFiles(t) {
				if !spool[p] {
					t.Fatalf("spool file left: %s", p)
				}
			}
			ev, _ := f.Store.EvidenceList(context.Background(), id)
			if len(ev) != 0 {
				t.Fatalf("%d evidence rows after a refused upload", len(ev))
			}
		})
	}
	// Exactly at the cap is fine.
	wantStatus(t, upload(t, e, p, id, textPart("title", "exact"), filePart("exact.png", pngData(testMaxUpload-8, 1))), 201)
}

func TestEvidenceFileCounts(t *testing.T) {
	f := testkit.NewStore(t)
	e := newFilingServer(t, f, testMaxUpload, 0)
	p := testkit.LoginAPI(t, e, f.Plaintiff(t).Email, testkit.Password)
	id := createCase(t, e, p, fullComplaint())

	// Eleven files in one request: refused whole, nothing kept.
	parts := []mpart{textPart("title", "batch")}
	for i := 0; i < 11; i++ {
		parts = append(parts, filePart(fmt.Sprintf("%d.png", i), pngData(20, byte(i))))
	}
	rec := upload(t, e, p, id, parts...)
	wantStatus(t, rec, 422)
	if ev, _ := f.Store.EvidenceList(context.Background(), id); len(ev) != 0 {
		t.Fatalf("%d files kept from a refused batch", len(ev))
	}

	// Thirty per party in all; the thirty-first is a conflict.
	for i := 0; i < 3; i++ {
		parts := []mpart{textPart("title", "batch")}
		for j := 0; j < 10; j++ {
			parts = append(parts, filePart("f.png", pngData(20, byte(i*10+j))))
		}
		wantStatus(t, upload(t, e, p, id, parts...), 201)
	}
	rec = upload(t, e, p, id, textPart("title", "one more"), filePart("x.png", pngData(20, 99)))
	wantStatus(t, rec, 409)
	if !strings.Contains(rec.Body.String(), "too_many_files") {
		t.Fatalf("reply: %s", rec.Body.String())
	}
}

func TestEvidenceDownloadAndDelete(t *testing.T) {
	f := testkit.NewStore(t)
	e := newFilingServer(t, f, testMaxUpload, 0)
	pu := f.Plaintiff(t)
	p := testkit.LoginAPI(t, e, pu.Email, testkit.Password)
	other := testkit.LoginAPI(t, e, f.Plaintiff(t).Email, testkit.Password)
	clerk := testkit.LoginAPI(t, e, f.Clerk(t).Email, testkit.Password)
	admin := testkit.LoginAPI(t, e, f.Admin(t).Email, testkit.Password)
	id := createCase(t, e, p, fullComplaint())
	data := pngData(3000, 7)
	rec := upload(t, e, p, id, textPart("title", "截图"), filePart("同意页面 截图.png", data))
	wantStatus(t, rec, 201)
	ev := testkit.DecodeJSON[struct {
		Evidence evidenceJSON `json:"evidence"`
	}](t, rec).Evidence
	pdf := testkit.DecodeJSON[struct {
		Evidence evidenceJSON `json:"evidence"`
	}](t, upload(t, e, p, id, textPart("title", "policy"), filePart("policy.pdf", []byte("%PDF-1.7\n%%EOF\n")))).Evidence
	fileURL := fmt.Sprintf("/api/v1/cases/%d/evidence/%d/file", id, ev.ID)

	rec = testkit.Do(t, e, http.MethodGet, fileURL, nil, testkit.Bearer(p))
	wantStatus(t, rec, 200)
	h := rec.Header()
	if rec.Body.String() != string(data) {
		t.Fatal("downloaded bytes differ")
	}
	disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || params["filename"] != "同意页面 截图.png" {
		t.Fatalf("Content-Disposition %q → %q %v %v", h.Get("Content-Disposition"), disp, params, err)
	}
	if !strings.Contains(h.Get("Content-Disposition"), "filename*=utf-8''") {
		t.Fatalf("non-ASCII name not in RFC 5987 form: %q", h.Get("Content-Disposition"))
	}
	for k, want := range map[string]string{"Content-Type": "image/png", "X-Content-Type-Options": "nosniff",
		"X-Evidence-SHA256": sha(data), "Content-Length": fmt.Sprint(len(data))} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	wantStatus(t, testkit.Do(t, e, http.MethodGet, fileURL, nil, testkit.Bearer(other)), 404)
	wantStatus(t, testkit.Do(t, e, http.MethodGet, fileURL, nil, testkit.Bearer(clerk)), 404) // a draft is private
	wantStatus(t, testkit.Do(t, e, http.MethodGet, fileURL, nil, testkit.Bearer(admin)), 404)
	wantStatus(t, testkit.Do(t, e, http.MethodGet, fileURL, nil), 401)
	wantStatus(t, testkit.Do(t, e, http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/evidence/%d/file", id, 99999), nil, testkit.Bearer(p)), 404)

	// The page routes: download for any role that sees the case, inline preview for images only.
	b := newBrowser(t, e, pu)
	rec = b.get(fmt.Sprintf("/cases/%d/evidence/%d/preview", id, ev.ID))
	wantStatus(t, rec, 200)
	if !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "inline") || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("preview headers %v", rec.Header())
	}
	wantStatus(t, b.get(fmt.Sprintf("/cases/%d/evidence/%d/preview", id, pdf.ID)), 404)
	rec = b.get(fmt.Sprintf("/cases/%d/evidence/%d/file", id, pdf.ID))
	wantStatus(t, rec, 200)
	if rec.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("pdf headers %v", rec.Header())
	}

	// Delete while a draft; not someone else's; not after submission.
	delURL := fmt.Sprintf("/api/v1/cases/%d/evidence/%d", id, pdf.ID)
	wantStatus(t, testkit.Do(t, e, http.MethodDelete, delURL, nil, testkit.Bearer(other)), 404)
	wantStatus(t, testkit.Do(t, e, http.MethodDelete, delURL, nil, testkit.Bearer(clerk)), 403)
	wantStatus(t, testkit.Do(t, e, http.MethodDelete, delURL, nil, testkit.Bearer(p)), 204)
	wantStatus(t, testkit.Do(t, e, http.MethodDelete, delURL, nil, testkit.Bearer(p)), 404)
	submitCase(t, e, p, id)
	wantStatus(t, testkit.Do(t, e, http.MethodDelete, fmt.Sprintf("/api/v1/cases/%d/evidence/%d", id, ev.ID), nil, testkit.Bearer(p)), 409)
	// Once submitted the clerk may see it; the plaintiff cannot add more until the case is accepted.
	wantStatus(t, testkit.Do(t, e, http.MethodGet, fileURL, nil, testkit.Bearer(clerk)), 200)
	wantStatus(t, upload(t, e, p, id, textPart("title", "late"), filePart("l.png", pngData(10, 1))), 409)
	wantStatus(t, upload(t, e, clerk, id, textPart("title", "clerk"), filePart("c.png", pngData(10, 1))), 403)

	// Bytes altered on disk are refused, never served.
	blob := filepath.Join(f.Blobs.Dir(), ev.SHA256[:2], ev.SHA256[2:4], ev.SHA256)
	if err := os.WriteFile(blob, []byte("tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	rec = testkit.Do(t, e, http.MethodGet, fileURL, nil, testkit.Bearer(p))
	wantStatus(t, rec, 409)
	if strings.Contains(rec.Body.String(), "tampered") {
		t.Fatal("tampered bytes were served")
	}
}
