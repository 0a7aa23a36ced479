package cost

import (
	"fmt"

	"github.com/docmeta/docmeta/topology"
)

// edgeItems prices the CloudFront distribution, its VPC origin and its web
// ACL. CloudFront's always-free tier (1 TB out and 10 M requests a month)
// is not counted, like every other free tier in the model: the estimate is
// what the traffic would cost an account whose free tier is used up.
func edgeItems(fp topology.Footprint, w Workload, p *pricer) []LineItem {
	req, out, origin := p.get(PriceCloudFrontRequest10k), p.get(PriceCloudFrontOutGB), p.get(PriceCloudFrontOriginGB)
	vpcOrigin := p.get(PriceVPCOriginMonth)
	acl, rule, inspected := p.get(PriceWAFWebACLMonth), p.get(PriceWAFRuleMonth), p.get(PriceWAFRequestMillion)
	requests := float64(w.UploadsPerMonth + w.ReadsPerMonth)
	d := float64(fp.Distributions)
	outGB := requests * w.ResponseKiB * 1024 / 1e9
	items := []LineItem{
		{Key: ItemCloudFrontRequests, Name: "CloudFront HTTPS requests (free tier not counted)", Count: fp.Distributions, CountUnit: "distribution",
			IdleBasis: "no requests", WorkloadBasis: fmt.Sprintf("%s requests × %s/10k", num(requests*d), usd(req.USD)),
			WorkloadUSD: requests * d / 1e4 * req.USD, PriceKeys: []string{PriceCloudFrontRequest10k}},
		{Key: ItemCloudFrontOut, Name: "CloudFront data out to clients (free tier not counted)", Count: fp.Distributions, CountUnit: "distribution",
			IdleBasis: "no requests", WorkloadBasis: fmt.Sprintf("%s GB × %s/GB", num(outGB*d), usd(out.USD)),
			WorkloadUSD: outGB * d * out.USD, PriceKeys: []string{PriceCloudFrontOutGB}},
		{Key: ItemCloudFrontOrigin, Name: "CloudFront to origin (upload bodies)", Count: fp.Distributions, CountUnit: "distribution",
			IdleBasis: "no requests", WorkloadBasis: fmt.Sprintf("%s GB × %s/GB", num(w.UploadGB()*d), usd(origin.USD)),
			WorkloadUSD: w.UploadGB() * d * origin.USD, PriceKeys: []string{PriceCloudFrontOriginGB}},
		{Key: ItemVPCOrigin, Name: "CloudFront VPC origin", Count: fp.VPCOrigins, CountUnit: "VPC origin",
			IdleBasis: fmt.Sprintf("%d × %s", fp.VPCOrigins, usd(vpcOrigin.USD)), WorkloadBasis: fmt.Sprintf("%d × %s", fp.VPCOrigins, usd(vpcOrigin.USD)),
			IdleUSD: float64(fp.VPCOrigins) * vpcOrigin.USD, WorkloadUSD: float64(fp.VPCOrigins) * vpcOrigin.USD, PriceKeys: []string{PriceVPCOriginMonth}},
	}
	monthly := float64(fp.WebACLs)*acl.USD + float64(fp.WAFRules)*rule.USD
	basis := fmt.Sprintf("%d × %s + %d rules × %s", fp.WebACLs, usd(acl.USD), fp.WAFRules, usd(rule.USD))
	items = append(items, LineItem{Key: ItemWAFWebACL, Name: "WAF web ACL and rules", Count: fp.WebACLs, CountUnit: "web ACL",
		IdleBasis: basis, WorkloadBasis: basis, IdleUSD: monthly, WorkloadUSD: monthly, PriceKeys: []string{PriceWAFWebACLMonth, PriceWAFRuleMonth}})
	inspectedM := requests * float64(fp.WebACLs) / 1e6
	items = append(items, LineItem{Key: ItemWAFRequests, Name: "WAF requests inspected", Count: fp.WebACLs, CountUnit: "web ACL",
		IdleBasis: "no requests", WorkloadBasis: fmt.Sprintf("%s M × %s/M", num(inspectedM), usd(inspected.USD)),
		WorkloadUSD: inspectedM * inspected.USD, PriceKeys: []string{PriceWAFRequestMillion}})
	return items
}

// monitoringItems prices the alarms; the alarm topic and the budget are
// listed at no charge: an SNS topic costs nothing, its first 1,000 e-mail
// notifications a month are free (alarms send a handful), and a budget
// without actions is free.
func monitoringItems(fp topology.Footprint, p *pricer) []LineItem {
	alarm, budget := p.get(PriceAlarmMonth), p.get(PriceBudgetMonth)
	a := float64(fp.Alarms) * alarm.USD
	alarmBasis := fmt.Sprintf("%d × %s", fp.Alarms, usd(alarm.USD))
	b := float64(fp.Budgets) * budget.USD
	budgetBasis := fmt.Sprintf("%d × %s", fp.Budgets, usd(budget.USD))
	topicBasis := fmt.Sprintf("topic free; %d e-mail subscription(s), first 1,000 e-mails a month free", fp.EmailSubscriptions)
	return []LineItem{
		{Key: ItemAlarms, Name: "CloudWatch alarms (free 10 not counted)", Count: fp.Alarms, CountUnit: "alarm",
			IdleBasis: alarmBasis, WorkloadBasis: alarmBasis, IdleUSD: a, WorkloadUSD: a, PriceKeys: []string{PriceAlarmMonth}},
		{Key: ItemAlarmTopic, Name: "SNS alarm topic", Count: fp.AlarmTopics, CountUnit: "topic",
			IdleBasis: topicBasis, WorkloadBasis: topicBasis},
		{Key: ItemBudget, Name: "AWS Budgets cost budget", Count: fp.Budgets, CountUnit: "budget",
			IdleBasis: budgetBasis, WorkloadBasis: budgetBasis, IdleUSD: b, WorkloadUSD: b, PriceKeys: []string{PriceBudgetMonth}},
	}
}
