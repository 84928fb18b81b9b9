package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"netcourt/models"
)

// The public record: published, anonymised rulings, searchable without an account. Only
// models.PublishedRuling reaches these handlers, and it carries no plaintiff particulars.

type publicDefendantView struct {
	Name     string `json:"name"`
	Sector   string `json:"sector"`
	Platform string `json:"platform"`
}

type publishedRulingView struct {
	ID          int64               `json:"id"`
	CaseID      int64               `json:"case_id"`
	DocketNo    string              `json:"docket_no"`
	Court       string              `json:"court"`
	Defendant   publicDefendantView `json:"defendant"`
	Categories  []string            `json:"categories"`
	Findings    []string            `json:"findings"`
	Outcome     string              `json:"outcome"`
	IssuedAt    string              `json:"issued_at"`
	PublishedAt string              `json:"published_at"`
	Text        string              `json:"text"`
}

func (s *Server) viewPublished(r *models.PublishedRuling) publishedRulingView {
	return publishedRulingView{ID: r.ID, CaseID: r.CaseID, DocketNo: r.DocketNo, Court: s.store.Court().Name,
		Defendant:  publicDefendantView{Name: r.DefendantName, Sector: r.DefendantSector, Platform: r.DefendantPlatform},
		Categories: r.CategoryList(), Findings: r.FindingList(), Outcome: r.Outcome,
		IssuedAt: rfc3339(r.IssuedAt), PublishedAt: rfc3339(r.PublishedAt), Text: r.PublishedText}
}

func rulingFilter(c echo.Context) models.RulingFilter {
	return models.RulingFilter{Q: c.QueryParam("q"), Category: c.QueryParam("category"), Sector: c.QueryParam("sector"),
		Cursor: c.QueryParam("cursor")}
}

// apiRulings answers GET /api/v1/rulings.
func (s *Server) apiRulings(c echo.Context) error {
	limit, err := listLimit(c)
	if err != nil {
		return err
	}
	f := rulingFilter(c)
	f.Limit = limit
	page, err := s.store.PublishedRulings(c.Request().Context(), f)
	if err != nil {
		return err
	}
	items := make([]publishedRulingView, 0, len(page.Items))
	for i := range page.Items {
		items = append(items, s.viewPublished(&page.Items[i]))
	}
	var next *string
	if page.NextCursor != "" {
		next = &page.NextCursor
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// apiRuling answers GET /api/v1/rulings/{id}.
func (s *Server) apiRuling(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.store.PublishedRulingByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"ruling": s.viewPublished(r)})
}

type rulingsPageView struct {
	Items      []models.PublishedRuling
	Next       string
	Categories []models.Category
	Sectors    []string
	Filtered   bool
}

// rulingsPage is the public search over published rulings.
func (s *Server) rulingsPage(c echo.Context) error {
	p := s.newPage(c, "public.rulings.title")
	f := rulingFilter(c)
	f.Limit = 20
	p.Form = map[string]string{"q": f.Q, "category": f.Category, "sector": f.Sector}
	v := rulingsPageView{Categories: models.Categories, Sectors: models.Sectors, Filtered: f.Q != "" || f.Category != "" || f.Sector != ""}
	page, err := s.store.PublishedRulings(c.Request().Context(), f)
	if err != nil {
		if models.KindOf(err) != models.KindInvalid {
			return err
		}
		var de *models.Error
		errors.As(err, &de)
		p.Status = http.StatusUnprocessableEntity
		p.Errors = de.Fields
	} else {
		v.Items = page.Items
		if page.NextCursor != "" {
			q := url.Values{"cursor": {page.NextCursor}}
			for _, k := range []string{"q", "category", "sector"} {
				if p.Form[k] != "" {
					q.Set(k, p.Form[k])
				}
			}
			v.Next = "/rulings?" + q.Encode()
		}
	}
	p.Data = v
	return s.render(c, "public/rulings", p)
}

// rulingPage shows one published ruling.
func (s *Server) rulingPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.store.PublishedRulingByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	p := s.newPage(c, "public.ruling.title")
	p.Data = r
	return s.render(c, "public/ruling", p)
}
