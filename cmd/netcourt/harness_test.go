package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"netcourt/models"
)

// The tests in this package run the real binary: built once, started on a temporary data
// directory and a free port, driven over HTTP, stopped with signals.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func netcourtBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the real binary; skipped with -short")
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "netcourt-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "netcourt")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// server is one running `netcourt serve`.
type server struct {
	cmd     *exec.Cmd
	base    string
	mu      sync.Mutex
	out     bytes.Buffer // stdout and stderr
	crashed chan string  // the crash point printed, if any
	ready   chan struct{}
	exited  chan struct{}
	// listening is set (under mu) once the server printed its URL.
	listening bool
	waitErr   error
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServer runs serve on data and waits until it listens.
func startServer(t *testing.T, data string, env ...string) *server {
	t.Helper()
	bin := netcourtBinary(t)
	for attempt := 0; ; attempt++ {
		addr := freeAddr(t)
		s := &server{crashed: make(chan string, 1), exited: make(chan struct{}), ready: make(chan struct{})}
		s.cmd = exec.Command(bin, "serve", "--addr", addr, "--data", data, "--log-level", "warn")
		s.cmd.Env = append(append(os.Environ(), "NETCOURT_ORPHAN_GRACE=0s"), env...)
		s.cmd.Stdout = &lineWriter{s: s}
		s.cmd.Stderr = &lineWriter{s: s}
		if err := s.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { s.waitErr = s.cmd.Wait(); close(s.exited) }()
		select {
		case <-s.ready:
			s.base = "http://" + addr
			return s
		case <-s.exited:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
		}
		if attempt < 2 && strings.Contains(s.output(), "cannot listen") {
			continue // the free port was taken in between
		}
		t.Fatalf("server did not start: %v\n%s", s.waitErr, s.output())
	}
}

// lineWriter collects the server's output and watches for the "listening" and
// "CRASHPOINT" lines. exec copies into it and Wait returns only after the copy is done, so
// once exited is closed every line has been seen.
type lineWriter struct {
	s       *server
	partial []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.Write(p)
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		line := string(w.partial[:i])
		w.partial = w.partial[i+1:]
		if strings.HasPrefix(line, "netcourt listening on ") && !s.listening {
			s.listening = true
			close(s.ready)
		}
		if p, ok := strings.CutPrefix(line, "CRASHPOINT "); ok {
			select {
			case s.crashed <- p:
			default:
			}
		}
	}
	return len(p), nil
}

func (s *server) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// stop sends sig and waits for the process to end.
func (s *server) stop(t *testing.T, sig os.Signal) error {
	t.Helper()
	_ = s.cmd.Process.Signal(sig)
	select {
	case <-s.exited:
	case <-time.After(60 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
		t.Fatalf("server did not stop on %v", sig)
	}
	return s.waitErr
}

// client is a small API client.
type client struct {
	base  string
	token string
	http  *http.Client
}

func newClient(base, token string) *client {
	return &client{base: base, token: token, http: &http.Client{Timeout: 60 * time.Second}}
}

// do sends a request; err is a transport failure (the server died), not an HTTP status.
func (c *client) do(method, path, ctype string, body io.Reader, hdr map[string]string) (int, []byte, error) {
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, b, nil
}

func (c *client) json(method, path string, v any, hdr map[string]string) (int, []byte, error) {
	var body io.Reader
	if v != nil {
		b, _ := json.Marshal(v)
		body = bytes.NewReader(b)
	}
	return c.do(method, path, "application/json", body, hdr)
}

// signUp registers a plaintiff and signs in.
func signUp(t *testing.T, base, email string) string {
	t.Helper()
	c := newClient(base, "")
	st, b, err := c.json("POST", "/api/v1/auth/register", map[string]string{"name": "王小明", "email": email, "password": "correct horse battery staple", "phone": "13800138000"}, nil)
	if err != nil || st != http.StatusCreated {
		t.Fatalf("register: %d %v %s", st, err, b)
	}
	st, b, err = c.json("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "correct horse battery staple"}, nil)
	if err != nil || st != http.StatusOK {
		t.Fatalf("login: %d %v %s", st, err, b)
	}
	var r struct{ Token string }
	_ = json.Unmarshal(b, &r)
	return r.Token
}

// complaint is a complete complaint body (API.md), declaration included.
func complaint(i int) map[string]any {
	return map[string]any{
		"defendant": map[string]any{"name": fmt.Sprintf("某某科技有限公司%d", i), "uscc": models.CompleteUSCC("91110000MA01ABCD2"),
			"sector": "ecommerce", "platform": "ShopApp", "address": "北京市海淀区某路1号"},
		"categories": []string{"forced_consent"}, "info_types": []string{"phone", "location"},
		"facts":       "The app refused service unless I allowed location access at all times.",
		"requests":    map[string]any{"stop_processing": true, "deletion": true, "apology": false, "compensation": "2900.00", "costs": "0.00"},
		"declaration": true,
	}
}

// createCase files a draft; 404 means this build has no filing API.
func (c *client) createCase(i int) (int64, int, error) {
	st, b, err := c.json("POST", "/api/v1/cases", complaint(i), nil)
	if err != nil || st != http.StatusCreated {
		return 0, st, err
	}
	var r struct {
		Case struct{ ID int64 } `json:"case"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return 0, st, err
	}
	return r.Case.ID, st, nil
}

// textFile makes n bytes of printable text (sniffed as text/plain) unique to seed.
func textFile(seed string, n int) []byte {
	var b bytes.Buffer
	h := sha256.Sum256([]byte(seed))
	line := "evidence " + hex.EncodeToString(h[:]) + " 聊天记录\n"
	for b.Len() < n {
		b.WriteString(line)
	}
	return b.Bytes()[:n]
}

func multipartBody(title string, file []byte) (string, []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("title", title)
	_ = w.WriteField("description", "filed by the crash test")
	fw, _ := w.CreateFormFile("file", title+".txt")
	_, _ = fw.Write(file)
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

type evidenceReply struct {
	Evidence struct {
		ID     int64  `json:"id"`
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	} `json:"evidence"`
}

func (c *client) upload(caseID int64, title string, file []byte) (evidenceReply, int, error) {
	ct, body := multipartBody(title, file)
	st, b, err := c.do("POST", fmt.Sprintf("/api/v1/cases/%d/evidence", caseID), ct, bytes.NewReader(body), nil)
	var r evidenceReply
	if err == nil && st == http.StatusCreated {
		err = json.Unmarshal(b, &r)
	}
	return r, st, err
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// runCLI runs another netcourt subcommand and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(netcourtBinary(t), args...)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}
