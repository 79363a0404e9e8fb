with results as (
    select * from {{ ref('agg_mkt__campaign_results') }}
),

final as (
    select
        campaign_id,
        segment_code,
        campaign_name,
        offer_product_code,
        channel,
        target_members,
        control_members,
        target_converted,
        control_converted,
        target_conversion_pct,
        control_conversion_pct,
        uplift_pp,
        uplift_ci_low_pp,
        uplift_ci_high_pp,
        p_value,
        did_uplift_pp,
        incremental_contracts,
        delivered,
        agreed,
        offer_tariff_code,
        target_pre_converted,
        control_pre_converted,
        target_pre_conversion_pct,
        control_pre_conversion_pct,
        cast(ifNull(p_value < {{ var('mkt_alpha') }}, false) as Bool) as is_significant,
        both_groups_members,
        contacted_control_members,
        unknown_to_billing_members
    from results
)

select * from final
