package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Integrity checking: what an auditor of the court's record would re-do by hand. For every
// case it re-hashes each evidence file against the SHA-256 taken at filing, re-walks the
// event hash chain, and checks that what the chain vouches for (the evidence rows, the
// complaint, the answer, the docket number, the ruling and its publication, hearing minutes,
// settlement terms, the current status) still says what it said when the event was written.

// Problem areas: evidence problems clear evidence_ok, chain and record problems clear chain_ok.
const (
	AreaEvidence = "evidence"
	AreaChain    = "chain"
	AreaRecord   = "record"
)

// Problem is one break found in the court's record. It names the case (id, reference, docket
// number) and, where it applies, the event sequence number or the evidence id and file hash.
type Problem struct {
	CaseID     int64  `json:"case_id"`
	Reference  string `json:"reference,omitempty"`
	DocketNo   string `json:"docket_no,omitempty"`
	Area       string `json:"area"`
	Code       string `json:"code"`
	Seq        int    `json:"seq,omitempty"`
	EvidenceID int64  `json:"evidence_id,omitempty"`
	SHA256     string `json:"sha256,omitempty"`
	Detail     string `json:"detail"`
}

// CaseLabel names the case as people know it: "case 12 (NC-2026-000012, (2026)京0491民初3号)".
func (p Problem) CaseLabel() string {
	var names []string
	for _, n := range []string{p.Reference, p.DocketNo} {
		if n != "" {
			names = append(names, n)
		}
	}
	s := "case " + strconv.FormatInt(p.CaseID, 10)
	if len(names) > 0 {
		s += " (" + strings.Join(names, ", ") + ")"
	}
	return s
}

// String is the one-line form the command line prints.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.CaseLabel())
	if p.Seq > 0 {
		fmt.Fprintf(&b, ": event %d", p.Seq)
	}
	if p.EvidenceID > 0 {
		fmt.Fprintf(&b, ": evidence %d", p.EvidenceID)
	}
	if p.SHA256 != "" {
		fmt.Fprintf(&b, " (sha256 %s)", p.SHA256)
	}
	fmt.Fprintf(&b, ": %s [%s]", p.Detail, p.Code)
	return b.String()
}

// Verification is the result of checking one case.
type Verification struct {
	CaseID        int64
	Reference     string
	DocketNo      string
	EvidenceOK    bool
	ChainOK       bool
	Problems      []Problem
	Events        int
	EvidenceFiles int
	EvidenceBytes int64
	CheckedAt     time.Time
}

// OK is true when nothing is wrong.
func (v *Verification) OK() bool { return v.EvidenceOK && v.ChainOK }

// VerifySummary totals a whole-record check.
type VerifySummary struct {
	Cases         int64
	BrokenCases   int64
	Events        int64
	EvidenceFiles int64
	EvidenceBytes int64 // bytes re-hashed
	Problems      int64
	Duration      time.Duration
}

// VerifyCase checks one case for a person who may see it (404 otherwise, admins included:
// they do not see case contents). Evidence found altered or missing is flagged.
func (s *Store) VerifyCase(ctx context.Context, u *User, caseID int64) (*Verification, error) {
	c, err := s.CaseFor(ctx, u, caseID)
	if err != nil {
		return nil, err
	}
	vs, err := s.verifyBatch(ctx, []Case{*c}, true)
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// VerifyOptions tune VerifyAll.
type VerifyOptions struct {
	// NoFlag leaves evidence rows untouched (for checking a read-only copy).
	NoFlag bool
	// BatchSize is how many cases are loaded at once (default 100).
	BatchSize int
}

// VerifyAll checks every case, streaming over the cases in id batches so memory stays flat
// whatever the size of the docket, and calls report for each problem as it is found.
func (s *Store) VerifyAll(ctx context.Context, opts VerifyOptions, report func(Problem)) (VerifySummary, error) {
	start := time.Now()
	var sum VerifySummary
	n := opts.BatchSize
	if n <= 0 {
		n = 100
	}
	var after int64
	for {
		var cases []Case
		if err := s.db.WithContext(ctx).Where("id > ?", after).Order("id").Limit(n).Find(&cases).Error; err != nil {
			return sum, err
		}
		if len(cases) == 0 {
			break
		}
		after = cases[len(cases)-1].ID
		vs, err := s.verifyBatch(ctx, cases, !opts.NoFlag)
		if err != nil {
			return sum, err
		}
		for _, v := range vs {
			sum.Cases++
			sum.Events += int64(v.Events)
			sum.EvidenceFiles += int64(v.EvidenceFiles)
			sum.EvidenceBytes += v.EvidenceBytes
			if !v.OK() {
				sum.BrokenCases++
			}
			for _, p := range v.Problems {
				sum.Problems++
				report(p)
			}
		}
	}
	// Events whose case row is gone cannot be reached from any case.
	var orphans []int64
	err := s.db.WithContext(ctx).Model(&CaseEvent{}).Distinct("case_id").
		Where("NOT EXISTS (SELECT 1 FROM cases WHERE cases.id = case_events.case_id)").Order("case_id").Limit(1000).Pluck("case_id", &orphans).Error
	if err != nil {
		return sum, err
	}
	for _, id := range orphans {
		sum.Problems++
		report(Problem{CaseID: id, Area: AreaChain, Code: "case_missing", Detail: "events exist for a case whose record is gone"})
	}
	sum.Duration = time.Since(start)
	return sum, nil
}

// verifyBatch checks a batch of cases with one query per related table.
func (s *Store) verifyBatch(ctx context.Context, cases []Case, flag bool) ([]*Verification, error) {
	ids := make([]int64, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	db := s.db.WithContext(ctx)
	var (
		events   []CaseEvent
		evidence []Evidence
		rulings  []Ruling
		hearings []Hearing
	)
	if err := db.Where("case_id IN ?", ids).Order("case_id, seq").Find(&events).Error; err != nil {
		return nil, err
	}
	if err := db.Where("case_id IN ?", ids).Order("case_id, id").Find(&evidence).Error; err != nil {
		return nil, err
	}
	if err := db.Where("case_id IN ?", ids).Find(&rulings).Error; err != nil {
		return nil, err
	}
	if err := db.Where("case_id IN ? AND recorded_at IS NOT NULL", ids).Find(&hearings).Error; err != nil {
		return nil, err
	}
	evBy := map[int64][]CaseEvent{}
	for _, e := range events {
		evBy[e.CaseID] = append(evBy[e.CaseID], e)
	}
	fileBy := map[int64][]Evidence{}
	for _, e := range evidence {
		fileBy[e.CaseID] = append(fileBy[e.CaseID], e)
	}
	rulingBy := map[int64]*Ruling{}
	for i := range rulings {
		rulingBy[rulings[i].CaseID] = &rulings[i]
	}
	hearingBy := map[int64]*Hearing{}
	for i := range hearings {
		hearingBy[hearings[i].ID] = &hearings[i]
	}
	out := make([]*Verification, len(cases))
	for i := range cases {
		c := &cases[i]
		v := &Verification{CaseID: c.ID, CheckedAt: s.Now()}
		if c.Reference != nil {
			v.Reference = *c.Reference
		}
		if c.DocketNo != nil {
			v.DocketNo = *c.DocketNo
		}
		chk := &caseCheck{s: s, c: c, v: v, events: evBy[c.ID], files: fileBy[c.ID], ruling: rulingBy[c.ID], hearings: hearingBy}
		chk.chain()
		chk.record()
		if err := chk.evidence(ctx, flag); err != nil {
			return nil, err
		}
		v.EvidenceOK, v.ChainOK = true, true
		for _, p := range v.Problems {
			if p.Area == AreaEvidence {
				v.EvidenceOK = false
			} else {
				v.ChainOK = false
			}
		}
		out[i] = v
	}
	return out, nil
}

type caseCheck struct {
	s        *Store
	c        *Case
	v        *Verification
	events   []CaseEvent
	files    []Evidence
	ruling   *Ruling
	hearings map[int64]*Hearing
}

func (k *caseCheck) add(p Problem) {
	p.CaseID, p.Reference, p.DocketNo = k.v.CaseID, k.v.Reference, k.v.DocketNo
	k.v.Problems = append(k.v.Problems, p)
}

// chain re-walks the hash chain and checks that the case's current status is where the
// chain says it went last (which also catches a deleted final event).
func (k *caseCheck) chain() {
	k.v.Events = len(k.events)
	for _, cp := range CheckChain(k.events) {
		code := "chain_hash"
		switch {
		case strings.HasPrefix(cp.Reason, "sequence"):
			code = "chain_sequence"
		case strings.HasPrefix(cp.Reason, "previous"):
			code = "chain_link"
		}
		k.add(Problem{Area: AreaChain, Code: code, Seq: cp.Seq, Detail: cp.Reason})
	}
	if len(k.events) == 0 {
		if k.c.Reference != nil || k.c.Status != StatusDraft {
			k.add(Problem{Area: AreaChain, Code: "chain_missing", Detail: "the case left draft but has no events"})
		}
		return
	}
	last := k.events[len(k.events)-1]
	if last.ToStatus != k.c.Status {
		k.add(Problem{Area: AreaChain, Code: "status_mismatch", Seq: last.Seq,
			Detail: fmt.Sprintf("the case is %s but its last event left it %s", k.c.Status, last.ToStatus)})
	}
}

// lastEvent finds the latest event of an action.
func (k *caseCheck) lastEvent(action string) (*CaseEvent, map[string]any) {
	for i := len(k.events) - 1; i >= 0; i-- {
		if k.events[i].Action == action {
			return &k.events[i], k.events[i].DetailMap()
		}
	}
	return nil, nil
}

func detailString(d map[string]any, key string) (string, bool) {
	v, ok := d[key].(string)
	return v, ok
}

func detailInt(d map[string]any, key string) (int64, bool) {
	f, ok := d[key].(float64)
	return int64(f), ok
}

// record checks the content fingerprints the chain holds against the rows they describe.
func (k *caseCheck) record() {
	c := k.c
	mismatch := func(e *CaseEvent, code, what string) {
		k.add(Problem{Area: AreaRecord, Code: code, Seq: e.Seq, Detail: what + " no longer matches the fingerprint recorded in the event"})
	}
	if e, d := k.lastEvent(string(ActSubmit)); e != nil && c.Status != StatusDraft && c.Status != StatusAmendmentRequested {
		if h, ok := detailString(d, "complaint_sha256"); ok && h != ComplaintHash(c) {
			mismatch(e, "complaint_altered", "the complaint")
		}
		if ref, ok := detailString(d, "reference"); ok && (c.Reference == nil || *c.Reference != ref) {
			mismatch(e, "reference_altered", "the filing reference")
		}
	}
	if e, d := k.lastEvent(string(ActAccept)); e != nil {
		if no, ok := detailString(d, "docket_no"); ok && (c.DocketNo == nil || *c.DocketNo != no) {
			mismatch(e, "docket_altered", "the docket number")
		}
	}
	if e, d := k.lastEvent(string(ActAnswer)); e != nil {
		if h, ok := detailString(d, "answer_sha256"); ok && h != sha256Hex([]byte(c.AnswerText)) {
			mismatch(e, "answer_altered", "the defendant's answer")
		}
	}
	if e, d := k.lastEvent(string(ActSettle)); e != nil {
		if h, ok := detailString(d, "terms_sha256"); ok && h != sha256Hex([]byte(c.SettlementTerms)) {
			mismatch(e, "settlement_altered", "the settlement terms")
		}
	}
	for i := range k.events {
		e := &k.events[i]
		if e.Action != string(ActRecordHearing) {
			continue
		}
		d := e.DetailMap()
		hid, _ := detailInt(d, "hearing_id")
		h, ok := detailString(d, "minutes_sha256")
		if hr := k.hearings[hid]; ok && (hr == nil || sha256Hex([]byte(hr.Minutes)) != h) {
			mismatch(e, "minutes_altered", "the hearing minutes")
		}
	}
	rule, rd := k.lastEvent(string(ActRule))
	switch {
	case rule == nil && k.ruling != nil:
		k.add(Problem{Area: AreaRecord, Code: "ruling_unrecorded", Detail: "a ruling exists that no event records"})
	case rule != nil && k.ruling == nil:
		k.add(Problem{Area: AreaRecord, Code: "ruling_missing", Seq: rule.Seq, Detail: "the ruling this event records is gone"})
	case rule != nil:
		if h, ok := detailString(rd, "ruling_sha256"); ok && h != RulingHash(k.ruling) {
			mismatch(rule, "ruling_altered", "the ruling")
		}
	}
	if k.ruling != nil {
		pub, pd := k.lastEvent(string(ActPublish))
		switch {
		case pub == nil && k.ruling.PublishedAt != nil:
			k.add(Problem{Area: AreaRecord, Code: "publication_unrecorded", Detail: "the ruling is marked published but no event records it"})
		case pub != nil:
			if h, ok := detailString(pd, "published_sha256"); ok && h != sha256Hex([]byte(k.ruling.PublishedText)) {
				mismatch(pub, "publication_altered", "the published text")
			}
		}
	}
}

// evidence checks every file of the case: its bytes still hash to the recorded SHA-256, and
// the row itself (whose sha256 column a tamperer could rewrite to match a swapped file) is
// the one the chain recorded — in its evidence_added event, or in the list of file hashes
// of a submission. Files found altered or missing are flagged for the court.
func (k *caseCheck) evidence(ctx context.Context, flag bool) error {
	files := k.files
	k.v.EvidenceFiles = len(files)
	byID := map[int64]*Evidence{}
	for i := range files {
		byID[files[i].ID] = &files[i]
	}
	covered := map[int64]bool{}
	submitted := false
	for i := range k.events {
		e := &k.events[i]
		switch e.Action {
		case "evidence_added":
			d := e.DetailMap()
			id, _ := detailInt(d, "evidence_id")
			h, _ := detailString(d, "sha256")
			row := byID[id]
			if row == nil {
				k.add(Problem{Area: AreaEvidence, Code: "evidence_row_missing", Seq: e.Seq, EvidenceID: id, SHA256: h, Detail: "the evidence this event records is gone"})
				continue
			}
			covered[id] = true
			if row.SHA256 != h {
				k.add(Problem{Area: AreaEvidence, Code: "evidence_row_altered", Seq: e.Seq, EvidenceID: id, SHA256: row.SHA256,
					Detail: "the file's recorded hash differs from the one in the event (" + h + ")"})
			}
		case string(ActSubmit):
			submitted = true
			list, _ := e.DetailMap()["evidence_sha256"].([]any)
			// Evidence rows are never removed once the case is submitted and ids only grow,
			// so the files a submission listed are the first rows of the case, in id order.
			if len(list) > len(files) {
				k.add(Problem{Area: AreaEvidence, Code: "evidence_row_missing", Seq: e.Seq,
					Detail: fmt.Sprintf("the submission lists %d files but only %d remain", len(list), len(files))})
			}
			for j, x := range list {
				h, _ := x.(string)
				if j >= len(files) {
					break
				}
				covered[files[j].ID] = true
				if files[j].SHA256 != h {
					k.add(Problem{Area: AreaEvidence, Code: "evidence_row_altered", Seq: e.Seq, EvidenceID: files[j].ID, SHA256: files[j].SHA256,
						Detail: "the file's recorded hash differs from the one the submission listed (" + h + ")"})
				}
			}
		}
	}
	hashed := map[string]error{}
	for i := range files {
		f := &files[i]
		if submitted && !covered[f.ID] {
			k.add(Problem{Area: AreaEvidence, Code: "evidence_unrecorded", EvidenceID: f.ID, SHA256: f.SHA256, Detail: "this file is in the case but not in its event chain"})
		}
		err, done := hashed[f.SHA256]
		if !done {
			var size int64
			size, err = k.s.rehash(ctx, f.SHA256)
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			if err == nil && size != f.Size {
				err = errSizeMismatch
			}
			if err == nil || errors.Is(err, errBlobAltered) || errors.Is(err, ErrNotFound) || errors.Is(err, errSizeMismatch) {
				k.v.EvidenceBytes += size
			} else {
				return err
			}
			hashed[f.SHA256] = err
		}
		if err == nil {
			continue
		}
		p := Problem{Area: AreaEvidence, EvidenceID: f.ID, SHA256: f.SHA256}
		switch {
		case errors.Is(err, ErrNotFound):
			p.Code, p.Detail = "evidence_missing", "the file is missing from the evidence store"
		case errors.Is(err, errSizeMismatch):
			p.Code, p.Detail = "evidence_size_mismatch", "the stored file's size differs from the size recorded at filing"
		default:
			p.Code, p.Detail = "evidence_altered", "the stored file no longer matches the SHA-256 recorded at filing"
		}
		k.add(p)
		if flag && f.FlaggedAt == nil {
			k.s.flagEvidence(ctx, f, p.Code)
		}
	}
	return nil
}

var (
	errBlobAltered  = errors.New("blob altered")
	errSizeMismatch = errors.New("size mismatch")
)

// rehash reads a blob through and compares its hash with its address. It returns the bytes
// read, ErrNotFound when the blob is absent and errBlobAltered on a mismatch.
func (s *Store) rehash(ctx context.Context, sum string) (int64, error) {
	rc, _, err := s.blobs.Open(ctx, sum)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	h := sha256.New()
	buf := make([]byte, 256<<10)
	n, err := io.CopyBuffer(h, &ctxReader{ctx: ctx, r: rc}, buf)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return n, ctxErr
		}
		return n, fmt.Errorf("verify %s: %w", sum, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		return n, errBlobAltered
	}
	return n, nil
}

// flagEvidence marks a file the court must not rely on; the judge sees the flag.
func (s *Store) flagEvidence(ctx context.Context, f *Evidence, code string) {
	now := s.Now()
	err := s.db.WithContext(context.WithoutCancel(ctx)).Model(&Evidence{}).
		Where("id = ? AND flagged_at IS NULL", f.ID).Update("flagged_at", now).Error
	if err != nil {
		s.log.Error("flagging evidence failed", "evidence_id", f.ID, "err", err)
		return
	}
	f.FlaggedAt = &now
	s.log.Error("EVIDENCE INTEGRITY FAILURE: evidence flagged", "case_id", f.CaseID, "evidence_id", f.ID, "sha256", f.SHA256, "problem", code)
}
