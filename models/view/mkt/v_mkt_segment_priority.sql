with priority as (
    select * from {{ ref('agg_mkt__segment_priority') }}
),

final as (
    select
        offer_product_code,
        segment_code,
        campaigns,
        members,
        uplift_pp,
        p_value,
        incremental_per_1000,
        priority_rank,
        priority_status,
        uplift_ci_low_pp,
        uplift_ci_high_pp,
        incremental_contracts
    from priority
)

select * from final
