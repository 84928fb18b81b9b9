package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// Renderer holds every page parsed once at start-up, each in its own set with the layout and
// all partials, so pages cannot clash over block names.
type Renderer struct {
	pages map[string]*template.Template
}

// templateFuncs are helpers that need no request state; anything language- or user-specific
// is a method on Page instead.
var templateFuncs = template.FuncMap{
	"yuan": models.FormatYuan,
	"join": strings.Join,
	"add":  func(a, b int) int { return a + b },
	// filesize shows a byte count the way people read it (1.5 MB); the exact figure stays
	// available next to the SHA-256 for the court.
	"filesize": func(n int64) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d B", n)
	},
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict needs pairs")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"contains": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
}

// NewRenderer parses templates/pages/**.html, each with layout/*.html and partials/*.html.
func NewRenderer(fsys fs.FS, cat *Catalog) (*Renderer, error) {
	shared, err := fs.Glob(fsys, "layout/*.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, err
	}
	shared = append(shared, partials...)
	r := &Renderer{pages: map[string]*template.Template{}}
	err = fs.WalkDir(fsys, "pages", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "pages/"), ".html")
		files := append(append([]string{}, shared...), p)
		t, err := template.New(path.Base(files[0])).Funcs(templateFuncs).ParseFS(fsys, files...)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		r.pages[name] = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, ok := r.pages["error"]; !ok {
		return nil, fmt.Errorf("pages/error.html is missing")
	}
	return r, nil
}

// Names lists the parsed pages (for the test that renders every page).
func (r *Renderer) Names() []string {
	var ns []string
	for n := range r.pages {
		ns = append(ns, n)
	}
	return ns
}

// Page is what every template receives. Area handlers put their own view in Data.
type Page struct {
	Lang     string
	TitleKey string
	User     *models.User
	CSRF     string
	Court    models.Court
	Path     string
	// Errors maps field → message key; the error summary links each to its field.
	Errors map[string]string
	// ErrorArgs fill placeholders in translated error messages, keyed like Errors.
	ErrorArgs map[string][]any
	// Form keeps what the user typed so a failed submit loses nothing.
	Form   map[string]string
	Data   any
	Flash  string
	Unread int64
	Status int
	cat    *Catalog
	now    time.Time
}

// T translates a message key into the page's language.
func (p *Page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// HTML translates a key whose text carries trusted markup written by us in the catalog.
func (p *Page) HTML(key string, args ...any) template.HTML {
	return template.HTML(p.cat.T(p.Lang, key, args...)) //nolint:gosec // catalog text is ours, args are escaped below
}

// ErrorText translates a field's error, with its arguments if any.
func (p *Page) ErrorText(field string) string {
	key, ok := p.Errors[field]
	if !ok {
		return ""
	}
	return p.cat.T(p.Lang, key, p.ErrorArgs[field]...)
}

// OtherLang is the language the switch offers.
func (p *Page) OtherLang() string {
	if p.Lang == "zh" {
		return "en"
	}
	return "zh"
}

// CourtName is the court's name in the page's language.
func (p *Page) CourtName() string {
	if p.Lang == "zh" && p.Court.NameZH != "" {
		return p.Court.NameZH
	}
	return p.Court.Name
}

// FormatTime shows a time in the court's zone.
func (p *Page) FormatTime(t any) string {
	return p.courtFormat(t, "2006年1月2日 15:04", "2 Jan 2006 15:04")
}

// FormatDate shows a date in the court's zone.
func (p *Page) FormatDate(t any) string {
	return p.courtFormat(t, "2006年1月2日", "2 Jan 2006")
}

// courtFormat formats a time (or *time.Time; nil or zero shows nothing) in the court's zone
// with the layout for the page's language.
func (p *Page) courtFormat(t any, zhLayout, enLayout string) string {
	tm, ok := derefTime(t)
	if !ok {
		return ""
	}
	if p.Lang == "zh" {
		return tm.In(p.Court.Location).Format(zhLayout)
	}
	return tm.In(p.Court.Location).Format(enLayout)
}

// ISOTime is the machine-readable form for <time datetime>.
func (p *Page) ISOTime(t any) string {
	tm, ok := derefTime(t)
	if !ok {
		return ""
	}
	return tm.UTC().Format(time.RFC3339)
}

// DaysLeft counts whole days from now until t (negative when overdue).
func (p *Page) DaysLeft(t any) int {
	tm, ok := derefTime(t)
	if !ok {
		return 0
	}
	d := tm.Sub(p.now)
	if d < 0 {
		return -int((-d).Hours() / 24)
	}
	return int(d.Hours() / 24)
}

// Value returns what the user typed into a field.
func (p *Page) Value(field string) string { return p.Form[field] }

func derefTime(t any) (time.Time, bool) {
	switch v := t.(type) {
	case time.Time:
		return v, !v.IsZero()
	case *time.Time:
		if v == nil {
			return time.Time{}, false
		}
		return *v, !v.IsZero()
	}
	return time.Time{}, false
}

// newPage fills the request-scoped parts of a page.
func (s *Server) newPage(c echo.Context, titleKey string) *Page {
	p := &Page{
		Lang: currentLang(c), TitleKey: titleKey, User: currentUser(c), Court: s.store.Court(),
		Path: c.Request().URL.Path, cat: s.cat, now: s.store.Now(), Status: http.StatusOK,
	}
	if tok, ok := c.Get("csrf").(string); ok {
		p.CSRF = tok
	}
	if p.User != nil {
		p.Unread = s.unreadCount(c)
	}
	return p
}

// unreadCounter is set by the notifications area; nil means no inbox yet.
func (s *Server) unreadCount(c echo.Context) int64 {
	n, err := s.store.UnreadNotifications(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		s.log.Warn("unread count failed", "err", err)
		return 0
	}
	return n
}

// render writes a page. Rendering into a buffer first means a template error becomes a clean
// 500 instead of half a page.
func (s *Server) render(c echo.Context, name string, p *Page) error {
	t, ok := s.pages.pages[name]
	if !ok {
		return fmt.Errorf("no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	status := p.Status
	if status == 0 {
		status = http.StatusOK
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// renderError shows the error page in the visitor's language.
func (s *Server) renderError(c echo.Context, status int, code, msg string) error {
	p := s.newPage(c, "error.title")
	p.Status = status
	key := "error." + code
	text := msg
	if s.cat.Has(key) {
		text = s.cat.T(p.Lang, key)
	}
	p.Data = map[string]any{"Status": status, "Message": text, "Code": code}
	if c.Request().Method == http.MethodHead {
		return c.NoContent(status)
	}
	return s.render(c, "error", p)
}
