package handlers_test

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"netcourt/handlers"
	"netcourt/models"
	tk "netcourt/models/testkit"
	"netcourt/templates"
)

// pageURLs says how to reach every template in templates/pages. A page added without an entry
// here fails TestEveryPageRendersInBothLanguages.
var pageURLs = map[string]struct {
	path     string
	signedIn bool
	status   int
}{
	"home":            {"/", false, http.StatusOK},
	"error":           {"/no-such-page", false, http.StatusNotFound},
	"auth/login":      {"/login", false, http.StatusOK},
	"auth/register":   {"/register", false, http.StatusOK},
	"account/account": {"/account?welcome=1", true, http.StatusOK},
	"account/inbox":   {"/inbox", true, http.StatusOK},
}

// caseAreaPage reports pages that need a case in a particular state or a staff role to render; each area's
// own tests render those in both languages, and the browser journey visits every one.
func caseAreaPage(name string) bool {
	for _, prefix := range []string{"filing/", "docket/", "defendant/", "bench/", "public/", "admin/"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

func pageNames(t *testing.T) []string {
	t.Helper()
	var names []string
	err := fs.WalkDir(templates.FS, "pages", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			names = append(names, strings.TrimSuffix(strings.TrimPrefix(p, "pages/"), ".html"))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

func loadCatalog(t *testing.T) *handlers.Catalog {
	t.Helper()
	cat, err := handlers.LoadCatalog(templates.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// rawKey finds text that looks like an untranslated catalog key (Catalog.T returns the key
// itself when it is missing).
var rawKey = regexp.MustCompile(`>\s*([a-z]+\.[a-z0-9_.]+)\s*<`)

func TestEveryPageRendersInBothLanguages(t *testing.T) {
	f := tk.NewStore(t)
	e := tk.NewServer(t, f)
	cat := loadCatalog(t)
	prefixes := map[string]bool{}
	for _, k := range cat.Keys() {
		prefixes[strings.SplitN(k, ".", 2)[0]] = true
	}
	u := f.Plaintiff(t)
	// Give the inbox something to list, read and unread.
	now := f.Clock.Now()
	read := now
	caseID := int64(1)
	for _, n := range []models.Notification{
		{UserID: u.ID, Kind: "accepted", Detail: "<script>alert(1)</script>", CreatedAt: now},
		{UserID: u.ID, CaseID: &caseID, Kind: "accepted", CreatedAt: now, ReadAt: &read},
	} {
		if err := f.DB.Create(&n).Error; err != nil {
			t.Fatal(err)
		}
	}
	cookies := tk.LoginPage(t, e, u.Email, tk.Password)

	for _, name := range pageNames(t) {
		if caseAreaPage(name) {
			continue
		}
		page, ok := pageURLs[name]
		if !ok {
			t.Errorf("templates/pages/%s.html has no entry in pageURLs", name)
			continue
		}
		for lang, htmlLang := range map[string]string{"en": "en", "zh": "zh-CN"} {
			t.Run(name+"/"+lang, func(t *testing.T) {
				sep := "?"
				if strings.Contains(page.path, "?") {
					sep = "&"
				}
				var opts []tk.ReqOpt
				if page.signedIn {
					opts = append(opts, tk.Cookie(cookies...))
				}
				rec := tk.Do(t, e, http.MethodGet, page.path+sep+"lang="+lang, nil, opts...)
				body := rec.Body.String()
				if rec.Code != page.status {
					t.Fatalf("status %d, want %d\n%.500s", rec.Code, page.status, body)
				}
				if !strings.Contains(body, `<html lang="`+htmlLang+`">`) {
					t.Errorf("no <html lang=%q>", htmlLang)
				}
				if !regexp.MustCompile(`<title>[^<]+ – [^<]+</title>`).MatchString(body) {
					t.Error("no page title")
				}
				if strings.Contains(body, "<script>alert") || strings.Contains(body, "{{") || strings.Contains(body, "<no value>") {
					t.Error("unescaped or unrendered template text")
				}
				for _, m := range rawKey.FindAllStringSubmatch(body, -1) {
					// Form field names such as "defendant.name" look like keys; their label is
					// field.<name>, so a name with a label is a field, not a message.
					if prefixes[strings.SplitN(m[1], ".", 2)[0]] && !cat.Has("field."+m[1]) {
						t.Errorf("untranslated key %q on the page", m[1])
					}
				}
				if lang == "zh" && !regexp.MustCompile(`\p{Han}`).MatchString(body) {
					t.Error("the Chinese page has no Chinese text")
				}
			})
		}
	}
	for name := range pageURLs {
		if _, err := fs.Stat(templates.FS, "pages/"+name+".html"); err != nil {
			t.Errorf("pageURLs lists %s, which is not a page", name)
		}
	}
}

// A form re-shown with errors renders the error summary in both languages.
func TestFormErrorsRenderInBothLanguages(t *testing.T) {
	for lang, want := range map[string]string{"en": "There is a problem", "zh": "lang=\"zh-CN\""} {
		t.Run(lang, func(t *testing.T) {
			f := tk.NewStore(t)
			e := tk.NewServer(t, f)
			tok, cookies := tk.FormToken(t, e, "/register?lang="+lang)
			rec := tk.Do(t, e, http.MethodPost, "/register", nil, tk.Cookie(cookies...),
				tk.Form(map[string][]string{"_csrf": {tok}, "email": {"not-an-email"}, "password": {"short"}}))
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d\n%.500s", rec.Code, body)
			}
			for _, s := range []string{want, `href="#email"`, `href="#password"`, `href="#name"`, `aria-invalid="true"`, `value="not-an-email"`} {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			if strings.Contains(body, `value="short"`) {
				t.Error("the password is echoed back into the form")
			}
		})
	}
}

var (
	// {{.T "key"}}, {{$.T "key" …}}, {{.P.T "key"}}, {{.HTML "key"}}
	tCall = regexp.MustCompile(`\.(?:T|HTML)\s+"([^"]+)"`)
	// {{template "field" dict … "Label" "field.name" "Hint" "register.name_hint"}}
	dictKey = regexp.MustCompile(`"(?:Label|Hint)"\s+"([^"]+)"`)
	// newPage(c, "login.title"), p.Flash = "account.welcome", formError(…, "register.title", …)
	goKey = regexp.MustCompile(`"([a-z]+\.[a-z0-9_]+)"`)
)

// Every literal key a template or handler asks for must exist in the catalogs; otherwise the
// page shows the raw key.
func TestCatalogHasEveryKeyUsed(t *testing.T) {
	cat := loadCatalog(t)
	prefixes := map[string]bool{}
	for _, k := range cat.Keys() {
		prefixes[strings.SplitN(k, ".", 2)[0]] = true
	}
	used := map[string][]string{} // key → where
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		for _, re := range []*regexp.Regexp{tCall, dictKey} {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = append(used[m[1]], "templates/"+p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 20 {
		t.Fatalf("found only %d keys in the templates; is the pattern still right?", len(used))
	}
	goFiles, _ := filepath.Glob("*.go")
	for _, p := range goFiles {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			// Form field names such as "defendant.name" look like keys; their label is
			// field.<name>, so a name with a label is a field, not a message.
			if prefixes[strings.SplitN(m[1], ".", 2)[0]] && !cat.Has("field."+m[1]) {
				used[m[1]] = append(used[m[1]], "handlers/"+p)
			}
		}
	}
	var missing []string
	for k, where := range used {
		if !cat.Has(k) {
			missing = append(missing, k+" (used in "+strings.Join(where, ", ")+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("catalog key missing: %s", m)
	}
}
