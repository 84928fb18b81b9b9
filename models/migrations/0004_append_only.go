package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0004AppendOnly makes the court record append-only in the database itself, so that not even
// a bug (or a hurried operator with a SQL prompt) can rewrite history through the
// application's connection:
//   - case_events: no UPDATE, no DELETE (and on PostgreSQL no TRUNCATE);
//   - rulings: no DELETE; UPDATE only to record publication once (published_at from NULL),
//     with every content column unchanged;
//   - evidence: once its case has left draft, no DELETE, and UPDATE may only set flagged_at.
//
// Triggers stop accidents and casual edits; someone with the database owner's rights can
// drop them, which is why `netcourt verify` re-walks the hash chain independently.
func m0004AppendOnly() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0004_append_only",
		Migrate: func(tx *gorm.DB) error {
			stmts := sqliteAppendOnly
			if tx.Dialector.Name() == "postgres" {
				stmts = postgresAppendOnly
			}
			for _, s := range stmts {
				if err := tx.Exec(s).Error; err != nil {
					return err
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			stmts := sqliteDropAppendOnly
			if tx.Dialector.Name() == "postgres" {
				stmts = postgresDropAppendOnly
			}
			for _, s := range stmts {
				if err := tx.Exec(s).Error; err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// rulingContentSQLite is true when an UPDATE leaves every content column of a ruling as it was
// (IS compares NULLs as equal on SQLite; the PostgreSQL triggers use IS DISTINCT FROM).
const rulingContentSQLite = `NEW.id IS OLD.id AND NEW.case_id IS OLD.case_id AND NEW.judge_id IS OLD.judge_id
 AND NEW.outcome IS OLD.outcome AND NEW.findings IS OLD.findings
 AND NEW.order_stop_processing IS OLD.order_stop_processing AND NEW.order_deletion IS OLD.order_deletion
 AND NEW.order_apology IS OLD.order_apology AND NEW.order_compensation_fen IS OLD.order_compensation_fen
 AND NEW.order_costs_fen IS OLD.order_costs_fen AND NEW.fee_borne_by IS OLD.fee_borne_by
 AND NEW.reasoning IS OLD.reasoning AND NEW.issued_at IS OLD.issued_at AND NEW.created_at IS OLD.created_at`

// evidenceContentSQLite is the same for an evidence row: only flagged_at may change.
const evidenceContentSQLite = `NEW.id IS OLD.id AND NEW.case_id IS OLD.case_id AND NEW.title IS OLD.title
 AND NEW.description IS OLD.description AND NEW.file_name IS OLD.file_name AND NEW.media_type IS OLD.media_type
 AND NEW.size IS OLD.size AND NEW.sha256 IS OLD.sha256 AND NEW.submitted_by IS OLD.submitted_by
 AND NEW.submitted_role IS OLD.submitted_role AND NEW.created_at IS OLD.created_at`

var sqliteAppendOnly = []string{
	`CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
	 BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END`,
	`CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
	 BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END`,
	`CREATE TRIGGER rulings_no_delete BEFORE DELETE ON rulings
	 BEGIN SELECT RAISE(ABORT, 'rulings are immutable once issued'); END`,
	`CREATE TRIGGER rulings_no_update BEFORE UPDATE ON rulings
	 WHEN NOT (OLD.published_at IS NULL AND ` + rulingContentSQLite + `)
	 BEGIN SELECT RAISE(ABORT, 'rulings are immutable once issued'); END`,
	// A draft's evidence may still be removed or retitled by the plaintiff; once the case
	// has left draft (or its row is gone, as in a cascade) the record is fixed.
	`CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidences
	 WHEN (SELECT status FROM cases WHERE id = OLD.case_id) <> 'draft'
	 BEGIN SELECT RAISE(ABORT, 'evidence is part of the court record'); END`,
	`CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidences
	 WHEN (SELECT status FROM cases WHERE id = OLD.case_id) <> 'draft' AND NOT (` + evidenceContentSQLite + `)
	 BEGIN SELECT RAISE(ABORT, 'evidence is part of the court record'); END`,
}

var sqliteDropAppendOnly = []string{
	`DROP TRIGGER IF EXISTS case_events_no_update`,
	`DROP TRIGGER IF EXISTS case_events_no_delete`,
	`DROP TRIGGER IF EXISTS rulings_no_delete`,
	`DROP TRIGGER IF EXISTS rulings_no_update`,
	`DROP TRIGGER IF EXISTS evidence_no_delete`,
	`DROP TRIGGER IF EXISTS evidence_no_update`,
}

var postgresAppendOnly = []string{
	`CREATE OR REPLACE FUNCTION netcourt_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
	 BEGIN
	   RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
	 END $$`,
	`CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
	 FOR EACH ROW EXECUTE FUNCTION netcourt_append_only()`,
	`CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
	 FOR EACH STATEMENT EXECUTE FUNCTION netcourt_append_only()`,
	`CREATE TRIGGER rulings_no_delete BEFORE DELETE ON rulings
	 FOR EACH ROW EXECUTE FUNCTION netcourt_append_only()`,
	`CREATE TRIGGER rulings_no_truncate BEFORE TRUNCATE ON rulings
	 FOR EACH STATEMENT EXECUTE FUNCTION netcourt_append_only()`,
	`CREATE TRIGGER rulings_no_update BEFORE UPDATE ON rulings FOR EACH ROW
	 WHEN (OLD.published_at IS NOT NULL OR (NEW.id, NEW.case_id, NEW.judge_id, NEW.outcome, NEW.findings,
	   NEW.order_stop_processing, NEW.order_deletion, NEW.order_apology, NEW.order_compensation_fen,
	   NEW.order_costs_fen, NEW.fee_borne_by, NEW.reasoning, NEW.issued_at, NEW.created_at)
	   IS DISTINCT FROM (OLD.id, OLD.case_id, OLD.judge_id, OLD.outcome, OLD.findings,
	   OLD.order_stop_processing, OLD.order_deletion, OLD.order_apology, OLD.order_compensation_fen,
	   OLD.order_costs_fen, OLD.fee_borne_by, OLD.reasoning, OLD.issued_at, OLD.created_at))
	 EXECUTE FUNCTION netcourt_append_only()`,
	`CREATE OR REPLACE FUNCTION netcourt_evidence_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
	 BEGIN
	   IF COALESCE((SELECT status FROM cases WHERE id = OLD.case_id), 'draft') = 'draft' THEN
	     IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
	     RETURN NEW;
	   END IF;
	   IF TG_OP = 'UPDATE' AND (NEW.id, NEW.case_id, NEW.title, NEW.description, NEW.file_name, NEW.media_type,
	       NEW.size, NEW.sha256, NEW.submitted_by, NEW.submitted_role, NEW.created_at)
	     IS NOT DISTINCT FROM (OLD.id, OLD.case_id, OLD.title, OLD.description, OLD.file_name, OLD.media_type,
	       OLD.size, OLD.sha256, OLD.submitted_by, OLD.submitted_role, OLD.created_at) THEN
	     RETURN NEW;
	   END IF;
	   RAISE EXCEPTION 'evidence is part of the court record' USING ERRCODE = 'insufficient_privilege';
	 END $$`,
	`CREATE TRIGGER evidence_fixed BEFORE UPDATE OR DELETE ON evidences
	 FOR EACH ROW EXECUTE FUNCTION netcourt_evidence_fixed()`,
}

var postgresDropAppendOnly = []string{
	`DROP TRIGGER IF EXISTS case_events_append_only ON case_events`,
	`DROP TRIGGER IF EXISTS case_events_no_truncate ON case_events`,
	`DROP TRIGGER IF EXISTS rulings_no_delete ON rulings`,
	`DROP TRIGGER IF EXISTS rulings_no_truncate ON rulings`,
	`DROP TRIGGER IF EXISTS rulings_no_update ON rulings`,
	`DROP TRIGGER IF EXISTS evidence_fixed ON evidences`,
	`DROP FUNCTION IF EXISTS netcourt_append_only()`,
	`DROP FUNCTION IF EXISTS netcourt_evidence_fixed()`,
}
