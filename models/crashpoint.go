package models

import (
	"fmt"
	"io"
	"sync/atomic"
)

// Crash points name the moments in a filing where the crash-safety test kills the server.
// Advance also offers "before_<action>_commit" and "after_<action>_commit" for every action.
const (
	CrashAfterBlobTmpWrite    = "after_blob_tmp_write"   // upload bytes in the temp file, not yet fsynced
	CrashAfterBlobRename      = "after_blob_rename"      // blob durable under its hash, no row yet
	CrashBeforeEvidenceCommit = "before_evidence_commit" // evidence row and event written, transaction open
	CrashAfterEvidenceCommit  = "after_evidence_commit"  // committed, reply not yet sent
	CrashBeforeSubmitCommit   = "before_submit_commit"   // submission applied, transaction open
	CrashAfterSubmitCommit    = "after_submit_commit"    // submission committed, reply not yet sent
)

// CrashPoints lists the points the crash test chooses from.
var CrashPoints = []string{CrashAfterBlobTmpWrite, CrashAfterBlobRename, CrashBeforeEvidenceCommit,
	CrashAfterEvidenceCommit, CrashBeforeSubmitCommit, CrashAfterSubmitCommit}

// SetTestHook installs a crash-test hook on the blob store. Production never calls it; the
// hot path pays one nil check.
func (s *LocalBlobStore) SetTestHook(fn func(point string)) { s.hook = fn }

// CrashHook returns a hook that, the nth time the process reaches point, prints
// "CRASHPOINT <point>" on out and calls kill (which SIGKILLs the process; the hook then
// blocks so nothing after the point runs even if kill returns). Only `netcourt serve` with
// NETCOURT_TEST_HOOKS=1 installs it.
func CrashHook(point string, nth int64, out io.Writer, kill func()) func(string) {
	if nth < 1 {
		nth = 1
	}
	var hits atomic.Int64
	return func(p string) {
		if p != point || hits.Add(1) != nth {
			return
		}
		fmt.Fprintf(out, "CRASHPOINT %s\n", p)
		kill()
		select {}
	}
}
