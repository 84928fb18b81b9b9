package models

import (
	"errors"
	"strconv"
	"strings"
)

// MaxClaimFen caps any amount a party may type: 100 million yuan. Nothing a personal-information
// claim could plausibly be worth comes near it, and the cap keeps every later sum far from
// int64 overflow.
const MaxClaimFen int64 = 100_000_000_00

// Money errors are sentinels rather than Invalid(...) so callers can tell the three apart with
// errors.Is and attach them to whichever form field held the amount.
var (
	ErrMoneyFormat   = &Error{Kind: KindInvalid, Code: "invalid_amount", Message: "Enter an amount in yuan, such as 2900 or 2900.50."}
	ErrMoneyNegative = &Error{Kind: KindInvalid, Code: "negative_amount", Message: "The amount cannot be negative."}
	ErrMoneyTooLarge = &Error{Kind: KindInvalid, Code: "amount_too_large", Message: "The amount is larger than this court accepts."}
)

// MoneyErrorKey maps an error from ParseYuan to its i18n message key, or "" for any other error,
// so a handler can put it straight into Invalid's field map.
func MoneyErrorKey(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrMoneyNegative):
		return "validation.money_negative"
	case errors.Is(err, ErrMoneyTooLarge):
		return "validation.money_too_large"
	case errors.Is(err, ErrMoneyFormat):
		return "validation.money_format"
	}
	return ""
}

// ParseYuan reads a non-negative yuan amount with at most two decimal places and returns fen.
// It is deliberately strict: no signs, exponents, grouping commas or non-ASCII digits, because
// every lenient reading ("1,000" as one thousand or as one?) is a guess about a claimed sum.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		// Report a well-formed negative number as negative, which tells the user more than
		// "bad format"; "-0" is just a stray sign.
		if v, err := ParseYuan(rest); err == nil && v > 0 && rest == strings.TrimSpace(rest) {
			return 0, ErrMoneyNegative
		}
		return 0, ErrMoneyFormat
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !allASCIIDigits(whole) {
		return 0, ErrMoneyFormat
	}
	if hasDot && (frac == "" || len(frac) > 2 || !allASCIIDigits(frac)) {
		return 0, ErrMoneyFormat
	}
	// The format is settled before the size, so "1e999…" is a format error, not "too large".
	// Accumulation stops as soon as the cap is passed, which also rules out overflow however
	// many digits there are.
	const maxYuan = MaxClaimFen / 100
	var yuan int64
	for i := 0; i < len(whole); i++ {
		yuan = yuan*10 + int64(whole[i]-'0')
		if yuan > maxYuan {
			return 0, ErrMoneyTooLarge
		}
	}
	var fen int64
	for i := 0; i < 2; i++ {
		fen *= 10
		if i < len(frac) {
			fen += int64(frac[i] - '0')
		}
	}
	v := yuan*100 + fen
	if v > MaxClaimFen {
		return 0, ErrMoneyTooLarge
	}
	return v, nil
}

func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatYuan renders fen as yuan with exactly two decimals and no grouping, so its output is
// always accepted back by ParseYuan (for amounts within range).
func FormatYuan(fen int64) string {
	sign := ""
	// Negating in uint64 keeps math.MinInt64 correct.
	u := uint64(fen)
	if fen < 0 {
		sign = "-"
		u = -u
	}
	whole, cents := u/100, u%100
	return sign + strconv.FormatUint(whole, 10) + "." + string([]byte{byte('0' + cents/10), byte('0' + cents%10)})
}
