package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// CaseEvent is one entry in a case's timeline. Events form a hash chain: each Hash covers
// the previous event's hash and this event's canonical content, so altering, removing or
// reordering any past event breaks every hash after it.
type CaseEvent struct {
	ID         int64
	CaseID     int64
	Seq        int
	Action     string
	FromStatus Status
	ToStatus   Status
	ActorID    int64
	ActorRole  Role
	Details    string // canonical JSON object
	At         time.Time
	PrevHash   string
	Hash       string
}

// DetailMap decodes the event's details.
func (e *CaseEvent) DetailMap() map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal([]byte(e.Details), &m)
	return m
}

// canonicalDetails encodes details with sorted keys (encoding/json sorts map keys), so the
// same details always hash the same.
func canonicalDetails(d map[string]any) (string, error) {
	if len(d) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	// Round-trip through a generic map so struct values and maps encode alike.
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	b, err = json.Marshal(m)
	return string(b), err
}

// EventHash computes the hash an event must carry. The time is hashed at microsecond
// precision in UTC because that is what both databases store and return.
func EventHash(e *CaseEvent) string {
	h := sha256.New()
	write := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
		h.Write([]byte{'\n'})
	}
	write("netcourt-event-v1")
	write(e.PrevHash)
	write(strconv.FormatInt(e.CaseID, 10))
	write(strconv.Itoa(e.Seq))
	write(e.Action)
	write(string(e.FromStatus))
	write(string(e.ToStatus))
	write(strconv.FormatInt(e.ActorID, 10))
	write(string(e.ActorRole))
	write(e.Details)
	write(e.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
	return hex.EncodeToString(h.Sum(nil))
}

// appendEvent adds the next event to a case's chain inside the caller's transaction. The
// unique (case_id, seq) index makes two concurrent appends collide instead of forking.
func appendEvent(tx *gorm.DB, caseID int64, action string, from, to Status, actor *User, details map[string]any, at time.Time) (*CaseEvent, error) {
	var last CaseEvent
	err := tx.Where("case_id = ?", caseID).Order("seq DESC").Limit(1).Find(&last).Error
	if err != nil {
		return nil, err
	}
	det, err := canonicalDetails(details)
	if err != nil {
		return nil, err
	}
	e := &CaseEvent{CaseID: caseID, Seq: last.Seq + 1, Action: action, FromStatus: from, ToStatus: to,
		Details: det, At: at.UTC().Truncate(time.Microsecond), PrevHash: last.Hash}
	if actor != nil {
		e.ActorID, e.ActorRole = actor.ID, actor.Role
	} else {
		e.ActorRole = "system"
	}
	e.Hash = EventHash(e)
	if err := tx.Create(e).Error; err != nil {
		if isUniqueViolation(err) {
			return nil, ErrConflict
		}
		return nil, err
	}
	return e, nil
}

// Events lists a case's timeline in order (callers check visibility first).
func (s *Store) Events(ctx context.Context, caseID int64) ([]CaseEvent, error) {
	var es []CaseEvent
	err := s.db.WithContext(ctx).Where("case_id = ?", caseID).Order("seq").Find(&es).Error
	return es, err
}

// ChainProblem describes one break in a case's event chain.
type ChainProblem struct {
	CaseID int64
	Seq    int
	Reason string
}

// CheckChain re-walks a chain and reports every break: a missing or repeated sequence
// number, a prev-hash that does not match, or a hash that does not match the content.
func CheckChain(events []CaseEvent) []ChainProblem {
	var out []ChainProblem
	prev := ""
	for i, e := range events {
		if e.Seq != i+1 {
			out = append(out, ChainProblem{e.CaseID, e.Seq, "sequence gap: expected event " + strconv.Itoa(i+1)})
		}
		if e.PrevHash != prev {
			out = append(out, ChainProblem{e.CaseID, e.Seq, "previous-hash link broken"})
		}
		if EventHash(&e) != e.Hash {
			out = append(out, ChainProblem{e.CaseID, e.Seq, "content does not match its hash (edited)"})
		}
		prev = e.Hash
	}
	return out
}
