package models

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

func TestAnonymiseName(t *testing.T) {
	for in, want := range map[string]string{
		"王小明":            "王某",
		"王明":             "王某",
		"欧阳娜娜":           "欧阳某",
		"司马光":            "司马某",
		"欧阳":             "欧某", // two characters: read as surname 欧 and given name 阳
		"明":              "某",
		" 诸葛 亮 ":         "诸葛某",
		"John Smith":     "Smith 某",
		"Mary Ann Lee":   "Lee 某",
		"SMITH, John":    "SMITH 某",
		"John Smith Jr.": "Smith 某",
		"Madonna":        "某",
		"":               "",
	} {
		if got := AnonymiseName(in); got != want {
			t.Errorf("AnonymiseName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAnonymiseGolden(t *testing.T) {
	cases := []struct {
		name string
		in   AnonymiseInput
		want string
	}{
		{
			name: "plaintiff particulars",
			in: AnonymiseInput{
				Text:    "原告王小明，男，1990年1月1日出生，住北京市朝阳区建国路88号院3号楼2单元301室，身份证号11010519900101123x，电话138 0013 8000。",
				Persons: []string{"王小明"},
			},
			want: "原告王某，男，1990年1月1日出生，住【地址已删除】，身份证号【身份证号已删除】，电话【电话号码已删除】。",
		},
		{
			name: "company keeps name and credit code; dates, amounts, docket, statute, reference untouched",
			in: AnonymiseInput{
				Text:    "被告王者科技有限公司（统一社会信用代码91110000802100433B）。小明于2026年3月1日向被告支付2,900.00元及2900元，案号(2026)京0491民初123号，依据第69条，受理号NC-2026-000123。",
				Persons: []string{"王小明"},
				Keep:    []string{"王者科技有限公司"},
			},
			want: "被告王者科技有限公司（统一社会信用代码91110000802100433B）。王某于2026年3月1日向被告支付2,900.00元及2900元，案号(2026)京0491民初123号，依据第69条，受理号NC-2026-000123。",
		},
		{
			name: "english ruling",
			in: AnonymiseInput{
				Text:    "Plaintiff John Smith (john.smith@example.com, +86 138-0013-8000) lives at Room 1203, Building 5, 88 Jianguo Road, Chaoyang District. John paid 2900 yuan on 2026-03-01 under Art. 69. Card 6222 0202 0000 1234 567. Landline 010-12345678 ext. 12.",
				Persons: []string{"John Smith"},
			},
			want: "Plaintiff Smith 某 ([email removed], [phone number removed]) lives at [address removed]. Smith 某 paid 2900 yuan on 2026-03-01 under Art. 69. Card [bank card number removed]. Landline [phone number removed].",
		},
		{
			name: "compound surnames, given name alone, bracketed landline, compact card, old ID",
			in: AnonymiseInput{
				Text:    "欧阳娜娜、娜娜与司马光，电话(010)12345678转8001，卡号6222020200001234567，旧身份证110105900101123。",
				Persons: []string{"欧阳娜娜", "司马光"},
			},
			want: "欧阳某、欧阳某与司马某，电话【电话号码已删除】，卡号【银行卡号已删除】，旧身份证【身份证号已删除】。",
		},
		{
			name: "address introduced by cue words or preceded by other words",
			in: AnonymiseInput{
				Text: "原告的住所地为上海市浦东新区张江路690号，经查北京市海淀区中关村大街27号，被告位于朝阳区望京街6号2层。",
			},
			want: "原告的住所地为【地址已删除】，经查【地址已删除】，被告位于【地址已删除】。",
		},
		{
			name: "names next to punctuation and quotes",
			in: AnonymiseInput{
				Text:    "“王小明”称：王小明、李四（证人）与王小明。王小明!",
				Persons: []string{"王小明", "李四"},
			},
			want: "“王某”称：王某、李某（证人）与王某。王某!",
		},
		{
			name: "mobile formats",
			in: AnonymiseInput{
				Text: "号码：+8613800138000；86 138 0013 8000；0086-138-0013-8000；13900139000；电话15012345678号。",
			},
			want: "号码：【电话号码已删除】；【电话号码已删除】；【电话号码已删除】；【电话号码已删除】；电话【电话号码已删除】号。",
		},
		{
			name: "landline formats",
			in: AnonymiseInput{
				Text: "座机010-12345678，0755 1234 5678，021-1234567-801，01012345678，（0571）87654321。",
			},
			want: "座机【电话号码已删除】，【电话号码已删除】，【电话号码已删除】，【电话号码已删除】，【电话号码已删除】。",
		},
		{
			name: "ID with lower-case x and grouped ID in English text",
			in: AnonymiseInput{
				Text: "Her ID is 11010519900101123x and his is 110105 19900101 1234.",
			},
			want: "Her ID is [ID number removed] and his is [ID number removed].",
		},
		{
			name: "cards grouped with dashes, long account number, no partial leftovers",
			in: AnonymiseInput{
				Text: "卡号6222-0202-0000-1234，账号62220202000012345678901，号码1380013800012，订单号202603011234。",
			},
			want: "卡号【银行卡号已删除】，账号【银行卡号已删除】，号码【银行卡号已删除】，订单号202603011234。",
		},
		{
			name: "phone and card in one run of groups",
			in: AnonymiseInput{
				Text: "联系方式138 0013 8000 6222 0202 0000 1234，日期2026-03-01 13800138000。",
			},
			want: "联系方式【电话号码已删除】 【银行卡号已删除】，日期2026-03-01 【电话号码已删除】。",
		},
		{
			name: "email inside Chinese text, QQ address of digits",
			in: AnonymiseInput{
				Text: "原告邮箱wang.xm@example.com.cn，另一邮箱13800138000@qq.com。",
			},
			want: "原告邮箱【电子邮箱已删除】，另一邮箱【电子邮箱已删除】。",
		},
		{
			name: "explicit address without numbers",
			in: AnonymiseInput{
				Text:      "原告长期居住在海淀区西二旗智学苑，常在智学苑附近散步。",
				Addresses: []string{"海淀区西二旗智学苑", "智学苑"},
			},
			want: "原告长期居住在【地址已删除】，常在【地址已删除】附近散步。",
		},
		{
			name: "latin names: any case, across whitespace, not inside other words",
			in: AnonymiseInput{
				Text:    "JOHN SMITH met Johnson; John\nSmith left, and John's bag stayed.",
				Persons: []string{"John Smith"},
			},
			want: "Smith 某 met Johnson; Smith 某 left, and Smith 某's bag stayed.",
		},
		{
			name: "keep names that contain a person's name or given name",
			in: AnonymiseInput{
				Text:    "王小明起诉小明科技有限公司和王者科技有限公司。",
				Persons: []string{"王小明"},
				Keep:    []string{"小明科技有限公司", "王者科技有限公司"},
			},
			want: "王某起诉小明科技有限公司和王者科技有限公司。",
		},
		{
			name: "credit code of 17 digits and X cannot be told from an ID",
			in: AnonymiseInput{
				Text: "代码91110000802100433X，另一代码91350100M000100Y43。",
			},
			want: "代码【身份证号已删除】，另一代码91350100M000100Y43。",
		},
		{
			name: "mostly English text gets English placeholders even with a Chinese name",
			in: AnonymiseInput{
				Text:    "The plaintiff 王小明 (ID 110105199001011234) called from 13800138000.",
				Persons: []string{"王小明"},
			},
			want: "The plaintiff 王某 (ID [ID number removed]) called from [phone number removed].",
		},
		{
			name: "already anonymised text is left as it is",
			in: AnonymiseInput{
				Text:    "原告王某，住【地址已删除】，电话【电话号码已删除】，邮箱[email removed]。",
				Persons: []string{"王小明"},
			},
			want: "原告王某，住【地址已删除】，电话【电话号码已删除】，邮箱[email removed]。",
		},
		{
			name: "longest name first, repeated until no name is left",
			in: AnonymiseInput{
				Text:    "李王小明与王小明。",
				Persons: []string{"李王", "王小明"},
			},
			want: "李某某与王某。", // 王小明 goes first; the 李王 left in 李王某 goes next
		},
		{
			name: "malformed UTF-8 in the lists is ignored rather than splitting characters",
			in: AnonymiseInput{
				Text:      "原告王小明住北京市朝阳区建国路00号",
				Persons:   []string{"王小明", "\xe7"},
				Addresses: []string{"\xe7"},
				Keep:      []string{"\x8e"},
			},
			want: "原告王某住【地址已删除】",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Anonymise(c.in)
			if got != c.want {
				t.Errorf("Anonymise:\n got %s\nwant %s", got, c.want)
			}
			again := c.in
			again.Text = got
			if twice := Anonymise(again); twice != got {
				t.Errorf("not idempotent:\n once %s\ntwice %s", got, twice)
			}
		})
	}
}

var (
	fuzzSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
		"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "令狐"}
	// Given-name characters share none with the surnames, so a planted name can only reappear
	// in the output if Anonymise left it there.
	fuzzGiven  = []rune("小明伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛超霞平刚桂兰玉春梅")
	fuzzKeep   = []string{"王者科技有限公司", "北京字节跳动科技有限公司"}
	fuzzDelims = []string{" ", "-", "，", "：", "\n", "、", "（", "）", "(", ")", "；", "。", " : ", "+", "/", "电话", "号码", "卡号", "身份证号", "住"}
)

func randomDigits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

// plantedPII makes what the anonymisation fuzzers plant: a Chinese name (surname + one or two
// given characters), an 18-character ID number (last X a third of the time), a mainland mobile
// number and a 16–19 digit bank card number.
func plantedPII(rng *rand.Rand) (name, id, phone, card string) {
	name = fuzzSurnames[rng.IntN(len(fuzzSurnames))]
	for range 1 + rng.IntN(2) {
		name += string(fuzzGiven[rng.IntN(len(fuzzGiven))])
	}
	id = randomDigits(rng, 17)
	if rng.IntN(3) == 0 {
		id += "X"
	} else {
		id += randomDigits(rng, 1)
	}
	phone = "1" + string(rune('3'+rng.IntN(7))) + randomDigits(rng, 9)
	card = string(rune('1'+rng.IntN(9))) + randomDigits(rng, 15+rng.IntN(4))
	return name, id, phone, card
}

// FuzzAnonymise plants a name, an ID, a phone and a card number in fuzzer-provided filler.
// Filler loses its digits so it cannot lengthen a planted number, and each number is set off by
// a delimiter without letters, because letters glued to digits can make a genuine credit-code
// shape (Y13800138000ABCDEF), which Anonymise keeps on purpose.
func FuzzAnonymise(f *testing.F) {
	f.Add(uint64(1), "原告诉称，被告未经同意收集其个人信息。", uint8(0))
	f.Add(uint64(7), "The defendant processed the plaintiff's data without consent.", uint8(200))
	f.Fuzz(func(t *testing.T, seed uint64, filler string, layout uint8) {
		rng := rand.New(rand.NewPCG(seed, uint64(layout)))
		name, id, phone, card := plantedPII(rng)

		sep := []string{" ", "-"}[rng.IntN(2)]
		idText := id
		switch rng.IntN(3) {
		case 1:
			idText = id[:6] + sep + id[6:14] + sep + id[14:]
		case 2:
			idText = strings.ToLower(id)
		}
		phoneText := []string{
			phone,
			phone[:3] + sep + phone[3:7] + sep + phone[7:],
			"+86" + sep + phone,
			"86" + phone,
			"0086" + sep + phone[:3] + sep + phone[3:7] + sep + phone[7:],
		}[rng.IntN(5)]
		cardText := card
		if rng.IntN(2) == 0 {
			var groups []string
			for i := 0; i < len(card); i += 4 {
				groups = append(groups, card[i:min(i+4, len(card))])
			}
			cardText = strings.Join(groups, sep)
		}
		keep := fuzzKeep[rng.IntN(len(fuzzKeep))]

		filler = strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return -1
			}
			return r
		}, filler)
		fr := []rune(filler)
		items := []string{name, idText, phoneText, cardText, keep}
		rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		var b strings.Builder
		cuts := []int{0}
		for range items {
			cuts = append(cuts, rng.IntN(len(fr)+1))
		}
		cuts = append(cuts, len(fr))
		sortInts(cuts)
		for k, it := range items {
			b.WriteString(string(fr[cuts[k]:cuts[k+1]]))
			b.WriteString(fuzzDelims[rng.IntN(len(fuzzDelims))])
			b.WriteString(it)
			b.WriteString(fuzzDelims[rng.IntN(len(fuzzDelims))])
		}
		b.WriteString(string(fr[cuts[len(items)]:]))
		text := b.String()

		in := AnonymiseInput{Text: text, Persons: []string{name}, Keep: fuzzKeep}
		out := Anonymise(in)

		// Keep names win over a name running into them (公司 + 马明 for 司马明), so look
		// for the name only outside them.
		outside := out
		for _, k := range fuzzKeep {
			outside = strings.ReplaceAll(outside, k, "\x00")
		}
		if strings.Contains(outside, name) {
			t.Errorf("name %q survived:\n in %q\nout %q", name, text, out)
		}
		compact := strings.ToUpper(strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || strings.ContainsRune("-－–—", r) {
				return -1
			}
			return r
		}, out))
		for _, n := range []string{id, phone, card} {
			if strings.Contains(compact, n) {
				t.Errorf("number %s survived:\n in %q\nout %q", n, text, out)
			}
		}
		for _, k := range fuzzKeep {
			if strings.Count(out, k) < strings.Count(text, k) {
				t.Errorf("keep name %q lost:\n in %q\nout %q", k, text, out)
			}
		}
		again := in
		again.Text = out
		if twice := Anonymise(again); twice != out {
			t.Errorf("not idempotent:\n  in %q\nonce %q\ntwice %q", text, out, twice)
		}
	})
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func BenchmarkAnonymise(b *testing.B) {
	para := "原告王小明诉称，其于2026年3月1日在被告王者科技有限公司运营的应用程序注册账户，" +
		"被告在未取得其单独同意的情况下收集其人脸信息、身份证号11010519900101123X及手机号138-0013-8000，" +
		"并将其银行卡号6222 0202 0000 1234 567提供给第三方。原告住北京市朝阳区建国路88号院3号楼2单元301室，" +
		"电子邮箱wang.xm@example.com，联系电话010-12345678。本院认为，依据《个人信息保护法》第69条，" +
		"被告应当承担过错推定责任，小明主张赔偿2,900.00元，本院予以支持。案号(2026)京0491民初123号。\n"
	var sb strings.Builder
	for sb.Len() < 5*1024 {
		sb.WriteString(para)
	}
	in := AnonymiseInput{
		Text:      sb.String(),
		Persons:   []string{"王小明", "欧阳娜娜"},
		Addresses: []string{"北京市朝阳区建国路88号院3号楼2单元301室"},
		Keep:      []string{"王者科技有限公司"},
	}
	b.SetBytes(int64(len(in.Text)))
	for b.Loop() {
		Anonymise(in)
	}
}
