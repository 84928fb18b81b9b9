package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"

	"netcourt/models"
)

// cmdBackup writes a consistent copy of the database and the evidence into --out while the
// server may be running, then verifies the copy (README: "Backup and restore").
func cmdBackup(args []string, stdout io.Writer) error {
	var (
		cfg  config
		out  string
		link bool
	)
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	cfg.storageFlags(fs)
	fs.StringVar(&out, "out", "", "directory to write the backup into (must not exist or be empty)")
	fs.BoolVar(&link, "link", false, "hard-link evidence files instead of copying (same file system only)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if out == "" {
		return fmt.Errorf("backup: --out DIR is required")
	}
	if err := cfg.validate(false); err != nil {
		return err
	}
	store, closeDB, err := openStore(&cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	m, err := store.Backup(ctx, out, models.BackupOptions{Link: link, DSN: cfg.DB})
	if err != nil {
		return err
	}
	verified := "verified: intact"
	if !m.Verified.Done {
		verified = "not verified (restore the dump and run netcourt verify)"
	}
	fmt.Fprintf(stdout, "backup written to %s: %s (sha256 %s), %d cases, %d events, %d evidence files (%.1f MiB); %s\n",
		out, m.Database.File, m.Database.SHA256, m.Counts.Cases, m.Counts.Events, m.Counts.Blobs, float64(m.Counts.BlobBytes)/(1<<20), verified)
	return nil
}
