{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    engine='MergeTree()',
    partition_by='toYYYYMM(report_month)',
    order_by='(report_month, territory_code, product_code, service_code)',
    ttl='report_month + toIntervalYear(3)',
) }}

{#- dtl_brm__subscriber_months rewrites an account's every month and deletes the months it no longer has, so
    any row it wrote makes every month a candidate. -#}
{%- set written = [
    [ref('dtl_crm__appeals'), 'report_date'],
    [ref('dtl_brm__subscriber_months'), none],
] %}

with appeals as (
    select * from {{ ref('dtl_crm__appeals') }}
    where {{ rebuilt_months('report_date', written) }}
),

subscriber_months as (
    select * from {{ ref('dtl_brm__subscriber_months') }}
    where {{ rebuilt_months('report_month', written) }}
),

appeal_counts as (
    select
        report_month,
        territory_code,
        product_code,
        service_code,
        uniqExact(customer_id) as appealing_customers,
        count() as appeals,
        countIf(rests_on_handled_contact) as handled,
        countIf(is_resolved) as resolved,
        countIf(is_resolved_first_contact) as resolved_first_contact,
        countIf(is_repeat) as repeat_appeals
    from appeals
    group by report_month, territory_code, product_code, service_code
),

-- The subscriber base belongs to territory × product; it repeats on every service row of the pair.
active_base as (
    select
        report_month,
        territory_code,
        product_code,
        count() as active_subscribers
    from subscriber_months
    group by report_month, territory_code, product_code
),

final as (
    select
        appeal_counts.report_month as report_month,
        appeal_counts.territory_code as territory_code,
        appeal_counts.product_code as product_code,
        appeal_counts.service_code as service_code,
        cast(coalesce(active_base.active_subscribers, 0) as UInt64) as active_subscribers,
        appeal_counts.appealing_customers as appealing_customers,
        appeal_counts.appeals as appeals,
        {{ per_thousand('appeal_counts.appeals', 'active_subscribers') }} as appeals_per_1000_subscribers,
        appeal_counts.handled as handled,
        appeal_counts.resolved as resolved,
        appeal_counts.resolved_first_contact as resolved_first_contact,
        {{ pct('appeal_counts.resolved_first_contact', 'appeal_counts.resolved') }} as fcr_pct,
        appeal_counts.repeat_appeals as repeat_appeals,
        {{ pct('appeal_counts.repeat_appeals', 'appeal_counts.appeals') }} as repeat_rate_pct
    from appeal_counts
    left join active_base
        on
            appeal_counts.report_month = active_base.report_month
            and appeal_counts.territory_code = active_base.territory_code
            and appeal_counts.product_code = active_base.product_code
)

select * from final
