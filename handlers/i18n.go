package handlers

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Languages the portal speaks; the first is the fallback.
var Languages = []string{"en", "zh"}

// Catalog holds every message in every language. Catalog files live in templates/i18n/, one
// per area, each key giving all languages side by side so a missing translation is obvious
// in review and fails start-up.
type Catalog struct {
	msgs map[string]map[string]string // key → lang → text
}

// LoadCatalog reads every *.json under dir in fsys. Duplicate keys across files and keys
// missing a language are errors.
func LoadCatalog(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no message catalogs in %s", dir)
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		var m map[string]map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for k, tr := range m {
			if _, dup := c.msgs[k]; dup {
				return nil, fmt.Errorf("%s: key %q defined twice", f, k)
			}
			for _, lang := range Languages {
				if strings.TrimSpace(tr[lang]) == "" {
					return nil, fmt.Errorf("%s: key %q has no %q text", f, k, lang)
				}
			}
			c.msgs[k] = tr
		}
	}
	return c, nil
}

// T translates key into lang, filling %-verbs from args. An unknown key returns the key
// itself so a gap shows on the page instead of a blank.
func (c *Catalog) T(lang, key string, args ...any) string {
	tr, ok := c.msgs[key]
	if !ok {
		return key
	}
	s, ok := tr[lang]
	if !ok {
		s = tr[Languages[0]]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key exists.
func (c *Catalog) Has(key string) bool { _, ok := c.msgs[key]; return ok }

// Keys lists every key, sorted (for tests).
func (c *Catalog) Keys() []string {
	ks := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// pickLanguage chooses from an explicit choice, then Accept-Language, then the fallback.
func pickLanguage(explicit, acceptLanguage string) string {
	if isLanguage(explicit) {
		return explicit
	}
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		if strings.HasPrefix(tag, "zh") {
			return "zh"
		}
		if strings.HasPrefix(tag, "en") {
			return "en"
		}
	}
	return Languages[0]
}

func isLanguage(s string) bool {
	for _, l := range Languages {
		if s == l {
			return true
		}
	}
	return false
}
