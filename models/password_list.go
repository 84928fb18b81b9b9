package models

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
)

// common_passwords.txt holds the most-used passwords from public breach corpora (lower-cased);
// NIST SP 800-63B asks that such passwords be refused rather than composition rules imposed.
//
//go:embed common_passwords.txt
var commonPasswordsText string

var (
	commonOnce      sync.Once
	commonPasswords map[string]struct{}
)

// IsCommonPassword reports whether pw (case-insensitively) is on the common-passwords list,
// or is a single character repeated.
func IsCommonPassword(pw string) bool {
	commonOnce.Do(func() {
		commonPasswords = map[string]struct{}{}
		sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
		for sc.Scan() {
			if w := strings.TrimSpace(sc.Text()); w != "" {
				commonPasswords[strings.ToLower(w)] = struct{}{}
			}
		}
	})
	lower := strings.ToLower(pw)
	if _, ok := commonPasswords[lower]; ok {
		return true
	}
	return strings.Count(pw, pw[:1]) == len(pw)
}
