package models

import (
	"errors"
	"math"
	"testing"
)

func TestParseYuan(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  error
	}{
		{"2900", 290000, nil},
		{"2900.5", 290050, nil},
		{"2900.00", 290000, nil},
		{"2900.05", 290005, nil},
		{"0", 0, nil},
		{"0.00", 0, nil},
		{"0.01", 1, nil},
		{"  2900  ", 290000, nil},
		{"\t12.3\n", 1230, nil},
		{"007", 700, nil},
		{"100000000", MaxClaimFen, nil},
		{"100000000.00", MaxClaimFen, nil},
		{"99999999.99", MaxClaimFen - 1, nil},

		{"", 0, ErrMoneyFormat},
		{"   ", 0, ErrMoneyFormat},
		{".", 0, ErrMoneyFormat},
		{".5", 0, ErrMoneyFormat},
		{"5.", 0, ErrMoneyFormat},
		{"2900.123", 0, ErrMoneyFormat},
		{"+5", 0, ErrMoneyFormat},
		{"--5", 0, ErrMoneyFormat},
		{"- 5", 0, ErrMoneyFormat},
		{"-0", 0, ErrMoneyFormat},
		{"-", 0, ErrMoneyFormat},
		{"1e3", 0, ErrMoneyFormat},
		{"1E3", 0, ErrMoneyFormat},
		{"1,000", 0, ErrMoneyFormat},
		{"1 000", 0, ErrMoneyFormat},
		{"1.2.3", 0, ErrMoneyFormat},
		{"０", 0, ErrMoneyFormat},    // full-width zero
		{"١٢٣", 0, ErrMoneyFormat},  // Arabic-Indic digits
		{"12.٣", 0, ErrMoneyFormat}, // non-ASCII in the fraction
		{"0x10", 0, ErrMoneyFormat},
		{"NaN", 0, ErrMoneyFormat},
		{"Inf", 0, ErrMoneyFormat},
		{"¥100", 0, ErrMoneyFormat},
		{"100元", 0, ErrMoneyFormat},

		{"-5", 0, ErrMoneyNegative},
		{"-0.01", 0, ErrMoneyNegative},
		{" -2900.50 ", 0, ErrMoneyNegative},

		{"100000000.01", 0, ErrMoneyTooLarge},
		{"100000001", 0, ErrMoneyTooLarge},
		{"9223372036854775807", 0, ErrMoneyTooLarge},
		{"99999999999999999999999999999999", 0, ErrMoneyTooLarge},
	}
	for _, tt := range tests {
		got, err := ParseYuan(tt.in)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("ParseYuan(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			if got != 0 {
				t.Errorf("ParseYuan(%q) = %d with error, want 0", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestMoneyErrorsAreDistinctAndInvalid(t *testing.T) {
	errs := []*Error{ErrMoneyFormat, ErrMoneyNegative, ErrMoneyTooLarge}
	for i, a := range errs {
		if a.Kind != KindInvalid || KindOf(a) != KindInvalid {
			t.Errorf("%s: kind %v, want KindInvalid", a.Code, a.Kind)
		}
		for j, b := range errs {
			if (i == j) != errors.Is(a, b) {
				t.Errorf("errors.Is(%s, %s) = %v", a.Code, b.Code, errors.Is(a, b))
			}
		}
	}
}

func TestMoneyErrorKey(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{ErrMoneyFormat, "validation.money_format"},
		{ErrMoneyNegative, "validation.money_negative"},
		{ErrMoneyTooLarge, "validation.money_too_large"},
		{WithMessage(ErrMoneyTooLarge, "over %d", 1), "validation.money_too_large"},
		{ErrNotFound, ""},
		{errors.New("other"), ""},
	}
	for _, tt := range tests {
		if got := MoneyErrorKey(tt.err); got != tt.want {
			t.Errorf("MoneyErrorKey(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	for _, in := range []string{"x", "-1", "1000000000"} {
		if _, err := ParseYuan(in); MoneyErrorKey(err) == "" {
			t.Errorf("ParseYuan(%q) error %v has no key", in, err)
		}
	}
}

func TestFormatYuan(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{290000, "2900.00"},
		{290050, "2900.50"},
		{5, "0.05"},
		{0, "0.00"},
		{10, "0.10"},
		{-150, "-1.50"},
		{-1, "-0.01"},
		{MaxClaimFen, "100000000.00"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := FormatYuan(tt.fen); got != tt.want {
			t.Errorf("FormatYuan(%d) = %q, want %q", tt.fen, got, tt.want)
		}
	}
}

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"2900", "2900.5", "0.00", " 1.01 ", "-3", "1e5", "100000000.01", "1,000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseYuan(s)
		if err != nil {
			if MoneyErrorKey(err) == "" {
				t.Fatalf("ParseYuan(%q) error %v has no i18n key", s, err)
			}
			return
		}
		if v < 0 || v > MaxClaimFen {
			t.Fatalf("ParseYuan(%q) = %d, outside [0, MaxClaimFen]", s, v)
		}
		out := FormatYuan(v)
		back, err := ParseYuan(out)
		if err != nil || back != v {
			t.Fatalf("round trip %q → %d → %q → %d, %v", s, v, out, back, err)
		}
	})
}
