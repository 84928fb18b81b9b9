package models

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// An unknown email must cost as much bcrypt work as a known one, or login times reveal which
// emails have accounts.
func TestDummyHashUsesTheStoreCost(t *testing.T) {
	for _, cost := range []int{10, 11} {
		s := &Store{pwCost: cost}
		got, err := bcrypt.Cost(s.dummyHash())
		if err != nil || got != cost {
			t.Fatalf("dummy hash cost %d (%v), store cost %d", got, err, cost)
		}
		real, _ := s.hashPassword("correct horse battery staple")
		if c, _ := bcrypt.Cost([]byte(real)); c != got {
			t.Fatalf("real hash cost %d, dummy %d", c, got)
		}
	}
}
