// Package templates embeds the server-rendered pages, their partials and the message
// catalogs, so the binary carries everything it shows.
package templates

import "embed"

// FS holds layout/, partials/, pages/ and i18n/.
//
//go:embed layout partials pages i18n
var FS embed.FS
