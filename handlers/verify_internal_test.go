package handlers

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
	"time"

	"netcourt/models"
	"netcourt/templates"
)

// The integrity panel renders in both languages, escapes what it shows and names each problem.
func TestIntegrityPanel(t *testing.T) {
	cat, err := LoadCatalog(templates.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(templates.FS, cat)
	if err != nil {
		t.Fatal(err)
	}
	var tpl = r.pages["home"]
	if tpl == nil {
		t.Fatal("no home page set to render the partial with")
	}
	at := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	broken := newVerifyView(&models.Verification{EvidenceOK: false, ChainOK: false, Events: 4, EvidenceFiles: 2, CheckedAt: at, Problems: []models.Problem{
		{Area: models.AreaEvidence, Code: "evidence_altered", EvidenceID: 7, SHA256: strings.Repeat("ab", 32)},
		{Area: models.AreaChain, Code: "chain_hash", Seq: 3},
		{Area: models.AreaRecord, Code: "not_in_catalog", Seq: 5, Detail: "<script>alert(1)</script>"},
	}})
	intact := newVerifyView(&models.Verification{EvidenceOK: true, ChainOK: true, Events: 4, EvidenceFiles: 2, CheckedAt: at})
	for _, lang := range []string{"en", "zh"} {
		p := &Page{Lang: lang, cat: cat, Court: models.DefaultCourt()}
		render := func(v *VerifyView) string {
			var buf bytes.Buffer
			if err := tpl.ExecuteTemplate(&buf, "integrity-panel", map[string]any{"P": p, "V": v}); err != nil {
				t.Fatal(err)
			}
			return buf.String()
		}
		out := render(broken)
		esc := func(key string, args ...any) string { return template.HTMLEscapeString(cat.T(lang, key, args...)) }
		for _, want := range []string{`role="alert"`, esc("integrity.broken"), esc("integrity.event", 3),
			esc("integrity.evidence_item", 7), strings.Repeat("ab", 32), esc("integrity.problem.chain_hash"),
			"&lt;script&gt;alert(1)&lt;/script&gt;"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s broken panel lacks %q:\n%s", lang, want, out)
			}
		}
		if strings.Contains(out, "<script>") {
			t.Errorf("%s: unescaped script", lang)
		}
		out = render(intact)
		if !strings.Contains(out, esc("integrity.intact")) || strings.Contains(out, `role="alert"`) {
			t.Errorf("%s intact panel:\n%s", lang, out)
		}
	}
}
