package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// nextSerial atomically takes the next number of a named series inside the caller's
// transaction. The counter row is updated in place (UPDATE … RETURNING), which locks it until
// commit, so concurrent callers queue and a rolled-back transaction gives its number back:
// no gaps, no duplicates, on SQLite and PostgreSQL alike.
func nextSerial(tx *gorm.DB, series string) (int64, error) {
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&counter{Name: series, Value: 0}).Error; err != nil {
		return 0, err
	}
	var value int64
	row := tx.Raw("UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value", series).Row()
	if err := row.Scan(&value); err != nil {
		return 0, err
	}
	return value, nil
}

type counter struct {
	Name  string `gorm:"primaryKey"`
	Value int64
}

func (counter) TableName() string { return "counters" }

// FilingReference is a filing's own number, given at submission: NC-2026-000123.
func FilingReference(year int, serial int64) string {
	return fmt.Sprintf("NC-%d-%06d", year, serial)
}

// DocketNumber is the case number allocated at acceptance, in the form the Supreme People's
// Court prescribes for first-instance civil cases: (2026)京0491民初123号. The serial restarts
// every year.
func DocketNumber(year int, courtCode string, serial int64) string {
	return fmt.Sprintf("(%d)%s民初%d号", year, courtCode, serial)
}

// allocateReference gives a submitted filing its reference.
func (s *Store) allocateReference(tx *gorm.DB, now time.Time) (string, error) {
	year := now.In(s.court.Location).Year()
	n, err := nextSerial(tx, fmt.Sprintf("reference:%d", year))
	if err != nil {
		return "", err
	}
	return FilingReference(year, n), nil
}

// allocateDocketNumber numbers an accepted case.
func (s *Store) allocateDocketNumber(tx *gorm.DB, now time.Time) (string, int, int64, error) {
	year := now.In(s.court.Location).Year()
	n, err := nextSerial(tx, fmt.Sprintf("docket:%s:%d", s.court.Code, year))
	if err != nil {
		return "", 0, 0, err
	}
	return DocketNumber(year, s.court.Code, n), year, n, nil
}
