package models

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode"
)

func rulingFixture() (*Store, *Case, *Ruling) {
	s := &Store{court: DefaultCourt()}
	docket := "(2026)京0491民初123号"
	c := &Case{ID: 1, DocketNo: &docket, Status: StatusDecided, Procedure: ProcedureSimplified,
		PlaintiffName: "王小明", PlaintiffPhone: "13800138000", PlaintiffEmail: "wang.xm@example.com",
		PlaintiffAddress: "北京市朝阳区建国路88号院3号楼2单元301室",
		DefendantName:    "王者科技有限公司", DefendantUSCC: CompleteUSCC("91110000MA01ABCD2"), DefendantAddress: "北京市海淀区中关村大街1号",
		Categories: ",forced_consent,leak,", Facts: "原告王小明（身份证号11010519900101123X，手机138-0013-8000，邮箱wang.xm@example.com）称，" +
			"被告的应用不授权定位即拒绝服务，并将其银行卡号6222 0202 0000 1234 567泄露。小明住北京市朝阳区建国路88号院3号楼2单元301室。",
		AnswerText:         "被告辩称：已取得王小明的同意，客服李四曾致电13912345678说明。",
		ReqCompensationFen: 290000, FeeTotalFen: 15000}
	r := &Ruling{Outcome: "partly_upheld", Findings: `["forced_consent","leak"]`, OrderStopProcessing: true, OrderDeletion: true,
		OrderCompensationFen: 100000, FeeBorneBy: "shared",
		Reasoning: "本院认为，小明的定位信息并非提供服务所必需。王小明提交的证据（邮箱wang.xm@example.com）可以证明被告强制授权。",
		IssuedAt:  time.Date(2026, 5, 20, 2, 0, 0, 0, time.UTC)}
	return s, c, r
}

// TestAnonymisedRulingGolden runs the whole ruling document through the anonymiser: the
// plaintiff's name (also the given name alone, inside the reasoning and the defendant's
// answer), the representative's name, ID, phones, e-mail, card and addresses go; the company,
// its credit code, the docket number, dates, amounts and statutes stay.
func TestAnonymisedRulingGolden(t *testing.T) {
	s, c, r := rulingFixture()
	got := s.AnonymisedRuling(c, r, "李四", "王者科技有限公司")
	want := `北京互联网法院
民事判决书
(2026)京0491民初123号

原告：王某
住所：【地址已删除】
被告：王者科技有限公司，统一社会信用代码：` + c.DefendantUSCC + `
住所：【地址已删除】

原告王某与被告王者科技有限公司个人信息保护纠纷一案，本院立案后依法审理，现已审理终结。

原告诉称：
原告王某（身份证号【身份证号已删除】，手机【电话号码已删除】，邮箱【电子邮箱已删除】）称，被告的应用不授权定位即拒绝服务，并将其银行卡号【银行卡号已删除】泄露。王某住【地址已删除】。

被告辩称：
被告辩称：已取得王某的同意，客服李某曾致电【电话号码已删除】说明。

本院认为：
- 强制授权或捆绑同意（《个人信息保护法》第十六条）
- 个人信息泄露或未尽安全保障义务（《个人信息保护法》第九条、第五十一条、第五十七条）
本院认为，王某的定位信息并非提供服务所必需。王某提交的证据（邮箱【电子邮箱已删除】）可以证明被告强制授权。

判决如下：
1. 被告王者科技有限公司立即停止处理原告的个人信息；
2. 被告王者科技有限公司删除其收集的原告个人信息；
3. 被告王者科技有限公司赔偿原告损失1000.00元；
4. 驳回原告的其他诉讼请求。

案件受理费150.00元，由原告、被告各负担一半。
如不服本判决，可以在判决书送达之日起十五日内提起上诉。

2026年5月20日
`
	if got != want {
		t.Errorf("anonymised ruling:\n got:\n%s\nwant:\n%s", got, want)
	}
	again := Anonymise(AnonymiseInput{Text: got, Persons: []string{c.PlaintiffName, "李四"}, Addresses: []string{c.PlaintiffAddress}, Keep: []string{c.DefendantName}})
	if again != got {
		t.Errorf("anonymising the published text again changed it:\n%s", again)
	}
}

func TestAnonymisedRulingLatinNamesAndDismissal(t *testing.T) {
	s, c, r := rulingFixture()
	c.PlaintiffName = "John Smith"
	c.PlaintiffAddress = "Room 1203, Building 5, 88 Jianguo Road"
	c.Facts = "John Smith (john.smith@example.com, +86 138 0013 8000) lives at Room 1203, Building 5, 88 Jianguo Road. John's ID is 110105199001011234."
	c.AnswerText = ""
	r.Outcome, r.OrderStopProcessing, r.OrderDeletion, r.OrderCompensationFen, r.FeeBorneBy = "dismissed", false, false, 0, "plaintiff"
	r.Reasoning = "JOHN SMITH did not prove the leak; john was told so."
	got := s.AnonymisedRuling(c, r, "Test defendant 7 Ltd")
	for _, gone := range []string{"John", "JOHN", "john", "138", "110105199001011234", "Jianguo", "example.com"} {
		if contains(got, gone) {
			t.Errorf("%q survived:\n%s", gone, got)
		}
	}
	for _, kept := range []string{"Smith 某", "王者科技有限公司", "驳回原告的全部诉讼请求", "由原告负担"} {
		if !contains(got, kept) {
			t.Errorf("%q missing:\n%s", kept, got)
		}
	}
}

func contains(s, sub string) bool { return len(sub) > 0 && indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// FuzzRulingAnonymise plants a plaintiff's name, ID number, phone, bank card and e-mail in the
// facts, the defendant's answer and the reasoning of a full ruling, and checks that none of
// them survives RulingText + Anonymise while the company keeps its name.
func FuzzRulingAnonymise(f *testing.F) {
	f.Add(uint64(1), "原告诉称，被告未经同意收集其个人信息。", uint8(0))
	f.Add(uint64(9), "The defendant shared the data with advertisers.", uint8(77))
	f.Add(uint64(3), "", uint8(255))
	f.Fuzz(func(t *testing.T, seed uint64, filler string, layout uint8) {
		rng := rand.New(rand.NewPCG(seed, uint64(layout)))
		digits := func(n int) string { return randomDigits(rng, n) }
		name, id, phone, card := plantedPII(rng)
		email := "p" + digits(4) + "@mail" + digits(2) + ".com"
		sep := []string{" ", "-", ""}[rng.IntN(3)]
		phoneText := []string{phone, phone[:3] + sep + phone[3:7] + sep + phone[7:], "+86" + sep + phone}[rng.IntN(3)]
		filler = strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) || r == '@' {
				return -1
			}
			return r
		}, filler)
		fr := []rune(filler)
		chunk := func() string {
			if len(fr) == 0 {
				return ""
			}
			a := rng.IntN(len(fr) + 1)
			b := a + rng.IntN(len(fr)-a+1)
			return string(fr[a:b])
		}
		delim := func() string { return fuzzDelims[rng.IntN(len(fuzzDelims))] }
		items := []string{name, id, phoneText, card, email, "王者科技有限公司"}
		text := func() string {
			var b strings.Builder
			rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
			for _, it := range items[:2+rng.IntN(len(items)-1)] {
				b.WriteString(chunk())
				b.WriteString(delim())
				b.WriteString(it)
				b.WriteString(delim())
			}
			b.WriteString(chunk())
			return b.String()
		}
		s, c, r := rulingFixture()
		c.PlaintiffName, c.PlaintiffPhone, c.PlaintiffEmail = name, phone, email
		c.Facts = text() + "原告" + name + "，身份证号" + id + "，电话" + phoneText + "，卡号" + card + "，邮箱" + email + "。"
		c.AnswerText = text()
		r.Reasoning = text()
		out := s.AnonymisedRuling(c, r)
		outside := strings.ReplaceAll(out, c.DefendantName, "\x00")
		if strings.Contains(outside, name) {
			t.Errorf("name %q survived:\n%s", name, out)
		}
		compact := strings.ToUpper(strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || strings.ContainsRune("-－–—", r) {
				return -1
			}
			return r
		}, out))
		for _, n := range []string{id, phone, card, strings.ToUpper(email)} {
			if strings.Contains(compact, n) {
				t.Errorf("%s survived:\n%s", n, out)
			}
		}
		if !strings.Contains(out, "被告王者科技有限公司") {
			t.Errorf("the company lost its name:\n%s", out)
		}
	})
}
