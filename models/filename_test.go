package models

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitiseFileName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"contract.pdf", "contract.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\张三\Desktop\借条.jpg`, "借条.jpg"},
		{"dir/", "evidence"},
		{"..", "evidence"},
		{".", "evidence"},
		{"", "evidence"},
		{"   ", "evidence"},
		{".htaccess", "htaccess"},
		{"...hidden...", "hidden"},
		{"report..final...pdf", "report.final.pdf"},
		{"  聊天   记录\t2024 .txt ", "聊天 记录 2024 .txt"},
		{"a\x00b\x1fc\x7fd\u0085e.txt", "abcd e.txt"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"x\u2066y\u2069z\u200B\uFEFF.png", "xyz.png"},
		{"bad\xff\xfebytes.pdf", "badbytes.pdf"},
		{"line\nbreak.txt", "line break.txt"},
		{"ok\uFFFD.txt", "ok\uFFFD.txt"},
		{".\u200B.\u200B/x", "x"},
	}
	for _, c := range cases {
		if got := SanitiseFileName(c.in); got != c.want {
			t.Errorf("SanitiseFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSanitiseFileNameTruncates(t *testing.T) {
	long := strings.Repeat("借", 60) + ".pdf" // 180 bytes of stem
	got := SanitiseFileName(long)
	if len(got) > maxFileNameBytes || !utf8.ValidString(got) || !strings.HasSuffix(got, ".pdf") {
		t.Fatalf("got %q (%d bytes)", got, len(got))
	}
	if want := strings.Repeat("借", 38) + ".pdf"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}

	// A cut that exposes a trailing dot must not leave ".." before the extension.
	dotty := strings.Repeat("a", 115) + ". b" + strings.Repeat("c", 20) + ".doc"
	if got := SanitiseFileName(dotty); strings.Contains(got, "..") || len(got) > maxFileNameBytes || !strings.HasSuffix(got, ".doc") {
		t.Fatalf("got %q", got)
	}

	// No usable extension: plain cut on a rune boundary.
	noExt := strings.Repeat("证", 100)
	if got := SanitiseFileName(noExt); got != strings.Repeat("证", 40) {
		t.Fatalf("got %q (%d bytes)", got, len(got))
	}
}

func checkSanitised(t *testing.T, in, out string) {
	t.Helper()
	switch {
	case out == "":
		t.Fatalf("%q: empty result", in)
	case len(out) > maxFileNameBytes:
		t.Fatalf("%q: result %q is %d bytes", in, out, len(out))
	case !utf8.ValidString(out):
		t.Fatalf("%q: result %q is not valid UTF-8", in, out)
	case strings.ContainsAny(out, "/\\\x00"):
		t.Fatalf("%q: result %q holds a separator or NUL", in, out)
	case strings.Contains(out, ".."):
		t.Fatalf("%q: result %q holds ..", in, out)
	case strings.HasPrefix(out, "."):
		t.Fatalf("%q: result %q starts with a dot", in, out)
	case strings.ContainsFunc(out, func(r rune) bool {
		return r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200b || r == 0xfeff
	}):
		t.Fatalf("%q: result %q holds a control or bidi character", in, out)
	}
	if again := SanitiseFileName(out); again != out {
		t.Fatalf("%q: not idempotent: %q then %q", in, out, again)
	}
}

func FuzzSanitiseFileName(f *testing.F) {
	for _, s := range []string{"contract.pdf", "../x", `a\b`, "借条.jpg", "\u202Eexe.pdf", ". .", strings.Repeat("长", 50) + ".mp4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSanitised(t, in, SanitiseFileName(in))
	})
}
