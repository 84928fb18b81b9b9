package handlers

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// The court's statistics: GET /api/v1/stats, the /statistics page with server-drawn SVG
// charts (no script), and /statistics.csv. All three read the same maintained counters
// (models/stats.go), so they always agree.

type monthCountView struct {
	Month string `json:"month"`
	Count int64  `json:"count"`
}

// statsView is the JSON shape of GET /api/v1/stats.
type statsView struct {
	Total int64 `json:"total"`
	// Every case in this court is against an internet company or platform (the court hears
	// personal-information disputes with apps and platforms), so this equals total.
	InternetCompanyCases   int64            `json:"internet_company_cases"`
	InternetCompanyNote    string           `json:"internet_company_note"`
	ByStatus               map[string]int64 `json:"by_status"`
	ByCategory             map[string]int64 `json:"by_category"`
	BySector               map[string]int64 `json:"by_sector"`
	ByInfoType             map[string]int64 `json:"by_info_type"`
	ByOutcome              map[string]int64 `json:"by_outcome"`
	FilingsByMonth         []monthCountView `json:"filings_by_month"`
	MedianDaysToAcceptance *float64         `json:"median_days_to_acceptance"`
	MedianDaysToRuling     *float64         `json:"median_days_to_ruling"`
	AcceptedCount          int64            `json:"accepted_count"`
	RuledCount             int64            `json:"ruled_count"`
	Note                   string           `json:"note"`
}

func viewStats(st *models.Stats) statsView {
	v := statsView{Total: st.Total, InternetCompanyCases: st.Total,
		InternetCompanyNote: "Every case in this court is brought against an internet company or platform, so this equals total.",
		ByStatus:            st.ByStatus, ByCategory: st.ByCategory, BySector: st.BySector, ByInfoType: st.ByInfoType, ByOutcome: st.ByOutcome,
		FilingsByMonth:         make([]monthCountView, 0, len(st.FilingsByMonth)),
		MedianDaysToAcceptance: st.MedianDaysToAcceptance, MedianDaysToRuling: st.MedianDaysToRuling,
		AcceptedCount: st.AcceptedCount, RuledCount: st.RuledCount,
		Note: "Submitted filings only (drafts are not counted). A case counts once in by_status, by_sector and per month, and once for each category and kind of information it names. Months are in court time. Medians are in whole days from submission."}
	for _, m := range st.FilingsByMonth {
		v.FilingsByMonth = append(v.FilingsByMonth, monthCountView{m.Month, m.Count})
	}
	return v
}

func (s *Server) apiStats(c echo.Context) error {
	st, err := s.store.Stats(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewStats(st))
}

// statisticsCSV sends the same figures as rows of dimension, key, value.
func (s *Server) statisticsCSV(c echo.Context) error {
	st, err := s.store.Stats(c.Request().Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	write := func(dim, key string, v string) { _ = w.Write([]string{dim, key, v}) }
	n := func(x int64) string { return strconv.FormatInt(x, 10) }
	write("dimension", "key", "value")
	write("total", "all", n(st.Total))
	write("internet_company_cases", "all", n(st.Total))
	for _, dim := range []struct {
		name string
		keys []string
		m    map[string]int64
	}{
		{"status", models.StatStatuses(), st.ByStatus},
		{"category", models.CategoryCodes(), st.ByCategory},
		{"sector", models.Sectors, st.BySector},
		{"info_type", models.InfoTypes, st.ByInfoType},
		{"outcome", models.Outcomes, st.ByOutcome},
	} {
		for _, k := range dim.keys {
			write(dim.name, k, n(dim.m[k]))
		}
	}
	for _, m := range st.FilingsByMonth {
		write("filings_by_month", m.Month, n(m.Count))
	}
	med := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	write("median_days", "to_acceptance", med(st.MedianDaysToAcceptance))
	write("median_days", "to_ruling", med(st.MedianDaysToRuling))
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="netcourt-statistics.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// --- charts: geometry computed here, markup in templates/partials/bench.html ("bench-chart") ---

// chartBar is one bar with its coordinates in the SVG's user units.
type chartBar struct {
	Label          string
	Value          int64
	Text           string // the value as shown
	X, Y, W, H     string
	LabelX, LabelY string
	ValueX, ValueY string
	ShowLabel      bool
}

// chart is one accessible SVG chart and the data table that goes with it.
type chart struct {
	ID       string
	Title    string
	Desc     string
	Width    int
	Height   int
	Column   bool // vertical bars (time series) rather than horizontal rows
	Bars     []chartBar
	KeyHead  string
	ValHead  string
	Empty    bool
	AxisY    string
	AxisX2   string
	Baseline string
}

func f1(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

type chartItem struct {
	label string
	value int64
	text  string
}

// barChart lays out horizontal bars: each row has its label above the bar and the value after
// it, so long labels in either language never collide with the bars.
func barChart(id, title, desc, keyHead, valHead string, items []chartItem) chart {
	const width, rowH, barH, left = 640, 44.0, 16.0, 4.0
	ch := chart{ID: id, Title: title, Desc: desc, Width: width, KeyHead: keyHead, ValHead: valHead}
	var max int64
	for _, it := range items {
		if it.value > max {
			max = it.value
		}
	}
	ch.Empty = max == 0
	span := float64(width) - left - 80
	for i, it := range items {
		y := float64(i)*rowH + 4
		w := 0.0
		if max > 0 {
			w = span * float64(it.value) / float64(max)
		}
		if it.value > 0 && w < 2 {
			w = 2
		}
		text := it.text
		if text == "" {
			text = strconv.FormatInt(it.value, 10)
		}
		ch.Bars = append(ch.Bars, chartBar{Label: it.label, Value: it.value, Text: text,
			X: f1(left), Y: f1(y + 20), W: f1(w), H: f1(barH), LabelX: f1(left), LabelY: f1(y + 14),
			ValueX: f1(left + w + 6), ValueY: f1(y + 33), ShowLabel: true})
	}
	ch.Height = int(float64(len(items))*rowH + 8)
	return ch
}

// columnChart lays out a time series as columns, labelling at most about twelve of them.
func columnChart(id, title, desc, keyHead, valHead string, items []chartItem) chart {
	const width, height, top, bottom, left = 640, 260.0, 20.0, 60.0, 8.0
	ch := chart{ID: id, Title: title, Desc: desc, Width: width, Height: int(height), Column: true, KeyHead: keyHead, ValHead: valHead}
	var max int64
	for _, it := range items {
		if it.value > max {
			max = it.value
		}
	}
	ch.Empty = max == 0
	base := height - bottom
	ch.Baseline = f1(base)
	n := len(items)
	if n == 0 {
		return ch
	}
	slot := (float64(width) - 2*left) / float64(n)
	every := (n + 11) / 12
	for i, it := range items {
		h := 0.0
		if max > 0 {
			h = (base - top) * float64(it.value) / float64(max)
		}
		x := left + float64(i)*slot + slot*0.15
		ch.Bars = append(ch.Bars, chartBar{Label: it.label, Value: it.value, Text: strconv.FormatInt(it.value, 10),
			X: f1(x), Y: f1(base - h), W: f1(slot * 0.7), H: f1(h),
			LabelX: f1(x + slot*0.35), LabelY: f1(base + 16), ValueX: f1(x + slot*0.35), ValueY: f1(base - h - 4),
			ShowLabel: i%every == 0 || i == n-1})
	}
	return ch
}

type statisticsView struct {
	Stats  statsView
	Charts []chart
}

func (s *Server) statisticsPage(c echo.Context) error {
	st, err := s.store.Stats(c.Request().Context())
	if err != nil {
		return err
	}
	p := s.newPage(c, "stats.title")
	T := p.T
	count := T("stats.count")
	dim := func(id, titleKey, descKey, prefix string, keys []string, m map[string]int64) chart {
		items := make([]chartItem, 0, len(keys))
		for _, k := range keys {
			items = append(items, chartItem{label: T(prefix + k), value: m[k]})
		}
		return barChart(id, T(titleKey), T(descKey, st.Total), T("stats.key."+id), count, items)
	}
	var months []chartItem
	for _, m := range st.FilingsByMonth {
		months = append(months, chartItem{label: m.Month, value: m.Count})
	}
	medText := func(v *float64) (int64, string) {
		if v == nil {
			return 0, T("stats.no_data")
		}
		return int64(*v + 0.5), T("stats.days", strconv.FormatFloat(*v, 'f', -1, 64))
	}
	aV, aT := medText(st.MedianDaysToAcceptance)
	rV, rT := medText(st.MedianDaysToRuling)
	charts := []chart{
		columnChart("months", T("stats.chart.months"), T("stats.desc.months", st.Total), T("stats.key.months"), count, months),
		dim("sectors", "stats.chart.sectors", "stats.desc.sectors", "sector.", models.Sectors, st.BySector),
		dim("categories", "stats.chart.categories", "stats.desc.categories", "category.", models.CategoryCodes(), st.ByCategory),
		dim("info_types", "stats.chart.info_types", "stats.desc.info_types", "info_type.", models.InfoTypes, st.ByInfoType),
		dim("outcomes", "stats.chart.outcomes", "stats.desc.outcomes", "outcome.", models.Outcomes, st.ByOutcome),
		dim("statuses", "stats.chart.statuses", "stats.desc.statuses", "status.", models.StatStatuses(), st.ByStatus),
		barChart("medians", T("stats.chart.medians"), T("stats.desc.medians", st.AcceptedCount, st.RuledCount), T("stats.key.medians"), T("stats.median"),
			[]chartItem{{T("stats.to_acceptance"), aV, aT}, {T("stats.to_ruling"), rV, rT}}),
	}
	p.Data = statisticsView{Stats: viewStats(st), Charts: charts}
	return s.render(c, "public/statistics", p)
}
