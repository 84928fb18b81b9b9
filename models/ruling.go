package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Hearing is one scheduled sitting of a case (video, asynchronous or in person).
type Hearing struct {
	ID           int64
	CaseID       int64
	ScheduledAt  time.Time
	Mode         string
	Location     string
	Questions    string
	ResponsesDue *time.Time
	Minutes      string
	RecordedAt   *time.Time
	CreatedBy    int64
	CreatedAt    time.Time
}

// Ruling is the judgment. Once issued it is never updated except to record publication.
type Ruling struct {
	ID                   int64
	CaseID               int64
	JudgeID              int64
	Outcome              string
	Findings             string // JSON array of category codes the court found proven
	OrderStopProcessing  bool
	OrderDeletion        bool
	OrderApology         bool
	OrderCompensationFen int64
	OrderCostsFen        int64
	FeeBorneBy           string
	Reasoning            string
	IssuedAt             time.Time
	PublishedAt          *time.Time
	PublishedText        string
	CreatedAt            time.Time
}

// FindingList decodes the findings.
func (r *Ruling) FindingList() []string {
	var fs []string
	_ = json.Unmarshal([]byte(r.Findings), &fs)
	if fs == nil {
		fs = []string{}
	}
	return fs
}

// Outcomes a ruling may have.
var Outcomes = []string{"upheld", "partly_upheld", "dismissed"}

// FeeBearers says who bears the litigation fee.
var FeeBearers = []string{"defendant", "plaintiff", "shared"}

// RulingInput is the judge's ruling form.
type RulingInput struct {
	Outcome         string
	Findings        []string
	StopProcessing  bool
	Deletion        bool
	Apology         bool
	CompensationFen int64
	CostsFen        int64
	FeeBorneBy      string
	Reasoning       string
}

func effRule(s *Store, st *step) error {
	c := st.c
	if err := checkRuleState(c); err != nil {
		return err
	}
	in := st.in.Ruling
	if err := validateRuling(c, in); err != nil {
		return err
	}
	reasoning := strings.TrimSpace(in.Reasoning)
	findings, _ := json.Marshal(joinCodesList(in.Findings))
	r := Ruling{CaseID: c.ID, JudgeID: st.actor.ID, Outcome: in.Outcome, Findings: string(findings),
		OrderStopProcessing: in.StopProcessing, OrderDeletion: in.Deletion, OrderApology: in.Apology,
		OrderCompensationFen: in.CompensationFen, OrderCostsFen: in.CostsFen, FeeBorneBy: in.FeeBorneBy,
		Reasoning: reasoning, IssuedAt: st.now, CreatedAt: st.now}
	if err := st.tx.Create(&r).Error; err != nil {
		if isUniqueViolation(err) {
			return WithMessage(ErrIllegalAction, "A ruling has already been issued in this case.")
		}
		return err
	}
	c.DecidedAt = at(st.now)
	c.AppealDue = at(st.now.Add(judgmentAppealPeriod))
	st.details["ruling_id"] = r.ID
	st.details["outcome"] = r.Outcome
	st.details["ruling_sha256"] = RulingHash(&r)
	st.details["appeal_due"] = c.AppealDue.Format(time.RFC3339)
	st.notify("ruling_issued", r.Outcome, c.PlaintiffID, ptrID(c.DefendantUserID))
	return nil
}

// checkRuleState refuses a ruling on the papers outside the small-claims procedure.
func checkRuleState(c *Case) error {
	if c.Status == StatusAnswered && c.Procedure != ProcedureSmallClaims {
		return WithMessage(ErrIllegalAction, "Only a small-claims case may be decided on the papers without a hearing; schedule a hearing first.")
	}
	return nil
}

// validateRuling checks the ruling form against the case (outcome, findings, orders no
// larger than the claims, who bears the fee, reasoning) and fills the default fee bearer.
// The judge's confirmation page runs the same check before anything is issued.
func validateRuling(c *Case, in *RulingInput) error {
	if in == nil {
		return Invalid(map[string]string{"outcome": "validation.required"})
	}
	f := map[string]string{}
	if in.Outcome == "" {
		f["outcome"] = "validation.required"
	} else {
		checkCodes(f, "outcome", []string{in.Outcome}, Outcomes)
	}
	checkCodes(f, "findings", in.Findings, CategoryCodes())
	if in.Outcome != "dismissed" && len(in.Findings) == 0 && f["findings"] == "" {
		f["findings"] = "validation.choose_one"
	}
	if in.Outcome == "dismissed" && (in.CompensationFen > 0 || in.StopProcessing || in.Deletion || in.Apology) {
		f["orders"] = "validation.dismissed_orders"
	}
	// The court cannot award more than was asked (ultra petita).
	if in.CompensationFen < 0 || in.CompensationFen > c.ReqCompensationFen {
		f["orders.compensation"] = "validation.more_than_claimed"
	}
	if in.CostsFen < 0 || in.CostsFen > c.ReqCostsFen {
		f["orders.costs"] = "validation.more_than_claimed"
	}
	if in.FeeBorneBy == "" {
		in.FeeBorneBy = map[string]string{"upheld": "defendant", "partly_upheld": "shared", "dismissed": "plaintiff"}[in.Outcome]
	}
	if in.FeeBorneBy != "" || f["outcome"] == "" {
		checkCodes(f, "fee_borne_by", []string{in.FeeBorneBy}, FeeBearers)
	}
	reasoning := strings.TrimSpace(in.Reasoning)
	if reasoning == "" {
		f["reasoning"] = "validation.required"
	} else {
		checkText(f, "reasoning", reasoning, maxLongText)
	}
	if len(f) > 0 {
		return Invalid(f)
	}
	return nil
}

func joinCodesList(codes []string) []string { return splitCodes(joinCodes(codes, CategoryCodes())) }

// categoryZH names each category of infringement and its PIPL articles in the ruling's
// language, Chinese.
var categoryZH = map[string][2]string{
	"no_consent":                {"未经同意收集个人信息", "《个人信息保护法》第十三条、第十四条"},
	"forced_consent":            {"强制授权或捆绑同意", "《个人信息保护法》第十六条"},
	"excessive_collection":      {"超出必要范围收集个人信息", "《个人信息保护法》第六条"},
	"sensitive_without_consent": {"未经单独同意处理敏感个人信息", "《个人信息保护法》第二十八条、第二十九条"},
	"unsolicited_push":          {"未经同意推送信息或自动化营销", "《个人信息保护法》第二十四条"},
	"leak":                      {"个人信息泄露或未尽安全保障义务", "《个人信息保护法》第九条、第五十一条、第五十七条"},
	"rights_request_refused":    {"拒绝查阅、复制、更正、删除请求", "《个人信息保护法》第四十四条至第四十七条、第五十条"},
	"unlawful_transfer":         {"违法向第三方提供个人信息", "《个人信息保护法》第二十三条"},
}

// RulingHash fingerprints the ruling's content, recorded in the event chain so any later edit
// to the ruling row is detectable.
func RulingHash(r *Ruling) string {
	s := fmt.Sprintf("%s\x00%s\x00%t\x00%t\x00%t\x00%d\x00%d\x00%s\x00%s\x00%s",
		r.Outcome, r.Findings, r.OrderStopProcessing, r.OrderDeletion, r.OrderApology,
		r.OrderCompensationFen, r.OrderCostsFen, r.FeeBorneBy, r.Reasoning, r.IssuedAt.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
	return sha256Hex([]byte(s))
}

func effPublish(s *Store, st *step) error {
	c := st.c
	var r Ruling
	if err := st.tx.Where("case_id = ?", c.ID).First(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return WithMessage(ErrIllegalAction, "There is no ruling to publish.")
		}
		return err
	}
	if r.PublishedAt != nil {
		return WithMessage(ErrIllegalAction, "This ruling has already been published.")
	}
	reps, err := representatives(st.tx, c)
	if err != nil {
		return err
	}
	text := s.AnonymisedRuling(c, &r, reps...)
	res := st.tx.Model(&Ruling{}).Where("id = ? AND published_at IS NULL", r.ID).
		Updates(map[string]any{"published_at": st.now, "published_text": text})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return WithMessage(ErrIllegalAction, "This ruling has already been published.")
	}
	st.details["ruling_id"] = r.ID
	st.details["published_sha256"] = sha256Hex([]byte(text))
	st.notify("ruling_published", "", c.PlaintiffID, ptrID(c.DefendantUserID))
	return nil
}

// RulingFor returns the case's ruling, or nil when none has been issued.
func (s *Store) RulingFor(ctx context.Context, caseID int64) (*Ruling, error) {
	var r Ruling
	err := s.db.WithContext(ctx).Where("case_id = ?", caseID).First(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Hearings lists a case's hearings in order.
func (s *Store) Hearings(ctx context.Context, caseID int64) ([]Hearing, error) {
	var hs []Hearing
	err := s.db.WithContext(ctx).Where("case_id = ?", caseID).Order("id").Find(&hs).Error
	return hs, err
}

// RulingText is the ruling as a plain document: court, docket number, parties, the claims,
// the findings, the reasoning and the orders. It is what the parties print and, once
// anonymised, what the public reads.
func (s *Store) RulingText(c *Case, r *Ruling) string {
	var b strings.Builder
	docket := ""
	if c.DocketNo != nil {
		docket = *c.DocketNo
	}
	fmt.Fprintf(&b, "%s\n民事判决书\n%s\n\n", s.court.NameZH, docket)
	fmt.Fprintf(&b, "原告：%s\n", c.PlaintiffName)
	if c.PlaintiffAddress != "" {
		fmt.Fprintf(&b, "住所：%s\n", c.PlaintiffAddress)
	}
	fmt.Fprintf(&b, "被告：%s，统一社会信用代码：%s\n", c.DefendantName, c.DefendantUSCC)
	if c.DefendantAddress != "" {
		fmt.Fprintf(&b, "住所：%s\n", c.DefendantAddress)
	}
	fmt.Fprintf(&b, "\n原告%s与被告%s个人信息保护纠纷一案，本院立案后依法审理，现已审理终结。\n\n", c.PlaintiffName, c.DefendantName)
	fmt.Fprintf(&b, "原告诉称：\n%s\n\n", c.Facts)
	if c.AnswerText != "" {
		fmt.Fprintf(&b, "被告辩称：\n%s\n\n", c.AnswerText)
	}
	b.WriteString("本院认为：\n")
	for _, code := range r.FindingList() {
		zh := categoryZH[code]
		fmt.Fprintf(&b, "- %s（%s）\n", zh[0], zh[1])
	}
	fmt.Fprintf(&b, "%s\n\n判决如下：\n", r.Reasoning)
	n := 0
	item := func(s string) {
		n++
		fmt.Fprintf(&b, "%d. %s\n", n, s)
	}
	if r.Outcome == "dismissed" {
		item("驳回原告的全部诉讼请求。")
	} else {
		if r.OrderStopProcessing {
			item(fmt.Sprintf("被告%s立即停止处理原告的个人信息；", c.DefendantName))
		}
		if r.OrderDeletion {
			item(fmt.Sprintf("被告%s删除其收集的原告个人信息；", c.DefendantName))
		}
		if r.OrderApology {
			item(fmt.Sprintf("被告%s向原告书面赔礼道歉；", c.DefendantName))
		}
		if r.OrderCompensationFen > 0 {
			item(fmt.Sprintf("被告%s赔偿原告损失%s元；", c.DefendantName, FormatYuan(r.OrderCompensationFen)))
		}
		if r.OrderCostsFen > 0 {
			item(fmt.Sprintf("被告%s赔偿原告合理开支%s元；", c.DefendantName, FormatYuan(r.OrderCostsFen)))
		}
		if r.Outcome == "partly_upheld" {
			item("驳回原告的其他诉讼请求。")
		}
	}
	bearer := map[string]string{"defendant": "由被告负担", "plaintiff": "由原告负担", "shared": "由原告、被告各负担一半"}[r.FeeBorneBy]
	fmt.Fprintf(&b, "\n案件受理费%s元，%s。\n", FormatYuan(c.FeeTotalFen), bearer)
	b.WriteString("如不服本判决，可以在判决书送达之日起十五日内提起上诉。\n\n")
	fmt.Fprintf(&b, "%s\n", r.IssuedAt.In(s.court.Location).Format("2006年1月2日"))
	return b.String()
}

// AnonymisedRuling is the ruling text as published: natural persons reduced to surname + 某,
// contact and identity numbers and addresses removed, companies named (DESIGN.md §5). The
// persons are the plaintiff and anyone who acted for the defendant (representatives); the
// plaintiff's known address is removed verbatim besides the address patterns.
func (s *Store) AnonymisedRuling(c *Case, r *Ruling, representatives ...string) string {
	var persons, addresses []string
	if c.PlaintiffName != "" {
		persons = append(persons, c.PlaintiffName)
	}
	for _, p := range representatives {
		if p = strings.TrimSpace(p); p != "" && p != c.DefendantName && !looksLikeOrganisation(p) {
			persons = append(persons, p)
		}
	}
	if c.PlaintiffAddress != "" {
		addresses = append(addresses, c.PlaintiffAddress)
	}
	return Anonymise(AnonymiseInput{Text: s.RulingText(c, r), Persons: persons, Addresses: addresses, Keep: []string{c.DefendantName}})
}

// organisationWords mark a name as a company's rather than a person's.
var organisationWords = []string{"公司", "集团", "企业", "中心", "研究院", "事务所", "银行", "商行", "工作室",
	"company", "co.", "ltd", "limited", "inc", "corp", "llc", "group", "gmbh"}

func looksLikeOrganisation(name string) bool {
	l := strings.ToLower(name)
	for _, w := range organisationWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// representatives are the natural persons who acted for the defendant: the account that
// claimed the served case, when it is a person's name rather than the company's.
func representatives(tx *gorm.DB, c *Case) ([]string, error) {
	if c.DefendantUserID == nil {
		return nil, nil
	}
	var names []string
	if err := tx.Model(&User{}).Where("id = ?", *c.DefendantUserID).Pluck("name", &names).Error; err != nil {
		return nil, err
	}
	return names, nil
}
