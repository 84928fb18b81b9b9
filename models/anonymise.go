package models

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AnonymiseInput lists what the court knows about the parties, so known names and addresses
// are replaced even where no pattern would catch them.
type AnonymiseInput struct {
	Text      string
	Persons   []string // natural persons' full names (plaintiff, witnesses), Chinese or Latin script
	Addresses []string // known addresses to remove verbatim
	Keep      []string // organisation names that must survive untouched (companies keep their names)
}

// Anonymise prepares a ruling for publication (DESIGN §5): natural persons become surname + 某,
// and phone numbers, ID numbers, bank card numbers, e-mail addresses and street addresses are
// replaced by placeholders. Company names in Keep, unified social credit codes, dates, amounts,
// docket and reference numbers and statute articles are left as they are.
//
// Passes run in a fixed order and each pass hides what it replaced behind a sentinel, so a
// later pass can neither re-match nor half-match an earlier replacement:
//
//  1. placeholders already in the text (so a second run leaves them be), Keep names and the
//     explicit Addresses (on overlap the longer literal wins, so a Keep name containing an
//     address stays whole and vice versa);
//  2. unified social credit codes;
//  3. e-mail addresses (before names and numbers: "13800138000@qq.com" is one e-mail);
//  4. persons' names, longest first;
//  5. digit runs: ID numbers, then bank cards, then mobile and landline numbers;
//  6. English and Chinese street-address patterns.
//
// Anonymise(Anonymise(x)) == Anonymise(x) for the same lists.
func Anonymise(in AnonymiseInput) string {
	ph := placeholdersEN
	if mostlyChinese(in.Text, findEmails(in.Text)) {
		ph = placeholdersZH
	}
	s := &slots{}
	text := s.escape(in.Text)

	var lits []literal
	for _, p := range []placeholders{placeholdersZH, placeholdersEN} {
		for _, t := range []string{p.phone, p.id, p.card, p.email, p.address} {
			lits = append(lits, literal{text: t, repl: t, prio: 0})
		}
	}
	for _, k := range in.Keep {
		lits = append(lits, literal{text: k, repl: k, prio: 1})
	}
	for _, a := range in.Addresses {
		lits = append(lits, literal{text: strings.TrimSpace(a), repl: ph.address, prio: 2})
	}
	text = protectLiterals(text, lits, s)
	text = protectCreditCodes(text, s)
	text = s.hide(text, spansOf(findEmails(text), ph.email))

	// Names are expanded straight away: the address patterns must see "王某路5号" exactly as a
	// second run over the published text would, or Anonymise would not be idempotent. For the
	// same reason the names are replaced until nothing changes: with persons 李王 and 王小明,
	// 李王小明 first becomes 李王某, which still holds 李王.
	pats := namePatterns(in.Persons)
	for range 8 {
		mark := len(s.repl)
		text = replaceNames(text, pats, s)
		if len(s.repl) == mark {
			break
		}
		text = s.expand(text, mark)
	}

	text = removeNumbers(text, ph, s)
	if hasStreetWord(text) {
		text = s.hide(text, spansOf(enAddressRe.FindAllStringIndex(text, -1), ph.address))
	}
	text = removeChineseAddresses(text, ph.address, s)
	return s.expand(text, 0)
}

// AnonymiseName turns a natural person's name into its published form: the surname followed
// by 某 (王小明 → 王某, 欧阳娜娜 → 欧阳某). Latin-script names keep their last word as the surname
// ("John Smith" → "Smith 某"; "SMITH, John" → "SMITH 某"). A name of a single character or a
// single word becomes 某, since its surname would be the whole name.
func AnonymiseName(fullName string) string {
	surname, _ := splitName(fullName)
	if surname == "" {
		if strings.TrimSpace(fullName) == "" {
			return ""
		}
		return "某"
	}
	if hasHan(surname) {
		return surname + "某"
	}
	return surname + " 某"
}

// compoundSurnames are the two-character surnames, so 欧阳娜娜 keeps 欧阳 rather than 欧.
var compoundSurnames = []string{
	"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
	"夏侯", "令狐", "轩辕", "端木", "南宫", "独孤", "西门", "万俟", "闻人", "澹台", "公冶", "宗政",
	"濮阳", "淳于", "单于", "太叔", "申屠", "仲孙", "赫连", "钟离", "呼延", "鲜于", "闾丘", "司空",
	"亓官", "司寇", "子车", "颛孙", "巫马", "公西", "漆雕", "乐正", "壤驷", "公良", "拓跋", "夹谷",
	"宰父", "谷梁", "段干", "百里", "东郭", "南门", "羊舌", "微生", "公羊", "梁丘", "左丘", "东门",
	"第五", "归海",
}

var latinSuffixes = map[string]bool{"jr": true, "jr.": true, "sr": true, "sr.": true, "ii": true, "iii": true, "iv": true}

// splitName returns the surname and the given name; surname is empty when the name is a
// single character or word, which then has nothing it may keep.
func splitName(fullName string) (surname, given string) {
	name := strings.TrimSpace(fullName)
	if hasHan(name) {
		name = strings.Join(strings.Fields(name), "")
		if utf8.RuneCountInString(name) < 2 {
			return "", ""
		}
		if utf8.RuneCountInString(name) > 2 {
			for _, cs := range compoundSurnames {
				if strings.HasPrefix(name, cs) {
					return cs, name[len(cs):]
				}
			}
		}
		_, w := utf8.DecodeRuneInString(name)
		return name[:w], name[w:]
	}
	if i := strings.IndexByte(name, ','); i >= 0 {
		surname, given = strings.TrimSpace(name[:i]), strings.TrimSpace(name[i+1:])
		if surname != "" && given != "" {
			return surname, strings.Join(strings.Fields(given), " ")
		}
		name = strings.Trim(name, ", ")
	}
	words := strings.Fields(name)
	for len(words) > 2 && latinSuffixes[strings.ToLower(words[len(words)-1])] {
		words = words[:len(words)-1]
	}
	if len(words) < 2 {
		return "", ""
	}
	return words[len(words)-1], strings.Join(words[:len(words)-1], " ")
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

type placeholders struct{ phone, id, card, email, address string }

var (
	placeholdersZH = placeholders{"【电话号码已删除】", "【身份证号已删除】", "【银行卡号已删除】", "【电子邮箱已删除】", "【地址已删除】"}
	placeholdersEN = placeholders{"[phone number removed]", "[ID number removed]", "[bank card number removed]", "[email removed]", "[address removed]"}
)

// mostlyChinese decides the placeholder language once per text, so a ruling never mixes
// 【地址已删除】 and [address removed]. Letters inside e-mail addresses are not counted: they
// say nothing about the language around them. Ties go to Chinese, the court's language.
func mostlyChinese(s string, skip [][]int) bool {
	han, latin := 0, 0
	for i, r := range s {
		for len(skip) > 0 && i >= skip[0][1] {
			skip = skip[1:]
		}
		if len(skip) > 0 && i >= skip[0][0] {
			continue
		}
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	return han >= latin
}

// Sentinels are two runes from the supplementary private-use planes: no pattern below
// accepts them as a digit, letter, Han character or separator, so whatever they hide is out of
// reach of later passes. Runes from those planes already in the text are escaped into slots
// first, so they come back unchanged and can never be mistaken for a sentinel.
const (
	slotHiBase = 0xF0000
	slotLoBase = 0x100000
	slotLoSpan = 0x10000
)

type slots struct{ repl []string }

func (s *slots) token(repl string) string {
	i := len(s.repl)
	s.repl = append(s.repl, repl)
	var b [8]byte
	n := utf8.EncodeRune(b[:], rune(slotHiBase+i/slotLoSpan))
	n += utf8.EncodeRune(b[n:], rune(slotLoBase+i%slotLoSpan))
	return string(b[:n])
}

func (s *slots) escape(text string) string {
	if !strings.ContainsFunc(text, func(r rune) bool { return r >= slotHiBase }) {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		if r >= slotHiBase && w > 1 {
			b.WriteString(s.token(text[i : i+w]))
		} else {
			b.WriteString(text[i : i+w])
		}
		i += w
	}
	return b.String()
}

// expand restores sentinels numbered from on; earlier ones stay hidden.
func (s *slots) expand(text string, from int) string {
	if from >= len(s.repl) {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		if r >= slotHiBase && r < slotLoBase {
			r2, w2 := utf8.DecodeRuneInString(text[i+w:])
			if idx := int(r-slotHiBase)*slotLoSpan + int(r2-slotLoBase); r2 >= slotLoBase && idx >= from && idx < len(s.repl) {
				b.WriteString(s.repl[idx])
				i += w + w2
				continue
			}
			w += w2
		}
		b.WriteString(text[i : i+w])
		i += w
	}
	return b.String()
}

type span struct {
	start, end int
	repl       string
}

// hide replaces non-overlapping spans, sorted by start, with sentinels.
func (s *slots) hide(text string, spans []span) string {
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, sp := range spans {
		b.WriteString(text[last:sp.start])
		b.WriteString(s.token(sp.repl))
		last = sp.end
	}
	b.WriteString(text[last:])
	return b.String()
}

func spansOf(locs [][]int, repl string) []span {
	spans := make([]span, len(locs))
	for i, loc := range locs {
		spans[i] = span{loc[0], loc[1], repl}
	}
	return spans
}

type literal struct {
	text, repl string
	prio       int // lower wins between literals of equal length
}

func protectLiterals(text string, lits []literal, s *slots) string {
	type cand struct {
		span
		prio int
	}
	var cands []cand
	for _, l := range lits {
		// A malformed needle could match inside a multi-byte character and split it.
		if l.text == "" || !utf8.ValidString(l.text) {
			continue
		}
		for pos := 0; pos < len(text); {
			i := strings.Index(text[pos:], l.text)
			if i < 0 {
				break
			}
			st := pos + i
			cands = append(cands, cand{span{st, st + len(l.text), l.repl}, l.prio})
			_, w := utf8.DecodeRuneInString(text[st:])
			pos = st + w
		}
	}
	if len(cands) == 0 {
		return text
	}
	sort.SliceStable(cands, func(a, b int) bool {
		ca, cb := cands[a], cands[b]
		if la, lb := ca.end-ca.start, cb.end-cb.start; la != lb {
			return la > lb
		}
		if ca.prio != cb.prio {
			return ca.prio < cb.prio
		}
		return ca.start < cb.start
	})
	taken := make([]bool, len(text))
	var spans []span
next:
	for _, c := range cands {
		for i := c.start; i < c.end; i++ {
			if taken[i] {
				continue next
			}
		}
		for i := c.start; i < c.end; i++ {
			taken[i] = true
		}
		spans = append(spans, c.span)
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].start < spans[b].start })
	return s.hide(text, spans)
}

// protectCreditCodes hides unified social credit codes (GB 32100-2015) so their digits are not
// taken for a card or ID number. Only codes with a valid check character and at least one
// letter other than a trailing X qualify: a code of 17 digits and X cannot be told from an ID
// number, and removing a company code by mistake costs less than publishing an ID.
func protectCreditCodes(text string, s *slots) string {
	var spans []span
	for i := 0; i < len(text); {
		if !isASCIIAlnum(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isASCIIAlnum(text[j]) {
			j++
		}
		if j-i == 18 && isCreditCode(text[i:j]) {
			spans = append(spans, span{i, j, text[i:j]})
		}
		i = j
	}
	return s.hide(text, spans)
}

const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

func isCreditCode(c string) bool {
	letter := false
	sum := 0
	for i := 0; i < 18; i++ {
		v := strings.IndexByte(creditCodeChars, c[i])
		if v < 0 || (i >= 2 && i < 8 && v > 9) {
			return false
		}
		if v > 9 && (i < 17 || c[i] != 'X') {
			letter = true
		}
		if i < 17 {
			sum += v * creditCodeWeights[i]
		} else if check := (31 - sum%31) % 31; v != check {
			return false
		}
	}
	return letter
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// findEmails runs the pattern only on the runs of e-mail characters around each @: the
// pattern has no literal prefix, and trying it at every position of a ruling dominated the cost.
func findEmails(text string) [][]int {
	var locs [][]int
	for from := 0; ; {
		at := strings.IndexByte(text[from:], '@')
		if at < 0 {
			return locs
		}
		at += from
		st, en := at, at+1
		for st > from && isEmailByte(text[st-1]) {
			st--
		}
		for en < len(text) && (isEmailByte(text[en]) || text[en] == '@') {
			en++
		}
		for _, loc := range emailRe.FindAllStringIndex(text[st:en], -1) {
			locs = append(locs, []int{st + loc[0], st + loc[1]})
		}
		from = en
	}
}

func isEmailByte(c byte) bool { return isASCIIAlnum(c) || strings.IndexByte("._%+-", c) >= 0 }

var emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}`)

type namePattern struct {
	lit   string         // Chinese names match exactly: Chinese has no word boundaries to respect
	re    *regexp.Regexp // Latin names match case-insensitively across any whitespace
	runes int
	repl  string
}

// namePatterns lists full names and, when two characters or longer, given names alone
// (小明 → 王某), longest first.
func namePatterns(persons []string) []namePattern {
	var pats []namePattern
	seen := map[string]bool{}
	add := func(p, repl string) {
		if p == "" || p == repl || seen[p] || !utf8.ValidString(p) {
			return
		}
		seen[p] = true
		np := namePattern{runes: utf8.RuneCountInString(p), repl: repl, lit: p}
		if !hasHan(p) {
			words := strings.Fields(p)
			for i, w := range words {
				words[i] = regexp.QuoteMeta(w)
			}
			np.re = regexp.MustCompile(`(?i)` + strings.Join(words, `\s+`))
		}
		pats = append(pats, np)
	}
	for _, p := range persons {
		full := strings.TrimSpace(p)
		if full == "" {
			continue
		}
		if hasHan(full) {
			full = strings.Join(strings.Fields(full), "")
		} else {
			full = strings.Join(strings.Fields(full), " ")
		}
		repl := AnonymiseName(full)
		add(full, repl)
		if _, given := splitName(full); utf8.RuneCountInString(given) >= 2 {
			add(given, repl)
		}
	}
	sort.SliceStable(pats, func(a, b int) bool { return pats[a].runes > pats[b].runes })
	return pats
}

// replaceNames applies the patterns in order, each hiding its matches, so 欧阳娜娜 is never
// first cut down by a shorter 娜娜 belonging to someone else.
func replaceNames(text string, pats []namePattern, s *slots) string {
	for _, p := range pats {
		var spans []span
		for pos := 0; pos < len(text); {
			var st, en int
			if p.re == nil {
				i := strings.Index(text[pos:], p.lit)
				if i < 0 {
					break
				}
				st, en = pos+i, pos+i+len(p.lit)
			} else {
				loc := p.re.FindStringIndex(text[pos:])
				if loc == nil {
					break
				}
				st, en = pos+loc[0], pos+loc[1]
				// "John" must not match inside "Johnson".
				before, _ := utf8.DecodeLastRuneInString(text[:st])
				after, _ := utf8.DecodeRuneInString(text[en:])
				if st > 0 && isWordRune(before) || en < len(text) && isWordRune(after) {
					_, w := utf8.DecodeRuneInString(text[st:])
					pos = st + w
					continue
				}
			}
			spans = append(spans, span{st, en, p.repl})
			pos = en
		}
		text = s.hide(text, spans)
	}
	return text
}

// isWordRune says whether r would continue a Latin-script word. Han, kana and hangul do not:
// Chinese text runs straight into a Latin name ("原告John Smith与被告"), and the name must still
// be found there.
func isWordRune(r rune) bool {
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isDigitRune(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

// isGroupSep lists what people put between digit groups: "138 0013 8000", "138-0013-8000".
func isGroupSep(r rune) bool {
	switch r {
	case ' ', '-', '\u00a0', '\u3000', '－', '–':
		return true
	}
	return false
}

type numGroup struct {
	start, end int // bytes, end includes a trailing X
	digits     string
	x          bool
	sep        rune // the separator before this group, 0 for the first
}

const (
	kindNone = iota
	kindID
	kindCard
	kindPhone
	kindLandline
)

var (
	parenLandlineRe = regexp.MustCompile(`[(（]0[1-9][0-9]{1,2}[)）][ \-]?[0-9]{7,8}`)
	extensionRe     = regexp.MustCompile(`^[ \-]?(?:转|分机|(?i:ext)\.?|[xX#])\s?[0-9]{1,6}`)
)

// removeNumbers reads each run of digit groups joined by single separators as a whole and
// splits it into ID, card and phone numbers so that as many of its digits as possible are
// covered (see parseCluster). Reading whole runs is what keeps a match from starting or
// ending inside a longer number, and what lets "138 0013 8000 6222 0202 0000 1234" be read
// as a phone followed by a card rather than as one card that leaves half the phone behind.
func removeNumbers(text string, ph placeholders, s *slots) string {
	var spans []span
	var paren [][]int
	if strings.Contains(text, "(0") || strings.Contains(text, "（0") {
		paren = parenLandlineRe.FindAllStringIndex(text, -1)
	}
	for _, loc := range paren {
		if r, _ := utf8.DecodeRuneInString(text[loc[1]:]); isDigitRune(r) {
			continue
		}
		spans = append(spans, span{loc[0], extendExtension(text, loc[1]), ph.phone})
	}
	text = s.hide(text, spans)

	spans = spans[:0]
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		if !isDigitRune(r) {
			i += w
			continue
		}
		groups, end := readCluster(text, i)
		found, end2 := parseCluster(text, groups, ph)
		spans = append(spans, found...)
		i = max(end, end2)
	}
	return s.hide(text, spans)
}

func readCluster(text string, i int) ([]numGroup, int) {
	var gs []numGroup
	var sep rune
	for {
		g := numGroup{start: i, sep: sep}
		var d []byte
		for i < len(text) {
			r, w := utf8.DecodeRuneInString(text[i:])
			if !isDigitRune(r) {
				break
			}
			if r > '9' {
				r -= '０' - '0'
			}
			d = append(d, byte(r))
			i += w
		}
		// An ID's check character is X; "5XL" or "3xAB" is something else.
		if i < len(text) && (text[i] == 'X' || text[i] == 'x') && (i+1 == len(text) || !isASCIILetter(text[i+1])) {
			g.x = true
			i++
		}
		g.end, g.digits = i, string(d)
		gs = append(gs, g)
		r, w := utf8.DecodeRuneInString(text[i:])
		if i >= len(text) || !isGroupSep(r) {
			return gs, i
		}
		if r2, _ := utf8.DecodeRuneInString(text[i+w:]); !isDigitRune(r2) {
			return gs, i
		}
		sep = r
		i += w
	}
}

func isASCIILetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

type numCand struct{ last, kind int }

// parseCluster picks, by dynamic programming, the reading of the groups that covers the most
// digits with the fewest numbers; among equal readings the kind tried first wins, which
// gives the required order ID before card before phone.
func parseCluster(text string, gs []numGroup, ph placeholders) ([]span, int) {
	n := len(gs)
	type best struct{ cov, items, next, kind int }
	bs := make([]best, n+1)
	prefix := make([]int, n+1)
	for i, g := range gs {
		prefix[i+1] = prefix[i] + len(g.digits)
	}
	var cands []numCand
	for i := n - 1; i >= 0; i-- {
		b := best{bs[i+1].cov, bs[i+1].items, i + 1, kindNone}
		cands = numberCandidates(gs, i, cands[:0])
		for _, c := range cands {
			cov := prefix[c.last+1] - prefix[i] + bs[c.last+1].cov
			items := 1 + bs[c.last+1].items
			if cov > b.cov || cov == b.cov && items < b.items {
				b = best{cov, items, c.last + 1, c.kind}
			}
		}
		bs[i] = b
	}
	var spans []span
	end := 0
	for i := 0; i < n; i = bs[i].next {
		b := bs[i]
		if b.kind == kindNone {
			continue
		}
		st, en := gs[i].start, gs[b.next-1].end
		var repl string
		switch b.kind {
		case kindID:
			repl = ph.id
		case kindCard:
			repl = ph.card
		default:
			repl = ph.phone
			if r, w := utf8.DecodeLastRuneInString(text[:st]); r == '+' || r == '＋' {
				st -= w
			}
			if b.kind == kindLandline && b.next == n {
				en = extendExtension(text, en)
			}
		}
		spans = append(spans, span{st, en, repl})
		end = en
	}
	return spans, end
}

// extendExtension swallows a landline's extension ("转123", "-8001", " ext. 12").
func extendExtension(text string, end int) int {
	loc := extensionRe.FindStringIndex(text[end:])
	if loc == nil {
		return end
	}
	if r, _ := utf8.DecodeRuneInString(text[end+loc[1]:]); isDigitRune(r) {
		return end
	}
	return end + loc[1]
}

func numberCandidates(gs []numGroup, i int, cs []numCand) []numCand {
	n := len(gs)
	g := gs[i]
	l := len(g.digits)

	// A country code glued to a mobile (8613800138000, 008613800138000) would otherwise
	// read as a card or an old ID.
	if !g.x && (l == 13 && strings.HasPrefix(g.digits, "86") && isMobile(g.digits[2:]) ||
		l == 15 && strings.HasPrefix(g.digits, "0086") && isMobile(g.digits[4:])) {
		cs = append(cs, numCand{i, kindPhone})
	}

	// ID numbers: compact, or grouped 6-8-4 / 6-4-4-4 (18) and 6-6-3 (15).
	if isIDShape(g) {
		cs = append(cs, numCand{i, kindID})
	}
	for _, p := range [][]int{{6, 8, 4}, {6, 4, 4, 4}, {6, 6, 3}} {
		if i+len(p) > n {
			continue
		}
		ok := true
		for k, want := range p {
			h := gs[i+k]
			hl := len(h.digits)
			if k < len(p)-1 || want == 3 {
				ok = ok && !h.x && hl == want
			} else {
				ok = ok && (hl == 4 && !h.x || hl == 3 && h.x)
			}
		}
		if ok {
			cs = append(cs, numCand{i + len(p) - 1, kindID})
		}
	}

	// Bank cards and accounts: any other single run of 13 or more digits (long account numbers
	// included, so no run that long is ever published), or groups of four with a shorter tail,
	// 4-6-5 / 4-6-4, and 6 + the rest.
	if l >= 13 && !isIDShape(g) {
		cs = append(cs, numCand{i, kindCard})
	}
	total := 0
	for j := i; j < n && !gs[j].x; j++ {
		lj := len(gs[j].digits)
		total += lj
		if j > i && lj <= 4 && total >= 13 && total <= 19 {
			cs = append(cs, numCand{j, kindCard})
		}
		if lj != 4 || total >= 19 {
			break
		}
	}
	for _, p := range [][]int{{4, 6, 5}, {4, 6, 4}} {
		if groupsAre(gs, i, p) {
			cs = append(cs, numCand{i + len(p) - 1, kindCard})
		}
	}
	if i+1 < n && l == 6 && !g.x && !gs[i+1].x && len(gs[i+1].digits) >= 10 && len(gs[i+1].digits) <= 13 {
		cs = append(cs, numCand{i + 1, kindCard})
	}

	// Phones: an optional 86 / 0086 country group, then a mobile (11, 3-4-4, 3-8) or a
	// landline (area code and 7–8 digits, optionally split 3-4 / 4-4, optional extension).
	for _, prefixed := range []bool{false, true} {
		q := i
		if prefixed {
			if g.x || g.digits != "86" && g.digits != "0086" {
				continue
			}
			q = i + 1
		}
		if q >= n || gs[q].x {
			continue
		}
		if isMobile(gs[q].digits) {
			cs = append(cs, numCand{q, kindPhone})
		}
		for _, p := range [][]int{{3, 4, 4}, {3, 8}} {
			if groupsAre(gs, q, p) && isMobile(joinDigits(gs[q:q+len(p)])) {
				cs = append(cs, numCand{q + len(p) - 1, kindPhone})
			}
		}
		a := gs[q].digits
		if !prefixed && len(a) >= 10 && len(a) <= 12 && a[0] == '0' && a[1] != '0' {
			cs = append(cs, numCand{q, kindLandline})
		}
		areaOK := !prefixed && len(a) >= 3 && len(a) <= 4 && a[0] == '0' && a[1] != '0' ||
			prefixed && len(a) >= 2 && len(a) <= 3 && a[0] != '0'
		if !areaOK {
			continue
		}
		for _, p := range [][]int{{7}, {8}, {3, 4}, {4, 4}} {
			if !groupsAre(gs, q+1, p) {
				continue
			}
			last := q + len(p)
			cs = append(cs, numCand{last, kindLandline})
			if e := last + 1; e < n && gs[e].sep == '-' && !gs[e].x && len(gs[e].digits) <= 6 {
				cs = append(cs, numCand{e, kindLandline})
			}
		}
	}
	return cs
}

func isIDShape(g numGroup) bool {
	l := len(g.digits)
	return l == 17 && g.x || l == 18 && !g.x || l == 15 && !g.x
}

func isMobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'
}

func groupsAre(gs []numGroup, i int, sizes []int) bool {
	if i+len(sizes) > len(gs) {
		return false
	}
	for k, want := range sizes {
		if g := gs[i+k]; g.x || len(g.digits) != want {
			return false
		}
	}
	return true
}

func joinDigits(gs []numGroup) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString(g.digits)
	}
	return b.String()
}

var streetWords = []string{"Room", "Rm", "Flat", "Apartment", "Apt", "Unit", "Suite", "Floor", "Building", "Bldg",
	"Block", "Tower", "Street", "Road", "Avenue", "Lane", "Drive", "Boulevard", "Way", "Place", "Square",
	"Terrace", "Highway", "Alley", "Hutong", "St", "Rd", "Ave", "Ln", "Dr", "Blvd", "Sq", "Hwy"}

// hasStreetWord spares Chinese rulings the English pattern, which has to be tried at every
// digit and word boundary.
func hasStreetWord(text string) bool {
	for _, w := range streetWords {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// enAddressRe catches "Room 1203, Building 5, 88 Jianguo Road, Chaoyang District". Street
// words must be capitalised so that "paid 300 on the way" is not an address.
var enAddressRe = regexp.MustCompile(
	`(?:` + enUnit + `,?\s+)*(?:` + enStreet + `|` + enUnit + `)` +
		`(?:,\s*(?:[A-Z][A-Za-z]*\s+){1,3}(?:District|County|City|Province|Town|Village)\b)*`)

const (
	enUnit   = `\b(?:Room|Rm\.?|Flat|Apartment|Apt\.?|Unit|Suite|Floor|Building|Bldg\.?|Block|Tower)\s*#?\s*[0-9]+[A-Za-z]?(?:-[0-9]+)?\b`
	enStreet = `\b(?:No\.\s*)?[0-9]{1,5}[A-Za-z]?(?:-[0-9]{1,5})?\s+(?:[A-Z][A-Za-z'\-]*\.?\s+){0,4}` +
		`(?:Street|Road|Avenue|Lane|Drive|Boulevard|Way|Place|Square|Terrace|Highway|Alley|Hutong|St|Rd|Ave|Ln|Dr|Blvd|Sq|Hwy)\b`
)

// cnAddressRe wants at least one administrative or street marker and then a number with a unit
// (88号, 3号楼, 2单元, 301室); a docket number such as (2026)京0491民初123号 has no marker and
// brackets stop the match, so it is left alone.
var cnAddressRe = regexp.MustCompile(
	`(?:\p{Han}{1,10}?(?:` + cnMarkers + `))+` +
		`[\p{Han}A-Za-z]{0,4}?` + cnNumUnit + `(?:[\p{Han}A-Za-z]{0,4}?` + cnNumUnit + `)*`)

const (
	cnMarkers = `自治区|省|市|区|县|镇|乡|村|路|街|道|巷|弄|胡同|小区`
	cnNumUnit = `[0-9０-９]+(?:[-－][0-9０-９]+)*[A-Za-z]?(?:号院|号楼|号|栋|幢|座|单元|楼|层|室|户|组)`
)

var (
	cnMarkerRe   = regexp.MustCompile(cnMarkers)
	cnProvinceRe = regexp.MustCompile(`(?:北京|天津|上海|重庆)市|(?:河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾)省|(?:内蒙古|广西|西藏|宁夏|新疆)\p{Han}{0,5}自治区|(?:香港|澳门)特别行政区`)
	// addressCues end the words that introduce an address (住所地, 位于, 寄至…); longer cues are
	// listed so that 住所地 is cut whole rather than after 住.
	addressCues = []string{"经常居住地", "户籍所在地", "户籍地", "居住地", "住所地", "住所", "住址", "地址",
		"住", "址", "在", "于", "至", "为", "是", "系", "到", "往", "的", "从"}
)

// removeChineseAddresses removes address-shaped runs. Chinese has no spaces, so the pattern's
// lazy start can still swallow the words before the address (原告王某住北京市…); the start is
// moved past the last introducing cue before the first marker, and to the province when one
// is named.
func removeChineseAddresses(text, repl string, s *slots) string {
	var spans []span
	for _, loc := range findChineseAddresses(text) {
		m := text[loc[0]:loc[1]]
		head := m
		if mk := cnMarkerRe.FindStringIndex(m); mk != nil {
			head = m[:mk[0]]
		}
		cut := 0
		for _, c := range addressCues {
			if i := strings.LastIndex(head, c); i >= 0 && i+len(c) > cut {
				cut = i + len(c)
			}
		}
		rest := m[cut:]
		if d := strings.IndexFunc(rest, isDigitRune); d > 0 {
			if p := cnProvinceRe.FindStringIndex(rest[:d]); p != nil {
				cut += p[0]
			}
		}
		if !cnAddressRe.MatchString(m[cut:]) {
			cut = 0
		}
		spans = append(spans, span{loc[0] + cut, loc[1], repl})
	}
	return s.hide(text, spans)
}

// findChineseAddresses runs the pattern only on runs of the characters it can match that hold
// a digit; most of a ruling is prose without one, and the pattern is slow to try everywhere.
func findChineseAddresses(text string) [][]int {
	var locs [][]int
	st, digit := -1, false
	flush := func(en int) {
		if st >= 0 && digit {
			for _, loc := range cnAddressRe.FindAllStringIndex(text[st:en], -1) {
				locs = append(locs, []int{st + loc[0], st + loc[1]})
			}
		}
		st, digit = -1, false
	}
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		if isDigitRune(r) || r < utf8.RuneSelf && (isASCIIAlnum(byte(r)) || r == '-') || r == '－' || unicode.Is(unicode.Han, r) {
			if st < 0 {
				st = i
			}
			digit = digit || isDigitRune(r)
		} else {
			flush(i)
		}
		i += w
	}
	flush(len(text))
	return locs
}
