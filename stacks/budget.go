package stacks

import (
	"fmt"
	"math"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/budgetsbudget"
	"github.com/docmeta/docmeta/ops/cost"
	"github.com/docmeta/docmeta/topology"
)

// Budget notification thresholds, in percent of the budget.
const (
	BudgetForecastPercent = 80
	BudgetActualPercent   = 100
)

// BudgetAmountUSD is the monthly budget of a configuration: the setting
// when given, else the cost model's workload projection (shipped prices of
// the region) plus the margin, rounded up to whole dollars.
func BudgetAmountUSD(cfg topology.Config) (int, error) {
	if cfg.BudgetMonthlyUSD > 0 {
		return cfg.BudgetMonthlyUSD, nil
	}
	prices, err := cost.ShippedTable(cfg.Region)
	if err != nil {
		return 0, fmt.Errorf("%s: the budget is the cost model's projection, which has no prices for %s: set %s to a monthly amount in USD (%w)",
			cfg.StackName(), cfg.Region, topology.EnvName(cfg.Profile, topology.KeyBudgetMonthlyUSD), err)
	}
	est, err := cost.EstimateFootprint(cfg.Footprint(), cfg.StackName(), prices, cost.DefaultWorkload())
	if err != nil {
		return 0, fmt.Errorf("%s: budget from the cost model: %w", cfg.StackName(), err)
	}
	return int(math.Ceil(est.WorkloadTotalUSD * float64(100+cfg.BudgetMarginPercent) / 100)), nil
}

// BudgetProps are the inputs of the cost budget.
type BudgetProps struct {
	Name      string
	AmountUSD int
	// StackTag is the value of the provider's default "Stack" tag: the
	// budget counts only costs tagged with it (once "Stack" is activated as
	// a cost allocation tag, see docs/DEPLOY.md).
	StackTag string
	TopicARN string
}

// NewBudget creates the monthly cost budget notifying the alarm topic at
// 80% of the forecast and 100% of the actual spend.
func NewBudget(scope constructs.Construct, id string, p BudgetProps) budgetsbudget.BudgetsBudget {
	c := constructs.NewConstruct(scope, str(id))
	notify := func(kind string, percent int) *budgetsbudget.BudgetsBudgetNotification {
		return &budgetsbudget.BudgetsBudgetNotification{
			NotificationType: str(kind), ComparisonOperator: str("GREATER_THAN"),
			Threshold: num(percent), ThresholdType: str("PERCENTAGE"), SubscriberSnsTopicArns: strs(p.TopicARN),
		}
	}
	return pin(budgetsbudget.NewBudgetsBudget(c, str("budget"), &budgetsbudget.BudgetsBudgetConfig{
		Name: str(p.Name + "-monthly"), BudgetType: str("COST"), TimeUnit: str("MONTHLY"),
		LimitAmount: str(fmt.Sprintf("%d.0", p.AmountUSD)), LimitUnit: str("USD"),
		CostFilter: &[]*budgetsbudget.BudgetsBudgetCostFilter{{
			Name: str("TagKeyValue"), Values: strs("user:Stack$" + p.StackTag),
		}},
		Notification: &[]*budgetsbudget.BudgetsBudgetNotification{
			notify("FORECASTED", BudgetForecastPercent), notify("ACTUAL", BudgetActualPercent),
		},
		Tags: nameTag(p.Name + "-monthly"),
	}), "budget")
}
