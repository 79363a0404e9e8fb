with retention as (
    select * from {{ ref('agg_saas__cohort_retention') }}
),

final as (
    select
        cohort_month,
        months_since_start,
        cohort_size,
        active,
        retention_pct
    from retention
)

select * from final
