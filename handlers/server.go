// Package handlers is netcourt's HTTP layer: routes, middleware, binding a request to a model
// call and rendering the answer as a page or JSON. It decides no court rule itself.
package handlers

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net"

	"github.com/labstack/echo/v4"

	"netcourt/models"
	"netcourt/static"
	"netcourt/templates"
)

// Options are the HTTP layer's dependencies, built in cmd/netcourt.
type Options struct {
	Store  *models.Store
	Logger *slog.Logger
	// TrustedProxies lists CIDRs of reverse proxies whose X-Forwarded-For is believed.
	// Empty means the client address is the TCP peer and headers are ignored.
	TrustedProxies []*net.IPNet
	// SecureCookies forces the Secure attribute even when the request looks like plain HTTP
	// (set when a TLS-terminating proxy is in front).
	SecureCookies bool
	// MaxUploadBytes caps one evidence file; MaxRequestBytes caps one upload request.
	MaxUploadBytes  int64
	MaxRequestBytes int64
}

// Server carries the HTTP layer's state.
type Server struct {
	store   *models.Store
	log     *slog.Logger
	tokens  *Tokens
	cat     *Catalog
	pages   *Renderer
	opts    Options
	staticF fs.FS
}

const (
	tokenIssuer   = "netcourt"
	tokenAudience = "netcourt-portal"
)

// New builds the echo instance with every route and middleware. It fails on any template or
// catalog error so a broken page never reaches a user.
func New(o Options) (*echo.Echo, *Server, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxUploadBytes <= 0 {
		o.MaxUploadBytes = 50 << 20
	}
	if o.MaxRequestBytes <= 0 {
		o.MaxRequestBytes = 4*o.MaxUploadBytes + 1<<20
	}
	cat, err := LoadCatalog(templates.FS, "i18n")
	if err != nil {
		return nil, nil, fmt.Errorf("message catalogs: %w", err)
	}
	pages, err := NewRenderer(templates.FS, cat)
	if err != nil {
		return nil, nil, fmt.Errorf("templates: %w", err)
	}
	key, err := o.Store.SigningKey(context.Background())
	if err != nil {
		return nil, nil, fmt.Errorf("signing key: %w", err)
	}
	tokens, err := NewTokens(key, tokenIssuer, tokenAudience)
	if err != nil {
		return nil, nil, err
	}
	sub, err := fs.Sub(static.FS, ".")
	if err != nil {
		return nil, nil, err
	}
	s := &Server{store: o.Store, log: o.Logger, tokens: tokens, cat: cat, pages: pages, opts: o, staticF: sub}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.errorHandler
	if len(o.TrustedProxies) > 0 {
		var trust []echo.TrustOption
		trust = append(trust, echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))
		for _, n := range o.TrustedProxies {
			trust = append(trust, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	} else {
		// The TCP peer only: X-Forwarded-For and X-Real-IP are attacker-controlled otherwise.
		e.IPExtractor = echo.ExtractIPDirect()
	}
	s.routes(e)
	return e, s, nil
}

// Catalog exposes the message catalog (for tests and the CLI).
func (s *Server) Catalog() *Catalog { return s.cat }

// Tokens exposes the token issuer (for tests).
func (s *Server) Tokens() *Tokens { return s.tokens }
