with members as (
    select * from {{ ref('dtl_crm__campaign_members') }}
),

-- docs metric_mkt_members: the members the results count; a customer listed in both groups is in neither
-- (v_mkt_campaign_results counts them in both_groups_members).
final as (
    select
        campaign_id,
        customer_id,
        segment_code,
        member_group,
        priority,
        is_converted,
        offer_product_code,
        channel,
        assigned_at,
        window_start,
        window_end,
        converted_on,
        is_pre_converted,
        is_delivered,
        is_agreed,
        is_contacted_control,
        is_known_to_billing
    from members
    where not is_in_both_groups
)

select * from final
