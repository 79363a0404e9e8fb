{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(campaign_id, segment_code)',
) }}

with members as (
    select * from {{ ref('dtl_crm__campaign_members') }}
),

-- docs metric_mkt_members: a customer listed in both groups is counted only as such; the other defects stay
-- in their group and are counted beside it.
counts as (
    select
        campaign_id,
        segment_code,
        campaign_name,
        offer_product_code,
        offer_tariff_code,
        channel,
        countIf(member_group = 'target' and not is_in_both_groups) as target_members,
        countIf(member_group = 'control' and not is_in_both_groups) as control_members,
        countIf(member_group = 'target' and not is_in_both_groups and is_converted) as target_converted,
        countIf(member_group = 'control' and not is_in_both_groups and is_converted) as control_converted,
        countIf(member_group = 'target' and not is_in_both_groups and is_pre_converted) as target_pre_converted,
        countIf(member_group = 'control' and not is_in_both_groups and is_pre_converted) as control_pre_converted,
        countIf(member_group = 'target' and not is_in_both_groups and is_delivered) as delivered,
        countIf(member_group = 'target' and not is_in_both_groups and is_agreed) as agreed,
        countIf(is_in_both_groups) as both_groups_members,
        countIf(is_contacted_control and not is_in_both_groups) as contacted_control_members,
        countIf(not is_known_to_billing and not is_in_both_groups) as unknown_to_billing_members
    from members
    group by campaign_id, segment_code, campaign_name, offer_product_code, offer_tariff_code, channel
),

statistics as (
    select
        *,
        {{ pct('target_converted', 'target_members') }} as target_conversion_pct,
        {{ pct('control_converted', 'control_members') }} as control_conversion_pct,
        {{ pct('target_pre_converted', 'target_members') }} as target_pre_conversion_pct,
        {{ pct('control_pre_converted', 'control_members') }} as control_pre_conversion_pct,
        {{ mkt_uplift_pp('target_converted', 'target_members', 'control_converted', 'control_members') }}
            as uplift_pp,
        {{ mkt_uplift_variance('target_converted', 'target_members', 'control_converted', 'control_members') }}
            as uplift_variance,
        {{ mkt_pooled_variance('target_converted', 'target_members', 'control_converted', 'control_members') }}
            as null_variance,
        {{ mkt_did_uplift_pp(
            'target_converted', 'target_pre_converted', 'target_members',
            'control_converted', 'control_pre_converted', 'control_members'
        ) }} as did_uplift_pp
    from counts
),

final as (
    select
        s.campaign_id as campaign_id,
        s.segment_code as segment_code,
        s.campaign_name as campaign_name,
        s.offer_product_code as offer_product_code,
        s.offer_tariff_code as offer_tariff_code,
        s.channel as channel,
        s.target_members as target_members,
        s.control_members as control_members,
        s.target_converted as target_converted,
        s.control_converted as control_converted,
        s.target_conversion_pct as target_conversion_pct,
        s.control_conversion_pct as control_conversion_pct,
        s.uplift_pp as uplift_pp,
        {{ mkt_uplift_ci_pp('s.uplift_pp', 's.uplift_variance', -1) }} as uplift_ci_low_pp,
        {{ mkt_uplift_ci_pp('s.uplift_pp', 's.uplift_variance', 1) }} as uplift_ci_high_pp,
        {{ mkt_p_value('s.uplift_pp', 's.null_variance') }} as p_value,
        s.target_pre_converted as target_pre_converted,
        s.control_pre_converted as control_pre_converted,
        s.target_pre_conversion_pct as target_pre_conversion_pct,
        s.control_pre_conversion_pct as control_pre_conversion_pct,
        s.did_uplift_pp as did_uplift_pp,
        {{ mkt_incremental_contracts('s.uplift_pp', 's.target_members') }} as incremental_contracts,
        -- kept for the segment priority, which combines the campaigns of an offer (metric_mkt_segment_uplift)
        s.uplift_variance as uplift_variance,
        s.null_variance as null_variance,
        s.delivered as delivered,
        s.agreed as agreed,
        s.both_groups_members as both_groups_members,
        s.contacted_control_members as contacted_control_members,
        s.unknown_to_billing_members as unknown_to_billing_members
    from statistics as s
)

select * from final
