package models

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// Minimal headers, built by hand so the tests do not depend on sample files.

func pdfHeader() []byte { return []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n") }
func pngHeader() []byte {
	return append([]byte("\x89PNG\r\n\x1a\n"), 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0)
}
func jpegHeader() []byte {
	return []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
}

func riff(form string, chunk string) []byte {
	b := []byte("RIFF")
	b = binary.LittleEndian.AppendUint32(b, uint32(4+8+16))
	b = append(b, form...)
	b = append(b, chunk...)
	b = binary.LittleEndian.AppendUint32(b, 16)
	return append(b, make([]byte, 16)...)
}
func webpHeader() []byte { return riff("WEBP", "VP8 ") }
func wavHeader() []byte  { return riff("WAVE", "fmt ") }

func mp3ID3Header() []byte {
	// ID3v2.4 tag with an empty body, then one MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz).
	b := []byte("ID3\x04\x00\x00\x00\x00\x00\x00")
	return append(b, 0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0)
}
func mp3FrameHeader() []byte { return []byte{0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0} }

func ftyp(major string, compat ...string) []byte {
	size := 16 + 4*len(compat)
	b := binary.BigEndian.AppendUint32(nil, uint32(size))
	b = append(b, "ftyp"...)
	b = append(b, major...)
	b = append(b, 0, 0, 0, 0)
	for _, c := range compat {
		b = append(b, c...)
	}
	// A free box so the head looks like the start of a real file.
	return append(b, 0, 0, 0, 8, 'f', 'r', 'e', 'e')
}
func m4aHeader() []byte { return ftyp("M4A ", "M4A ", "mp42", "isom") }
func mp4Header() []byte { return ftyp("isom", "isom", "iso2", "avc1", "mp41") }
func chineseText() []byte {
	return []byte("\xef\xbb\xbf2024年3月1日 张三：货款什么时候付？\r\n李四：下周一。\n")
}

func TestSniffAllowed(t *testing.T) {
	cases := []struct {
		name string
		head []byte
		want string
	}{
		{"pdf", pdfHeader(), "application/pdf"},
		{"png", pngHeader(), "image/png"},
		{"jpeg", jpegHeader(), "image/jpeg"},
		{"webp", webpHeader(), "image/webp"},
		{"wav", wavHeader(), "audio/wav"},
		{"mp3 id3", mp3ID3Header(), "audio/mpeg"},
		{"mp3 frame", mp3FrameHeader(), "audio/mpeg"},
		{"m4a", m4aHeader(), "audio/mp4"},
		{"m4b", ftyp("M4B "), "audio/mp4"},
		{"mp4 isom", mp4Header(), "video/mp4"},
		{"mp4 mp42", ftyp("mp42"), "video/mp4"},
		{"text chinese", chineseText(), "text/plain"},
		{"text ascii", []byte("From: a@example.com\nSubject: invoice\n\nPlease pay.\n"), "text/plain"},
		{"text starting with ID3 word", []byte("ID3 is a tag format, says the chat log."), "text/plain"},
		{"text with tab and formfeed", []byte("a\tb\fc\r\n"), "text/plain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := SniffMediaType(c.head)
			if !ok || got != c.want {
				t.Fatalf("SniffMediaType = %q, %v; want %q, true", got, ok, c.want)
			}
		})
	}
}

func TestSniffRejected(t *testing.T) {
	cases := map[string][]byte{
		"empty":              {},
		"html":               []byte("<html><script>alert(1)</script></html>"),
		"html after space":   []byte("  \r\n\t<!DOCTYPE html><html>"),
		"html after bom":     []byte("\xef\xbb\xbf<html>"),
		"svg":                []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`),
		"xml":                []byte(`<?xml version="1.0"?><svg/>`),
		"script":             []byte("<script>fetch('/')</script>"),
		"gif":                []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00"),
		"zip docx":           []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"),
		"elf":                []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00"),
		"windows exe":        []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
		"nul in text":        []byte("hello\x00world"),
		"escape in text":     []byte("hello \x1b[31mred"),
		"c1 control":         []byte("hello \u0085 world"),
		"invalid utf8":       []byte("caf\xe9 au lait"),
		"cut rune short":     []byte("张三\xe6\x9d"),
		"riff avi":           riff("AVI ", "LIST"),
		"quicktime":          ftyp("qt  "),
		"heic":               ftyp("heic"),
		"ftyp tiny box":      append([]byte{0, 0, 0, 8}, "ftypisom\x00\x00\x00\x00"...),
		"mpeg bad bitrate":   {0xff, 0xfb, 0xf0, 0x64},
		"id3 bad version":    []byte("ID3\xff\x00\x00\x00\x00\x00\x00\xff\xfb"),
		"utf16 text":         []byte("\xff\xfeh\x00i\x00"),
		"javascript as text": []byte("<script src=x></script>"),
	}
	for name, head := range cases {
		t.Run(name, func(t *testing.T) {
			if got, ok := SniffMediaType(head); ok {
				t.Fatalf("SniffMediaType = %q, true; want refusal", got)
			}
		})
	}
}

// A full window may cut a multi-byte rune at its end; the same bytes in a short head are a
// whole, broken file.
func TestSniffTextCutRuneAtBoundary(t *testing.T) {
	full := []byte(strings.Repeat("a", SniffLen-2) + "张") // 张 is 3 bytes
	if mt, ok := SniffMediaType(full[:SniffLen]); !ok || mt != "text/plain" {
		t.Fatalf("cut rune at boundary: got %q, %v", mt, ok)
	}
	if _, ok := SniffMediaType(full); !ok {
		t.Fatalf("longer head should be clipped to the window")
	}
	bad := append(bytes.Repeat([]byte("a"), SniffLen-2), 0xe5, 'x')
	if _, ok := SniffMediaType(bad); ok {
		t.Fatalf("invalid sequence at boundary accepted")
	}
	short := full[:SniffLen-1] // ends with the lone lead byte, and is not a full window
	if _, ok := SniffMediaType(short); ok {
		t.Fatalf("cut rune in a short head accepted")
	}
}

func TestAllowedEvidenceTypesText(t *testing.T) {
	if got := strings.Join(AllowedEvidenceTypes, ", "); got != AllowedEvidenceTypesText {
		t.Fatalf("AllowedEvidenceTypesText = %q, list joins to %q", AllowedEvidenceTypesText, got)
	}
}
