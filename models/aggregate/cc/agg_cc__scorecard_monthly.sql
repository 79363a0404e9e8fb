{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    engine='MergeTree()',
    partition_by='toYYYYMM(report_month)',
    order_by='(report_month, level_order, member)',
    ttl='report_month + toIntervalYear(3)',
) }}

{#- agg_cc__service_monthly's months are those of the contacts it counts; an aggregate carries no build_id. -#}
{%- set written = [
    [ref('dtl_wfm__operator_days'), 'report_date'],
    [ref('dtl_crm__appeals'), 'report_date'],
    [ref('dtl_cms__chats'), 'report_date'],
    [ref('dtl_cms__contacts'), 'report_date'],
] %}

with operator_days as (
    select * from {{ ref('dtl_wfm__operator_days') }}
    where {{ rebuilt_months('report_date', written) }}
),

appeals as (
    select * from {{ ref('dtl_crm__appeals') }}
    where {{ rebuilt_months('report_date', written) }}
),

chats as (
    select * from {{ ref('dtl_cms__chats') }}
    where {{ rebuilt_months('report_date', written) }}
),

service_monthly as (
    select * from {{ ref('agg_cc__service_monthly') }}
    where {{ rebuilt_months('report_month', written) }}
),

territories as (
    select * from {{ ref('dim_territories') }}
),

targets as (
    select * from {{ ref('dim_scorecard_targets') }}
),

-- The operator's days with a known assignment: the scorecard's hierarchy starts at the team.
days_with_team as (
    select * from operator_days
    where team is not null
),

assigned_days as (
    select
        report_date,
        operator_login,
        service_code,
        territory_code,
        toStartOfMonth(report_date) as report_month,
        assumeNotNull(team) as team,
        toUInt64(handled) as handled,
        toInt64(handle_time_sec) as handle_time_sec,
        toInt64(talk_sec + hold_sec + work_sec) as busy_sec,
        toInt64(scheduled_sec) as scheduled_sec
    from days_with_team
),

-- An operator's team for a month's events dated before the first day the operator worked that month.
first_teams as (
    select
        report_month,
        operator_login,
        argMin(team, report_date) as first_team
    from assigned_days
    group by report_month, operator_login
),

-- A team's service and territory in a month (a team serves one queue; the latest day decides).
team_places as (
    select
        d.report_month as report_month,
        d.team as team,
        argMax(d.service_code, d.report_date) as service_code,
        argMax(d.territory_code, d.report_date) as territory_code,
        any(t.macro_region_code) as macro_region_code
    from assigned_days as d
    left join territories as t on d.territory_code = t.territory_code
    group by d.report_month, d.team
),

-- Resolved appeals registered by an operator, each under the operator's team on the appeal's date: the
-- team of the operator's latest day on or before it in the month, else the month's first team.
appeal_facts as (
    select
        a.report_month as report_month,
        a.operator_login as operator_login,
        if(d.team is null, f.first_team, d.team) as attributed_team,
        toUInt64(count()) as resolved,
        toUInt64(countIf(a.is_resolved_first_contact)) as resolved_first_contact
    from appeals as a
    asof left join assigned_days as d
        on
            a.operator_login = d.operator_login
            and a.report_month = d.report_month
            and a.report_date >= d.report_date
    left join first_teams as f
        on a.operator_login = f.operator_login and a.report_month = f.report_month
    where a.operator_login is not null and a.is_resolved
    group by report_month, operator_login, attributed_team
),

-- Rated chats served by an operator, under the operator's team on the chat's date, as appeals are.
chat_facts as (
    select
        c.operator_login as operator_login,
        toStartOfMonth(c.report_date) as report_month,
        if(d.team is null, f.first_team, d.team) as attributed_team,
        toUInt64(sum(coalesce(c.csat, 0))) as csat_sum,
        toUInt64(count()) as csat_count
    from chats as c
    asof left join assigned_days as d
        on
            c.operator_login = d.operator_login
            and toStartOfMonth(c.report_date) = d.report_month
            and c.report_date >= d.report_date
    left join first_teams as f
        on c.operator_login = f.operator_login and toStartOfMonth(c.report_date) = f.report_month
    where c.operator_login is not null and c.csat is not null
    group by report_month, operator_login, attributed_team
),

-- Every operator-side fact on one row shape; events of an operator with no day in the month have no team.
operator_facts as (
    select
        report_month,
        operator_login,
        team,
        {{ scorecard_parts_or_zero(['handled', 'handle_time_sec', 'busy_sec', 'scheduled_sec'], 'operator') }}
    from assigned_days
    union all
    select
        report_month,
        assumeNotNull(operator_login) as operator_login,
        assumeNotNull(attributed_team) as team,
        {{ scorecard_parts_or_zero(['resolved', 'resolved_first_contact'], 'operator') }}
    from appeal_facts
    where attributed_team is not null
    union all
    select
        report_month,
        assumeNotNull(operator_login) as operator_login,
        assumeNotNull(attributed_team) as team,
        {{ scorecard_parts_or_zero(['csat_sum', 'csat_count'], 'operator') }}
    from chat_facts
    where attributed_team is not null
),

operator_rows as (
    select
        f.report_month as report_month,
        f.operator_login as operator_login,
        f.team as team,
        any(p.service_code) as service_code,
        any(p.territory_code) as territory_code,
        any(p.macro_region_code) as macro_region_code,
        {{ scorecard_part_sums(scorecard_parts('operator'), 'f.') }}
    from operator_facts as f
    left join team_places as p on f.report_month = p.report_month and f.team = p.team
    group by f.report_month, f.operator_login, f.team
),

-- Every fact once for each level it counts at: an operator row at every level, a queue count (service ×
-- territory, the lowest level owning queues) from there up. Above the team, the macro-region is the
-- territory's in the dictionary; an operator row keeps its team's for the two levels below.
facts as (
    select
        report_month,
        operator_login,
        team,
        service_code,
        territory_code,
        macro_region_code as team_macro_region_code,
        true as is_operator_side,
        {{ scorecard_parts_or_zero(scorecard_parts('operator')) }}
    from operator_rows
    union all
    select
        report_month,
        null as operator_login,
        null as team,
        service_code,
        territory_code,
        null as team_macro_region_code,
        false as is_operator_side,
        {{ scorecard_parts_or_zero(scorecard_parts('queue')) }}
    from service_monthly
),

placed_facts as (
    select
        f.*,
        t.macro_region_code as macro_region_code
    from facts as f
    left join territories as t on f.territory_code = t.territory_code
),

level_facts as (
    select
        *,
        arrayJoin(
            if(is_operator_side, {{ scorecard_level_orders() }}, {{ scorecard_level_orders(queues=true) }})
        ) as level_order,
        {{ scorecard_level_columns() }}
    from placed_facts
),

-- The levels, lowest first: member, parent (the member of the next level up) and the target row's key,
-- with the parts summed in one pass. Levels below service × territory own no queue: their queue parts are
-- NULL.
levels as (
    {{ scorecard_level_sums('level_facts') }}
),

-- One row per service key ('*' included): each component's floor, target and weight.
service_targets as (
    select
        service_code as target_key,
        {{ scorecard_target_columns() }}
    from targets
    group by service_code
),

valued as (
    select
        *,
        '*' as default_service_code,
        {{ handled_per_hour('handled', 'scheduled_sec') }} as handled_per_hour,
        {{ safe_mean('handle_time_sec', 'handled') }} as aht_sec,
        {{ pct('resolved_first_contact', 'resolved') }} as fcr_pct,
        {{ pct('busy_sec', 'scheduled_sec') }} as occupancy_pct,
        {{ cc_service_level_pct() }} as service_level_pct,
        {{ safe_mean('csat_sum', 'csat_count') }} as csat_avg
    from levels
),

-- The level's targets: its service's row per component, else the component's default row.
targeted as (
    select
        v.*,
        {{ scorecard_target_columns('own', 'fallback') }}
    from valued as v
    left join service_targets as own on v.target_service_code = own.target_key
    left join service_targets as fallback on v.default_service_code = fallback.target_key
),

scored as (
    select
        *,
        {{ scorecard_score_columns() }}
    from targeted
),

final as (
    select
        report_month,
        cast(level as LowCardinality(String)) as level,
        toUInt8(level_order) as level_order,
        cast(member as String) as member,
        cast(parent as Nullable(String)) as parent,
        cast(service_code as LowCardinality(Nullable(String))) as service_code,
        cast(territory_code as LowCardinality(Nullable(String))) as territory_code,
        cast(macro_region_code as LowCardinality(Nullable(String))) as macro_region_code,
        {{ scorecard_parts(none) | join(',\n        ') }},
        {{ scorecard_components() | map(attribute='value') | join(',\n        ') }},
        {{ scorecard_components() | map(attribute='score') | join(',\n        ') }},
        {{ scorecard_integral_score(scorecard_components()) }} as integral_score
    from scored
)

select * from final
