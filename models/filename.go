package models

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFileNameBytes bounds the stored original name: long enough for real document titles,
// short enough for a Content-Disposition header and a database column.
const maxFileNameBytes = 120

// maxExtBytes is the longest suffix still treated as an extension worth keeping on truncation;
// anything longer is more likely part of the title than a type hint.
const maxExtBytes = 16

// SanitiseFileName turns a client-supplied name into display metadata. The result is never
// used as a path (blobs are stored by hash), but it is shown to judges and echoed in download
// headers, so separators, "..", controls and bidi overrides (which can make "exe.pdf" read
// as "fdp.exe") are removed anyway in case some later code does trust it.
func SanitiseFileName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for i, r := range name {
		switch {
		case r == utf8.RuneError && isInvalidAt(name, i):
			// Invalid bytes are dropped so the result is always valid UTF-8.
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r):
			// Cc is C0, DEL and C1; Cf holds the bidi overrides, isolates, zero-width
			// characters and the BOM, none of which belong in a name.
		default:
			b.WriteRune(r)
		}
	}
	s := b.String()

	// The base name is the part after the last separator of either platform; a trailing
	// separator leaves nothing, which falls back to the default name below.
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(s, " .")
	for strings.Contains(s, "..") {
		s = strings.ReplaceAll(s, "..", ".")
	}
	s = truncateFileName(s)
	if s == "" {
		return "evidence"
	}
	return s
}

// isInvalidAt reports whether name holds an undecodable byte at i, as opposed to a literal,
// correctly encoded U+FFFD, which is an ordinary character.
func isInvalidAt(name string, i int) bool {
	_, size := utf8.DecodeRuneInString(name[i:])
	return size == 1
}

// truncateFileName keeps the extension when cutting, since "Contract….pdf" is more useful to
// a reader than a name that has lost its type, and cuts only at rune boundaries.
func truncateFileName(s string) string {
	if len(s) <= maxFileNameBytes {
		return s
	}
	stem, ext := s, ""
	if i := strings.LastIndexByte(s, '.'); i > 0 && len(s)-i <= maxExtBytes && !strings.Contains(s[i:], " ") {
		stem, ext = s[:i], s[i:]
	}
	stem = cutAtRune(stem, maxFileNameBytes-len(ext))
	// A cut can expose a trailing space or dot, which would then meet the extension's dot.
	stem = strings.TrimRight(stem, " .")
	return stem + ext
}

func cutAtRune(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
