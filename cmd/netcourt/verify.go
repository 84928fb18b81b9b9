package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"netcourt/models"
)

// exitError ends the process with a chosen code after its message (verify uses 3 for "the
// record is broken", so scripts can tell it from "could not check" = 1).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

const exitBroken = 3

// cmdVerify re-hashes every evidence file and re-walks every case's chain. It reports
// orphan and temporary files as notes but removes nothing; evidence found altered or
// missing is flagged (unless --no-flag) so the judge's case page shows it.
func cmdVerify(args []string, stdout io.Writer) error {
	var (
		cfg    config
		noFlag bool
		batch  int
	)
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	cfg.storageFlags(fs)
	fs.BoolVar(&noFlag, "no-flag", false, "report only; do not flag altered evidence in the database")
	fs.IntVar(&batch, "batch", 100, "cases checked per database round trip")
	if err := parse(fs, args); err != nil {
		return err
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

	rep, err := store.Reconcile(ctx, models.ReconcileOptions{Grace: 0, DryRun: true})
	if err != nil {
		return err
	}
	if rep.TempFiles > 0 {
		fmt.Fprintf(stdout, "note: %d unfinished upload(s) in the evidence tmp directory (removed when the server starts)\n", rep.TempFiles)
	}
	if n := len(rep.Orphans); n > 0 {
		fmt.Fprintf(stdout, "note: %d evidence file(s) that no filing refers to (left by an interrupted upload; removed when the server starts)\n", n)
	}
	sum, err := store.VerifyAll(ctx, models.VerifyOptions{NoFlag: noFlag, BatchSize: batch}, func(p models.Problem) {
		fmt.Fprintln(stdout, "BROKEN "+p.String())
	})
	if err != nil {
		return err
	}
	secs := sum.Duration.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	line := fmt.Sprintf("%d cases, %d events, %d evidence files (%.1f MiB) re-hashed in %.2fs (%.1f MB/s, %.0f events/s)",
		sum.Cases, sum.Events, sum.EvidenceFiles, float64(sum.EvidenceBytes)/(1<<20), secs,
		float64(sum.EvidenceBytes)/1e6/secs, float64(sum.Events)/secs)
	if sum.Problems > 0 {
		return &exitError{code: exitBroken, msg: fmt.Sprintf("verify: RECORD BROKEN: %d problem(s) in %d case(s); %s", sum.Problems, sum.BrokenCases, line)}
	}
	fmt.Fprintln(stdout, "verify: intact: "+line)
	return nil
}

// reconcileAtStart runs the start-up reconciliation and logs what it did.
func reconcileAtStart(store *models.Store, grace time.Duration, log *slog.Logger) error {
	rep, err := store.Reconcile(context.Background(), models.ReconcileOptions{Grace: grace})
	if err != nil {
		return fmt.Errorf("start-up reconciliation: %w", err)
	}
	if rep.TempFiles > 0 || len(rep.Orphans) > 0 || rep.Restored > 0 {
		log.Info("reconciled the evidence store after the previous run", "unfinished_uploads", rep.TempFiles,
			"orphan_files_removed", len(rep.Orphans), "recent_orphans_kept", rep.YoungOrphans, "restored", rep.Restored)
	}
	for _, p := range rep.MissingBlobs {
		log.Error("EVIDENCE INTEGRITY FAILURE: a filed file is missing and has been flagged", "problem", p.String())
	}
	return nil
}

// crashHookFromEnv installs the crash-test hook only when NETCOURT_TEST_HOOKS=1 and
// NETCOURT_TEST_CRASH_POINT names a point; NETCOURT_TEST_CRASH_AFTER picks which hit
// (default the first). The process SIGKILLs itself there, as a power cut would stop it.
func crashHookFromEnv() func(string) {
	point := os.Getenv("NETCOURT_TEST_CRASH_POINT")
	if os.Getenv("NETCOURT_TEST_HOOKS") != "1" || point == "" {
		return nil
	}
	return models.CrashHook(point, int64(envInt("NETCOURT_TEST_CRASH_AFTER", 1)), os.Stdout, func() {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	})
}
