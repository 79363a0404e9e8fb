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

team_rows as (
    select
        report_month,
        team,
        service_code,
        territory_code,
        macro_region_code,
        {{ scorecard_part_sums(scorecard_parts('operator')) }}
    from operator_rows
    group by report_month, team, service_code, territory_code, macro_region_code
),

-- Service × territory: its teams' operator-side sums and its queues' counts, on one row shape.
service_territory_facts as (
    select
        report_month,
        service_code,
        territory_code,
        {{ scorecard_parts_or_zero(scorecard_parts('operator')) }}
    from team_rows
    union all
    select
        report_month,
        service_code,
        territory_code,
        {{ scorecard_parts_or_zero(scorecard_parts('queue')) }}
    from service_monthly
),

service_territory_rows as (
    select
        f.report_month as report_month,
        f.service_code as service_code,
        f.territory_code as territory_code,
        any(t.macro_region_code) as macro_region_code,
        {{ scorecard_part_sums(scorecard_parts(none), 'f.') }}
    from service_territory_facts as f
    left join territories as t on f.territory_code = t.territory_code
    group by f.report_month, f.service_code, f.territory_code
),

territory_rows as (
    select
        report_month,
        territory_code,
        macro_region_code,
        {{ scorecard_part_sums(scorecard_parts(none)) }}
    from service_territory_rows
    group by report_month, territory_code, macro_region_code
),

macro_region_rows as (
    select
        report_month,
        macro_region_code,
        {{ scorecard_part_sums(scorecard_parts(none)) }}
    from territory_rows
    group by report_month, macro_region_code
),

center_rows as (
    select
        report_month,
        {{ scorecard_part_sums(scorecard_parts(none)) }}
    from macro_region_rows
    group by report_month
),

-- The levels, lowest first: member, parent (the member of the next level up) and the target row's key.
-- Levels below service × territory own no queue: their queue parts are NULL.
levels as (
    {{ scorecard_level_selects() }}
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
