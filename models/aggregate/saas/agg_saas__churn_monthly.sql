{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(report_month)',
) }}

with company_months as (
    select * from {{ ref('dtl_saas__company_months') }}
),

companies as (
    select * from {{ ref('dtl_saas__companies') }}
),

-- Each company-month's contribution to the month's logo and MRR bridge (docs metric_saas_movement); a churn
-- row carries the tariff of the company's last active month, so it lands in that month's segment.
contributions as (
    select
        company_months.report_month as report_month,
        companies.industry as industry,
        companies.size_bucket as size_bucket,
        company_months.tariff_group as tariff_group,
        company_months.movement as movement,
        company_months.is_active as is_active,
        company_months.mrr as mrr,
        company_months.previous_mrr as previous_mrr,
        company_months.movement in ('churn', 'expansion', 'contraction', 'retained') as was_active
    from company_months
    left join companies on company_months.company_id = companies.company_id
),

segments as (
    select
        report_month,
        industry,
        size_bucket,
        tariff_group,
        countIf(was_active) as active_start,
        countIf(movement = 'new') as new,
        countIf(movement = 'reactivation') as reactivated,
        countIf(movement = 'churn') as churned,
        countIf(is_active) as active_end,
        sumIf(previous_mrr, was_active) as mrr_start,
        sumIf(mrr, movement = 'new') as new_mrr,
        sumIf(mrr - previous_mrr, movement = 'expansion') as expansion_mrr,
        sumIf(previous_mrr - mrr, movement = 'contraction') as contraction_mrr,
        sumIf(previous_mrr, movement = 'churn') as churned_mrr,
        sumIf(mrr, movement = 'reactivation') as reactivation_mrr,
        sumIf(mrr, is_active) as mrr_end
    from contributions
    group by report_month, industry, size_bucket, tariff_group
),

final as (
    select
        report_month,
        industry,
        size_bucket,
        tariff_group,
        active_start,
        new,
        reactivated,
        churned,
        active_end,
        mrr_start,
        new_mrr,
        expansion_mrr,
        contraction_mrr,
        churned_mrr,
        reactivation_mrr,
        mrr_end,
        {{ saas_churn_rates() }}
    from segments
)

select * from final
