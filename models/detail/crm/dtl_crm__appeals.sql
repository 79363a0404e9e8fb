{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='appeal_id',
    delete_bound={'column': 'report_date'},
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, territory_code, service_code, appeal_id)',
    ttl='report_date + toIntervalYear(3)',
) }}

{#- FCR looks fcr_window_days ahead and repeats look as far back, so an incremental run rebuilds at least
    that far back, and reads one window more of history for the comparisons. -#}
{%- set rebuild_days = "greatest(" ~ var('lookback_days') ~ ", " ~ var('fcr_window_days') ~ " + 1)" -%}
{%- set history_days = var('fcr_window_days') ~ " + 1" -%}
{%- set window_seconds = var('fcr_window_days') ~ " * 86400" -%}

with appeals as (
    select * from {{ ref('stg_crm__appeals') }}
),

-- read only by an incremental run, to find the appeals of its window
appeal_deliveries as (  -- noqa: ST03
    select * from {{ ref('stg_crm__appeal_deliveries') }}
),

contacts as (
    select * from {{ ref('dtl_cms__contacts') }}
),

territories as (
    select * from {{ ref('dim_territories') }}
),

-- The appeals an incremental run compares: the rebuilt ones and one FCR window of history before them,
-- found among the deliveries and read through their keys.
{%- set compared = rebuild_window('created_at', lookback_days=rebuild_days, margin_days=history_days) %}
appeals_in_window as (
    {{ where_through_keys(
        'appeals', ['appeal_id'], compared,
        deliveries='appeal_deliveries',
    ) }}
),

customer_history as (
    select
        *,
        -- the customer's next appeal in the same category, and the last resolved one before this appeal
        -- (toNullable: over an empty frame ClickHouse gives the type's default, 1970-01-01, not NULL)
        any(toNullable(created_at)) over (
            partition by customer_id, category order by created_at, appeal_id
            rows between 1 following and 1 following
        ) as next_created_at,
        max(if(is_resolved, created_at, null)) over (
            partition by customer_id, category order by created_at, appeal_id
            rows between unbounded preceding and 1 preceding
        ) as previous_resolved_at
    from appeals_in_window
),

-- A call appeal names its call by the Cisco sessionID; only a handled contact counts as a match.
handled_contacts as (
    select
        toString(session_id) as contact_ref,
        min(report_date) as contact_report_date,
        any(service_code) as contact_service_code
    from contacts
    where
        outcome = 'handled'
        {% if is_incremental() %}
            -- only the contacts the rebuilt appeals can name: the join's right side stays small
            and session_id in (
                select toInt64OrNull(named.contact_ref) from appeals_in_window as named
                where
                    named.channel = 'call'
                    and {{ rebuild_window('named.created_at', lookback_days=rebuild_days) }}
            )
        {% endif %}
    group by contact_ref
),

final as (
    select
        a.appeal_id as appeal_id,
        a.created_at as created_at,
        a.created_at + toIntervalHour(coalesce(t.utc_offset_hours, 3)) as created_at_local,
        toDate(created_at_local) as report_date,
        toStartOfMonth(report_date) as report_month,
        a.channel as channel,
        a.contact_ref as contact_ref,
        a.customer_id as customer_id,
        a.account_id as account_id,
        a.territory_code as territory_code,
        a.product_code as product_code,
        a.service_code as service_code,
        a.category as category,
        a.subcategory as subcategory,
        a.status as status,
        a.is_resolved as is_resolved,
        a.resolved_at as resolved_at,
        a.operator_login as operator_login,
        cast(a.channel = 'call' and h.contact_ref is not null as Bool) as is_matched_to_handled_contact,
        -- the CRM registers a chat appeal only for a chat an operator served
        cast(is_matched_to_handled_contact or a.channel = 'chat' as Bool) as rests_on_handled_contact,
        -- reconciliation placement: the CMS side wins for a matched call appeal
        cast(if(is_matched_to_handled_contact, h.contact_report_date, report_date) as Date) as reconciliation_date,
        cast(
            if(is_matched_to_handled_contact, h.contact_service_code, a.service_code) as LowCardinality(String)
        ) as reconciliation_service_code,
        cast(
            a.is_resolved
            and (
                a.next_created_at is null
                or dateDiff('second', a.created_at, a.next_created_at) > ({{ window_seconds }})
            ) as Bool
        ) as is_resolved_first_contact,
        cast(
            a.previous_resolved_at is not null
            and dateDiff('second', a.previous_resolved_at, a.created_at) <= ({{ window_seconds }}) as Bool
        ) as is_repeat
    from customer_history as a
    left join territories as t on a.territory_code = t.territory_code
    left join handled_contacts as h on a.channel = 'call' and a.contact_ref = h.contact_ref
    where {{ rebuild_window('a.created_at', lookback_days=rebuild_days) }}
)

select
    *,
    {{ build_id() }} as build_id
from final
