with churn as (
    select * from {{ ref('agg_saas__churn_monthly') }}
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
    from churn
)

select * from final
