{{ config(
    materialized='table',
    engine='MergeTree()',
    partition_by='toYear(report_month)',
    order_by='(report_month, level_order, member)',
) }}

{%- set components = scorecard_components() -%}
{#- The additive parts of the components: operator-side (every level) and queue-side (levels with queues). -#}
{%- set operator_sums = [
    'handled', 'handle_time_sec', 'busy_sec', 'scheduled_sec',
    'resolved', 'resolved_first_contact', 'csat_sum', 'csat_count',
] -%}
{%- set queue_sums = ['offered', 'short_abandoned', 'handled_within_sl'] -%}

with operator_days as (
    select * from {{ ref('dtl_wfm__operator_days') }}
),

appeals as (
    select * from {{ ref('dtl_crm__appeals') }}
),

chats as (
    select * from {{ ref('dtl_cms__chats') }}
),

service_monthly as (
    select * from {{ ref('agg_cc__service_monthly') }}
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
        toStartOfMonth(report_date) as report_month,
        report_date,
        operator_login,
        assumeNotNull(team) as team,
        service_code,
        territory_code,
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
        toStartOfMonth(c.report_date) as report_month,
        c.operator_login as operator_login,
        if(d.team is null, f.first_team, d.team) as attributed_team,
        toUInt64(sum(c.csat)) as csat_sum,
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
        handled,
        handle_time_sec,
        busy_sec,
        scheduled_sec,
        toUInt64(0) as resolved,
        toUInt64(0) as resolved_first_contact,
        toUInt64(0) as csat_sum,
        toUInt64(0) as csat_count
    from assigned_days
    union all
    select
        report_month,
        assumeNotNull(operator_login) as operator_login,
        assumeNotNull(attributed_team) as team,
        toUInt64(0) as handled,
        toInt64(0) as handle_time_sec,
        toInt64(0) as busy_sec,
        toInt64(0) as scheduled_sec,
        resolved,
        resolved_first_contact,
        toUInt64(0) as csat_sum,
        toUInt64(0) as csat_count
    from appeal_facts
    where attributed_team is not null
    union all
    select
        report_month,
        assumeNotNull(operator_login) as operator_login,
        assumeNotNull(attributed_team) as team,
        toUInt64(0) as handled,
        toInt64(0) as handle_time_sec,
        toInt64(0) as busy_sec,
        toInt64(0) as scheduled_sec,
        toUInt64(0) as resolved,
        toUInt64(0) as resolved_first_contact,
        csat_sum,
        csat_count
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
        {%- for column in operator_sums %}
            sum(f.{{ column }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
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
        {%- for column in operator_sums %}
            sum({{ column }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from operator_rows
    group by report_month, team, service_code, territory_code, macro_region_code
),

-- Service × territory: its teams' operator-side sums and its queues' counts, on one row shape.
service_territory_facts as (
    select
        report_month,
        service_code,
        territory_code,
        {%- for column in operator_sums %}
            {{ column }},
        {%- endfor %}
        {%- for column in queue_sums %}
            toUInt64(0) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from team_rows
    union all
    select
        report_month,
        service_code,
        territory_code,
        {%- for column in operator_sums %}
            {{ '0' if column not in ['handle_time_sec', 'busy_sec', 'scheduled_sec'] else 'toInt64(0)' }}
            as {{ column }},
        {%- endfor %}
        {%- for column in queue_sums %}
            toUInt64({{ column }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from service_monthly
),

service_territory_rows as (
    select
        f.report_month as report_month,
        f.service_code as service_code,
        f.territory_code as territory_code,
        any(t.macro_region_code) as macro_region_code,
        {%- for column in operator_sums + queue_sums %}
            sum(f.{{ column }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from service_territory_facts as f
    left join territories as t on f.territory_code = t.territory_code
    group by f.report_month, f.service_code, f.territory_code
),

territory_rows as (
    select
        report_month,
        territory_code,
        macro_region_code,
        {%- for column in operator_sums + queue_sums %}
            sum({{ column }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from service_territory_rows
    group by report_month, territory_code, macro_region_code
),

macro_region_rows as (
    select
        report_month,
        macro_region_code,
        {%- for column in operator_sums + queue_sums %}
            sum({{ column }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from territory_rows
    group by report_month, macro_region_code
),

center_rows as (
    select
        report_month,
        {%- for column in operator_sums + queue_sums %}
            sum({{ column }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from macro_region_rows
    group by report_month
),

-- The levels, lowest first: member, parent (the member of the next level up) and the target row's key.
levels as (
    select
        report_month,
        'operator' as level,
        1 as level_order,
        operator_login as member,
        team as parent,
        service_code,
        territory_code,
        macro_region_code,
        service_code as target_service_code,
        {%- for column in operator_sums %}
            {{ column }},
        {%- endfor %}
        {%- for column in queue_sums %}
            cast(null as Nullable(UInt64)) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from operator_rows
    union all
    select
        report_month,
        'team' as level,
        2 as level_order,
        team as member,
        concat(service_code, '/', territory_code) as parent,
        service_code,
        territory_code,
        macro_region_code,
        service_code as target_service_code,
        {%- for column in operator_sums %}
            {{ column }},
        {%- endfor %}
        {%- for column in queue_sums %}
            cast(null as Nullable(UInt64)) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from team_rows
    union all
    select
        report_month,
        'service_territory' as level,
        3 as level_order,
        concat(service_code, '/', territory_code) as member,
        territory_code as parent,
        service_code,
        territory_code,
        macro_region_code,
        service_code as target_service_code,
        {%- for column in operator_sums + queue_sums %}
            {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from service_territory_rows
    union all
    select
        report_month,
        'territory' as level,
        4 as level_order,
        territory_code as member,
        macro_region_code as parent,
        null as service_code,
        territory_code,
        macro_region_code,
        '*' as target_service_code,
        {%- for column in operator_sums + queue_sums %}
            {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from territory_rows
    union all
    select
        report_month,
        'macro_region' as level,
        5 as level_order,
        macro_region_code as member,
        'center' as parent,
        null as service_code,
        null as territory_code,
        macro_region_code,
        '*' as target_service_code,
        {%- for column in operator_sums + queue_sums %}
            {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from macro_region_rows
    union all
    select
        report_month,
        'center' as level,
        6 as level_order,
        'center' as member,
        null as parent,
        null as service_code,
        null as territory_code,
        null as macro_region_code,
        '*' as target_service_code,
        {%- for column in operator_sums + queue_sums %}
            {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from center_rows
),

-- One row per service key ('*' included): each component's floor, target and weight.
service_targets as (
    select
        service_code as target_key,
        {%- for c in components %}
            anyIf(toNullable(floor), component = '{{ c.component }}') as {{ c.component }}_floor,
            anyIf(toNullable(target), component = '{{ c.component }}') as {{ c.component }}_target,
            anyIf(toNullable(weight), component = '{{ c.component }}') as {{ c.component }}_weight
            {{- "," if not loop.last }}
        {%- endfor %}
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
        {%- for c in components %}
            coalesce(own.{{ c.component }}_floor, fallback.{{ c.component }}_floor) as {{ c.component }}_floor,
            coalesce(own.{{ c.component }}_target, fallback.{{ c.component }}_target)
            as {{ c.component }}_target,
            coalesce(own.{{ c.component }}_weight, fallback.{{ c.component }}_weight)
            as {{ c.component }}_weight{{ "," if not loop.last }}
        {%- endfor %}
    from valued as v
    left join service_targets as own on v.target_service_code = own.target_key
    left join service_targets as fallback on v.default_service_code = fallback.target_key
),

scored as (
    select
        *,
        {%- for c in components %}
            {{ scorecard_score(c.value, c.component ~ '_floor', c.component ~ '_target') }}
            as {{ c.score }}{{ "," if not loop.last }}
        {%- endfor %}
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
        {%- for column in operator_sums + queue_sums %}
            {{ column }},
        {%- endfor %}
        {%- for c in components %}
            {{ c.value }},
        {%- endfor %}
        {%- for c in components %}
            {{ c.score }},
        {%- endfor %}
        {{ scorecard_integral_score(components) }} as integral_score
    from scored
)

select * from final
