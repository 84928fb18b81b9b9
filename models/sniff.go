package models

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// SniffLen is how many leading bytes SniffMediaType looks at; it matches the window
// net/http.DetectContentType uses, so a caller can buffer one fixed-size head.
const SniffLen = 512

// AllowedEvidenceTypes names, for people, the kinds of file SniffMediaType accepts.
var AllowedEvidenceTypes = []string{"PDF", "PNG", "JPEG", "WebP", "MP3", "M4A", "WAV", "MP4", "plain text"}

// AllowedEvidenceTypesText is AllowedEvidenceTypes joined for messages; a constant so it can
// sit in error messages and templates without a run-time join.
const AllowedEvidenceTypesText = "PDF, PNG, JPEG, WebP, MP3, M4A, WAV, MP4, plain text"

// SniffMediaType identifies evidence by its leading bytes alone. The client's Content-Type and
// file extension are never consulted: a party could otherwise upload HTML or SVG named
// "photo.png" and have it run as script in a judge's browser. Anything not positively
// recognised is refused, so the allow-list fails closed.
func SniffMediaType(head []byte) (mediaType string, ok bool) {
	// A head of a full window may end mid-rune; a shorter head is the whole file and may not.
	full := len(head) >= SniffLen
	if full {
		head = head[:SniffLen]
	}
	switch {
	case len(head) == 0:
		return "", false
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return "application/pdf", true
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", true
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return "image/jpeg", true
	case isRIFF(head, "WEBP"):
		return "image/webp", true
	case isRIFF(head, "WAVE"):
		return "audio/wav", true
	case isID3(head), isMPEGFrame(head):
		return "audio/mpeg", true
	}
	if mt, ok := sniffFtyp(head); ok {
		return mt, true
	}
	if isPlainText(head, full) {
		return "text/plain", true
	}
	return "", false
}

func isRIFF(b []byte, form string) bool {
	return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == form
}

// isID3 wants a plausible tag version as well as the magic, so a text file that merely
// begins "ID3" is still judged as text.
func isID3(b []byte) bool {
	return len(b) >= 10 && string(b[:3]) == "ID3" && b[3] >= 2 && b[3] <= 4 && b[4] != 0xff
}

// isMPEGFrame checks the header fields beyond the sync word: two bytes alone match too much
// random binary, while a reserved bitrate or sample-rate index never occurs in real audio.
func isMPEGFrame(b []byte) bool {
	if len(b) < 4 || b[0] != 0xff {
		return false
	}
	switch b[1] {
	case 0xfb, 0xf3, 0xf2, 0xfa:
	default:
		return false
	}
	bitrate, rate := b[2]>>4, (b[2]>>2)&3
	return bitrate != 0xf && rate != 3
}

// sniffFtyp judges ISO base-media files by the major brand only. Compatible brands are
// ignored on purpose: nearly every MP4 lists several, and honouring them would widen the
// list to QuickTime and HEIF containers we do not promise to play back.
func sniffFtyp(b []byte) (string, bool) {
	if len(b) < 16 || string(b[4:8]) != "ftyp" {
		return "", false
	}
	if size := binary.BigEndian.Uint32(b[:4]); size < 16 {
		return "", false
	}
	switch string(b[8:12]) {
	case "M4A ", "M4B ":
		return "audio/mp4", true
	case "isom", "iso2", "iso5", "iso6", "mp41", "mp42", "avc1":
		return "video/mp4", true
	}
	return "", false
}

// isPlainText accepts UTF-8 without control characters other than ordinary layout ones, and
// refuses anything opening with "<": plain-text evidence is chat logs and emails, and a
// leading tag is how HTML, SVG and XML all begin, whichever browser might render them.
func isPlainText(b []byte, cutAllowed bool) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			// Only the window edge may cut a rune; FullRune is false just for a valid prefix.
			if cutAllowed && !utf8.FullRune(b[i:]) {
				break
			}
			return false
		}
		if r >= 0x80 && r <= 0x9f {
			return false
		}
		i += size
	}
	rest := b
	for len(rest) > 0 {
		switch {
		case bytes.HasPrefix(rest, []byte("\xef\xbb\xbf")):
			rest = rest[3:]
		case rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r' || rest[0] == '\f':
			rest = rest[1:]
		default:
			return rest[0] != '<'
		}
	}
	return true
}
