with churn as (
    select * from {{ ref('agg_saas__churn_monthly') }}
),

subscriptions as (
    select * from {{ ref('dtl_saas__subscriptions') }}
),

-- The as-of date (docs metric_saas_as_of), as the detail models measured up to it.
as_of as (
    select any(as_of_date) as as_of_date from subscriptions
),

-- Every segment of a month: the counts and the MRR bridge add up, and the rates are computed again from the
-- sums by the metric macros (a rate of rates would weigh a small segment like a large one).
totals as (
    select
        report_month,
        {{ saas_churn_count_sums() }}
    from churn
    group by report_month
),

with_rates as (
    select
        totals.report_month as report_month,
        -- docs metric_saas_complete_month: the data reach the month's last day
        cast(addMonths(totals.report_month, 1) - 1 <= as_of.as_of_date as Bool) as is_complete_month,
        totals.active_start as active_start,
        totals.new as new,
        totals.reactivated as reactivated,
        totals.churned as churned,
        totals.active_end as active_end,
        totals.mrr_start as mrr_start,
        totals.new_mrr as new_mrr,
        totals.expansion_mrr as expansion_mrr,
        totals.contraction_mrr as contraction_mrr,
        totals.churned_mrr as churned_mrr,
        totals.reactivation_mrr as reactivation_mrr,
        totals.mrr_end as mrr_end,
        {{ saas_churn_rates() }}
    from totals
    cross join as_of
),

final as (
    select
        report_month,
        is_complete_month,
        active_start,
        new,
        reactivated,
        churned,
        active_end,
        logo_churn_pct,
        mrr_start,
        new_mrr,
        expansion_mrr,
        contraction_mrr,
        churned_mrr,
        reactivation_mrr,
        mrr_end,
        gross_mrr_churn_pct,
        net_mrr_churn_pct
    from with_rates
)

select * from final
