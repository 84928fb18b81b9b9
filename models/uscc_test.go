package models

import (
	"strings"
	"testing"
)

// These codes are of the shape published on business licences; each check character was
// verified against the algorithm rather than taken on trust.
var validUSCCs = []string{
	"91110000802100433B",
	"91310000775785552L",
	"91440300708461136T",
	"91110108551385082Q",
	"9111000071093123XX",
}

func TestValidateUSCC(t *testing.T) {
	for _, s := range validUSCCs {
		if key := ValidateUSCC(s); key != "" {
			t.Errorf("ValidateUSCC(%q) = %q, want valid", s, key)
		}
	}
	tests := []struct {
		in, want string
	}{
		{"", "validation.uscc_length"},
		{"91110000802100433", "validation.uscc_length"},
		{"91110000802100433BB", "validation.uscc_length"},
		{" 91110000802100433B", "validation.uscc_length"},
		{"91110000802100433A", "validation.uscc_check_digit"},
		{"91110000802100433C", "validation.uscc_check_digit"},
		{"91310000775785552K", "validation.uscc_check_digit"},
		{"91110000802100433b", "validation.uscc_chars"}, // lower case only after NormaliseUSCC
		{"I1110000802100433B", "validation.uscc_chars"},
		{"9O110000802100433B", "validation.uscc_chars"},
		{"91110000Z02100433B", "validation.uscc_chars"},
		{"91110000802S00433B", "validation.uscc_chars"},
		{"9111000080210043VB", "validation.uscc_chars"},
		{"91110000802100433I", "validation.uscc_chars"}, // forbidden letter as check char
		{"9111A000802100433B", "validation.uscc_chars"}, // letter in the division code
		{"91-10000802100433B", "validation.uscc_chars"},
		{"91110000802100433Ｂ", "validation.uscc_chars"}, // full-width, 18 runes
		{"九1110000802100433B", "validation.uscc_chars"},
		{"91110000802100433\xff", "validation.uscc_chars"},
	}
	for _, tt := range tests {
		if got := ValidateUSCC(tt.in); got != tt.want {
			t.Errorf("ValidateUSCC(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormaliseUSCC(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"91110000802100433b", "91110000802100433B"},
		{"  91110000802100433B\t", "91110000802100433B"},
		{"９１１１００００８０２１００４３３Ｂ", "91110000802100433B"},
		{"９１１１００００８０２１００４３３ｂ", "91110000802100433B"},
		{"\u300091110000802100433B\u3000", "91110000802100433B"},
		{"91110000802100433B", "91110000802100433B"},
	}
	for _, tt := range tests {
		got := NormaliseUSCC(tt.in)
		if got != tt.want {
			t.Errorf("NormaliseUSCC(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if key := ValidateUSCC(got); key != "" {
			t.Errorf("ValidateUSCC(NormaliseUSCC(%q)) = %q", tt.in, key)
		}
	}
	// Normalising must not fold anything into an allowed character.
	if got := NormaliseUSCC("ı"); got != "ı" {
		t.Errorf("NormaliseUSCC folded a non-ASCII letter: %q", got)
	}
}

func TestUSCCCheckChar(t *testing.T) {
	for _, s := range validUSCCs {
		c, ok := USCCCheckChar(s[:17])
		if !ok || c != s[17] {
			t.Errorf("USCCCheckChar(%q) = %q, %v; want %q", s[:17], c, ok, s[17])
		}
		if got := CompleteUSCC(s[:17]); got != s {
			t.Errorf("CompleteUSCC(%q) = %q, want %q", s[:17], got, s)
		}
	}
	// A weighted sum divisible by 31 must give check character 0, not index 31.
	if got := CompleteUSCC("00000000000000000"); got != "000000000000000000" {
		t.Errorf("CompleteUSCC(all zeros) = %q", got)
	}
	for _, bad := range []string{"", "9111000080210043", "911100008021004333", "9111A000802100433", "91110000802100I33", "9111000080210043\x00"} {
		if _, ok := USCCCheckChar(bad); ok {
			t.Errorf("USCCCheckChar(%q) ok, want not", bad)
		}
		if got := CompleteUSCC(bad); got != "" {
			t.Errorf("CompleteUSCC(%q) = %q, want empty", bad, got)
		}
	}
}

// usccFrom17 maps arbitrary bytes onto a well-formed first 17 characters so the fuzzer
// exercises valid codes, which random strings almost never are.
func usccFrom17(b []byte) string {
	var out [17]byte
	for i := range out {
		var v byte
		if i < len(b) {
			v = b[i]
		}
		if i >= 2 && i <= 7 {
			out[i] = usccCharset[v%10]
		} else {
			out[i] = usccCharset[int(v)%len(usccCharset)]
		}
	}
	return string(out[:])
}

func FuzzValidateUSCC(f *testing.F) {
	for _, s := range validUSCCs {
		f.Add(s)
	}
	for _, s := range []string{"", "91110000802100433b", "９１１１００００８０２１００４３３Ｂ", "9111A000802100433B", "I1110000802100433B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		key := ValidateUSCC(s)
		n := NormaliseUSCC(s)
		_ = ValidateUSCC(n)
		if key == "" {
			if n != s {
				t.Fatalf("valid %q is not in normal form (%q)", s, n)
			}
			if CompleteUSCC(s[:17]) != s {
				t.Fatalf("CompleteUSCC(%q) != %q", s[:17], s)
			}
		}

		first := usccFrom17([]byte(s))
		code := CompleteUSCC(first)
		if k := ValidateUSCC(code); k != "" {
			t.Fatalf("CompleteUSCC(%q) = %q fails with %q", first, code, k)
		}
		for i := 0; i < len(usccCharset); i++ {
			c := usccCharset[i]
			if c == code[17] {
				continue
			}
			if k := ValidateUSCC(first + string(c)); k != "validation.uscc_check_digit" {
				t.Fatalf("%q with check %q: got %q, want check-digit failure", first, c, k)
			}
		}
		if strings.ContainsAny(code, "IOZSV") {
			t.Fatalf("code %q has a forbidden letter", code)
		}
	})
}
