package models

import (
	"context"
	"sort"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The court's public statistics (how many personal-information disputes, in which sectors,
// over which kinds of data, with what outcome, how fast) are kept as maintained counters:
// the stat_counters table holds one row per (dimension, key) and every case transition adds
// its delta to those rows inside the same transaction that changes the case (recordStats,
// called from Advance and UpdateComplaint). The medians come from day histograms kept the
// same way (dimension "days_to_acceptance", key = whole days → number of cases).
//
// Why counters rather than aggregates refreshed on a schedule: the figures are then exact and
// current the moment a transition commits, reading them costs about a hundred indexed rows
// whatever the size of the docket (well under a millisecond at 1M cases, see BenchmarkStats),
// and a transition pays only a handful of small upserts. The price is that concurrent
// transitions queue briefly on the shared rows (the "total" row especially), which the court's
// write rate — a few transitions a second at most — never notices. RebuildStats recomputes
// every counter from the cases table as a repair command and for tests.
//
// Only submitted filings count: a draft is private to the plaintiff and is not yet a case.

// StatCounter is one maintained count.
type StatCounter struct {
	Dimension string
	Key       string
	Value     int64
}

// Statistic dimensions.
const (
	statTotal            = "total"
	statStatus           = "status"
	statCategory         = "category"
	statSector           = "sector"
	statInfoType         = "info_type"
	statOutcome          = "outcome"
	statMonth            = "month"
	statDaysToAcceptance = "days_to_acceptance"
	statDaysToRuling     = "days_to_ruling"
)

type statKey struct{ dim, key string }

// caseStatKeys are the counters a case contributes to by what it is (rather than by what
// happened to it once): nothing for a draft that was never submitted.
func (s *Store) caseStatKeys(c *Case) []statKey {
	if c == nil || c.SubmittedAt == nil {
		return nil
	}
	keys := []statKey{{statTotal, "all"}, {statStatus, string(c.Status)},
		{statMonth, c.SubmittedAt.In(s.court.Location).Format("2006-01")}}
	if c.DefendantSector != "" {
		keys = append(keys, statKey{statSector, c.DefendantSector})
	}
	for _, k := range c.CategoryList() {
		keys = append(keys, statKey{statCategory, k})
	}
	for _, k := range c.InfoTypeList() {
		keys = append(keys, statKey{statInfoType, k})
	}
	return keys
}

// wholeDays counts whole days from a to b (never negative).
func wholeDays(a, b time.Time) int {
	d := b.Sub(a)
	if d < 0 {
		return 0
	}
	return int(d / day)
}

// recordStats adds to the counters what one change of a case means: its keys before are taken
// away and its keys after are added (status moves, a first submission, an amended complaint),
// and the one-off events — acceptance, a ruling — add to the histograms and outcomes. It runs
// inside the caller's transaction, so the counters move exactly when the case does.
func (s *Store) recordStats(tx *gorm.DB, before, after *Case, outcome string) error {
	delta := map[statKey]int64{}
	for _, k := range s.caseStatKeys(before) {
		delta[k]--
	}
	for _, k := range s.caseStatKeys(after) {
		delta[k]++
	}
	if after.SubmittedAt != nil && after.AcceptedAt != nil && (before == nil || before.AcceptedAt == nil) {
		delta[statKey{statDaysToAcceptance, strconv.Itoa(wholeDays(*after.SubmittedAt, *after.AcceptedAt))}]++
	}
	if outcome != "" && after.SubmittedAt != nil && after.DecidedAt != nil {
		delta[statKey{statOutcome, outcome}]++
		delta[statKey{statDaysToRuling, strconv.Itoa(wholeDays(*after.SubmittedAt, *after.DecidedAt))}]++
	}
	return addStats(tx, delta)
}

// addStats applies deltas with one upsert per changed row, in a fixed order so two
// transactions touching the same rows lock them in the same order and cannot deadlock.
func addStats(tx *gorm.DB, delta map[statKey]int64) error {
	keys := make([]statKey, 0, len(delta))
	for k, v := range delta {
		if v != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].dim != keys[j].dim {
			return keys[i].dim < keys[j].dim
		}
		return keys[i].key < keys[j].key
	})
	for _, k := range keys {
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "dimension"}, {Name: "key"}},
			DoUpdates: clause.Assignments(map[string]any{"value": gorm.Expr("stat_counters.value + excluded.value")}),
		}).Create(&StatCounter{Dimension: k.dim, Key: k.key, Value: delta[k]}).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// RebuildStats recomputes every counter from the cases and rulings tables and replaces the
// stored ones in one transaction. It is the repair command (netcourt stats rebuild) and what
// bulk loads call afterwards. On PostgreSQL the counters table is locked first, so a
// transition committing meanwhile either lands before the rebuild reads the cases or waits
// and applies its delta on top of the rebuilt figures.
func (s *Store) RebuildStats(ctx context.Context) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			if err := tx.Exec("LOCK TABLE stat_counters IN EXCLUSIVE MODE").Error; err != nil {
				return err
			}
		}
		delta := map[statKey]int64{}
		rows, err := tx.Table("cases").
			Select("cases.status, cases.submitted_at, cases.accepted_at, cases.decided_at, cases.defendant_sector, cases.categories, cases.info_types, rulings.outcome").
			Joins("LEFT JOIN rulings ON rulings.case_id = cases.id").
			Where("cases.submitted_at IS NOT NULL").Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				c       Case
				outcome *string
			)
			if err := rows.Scan(&c.Status, &c.SubmittedAt, &c.AcceptedAt, &c.DecidedAt, &c.DefendantSector, &c.Categories, &c.InfoTypes, &outcome); err != nil {
				return err
			}
			for _, k := range s.caseStatKeys(&c) {
				delta[k]++
			}
			if c.AcceptedAt != nil {
				delta[statKey{statDaysToAcceptance, strconv.Itoa(wholeDays(*c.SubmittedAt, *c.AcceptedAt))}]++
			}
			if outcome != nil && *outcome != "" && c.DecidedAt != nil {
				delta[statKey{statOutcome, *outcome}]++
				delta[statKey{statDaysToRuling, strconv.Itoa(wholeDays(*c.SubmittedAt, *c.DecidedAt))}]++
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := tx.Where("1 = 1").Delete(&StatCounter{}).Error; err != nil {
			return err
		}
		batch := make([]StatCounter, 0, len(delta))
		for k, v := range delta {
			if v != 0 {
				batch = append(batch, StatCounter{Dimension: k.dim, Key: k.key, Value: v})
			}
		}
		if len(batch) == 0 {
			return nil
		}
		return tx.CreateInBatches(batch, 200).Error
	})
}

// MonthCount is the number of filings submitted in one calendar month (court time).
type MonthCount struct {
	Month string // "2026-03"
	Count int64
}

// Stats are the court's public figures. Every map holds every known key, zero included, so the
// shape never depends on the data.
type Stats struct {
	Total      int64
	ByStatus   map[string]int64
	ByCategory map[string]int64
	BySector   map[string]int64
	ByInfoType map[string]int64
	ByOutcome  map[string]int64
	// FilingsByMonth runs from the first month with a filing to the last, months without
	// filings included as zero.
	FilingsByMonth []MonthCount
	// Medians in days (whole-day histograms); nil when no case has got that far.
	MedianDaysToAcceptance *float64
	MedianDaysToRuling     *float64
	AcceptedCount          int64
	RuledCount             int64
}

// StatStatuses are the statuses the statistics report: every status but draft.
func StatStatuses() []string {
	var out []string
	for _, st := range AllStatuses {
		if st != StatusDraft {
			out = append(out, string(st))
		}
	}
	return out
}

func zeroMap(keys []string) map[string]int64 {
	m := make(map[string]int64, len(keys))
	for _, k := range keys {
		m[k] = 0
	}
	return m
}

// Stats reads the maintained counters.
func (s *Store) Stats(ctx context.Context) (*Stats, error) {
	var rows []StatCounter
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, err
	}
	st := &Stats{ByStatus: zeroMap(StatStatuses()), ByCategory: zeroMap(CategoryCodes()), BySector: zeroMap(Sectors),
		ByInfoType: zeroMap(InfoTypes), ByOutcome: zeroMap(Outcomes), FilingsByMonth: []MonthCount{}}
	months := map[string]int64{}
	accept, ruling := map[int]int64{}, map[int]int64{}
	for _, r := range rows {
		switch r.Dimension {
		case statTotal:
			st.Total += r.Value
		case statStatus:
			st.ByStatus[r.Key] += r.Value
		case statCategory:
			st.ByCategory[r.Key] += r.Value
		case statSector:
			st.BySector[r.Key] += r.Value
		case statInfoType:
			st.ByInfoType[r.Key] += r.Value
		case statOutcome:
			st.ByOutcome[r.Key] += r.Value
		case statMonth:
			if r.Value != 0 {
				months[r.Key] += r.Value
			}
		case statDaysToAcceptance, statDaysToRuling:
			d, err := strconv.Atoi(r.Key)
			if err != nil {
				continue
			}
			if r.Dimension == statDaysToAcceptance {
				accept[d] += r.Value
			} else {
				ruling[d] += r.Value
			}
		}
	}
	st.FilingsByMonth = fillMonths(months)
	st.MedianDaysToAcceptance, st.AcceptedCount = HistogramMedian(accept)
	st.MedianDaysToRuling, st.RuledCount = HistogramMedian(ruling)
	return st, nil
}

// fillMonths orders the months and fills the gaps between the first and the last with zeros,
// so a chart's time axis is even.
func fillMonths(m map[string]int64) []MonthCount {
	out := []MonthCount{}
	if len(m) == 0 {
		return out
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	first, err1 := time.Parse("2006-01", keys[0])
	last, err2 := time.Parse("2006-01", keys[len(keys)-1])
	if err1 != nil || err2 != nil || last.Sub(first) > 100*366*day {
		for _, k := range keys {
			out = append(out, MonthCount{k, m[k]})
		}
		return out
	}
	for t := first; !t.After(last); t = t.AddDate(0, 1, 0) {
		k := t.Format("2006-01")
		out = append(out, MonthCount{k, m[k]})
	}
	return out
}

// HistogramMedian is the median of values given as value → count: the middle value, or the
// mean of the two middle values for an even count. It returns nil for an empty histogram, and
// the number of values.
func HistogramMedian(h map[int]int64) (*float64, int64) {
	var n int64
	keys := make([]int, 0, len(h))
	for k, c := range h {
		if c > 0 {
			keys = append(keys, k)
			n += c
		}
	}
	if n == 0 {
		return nil, 0
	}
	sort.Ints(keys)
	// The 0-based ranks of the middle value(s).
	lo, hi := (n-1)/2, n/2
	var seen int64
	var vlo, vhi int
	gotLo := false
	for _, k := range keys {
		seen += h[k]
		if !gotLo && seen > lo {
			vlo, gotLo = k, true
		}
		if seen > hi {
			vhi = k
			break
		}
	}
	m := float64(vlo+vhi) / 2
	return &m, n
}

// EnsureStats rebuilds the counters when there are none but submitted cases exist — the state
// right after migration 0003_stats on a database that already held cases. It costs two
// one-row queries otherwise; cmd/netcourt calls it at start-up.
func (s *Store) EnsureStats(ctx context.Context) error {
	var have, cases []int64
	if err := s.db.WithContext(ctx).Model(&StatCounter{}).Limit(1).Pluck("value", &have).Error; err != nil {
		return err
	}
	if len(have) > 0 {
		return nil
	}
	if err := s.db.WithContext(ctx).Model(&Case{}).Where("submitted_at IS NOT NULL").Limit(1).Pluck("id", &cases).Error; err != nil {
		return err
	}
	if len(cases) == 0 {
		return nil
	}
	s.log.Info("statistics counters are empty; rebuilding them from the cases")
	return s.RebuildStats(ctx)
}
