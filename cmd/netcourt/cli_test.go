package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"netcourt/models"
)

// TestCLI builds the real binary once and drives it as an operator would.
func TestCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "netcourt")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")

	// env is the process environment without any NETCOURT_* setting of the developer's.
	env := func(extra ...string) []string {
		var out []string
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "NETCOURT_") {
				out = append(out, kv)
			}
		}
		return append(out, extra...)
	}
	type result struct {
		code           int
		stdout, stderr string
	}
	run := func(t *testing.T, stdin string, extraEnv []string, args ...string) result {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = env(extraEnv...)
		cmd.Stdin = strings.NewReader(stdin)
		var so, se bytes.Buffer
		cmd.Stdout, cmd.Stderr = &so, &se
		err := cmd.Run()
		var ee *exec.ExitError
		code := 0
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{code, so.String(), se.String()}
	}
	const pw = "a long and unusual passphrase"
	create := func(role, email string) []string {
		return []string{"user", "create", "--data", data, "--role", role, "--email", email, "--name", "Staff " + role}
	}

	t.Run("migrate", func(t *testing.T) {
		for i := 0; i < 2; i++ {
			r := run(t, "", nil, "migrate", "--data", data)
			if r.code != 0 || !strings.Contains(r.stdout, "0001_initial") {
				t.Fatalf("run %d: exit %d\n%s%s", i+1, r.code, r.stdout, r.stderr)
			}
		}
	})

	cases := []struct {
		name     string
		stdin    string
		env      []string
		args     []string
		wantCode int // 0, or -1 for "any non-zero"
		want     string
	}{
		{"clerk with NETCOURT_PASSWORD", "", []string{"NETCOURT_PASSWORD=" + pw}, create("clerk", "clerk@court.example"), 0, "created clerk account"},
		{"judge with the password on stdin", pw + "\n", nil, create("judge", "judge@court.example"), 0, "created judge account"},
		{"admin with the password on stdin, no newline", pw, nil, create("admin", "admin@court.example"), 0, "created admin account"},
		{"duplicate email", "", []string{"NETCOURT_PASSWORD=" + pw}, create("judge", "CLERK@court.example"), -1, "already exists"},
		{"unknown role", "", []string{"NETCOURT_PASSWORD=" + pw}, create("wizard", "w@court.example"), -1, "--role"},
		{"plaintiff is not a staff role", "", []string{"NETCOURT_PASSWORD=" + pw}, create("plaintiff", "p@court.example"), -1, "--role"},
		{"common password", "", []string{"NETCOURT_PASSWORD=password123"}, create("clerk", "c2@court.example"), -1, "password"},
		{"short password", "short\n", nil, create("clerk", "c3@court.example"), -1, "password"},
		{"no password at all", "", nil, create("clerk", "c4@court.example"), -1, "NETCOURT_PASSWORD"},
		{"bad email", "", []string{"NETCOURT_PASSWORD=" + pw}, create("clerk", "not-an-email"), -1, "email"},
		{"missing name", "", []string{"NETCOURT_PASSWORD=" + pw}, []string{"user", "create", "--data", data, "--role", "clerk", "--email", "c5@court.example"}, -1, "name"},
		{"user without create", "", nil, []string{"user", "delete"}, -1, "usage"},
		{"stray argument", "", []string{"NETCOURT_PASSWORD=" + pw}, append(create("clerk", "c6@court.example"), "extra"), -1, "unexpected argument"},
		{"unknown command", "", nil, []string{"frobnicate"}, 2, "unknown command"},
		{"bad time zone", "", nil, []string{"migrate", "--data", data, "--tz", "Nowhere/Special"}, 1, "--tz"},
		{"bad DSN", "", nil, []string{"migrate", "--db", "mysql://x@y/z"}, 1, "--db"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.stdin, tc.env, tc.args...)
			switch {
			case tc.wantCode == -1 && r.code == 0, tc.wantCode >= 0 && r.code != tc.wantCode:
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.wantCode, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout+r.stderr, tc.want) {
				t.Fatalf("output lacks %q\nstdout: %s\nstderr: %s", tc.want, r.stdout, r.stderr)
			}
			if r.code != 0 && strings.Contains(r.stderr, "goroutine ") {
				t.Fatalf("a panic:\n%s", r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, pw) {
				t.Fatal("the password is echoed")
			}
		})
	}

	t.Run("created accounts can sign in", func(t *testing.T) {
		db, _, err := models.OpenDB(models.DBConfig{DataDir: data})
		if err != nil {
			t.Fatal(err)
		}
		defer models.CloseDB(db)
		store := models.New(models.Options{DB: db, Court: models.DefaultCourt()})
		for email, role := range map[string]models.Role{"clerk@court.example": models.RoleClerk, "judge@court.example": models.RoleJudge, "admin@court.example": models.RoleAdmin} {
			u, err := store.Authenticate(context.Background(), email, pw, "127.0.0.1")
			if err != nil || u.Role != role {
				t.Fatalf("%s: %+v %v", email, u, err)
			}
		}
		var n int64
		db.Model(&models.User{}).Count(&n)
		if n != 3 {
			t.Fatalf("%d accounts, want 3", n)
		}
	})

	t.Run("serve starts, answers and stops cleanly on SIGTERM", func(t *testing.T) {
		cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "serve-data"), "--log-format", "json")
		cmd.Dir = dir
		cmd.Env = env()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		lines := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		var url string
		select {
		case l := <-lines:
			m := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("first line %q", l)
			}
			url = m[1]
		case <-time.After(30 * time.Second):
			t.Fatalf("no listening line; stderr:\n%s", stderr.String())
		}
		for _, p := range []string{"/healthz", "/readyz", "/", "/login?lang=zh"} {
			resp, err := http.Get(url + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", p, resp.StatusCode)
			}
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop after SIGTERM")
		}
		if !strings.Contains(stderr.String(), `"msg":"stopped"`) {
			t.Fatalf("no clean-stop log line:\n%s", stderr.String())
		}
	})
}
