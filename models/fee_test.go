package models

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func yuan(y int64) int64 { return y * 100 }

func TestAssessFee(t *testing.T) {
	perCase := FeeLine{"fee.per_case", "Per-case fee, personality-rights case (Art. 13(2))", yuan(300)}
	band1 := func(fen int64) FeeLine {
		return FeeLine{"fee.band_1pct", "1% of the part between 50,000 and 100,000 yuan", fen}
	}
	band05 := func(fen int64) FeeLine {
		return FeeLine{"fee.band_05pct", "0.5% of the part above 100,000 yuan", fen}
	}
	subtotal := func(fen int64) FeeLine { return FeeLine{"fee.subtotal", "Subtotal", fen} }
	halfSimplified := func(fen int64) FeeLine {
		return FeeLine{"fee.half_simplified", "Simplified procedure: half (Art. 16)", fen}
	}
	waiver := FeeLine{"fee.waiver_requested", "Fee waiver requested — the court will decide", 0}
	withPerCase := func(fen int64) FeeLine { l := perCase; l.AmountFen = fen; return l }

	tests := []struct {
		name  string
		in    FeeInput
		lines []FeeLine
		total int64
	}{
		{
			name:  "2,900 yuan, ordinary",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(2900), Procedure: "ordinary"},
			lines: []FeeLine{perCase},
			total: yuan(300),
		},
		{
			name:  "2,900 yuan, procedure not yet chosen",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(2900)},
			lines: []FeeLine{perCase},
			total: yuan(300),
		},
		{
			name:  "2,900 yuan, simplified",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(2900), Procedure: "simplified"},
			lines: []FeeLine{perCase, subtotal(yuan(300)), halfSimplified(-yuan(150))},
			total: yuan(150),
		},
		{
			name:  "small claims is halved as simplified",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(2900), Procedure: "small_claims"},
			lines: []FeeLine{perCase, subtotal(yuan(300)), halfSimplified(-yuan(150))},
			total: yuan(150),
		},
		{
			name:  "no compensation claimed",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen},
			lines: []FeeLine{perCase},
			total: yuan(300),
		},
		{
			name:  "exactly 50,000 yuan is free",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(50_000)},
			lines: []FeeLine{perCase},
			total: yuan(300),
		},
		{
			name:  "80,000 yuan: 300 + 1% of 30,000",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(80_000)},
			lines: []FeeLine{perCase, band1(yuan(300))},
			total: yuan(600),
		},
		{
			name:  "exactly 100,000 yuan: 300 + 500",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(100_000)},
			lines: []FeeLine{perCase, band1(yuan(500))},
			total: yuan(800),
		},
		{
			name:  "250,000 yuan: 300 + 500 + 0.5% of 150,000",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(250_000)},
			lines: []FeeLine{perCase, band1(yuan(500)), band05(yuan(750))},
			total: yuan(1550),
		},
		{
			// 1% of 1.49 yuan is 1.49 fen → 1; 1% of 1.50 yuan is 1.5 fen → 2.
			name:  "1% band rounds down below half a fen",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(50_000) + 149},
			lines: []FeeLine{perCase, band1(1)},
			total: yuan(300) + 1,
		},
		{
			name:  "1% band rounds half up",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(50_000) + 150},
			lines: []FeeLine{perCase, band1(2)},
			total: yuan(300) + 2,
		},
		{
			// 0.5% of 0.99 yuan is 0.495 fen → 0; of 1.00 yuan is 0.5 fen → 1.
			name:  "0.5% band rounds down below half a fen",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(100_000) + 99},
			lines: []FeeLine{perCase, band1(yuan(500)), band05(0)},
			total: yuan(800),
		},
		{
			name:  "0.5% band rounds half up",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(100_000) + 100},
			lines: []FeeLine{perCase, band1(yuan(500)), band05(1)},
			total: yuan(800) + 1,
		},
		{
			// 100 yuan + 1% of 0.50 yuan (0.5 fen → 1 fen) = 100.01 yuan; half is 50.005,
			// payable rounds up to 50.01, so the deduction is 50.00.
			name:  "half of an odd fen amount rounds the payable half up",
			in:    FeeInput{PerCaseFen: yuan(100), CompensationFen: yuan(50_000) + 50, Procedure: "simplified"},
			lines: []FeeLine{withPerCase(yuan(100)), band1(1), subtotal(yuan(100) + 1), halfSimplified(-yuan(50))},
			total: yuan(50) + 1,
		},
		{
			name:  "per-case 100 yuan",
			in:    FeeInput{PerCaseFen: yuan(100), CompensationFen: yuan(2900)},
			lines: []FeeLine{withPerCase(yuan(100))},
			total: yuan(100),
		},
		{
			name:  "per-case 500 yuan, 80,000 claimed",
			in:    FeeInput{PerCaseFen: yuan(500), CompensationFen: yuan(80_000)},
			lines: []FeeLine{withPerCase(yuan(500)), band1(yuan(300))},
			total: yuan(800),
		},
		{
			name:  "per-case unset uses the default",
			in:    FeeInput{CompensationFen: yuan(2900)},
			lines: []FeeLine{perCase},
			total: yuan(300),
		},
		{
			name:  "per-case below the statutory range is raised to 100",
			in:    FeeInput{PerCaseFen: yuan(50)},
			lines: []FeeLine{withPerCase(yuan(100))},
			total: yuan(100),
		},
		{
			name:  "per-case above the statutory range is lowered to 500",
			in:    FeeInput{PerCaseFen: yuan(1000)},
			lines: []FeeLine{withPerCase(yuan(500))},
			total: yuan(500),
		},
		{
			name: "withdrawn after acceptance, ordinary",
			in:   FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(250_000), Procedure: "ordinary", Reduction: "withdrawn"},
			lines: []FeeLine{perCase, band1(yuan(500)), band05(yuan(750)), subtotal(yuan(1550)),
				{"fee.half_withdrawn", "Withdrawn after acceptance: half (Art. 15)", -yuan(775)}},
			total: yuan(775),
		},
		{
			name: "mediated",
			in:   FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(80_000), Procedure: "ordinary", Reduction: "mediated"},
			lines: []FeeLine{perCase, band1(yuan(300)), subtotal(yuan(600)),
				{"fee.half_mediated", "Settled by mediation: half (Art. 15)", -yuan(300)}},
			total: yuan(300),
		},
		{
			name:  "simplified and withdrawn is halved once",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(2900), Procedure: "simplified", Reduction: "withdrawn"},
			lines: []FeeLine{perCase, subtotal(yuan(300)), halfSimplified(-yuan(150))},
			total: yuan(150),
		},
		{
			name:  "unknown procedure and reduction charge the full fee",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, Procedure: "summary", Reduction: "settled"},
			lines: []FeeLine{perCase},
			total: yuan(300),
		},
		{
			name:  "waiver requested",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: yuan(80_000), WaiverRequested: true},
			lines: []FeeLine{perCase, band1(yuan(300)), waiver},
			total: yuan(600),
		},
		{
			name:  "waiver requested in a simplified case",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, Procedure: "simplified", WaiverRequested: true},
			lines: []FeeLine{perCase, subtotal(yuan(300)), halfSimplified(-yuan(150)), waiver},
			total: yuan(150),
		},
		{
			name:  "negative compensation counts as none",
			in:    FeeInput{PerCaseFen: DefaultPerCaseFen, CompensationFen: -yuan(80_000)},
			lines: []FeeLine{perCase},
			total: yuan(300),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AssessFee(tt.in)
			if !reflect.DeepEqual(got.Lines, tt.lines) {
				t.Errorf("lines:\n got %+v\nwant %+v", got.Lines, tt.lines)
			}
			if got.TotalFen != tt.total {
				t.Errorf("total = %s, want %s", FormatYuan(got.TotalFen), FormatYuan(tt.total))
			}
		})
	}
}

// TestAssessFeeProperties checks the invariants over many inputs, extremes included.
func TestAssessFeeProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	procedures := []string{"", "small_claims", "simplified", "ordinary", "other"}
	reductions := []string{"", "withdrawn", "mediated", "other"}
	edges := []int64{math.MinInt64, -1, 0, 1, yuan(50_000), yuan(100_000), MaxClaimFen, math.MaxInt64}
	pick := func() int64 {
		if r.IntN(4) == 0 {
			return edges[r.IntN(len(edges))]
		}
		return r.Int64N(MaxClaimFen + 1)
	}
	for i := 0; i < 20000; i++ {
		in := FeeInput{
			PerCaseFen:      pick(),
			CompensationFen: pick(),
			Procedure:       procedures[r.IntN(len(procedures))],
			Reduction:       reductions[r.IntN(len(reductions))],
			WaiverRequested: r.IntN(2) == 0,
		}
		f := AssessFee(in)
		var sum, subtotal int64
		halvings, subtotals := 0, 0
		for _, l := range f.Lines {
			if l.Key == "fee.subtotal" {
				subtotals++
				subtotal = l.AmountFen
				continue
			}
			if strings.HasPrefix(l.Key, "fee.half_") {
				halvings++
			}
			sum += l.AmountFen
		}
		if f.TotalFen != sum {
			t.Fatalf("%+v: TotalFen %d != sum of lines %d", in, f.TotalFen, sum)
		}
		if f.TotalFen < 0 {
			t.Fatalf("%+v: negative total %d", in, f.TotalFen)
		}
		if halvings > 1 || subtotals != halvings {
			t.Fatalf("%+v: %d halving and %d subtotal lines", in, halvings, subtotals)
		}
		if halvings == 1 && f.TotalFen != subtotal-subtotal/2 {
			t.Fatalf("%+v: payable %d is not half of %d rounded up", in, f.TotalFen, subtotal)
		}
	}
}
