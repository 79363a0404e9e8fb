with funnel as (
    select * from {{ ref('agg_crm__appeal_funnel_monthly') }}
),

final as (
    select
        report_month,
        territory_code,
        product_code,
        service_code,
        active_subscribers,
        appealing_customers,
        appeals,
        appeals_per_1000_subscribers,
        handled,
        resolved,
        resolved_first_contact,
        fcr_pct,
        repeat_appeals,
        repeat_rate_pct
    from funnel
)

select * from final
