package models

import (
	"strings"
	"unicode/utf8"
)

// usccCharset is GB 32100-2015's alphabet: digits and capitals without I, O, Z, S and V, which
// are too easily misread as 1, 0, 2, 5 and U. A character's value is its index here.
const usccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^(i-1) mod 31 for positions 1..17, as the standard tabulates them.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormaliseUSCC puts a code as typed into its canonical form: full-width ASCII (common with
// Chinese input methods) becomes half-width, surrounding spaces go, and letters are upper-cased.
// Only ASCII letters are upper-cased so that no exotic letter can fold into an allowed one.
func NormaliseUSCC(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000: // ideographic space
			r = ' '
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		// Codes are often pasted grouped ("9111 0000 …") or hyphenated from a licence scan;
		// neither separator can be part of a code.
		if r == ' ' || r == '-' || r == '\t' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ValidateUSCC checks a code already in canonical form (see NormaliseUSCC) and returns "" or the
// i18n key of the first problem. It does not normalise itself, so what it accepts is exactly
// what may be stored.
func ValidateUSCC(s string) (key string) {
	if utf8.RuneCountInString(s) != 18 {
		return "validation.uscc_length"
	}
	// 18 runes but not 18 bytes means something non-ASCII, hence outside the charset.
	if len(s) != 18 {
		return "validation.uscc_chars"
	}
	want, ok := USCCCheckChar(s[:17])
	if !ok || usccValue(s[17]) < 0 {
		return "validation.uscc_chars"
	}
	if s[17] != want {
		return "validation.uscc_check_digit"
	}
	return ""
}

// USCCCheckChar computes the 18th character for the first 17. ok is false unless first17 is
// exactly 17 charset characters with an all-digit administrative division (positions 3–8).
func USCCCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue(first17[i])
		if v < 0 || (i >= 2 && i <= 7 && v > 9) {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	// 31 - 0 would be out of range; the standard maps it to 0.
	return usccCharset[(31-sum%31)%31], true
}

// CompleteUSCC appends the check character, or returns "" when first17 cannot start a valid
// code, so a mistake in demo or test data fails validation rather than passing silently.
func CompleteUSCC(first17 string) string {
	c, ok := USCCCheckChar(first17)
	if !ok {
		return ""
	}
	return first17 + string(c)
}

func usccValue(c byte) int {
	return strings.IndexByte(usccCharset, c)
}
