package handlers_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"netcourt/models/testkit"
)

// publishedBench is a bench whose ruling has been issued and published.
func publishedBench(t *testing.T) *bench {
	t.Helper()
	b := newBench(t, "heard")
	if rec := testkit.Do(t, b.e, http.MethodPost, b.path("rule"), ruleBody(), testkit.Bearer(b.judgeTok)); rec.Code != http.StatusOK {
		t.Fatalf("rule: %d %s", rec.Code, rec.Body.String())
	}
	if rec := testkit.Do(t, b.e, http.MethodPost, b.path("publish"), nil, testkit.Bearer(b.judgeTok)); rec.Code != http.StatusOK {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body.String())
	}
	return b
}

// leaks lists the plaintiff's particulars found in s.
func leaks(s string) []string {
	var out []string
	for _, secret := range []string{plName, "小明", plPhone, plEmail, plAddress, "建国路88号", "Test plaintiff"} {
		if strings.Contains(s, secret) {
			out = append(out, secret)
		}
	}
	return out
}

func TestPublicRulingsNeverLeakThePlaintiff(t *testing.T) {
	b := publishedBench(t)
	e := b.e
	type listReply struct {
		Items []struct {
			ID        int64  `json:"id"`
			CaseID    int64  `json:"case_id"`
			DocketNo  string `json:"docket_no"`
			Court     string `json:"court"`
			Defendant struct {
				Name, Sector, Platform string
			} `json:"defendant"`
			Categories []string `json:"categories"`
			Outcome    string   `json:"outcome"`
			IssuedAt   string   `json:"issued_at"`
			Published  string   `json:"published_at"`
			Text       string   `json:"text"`
		} `json:"items"`
		NextCursor *string `json:"next_cursor"`
	}
	rec := testkit.Do(t, e, http.MethodGet, "/api/v1/rulings", nil)
	list := testkit.DecodeJSON[listReply](t, rec)
	if rec.Code != http.StatusOK || len(list.Items) != 1 || list.NextCursor != nil {
		t.Fatalf("GET /api/v1/rulings: %d %s", rec.Code, rec.Body.String())
	}
	it := list.Items[0]
	if it.DocketNo != "(2026)京0491民初1号" || it.Defendant.Name != company || it.Defendant.Sector != "ecommerce" || it.Outcome != "partly_upheld" ||
		it.Court == "" || it.IssuedAt == "" || it.Published == "" || len(it.Categories) != 2 {
		t.Fatalf("item: %+v", it)
	}
	for _, want := range []string{"王某", company, "【电话号码已删除】", "【电子邮箱已删除】", "【地址已删除】"} {
		if !strings.Contains(it.Text, want) {
			t.Errorf("published text lacks %q:\n%s", want, it.Text)
		}
	}
	if l := leaks(rec.Body.String()); len(l) > 0 {
		t.Fatalf("the rulings API leaks %v:\n%s", l, rec.Body.String())
	}
	one := testkit.Do(t, e, http.MethodGet, fmt.Sprintf("/api/v1/rulings/%d", it.ID), nil)
	if one.Code != http.StatusOK || len(leaks(one.Body.String())) > 0 || !strings.Contains(one.Body.String(), `"ruling"`) {
		t.Fatalf("GET one ruling: %d %s", one.Code, one.Body.String())
	}
	for _, lang := range []string{"en", "zh"} {
		for _, p := range []string{"/rulings", fmt.Sprintf("/rulings/%d", it.ID), "/statistics"} {
			rec := testkit.Do(t, e, http.MethodGet, p+"?lang="+lang, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s (%s): %d", p, lang, rec.Code)
			}
			if l := leaks(rec.Body.String()); len(l) > 0 {
				t.Fatalf("%s (%s) leaks %v", p, lang, l)
			}
		}
	}
	page := testkit.Do(t, e, http.MethodGet, fmt.Sprintf("/rulings/%d?lang=zh", it.ID), nil).Body.String()
	if !strings.Contains(page, "判决书全文") || !strings.Contains(page, "王某") || !strings.Contains(page, company) {
		t.Fatalf("Chinese ruling page: %s", page)
	}

	// An unpublished or absent ruling is not found; odd ids are not found.
	for _, p := range []string{"/api/v1/rulings/999", "/api/v1/rulings/abc", "/rulings/999", "/rulings/-1"} {
		if rec := testkit.Do(t, e, http.MethodGet, p, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", p, rec.Code)
		}
	}
}

func TestPublicRulingsSearch(t *testing.T) {
	b := publishedBench(t)
	e := b.e
	count := func(q url.Values) (int, int) {
		rec := testkit.Do(t, e, http.MethodGet, "/api/v1/rulings?"+q.Encode(), nil)
		v := testkit.DecodeJSON[struct {
			Items []struct{} `json:"items"`
		}](t, rec)
		return rec.Code, len(v.Items)
	}
	for _, c := range []struct {
		q    url.Values
		code int
		n    int
	}{
		{url.Values{"q": {"王者"}}, 200, 1},
		{url.Values{"q": {"民初1号"}}, 200, 1},
		{url.Values{"q": {"王者商城"}}, 200, 1},
		{url.Values{"q": {"强制授权"}}, 200, 1}, // in the reasoning
		{url.Values{"q": {plName}}, 200, 0}, // the real name is not in the published text
		{url.Values{"q": {plPhone}}, 200, 0},
		{url.Values{"q": {"100%"}}, 200, 0},
		{url.Values{"q": {"_"}}, 200, 0},
		{url.Values{"category": {"forced_consent"}}, 200, 1},
		{url.Values{"category": {"leak"}}, 200, 0},
		{url.Values{"sector": {"ecommerce"}}, 200, 1},
		{url.Values{"sector": {"health"}}, 200, 0},
		{url.Values{"sector": {"ecommerce"}, "category": {"excessive_collection"}, "q": {"王者"}}, 200, 1},
		{url.Values{"category": {"<script>"}}, 422, 0},
		{url.Values{"sector": {"'; DROP TABLE rulings; --"}}, 422, 0},
		{url.Values{"q": {strings.Repeat("x", 201)}}, 422, 0},
		{url.Values{"cursor": {"!!!"}}, 400, 0},
		{url.Values{"limit": {"0"}}, 400, 0},
		{url.Values{"limit": {"201"}}, 400, 0},
	} {
		code, n := count(c.q)
		if code != c.code || n != c.n {
			t.Errorf("%v: %d with %d items, want %d with %d", c.q, code, n, c.code, c.n)
		}
	}
	// The page shows the same, with the filters kept and hostile input escaped.
	rec := testkit.Do(t, e, http.MethodGet, "/rulings?q="+url.QueryEscape(`<img src=x onerror=alert(1)>`), nil)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "<img src=x") || !strings.Contains(rec.Body.String(), "No published ruling matches") {
		t.Fatalf("hostile search: %d", rec.Code)
	}
	rec = testkit.Do(t, e, http.MethodGet, "/rulings?category=bogus", nil)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `href="#category"`) {
		t.Fatalf("bad category on the page: %d", rec.Code)
	}
	rec = testkit.Do(t, e, http.MethodGet, "/rulings?sector=ecommerce", nil)
	if !strings.Contains(rec.Body.String(), `<option value="ecommerce" selected>`) || !strings.Contains(rec.Body.String(), "民初1号") {
		t.Fatalf("sector filter page: %s", rec.Body.String())
	}
}

func TestPublicRulingsKeysetPagination(t *testing.T) {
	b := publishedBench(t)
	// More published rulings: copy the published one onto new cases directly (the list only
	// reads rulings and cases).
	for i := 2; i <= 5; i++ {
		if err := b.f.DB.Exec(`INSERT INTO cases (id, status, plaintiff_id, defendant_name, defendant_sector, categories, info_types, docket_no, version, created_at, updated_at)
			SELECT ?, status, plaintiff_id, defendant_name, defendant_sector, categories, info_types, ?, 1, created_at, updated_at FROM cases WHERE id = ?`,
			100+i, fmt.Sprintf("(2026)京0491民初%d号", i), b.caseID).Error; err != nil {
			t.Fatal(err)
		}
		if err := b.f.DB.Exec(`INSERT INTO rulings (case_id, judge_id, outcome, findings, fee_borne_by, reasoning, issued_at, published_at, published_text, created_at)
			SELECT ?, judge_id, outcome, findings, fee_borne_by, reasoning, issued_at, published_at, published_text, created_at FROM rulings WHERE case_id = ?`,
			100+i, b.caseID).Error; err != nil {
			t.Fatal(err)
		}
	}
	seen := map[int64]bool{}
	cursor := ""
	for page := 0; page < 10; page++ {
		p := "/api/v1/rulings?limit=2"
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		v := testkit.DecodeJSON[struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			Next *string `json:"next_cursor"`
		}](t, testkit.Do(t, b.e, http.MethodGet, p, nil))
		for _, it := range v.Items {
			if seen[it.ID] {
				t.Fatalf("ruling %d twice", it.ID)
			}
			seen[it.ID] = true
		}
		if v.Next == nil {
			break
		}
		cursor = *v.Next
	}
	if len(seen) != 5 {
		t.Fatalf("paged through %d rulings, want 5", len(seen))
	}
	rec := testkit.Do(t, b.e, http.MethodGet, "/rulings?sector=ecommerce", nil)
	if !strings.Contains(rec.Body.String(), "民初5号") {
		t.Fatal("page list")
	}
}

func TestStatisticsAPIPageAndCSV(t *testing.T) {
	b := publishedBench(t)
	e := b.e
	rec := testkit.Do(t, e, http.MethodGet, "/api/v1/stats", nil)
	st := testkit.DecodeJSON[struct {
		Total                  int64              `json:"total"`
		Internet               int64              `json:"internet_company_cases"`
		ByStatus               map[string]int64   `json:"by_status"`
		ByCategory             map[string]int64   `json:"by_category"`
		BySector               map[string]int64   `json:"by_sector"`
		ByInfoType             map[string]int64   `json:"by_info_type"`
		ByOutcome              map[string]int64   `json:"by_outcome"`
		Months                 []map[string]any   `json:"filings_by_month"`
		MedianDaysToAcceptance *float64           `json:"median_days_to_acceptance"`
		MedianDaysToRuling     *float64           `json:"median_days_to_ruling"`
		Extra                  map[string]float64 `json:"-"`
	}](t, rec)
	if rec.Code != http.StatusOK || st.Total != 1 || st.Internet != 1 || st.ByStatus["decided"] != 1 || st.ByCategory["forced_consent"] != 1 ||
		st.BySector["ecommerce"] != 1 || st.ByInfoType["location"] != 1 || st.ByOutcome["partly_upheld"] != 1 || len(st.Months) != 1 ||
		st.Months[0]["month"] != "2026-03" || st.MedianDaysToAcceptance == nil || *st.MedianDaysToAcceptance != 1 || st.MedianDaysToRuling == nil {
		t.Fatalf("stats: %s", rec.Body.String())
	}
	if _, ok := st.ByStatus["draft"]; ok {
		t.Error("drafts reported")
	}
	for _, lang := range []string{"en", "zh"} {
		rec := testkit.Do(t, e, http.MethodGet, "/statistics?lang="+lang, nil)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || strings.Count(body, "<svg") != 7 || strings.Count(body, "<title id=") != 7 || strings.Count(body, "<desc id=") != 7 ||
			strings.Count(body, "<table") != 7 || strings.Contains(body, "<script>") || strings.Contains(body, "style=") {
			t.Fatalf("statistics page (%s): %d", lang, rec.Code)
		}
		if lang == "zh" && !strings.Contains(body, "每月收案数") {
			t.Fatal("Chinese statistics page")
		}
	}
	rec = testkit.Do(t, e, http.MethodGet, "/statistics.csv", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d", rec.Code)
	}
	rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r[0]+"/"+r[1]] = r[2]
	}
	for k, want := range map[string]string{"total/all": "1", "status/decided": "1", "sector/ecommerce": "1", "outcome/partly_upheld": "1",
		"filings_by_month/2026-03": "1", "median_days/to_acceptance": "1", "category/leak": "0"} {
		if got[k] != want {
			t.Errorf("csv %s = %q, want %q", k, got[k], want)
		}
	}
}
