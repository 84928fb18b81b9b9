package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func goodConfig(t *testing.T) config {
	return config{
		Addr: "127.0.0.1:8080", Data: t.TempDir(), CourtName: "Beijing Internet Court", CourtNameZH: "北京互联网法院",
		CourtCode: "京0491", TimeZone: "Asia/Shanghai", PerCaseFee: "300.00", MaxUploadMiB: 50,
		LogLevel: "info", LogFormat: "text",
	}
}

func TestValidateAcceptsTheDefaults(t *testing.T) {
	for _, change := range []func(*config){
		func(*config) {},
		func(c *config) { c.DB = "postgres://u:p@127.0.0.1/netcourt" },
		func(c *config) { c.DB = "postgresql://u@db.internal:5432/netcourt?sslmode=require" },
		func(c *config) { c.DB = filepath.Join(c.Data, "other.db") },
		func(c *config) { c.PerCaseFee = "100" },
		func(c *config) { c.PerCaseFee = "500.00" },
		func(c *config) { c.TimeZone = "UTC" },
		func(c *config) { c.TrustedProxies = "10.0.0.0/8, 192.168.1.1/32" },
		func(c *config) { c.Addr = ":8080" },
		func(c *config) { c.Addr = "[::1]:8080" },
	} {
		c := goodConfig(t)
		change(&c)
		if err := c.validate(true); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	c := goodConfig(t)
	if err := c.validate(true); err != nil {
		t.Fatal(err)
	}
	if c.court.PerCaseFen != 30000 || c.court.Code != "京0491" || c.court.Location.String() != "Asia/Shanghai" {
		t.Fatalf("court %+v", c.court)
	}
}

func TestValidateExplainsEachProblemOnOneLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		change  func(*config)
		serving bool
		want    []string
	}{
		{"bad DSN", func(c *config) { c.DB = "mysql://root:pw@db/netcourt" }, false, []string{"--db", "not a database DSN", "postgres://"}},
		{"DSN that is a word", func(c *config) { c.DB = "netcourt" }, false, []string{"--db"}},
		{"data dir is a file", func(c *config) { c.Data = file }, false, []string{"data directory", file, "not writable"}},
		{"data dir under a file", func(c *config) { c.Data = filepath.Join(file, "sub") }, false, []string{"data directory", "not writable"}},
		{"unknown time zone", func(c *config) { c.TimeZone = "Mars/Olympus_Mons" }, false, []string{"--tz", "Mars/Olympus_Mons", "Asia/Shanghai"}},
		{"fee below range", func(c *config) { c.PerCaseFee = "99.99" }, false, []string{"--per-case-fee", "100 to 500"}},
		{"fee above range", func(c *config) { c.PerCaseFee = "500.01" }, false, []string{"--per-case-fee"}},
		{"fee not a number", func(c *config) { c.PerCaseFee = "three hundred" }, false, []string{"--per-case-fee"}},
		{"negative fee", func(c *config) { c.PerCaseFee = "-300" }, false, []string{"--per-case-fee"}},
		{"empty court code", func(c *config) { c.CourtCode = "  " }, false, []string{"--court-code"}},
		{"long court code", func(c *config) { c.CourtCode = strings.Repeat("京", 17) }, false, []string{"--court-code"}},
		{"empty court name", func(c *config) { c.CourtName = "" }, false, []string{"--court-name"}},
		{"address without port", func(c *config) { c.Addr = "localhost" }, true, []string{"--addr", "localhost", "host:port"}},
		{"address garbage", func(c *config) { c.Addr = "http://127.0.0.1:8080" }, true, []string{"--addr"}},
		{"bad proxy CIDR", func(c *config) { c.TrustedProxies = "10.0.0.0/33" }, true, []string{"--trusted-proxies", "10.0.0.0/33"}},
		{"upload cap zero", func(c *config) { c.MaxUploadMiB = 0 }, true, []string{"--max-upload-mib"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := goodConfig(t)
			tc.change(&c)
			err := c.validate(tc.serving)
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("message spans lines: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not mention %q", msg, w)
				}
			}
		})
	}
}

// The listen address is only checked when serving: migrate and user create ignore it.
func TestValidateIgnoresServeFlagsWhenNotServing(t *testing.T) {
	c := goodConfig(t)
	c.Addr, c.MaxUploadMiB, c.TrustedProxies = "nonsense", 0, "nonsense"
	if err := c.validate(false); err != nil {
		t.Fatal(err)
	}
}

func TestServeReportsAPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	errc := make(chan error, 1)
	go func() { errc <- cmdServe([]string{"--addr", addr, "--data", t.TempDir(), "--log-level", "error"}) }()
	select {
	case err := <-errc:
		if err == nil || !strings.Contains(err.Error(), addr) || strings.Contains(err.Error(), "\n") {
			t.Fatalf("error %v; want one line naming %s", err, addr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("cmdServe did not fail on a busy port")
	}
}
