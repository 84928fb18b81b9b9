package models

// DefaultPerCaseFen is the per-case figure used when the court has not set one: 300 yuan, the
// middle of the 100–500 yuan range in Art. 13(2).
const DefaultPerCaseFen int64 = 30000

// The statutory range for the per-case fee of a personality-rights case (Art. 13(2)).
const (
	minPerCaseFen int64 = 10000
	maxPerCaseFen int64 = 50000
)

// Compensation bands of Art. 13(2), in fen.
const (
	feeFreeUpToFen  int64 = 50_000_00
	feeBand1UpToFen int64 = 100_000_00
)

// FeeLine is one step of the calculation as shown to the filer. Key is an i18n key; Label is
// the English text for the API and logs.
type FeeLine struct {
	Key       string
	Label     string
	AmountFen int64
}

// Fee is the litigation fee with its working. TotalFen is what is payable; it is the sum of all
// lines except the subtotal, which only restates the running figure.
type Fee struct {
	Lines    []FeeLine
	TotalFen int64
}

// FeeInput is everything the fee depends on.
type FeeInput struct {
	PerCaseFen      int64  // the court's per-case figure for personality-rights cases (setting; 100–500 yuan, default 300)
	CompensationFen int64  // compensation claimed
	Procedure       string // "" (not yet chosen), "small_claims", "simplified", "ordinary"
	Reduction       string // "", "withdrawn" or "mediated" — only when that happened after acceptance
	WaiverRequested bool
}

// AssessFee computes the acceptance fee for a personal-information (personality-rights) case
// under the Measures on the Payment of Litigation Costs. Unknown Procedure or Reduction values
// are treated as none, so a misspelt value can never silently halve the fee.
func AssessFee(in FeeInput) Fee {
	perCase := in.PerCaseFen
	switch {
	case perCase <= 0:
		perCase = DefaultPerCaseFen // unset
	case perCase < minPerCaseFen:
		// A figure outside the Measures' range cannot be lawful; charge the nearest lawful one
		// rather than trust a misconfigured setting.
		perCase = minPerCaseFen
	case perCase > maxPerCaseFen:
		perCase = maxPerCaseFen
	}

	var f Fee
	add := func(key, label string, amount int64) {
		f.Lines = append(f.Lines, FeeLine{Key: key, Label: label, AmountFen: amount})
		f.TotalFen += amount
	}
	add("fee.per_case", "Per-case fee, personality-rights case (Art. 13(2))", perCase)

	comp := max(in.CompensationFen, 0)
	if comp > feeFreeUpToFen {
		part := min(comp, feeBand1UpToFen) - feeFreeUpToFen
		add("fee.band_1pct", "1% of the part between 50,000 and 100,000 yuan", divRoundHalfUp(part, 100))
	}
	if comp > feeBand1UpToFen {
		part := comp - feeBand1UpToFen
		add("fee.band_05pct", "0.5% of the part above 100,000 yuan", divRoundHalfUp(part, 200))
	}

	// Arts. 15 and 16 each grant the same relief — paying half the acceptance fee — for
	// different reasons; neither says it applies to a fee already halved under the other, so a
	// simplified case that is later withdrawn or mediated still pays half, not a quarter. The
	// procedural ground is named first because it is known from acceptance onwards.
	var halfKey, halfLabel string
	switch {
	case in.Procedure == "small_claims" || in.Procedure == "simplified":
		// Small-claims procedure sits inside the Civil Procedure Law's chapter on simplified
		// procedure, so Art. 16 covers it.
		halfKey, halfLabel = "fee.half_simplified", "Simplified procedure: half (Art. 16)"
	case in.Reduction == "withdrawn":
		halfKey, halfLabel = "fee.half_withdrawn", "Withdrawn after acceptance: half (Art. 15)"
	case in.Reduction == "mediated":
		halfKey, halfLabel = "fee.half_mediated", "Settled by mediation: half (Art. 15)"
	}
	if halfKey != "" {
		// The subtotal is not added to TotalFen: it restates the lines above it.
		f.Lines = append(f.Lines, FeeLine{Key: "fee.subtotal", Label: "Subtotal", AmountFen: f.TotalFen})
		// Rounding the payable half up (and so the deduction down) keeps the court from ever
		// collecting less than half; with an odd fen total the extra fen goes to the payable side.
		add(halfKey, halfLabel, -(f.TotalFen / 2))
	}

	if in.WaiverRequested {
		// Zero: a request changes nothing until the court decides it, but the filer should see
		// that it was recorded.
		add("fee.waiver_requested", "Fee waiver requested — the court will decide", 0)
	}
	return f
}

// divRoundHalfUp divides a non-negative n by d, rounding halves up, without the overflow that
// (n + d/2) / d risks for n near the int64 limit.
func divRoundHalfUp(n, d int64) int64 {
	q, r := n/d, n%d
	if 2*r >= d {
		q++
	}
	return q
}
