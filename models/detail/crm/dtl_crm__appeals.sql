{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='appeal_id',
    delete_bound={'column': 'report_date'},
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, territory_code, service_code, appeal_id)',
    indexes=[minmax_index('appeal_id')],
    ttl='report_date + toIntervalYear(3)',
) }}

{#- FCR looks fcr_window_days ahead and repeats look as far back: one window, in days, with a day to spare. -#}
{%- set window_days = var('fcr_window_days') ~ " + 1" -%}
{%- set window_seconds = var('fcr_window_days') ~ " * 86400" -%}
{#- an appeal's (customer, category) pair as one number -#}
{%- set pair = "cityHash64(ifNull(customer_id, ''), ifNull(category, ''))" -%}

with appeals as (
    select * from {{ ref('stg_crm__appeals') }}
),

-- read only by an incremental run, to find the appeals it rebuilds
appeal_deliveries as (  -- noqa: ST03
    select * from {{ ref('stg_crm__appeal_deliveries') }}
),

contacts as (
    select * from {{ ref('dtl_cms__contacts') }}
),

territories as (
    select * from {{ ref('dim_territories') }}
),

{% if is_incremental() -%}
    built_appeals as (  -- noqa: ST03
        select * from {{ this }}
    ),

    -- the contacts this build rewrote, and what a call appeal naming one is now matched to (no row: not
    -- handled); the same rule as handled_contacts below
    rewritten_contacts as (  -- noqa: ST03
        select
            session_id,
            report_date,
            toString(session_id) as contact_ref
        from contacts
        where build_id = {{ build_id() }}
    ),

    rewritten_matches as (  -- noqa: ST03
        select
            toString(session_id) as contact_ref,
            min(report_date) as contact_report_date,
            any(service_code) as contact_service_code
        from contacts
        where
            outcome = 'handled'
            and session_id in (select rewritten.session_id from rewritten_contacts as rewritten)
        group by contact_ref
    ),

    -- The built call appeals whose rewritten contact now gives another match: handled or not, its date or
    -- its service changed. Each appeal is registered during its call, so its local date is not before the
    -- day before its contact's: that bound keeps the search in the table's newest days.
    rematched_appeals as (  -- noqa: ST03
        select
            built.customer_id as customer_id,
            built.category as category,
            built.created_at as created_at
        from built_appeals as built
        left join rewritten_matches as now on built.contact_ref = now.contact_ref
        where
            built.channel = 'call'
            and built.report_date >= (select minOrNull(rewritten.report_date) - 2 from rewritten_contacts as rewritten)
            and built.contact_ref in (select rewritten.contact_ref from rewritten_contacts as rewritten)
            and (
                built.is_matched_to_handled_contact != (now.contact_ref is not null)
                or built.reconciliation_date != ifNull(now.contact_report_date, built.report_date)
                or built.reconciliation_service_code != ifNull(now.contact_service_code, built.service_code)
            )
    ),

    -- What an incremental run starts from: every appeal delivered since the newest delivery it built (a
    -- new one, a late one, a new version of an old one), each version of it (one that moved to another
    -- customer or category changes both pairs), and the rematched ones; per (customer, category) pair,
    -- the earliest of them.
    seed_pairs as (  -- noqa: ST03
        select
            {{ pair }} as pair,
            min(created_at) as first_seed
        from (
            select
                delivered.customer_id,
                delivered.category,
                delivered.created_at
            from appeal_deliveries as delivered
            where
                delivered.appeal_id in (
                    select redelivered.appeal_id from appeal_deliveries as redelivered
                    where {{ rebuild_window('redelivered.loaded_at', built_column='loaded_at', newer_only=true) }}
                )
            union all
            select
                rematched.customer_id,
                rematched.category,
                rematched.created_at
            from rematched_appeals as rematched
        )
        group by pair
    ),
{%- endif %}

{#- An appeal's flags follow from the appeals of its customer in its category within a window either side,
    and from its contact. So an incremental run rebuilds each seed pair's appeals created from one window
    before its earliest seed on (a new appeal takes away the FCR of one up to a window earlier), and
    compares them with the pairs' appeals from one window more (their repeat flags look that far back).
    Every other appeal keeps its flags: no appeal of its pair arrived within a window after it, and its
    contact gives the same match. The pairs are compared by a hash, NULL as '': a collision or a NULL only
    adds pairs, each rebuilt whole the same way. -#}
{#- The seed pairs as one scalar, (pairs, first seeds): ClickHouse computes a scalar subquery once per
    query, where each reference to the CTE would compute the seeds again. -#}
{%- set seeds = "(select tuple(groupArray(seed.pair), groupArray(seed.first_seed)) from seed_pairs as seed)" %}
{%- set rebuilt_from = "arrayMin(tupleElement(" ~ seeds ~ ", 2)) - toIntervalDay(" ~ window_days ~ ")" %}
{%- set compared = (
    pair ~ " in (select arrayJoin(tupleElement(" ~ seeds ~ ", 1)))"
    ~ " and created_at >= " ~ rebuilt_from ~ " - toIntervalDay(" ~ window_days ~ ")"
) if is_incremental() else 'true' %}

-- the appeals an incremental run compares, found among the deliveries and read through their keys
appeals_in_window as (
    {{ where_through_keys(
        'appeals', ['appeal_id'], compared,
        deliveries='appeal_deliveries',
    ) }}
),

customer_history as (
    select
        *,
        {{ pair }} as pair,
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
                    and named.created_at >= {{ rebuilt_from }}
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
        a.loaded_at as loaded_at,
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
    {%- if is_incremental() %}
        where
            a.created_at >= transform(
                a.pair, tupleElement({{ seeds }}, 1), tupleElement({{ seeds }}, 2), toDateTime(0, 'UTC')
            ) - toIntervalDay({{ window_days }})
    {%- endif %}
)

select
    *,
    {{ build_id() }} as build_id
from final
