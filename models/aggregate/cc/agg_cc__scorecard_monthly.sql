{{ config(
    materialized='table',
    engine='MergeTree()',
    partition_by='toYear(report_month)',
    order_by='(report_month, level_order, member)',
) }}

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
        sum(f.handled) as handled,
        sum(f.handle_time_sec) as handle_time_sec,
        sum(f.busy_sec) as busy_sec,
        sum(f.scheduled_sec) as scheduled_sec,
        sum(f.resolved) as resolved,
        sum(f.resolved_first_contact) as resolved_first_contact,
        sum(f.csat_sum) as csat_sum,
        sum(f.csat_count) as csat_count
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
        sum(handled) as handled,
        sum(handle_time_sec) as handle_time_sec,
        sum(busy_sec) as busy_sec,
        sum(scheduled_sec) as scheduled_sec,
        sum(resolved) as resolved,
        sum(resolved_first_contact) as resolved_first_contact,
        sum(csat_sum) as csat_sum,
        sum(csat_count) as csat_count
    from operator_rows
    group by report_month, team, service_code, territory_code, macro_region_code
),

-- Service × territory: its teams' operator-side sums and its queues' counts, on one row shape.
service_territory_facts as (
    select
        report_month,
        service_code,
        territory_code,
        handled,
        handle_time_sec,
        busy_sec,
        scheduled_sec,
        resolved,
        resolved_first_contact,
        csat_sum,
        csat_count,
        toUInt64(0) as offered,
        toUInt64(0) as short_abandoned,
        toUInt64(0) as handled_within_sl
    from team_rows
    union all
    select
        report_month,
        service_code,
        territory_code,
        toUInt64(0) as handled,
        toInt64(0) as handle_time_sec,
        toInt64(0) as busy_sec,
        toInt64(0) as scheduled_sec,
        toUInt64(0) as resolved,
        toUInt64(0) as resolved_first_contact,
        toUInt64(0) as csat_sum,
        toUInt64(0) as csat_count,
        toUInt64(offered) as offered,
        toUInt64(short_abandoned) as short_abandoned,
        toUInt64(handled_within_sl) as handled_within_sl
    from service_monthly
),

service_territory_rows as (
    select
        f.report_month as report_month,
        f.service_code as service_code,
        f.territory_code as territory_code,
        any(t.macro_region_code) as macro_region_code,
        sum(f.handled) as handled,
        sum(f.handle_time_sec) as handle_time_sec,
        sum(f.busy_sec) as busy_sec,
        sum(f.scheduled_sec) as scheduled_sec,
        sum(f.resolved) as resolved,
        sum(f.resolved_first_contact) as resolved_first_contact,
        sum(f.csat_sum) as csat_sum,
        sum(f.csat_count) as csat_count,
        sum(f.offered) as offered,
        sum(f.short_abandoned) as short_abandoned,
        sum(f.handled_within_sl) as handled_within_sl
    from service_territory_facts as f
    left join territories as t on f.territory_code = t.territory_code
    group by f.report_month, f.service_code, f.territory_code
),

territory_rows as (
    select
        report_month,
        territory_code,
        macro_region_code,
        sum(handled) as handled,
        sum(handle_time_sec) as handle_time_sec,
        sum(busy_sec) as busy_sec,
        sum(scheduled_sec) as scheduled_sec,
        sum(resolved) as resolved,
        sum(resolved_first_contact) as resolved_first_contact,
        sum(csat_sum) as csat_sum,
        sum(csat_count) as csat_count,
        sum(offered) as offered,
        sum(short_abandoned) as short_abandoned,
        sum(handled_within_sl) as handled_within_sl
    from service_territory_rows
    group by report_month, territory_code, macro_region_code
),

macro_region_rows as (
    select
        report_month,
        macro_region_code,
        sum(handled) as handled,
        sum(handle_time_sec) as handle_time_sec,
        sum(busy_sec) as busy_sec,
        sum(scheduled_sec) as scheduled_sec,
        sum(resolved) as resolved,
        sum(resolved_first_contact) as resolved_first_contact,
        sum(csat_sum) as csat_sum,
        sum(csat_count) as csat_count,
        sum(offered) as offered,
        sum(short_abandoned) as short_abandoned,
        sum(handled_within_sl) as handled_within_sl
    from territory_rows
    group by report_month, macro_region_code
),

center_rows as (
    select
        report_month,
        sum(handled) as handled,
        sum(handle_time_sec) as handle_time_sec,
        sum(busy_sec) as busy_sec,
        sum(scheduled_sec) as scheduled_sec,
        sum(resolved) as resolved,
        sum(resolved_first_contact) as resolved_first_contact,
        sum(csat_sum) as csat_sum,
        sum(csat_count) as csat_count,
        sum(offered) as offered,
        sum(short_abandoned) as short_abandoned,
        sum(handled_within_sl) as handled_within_sl
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
        handled,
        handle_time_sec,
        busy_sec,
        scheduled_sec,
        resolved,
        resolved_first_contact,
        csat_sum,
        csat_count,
        cast(null as Nullable(UInt64)) as offered,
        cast(null as Nullable(UInt64)) as short_abandoned,
        cast(null as Nullable(UInt64)) as handled_within_sl
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
        handled,
        handle_time_sec,
        busy_sec,
        scheduled_sec,
        resolved,
        resolved_first_contact,
        csat_sum,
        csat_count,
        cast(null as Nullable(UInt64)) as offered,
        cast(null as Nullable(UInt64)) as short_abandoned,
        cast(null as Nullable(UInt64)) as handled_within_sl
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
        handled,
        handle_time_sec,
        busy_sec,
        scheduled_sec,
        resolved,
        resolved_first_contact,
        csat_sum,
        csat_count,
        offered,
        short_abandoned,
        handled_within_sl
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
        handled,
        handle_time_sec,
        busy_sec,
        scheduled_sec,
        resolved,
        resolved_first_contact,
        csat_sum,
        csat_count,
        offered,
        short_abandoned,
        handled_within_sl
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
        handled,
        handle_time_sec,
        busy_sec,
        scheduled_sec,
        resolved,
        resolved_first_contact,
        csat_sum,
        csat_count,
        offered,
        short_abandoned,
        handled_within_sl
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
        handled,
        handle_time_sec,
        busy_sec,
        scheduled_sec,
        resolved,
        resolved_first_contact,
        csat_sum,
        csat_count,
        offered,
        short_abandoned,
        handled_within_sl
    from center_rows
),

-- One row per service key ('*' included): each component's floor, target and weight.
service_targets as (
    select
        service_code as target_key,
        anyIf(toNullable(floor), component = 'handled') as handled_floor,
        anyIf(toNullable(target), component = 'handled') as handled_target,
        anyIf(toNullable(weight), component = 'handled') as handled_weight,
        anyIf(toNullable(floor), component = 'aht_sec') as aht_sec_floor,
        anyIf(toNullable(target), component = 'aht_sec') as aht_sec_target,
        anyIf(toNullable(weight), component = 'aht_sec') as aht_sec_weight,
        anyIf(toNullable(floor), component = 'fcr_pct') as fcr_pct_floor,
        anyIf(toNullable(target), component = 'fcr_pct') as fcr_pct_target,
        anyIf(toNullable(weight), component = 'fcr_pct') as fcr_pct_weight,
        anyIf(toNullable(floor), component = 'occupancy_pct') as occupancy_pct_floor,
        anyIf(toNullable(target), component = 'occupancy_pct') as occupancy_pct_target,
        anyIf(toNullable(weight), component = 'occupancy_pct') as occupancy_pct_weight,
        anyIf(toNullable(floor), component = 'service_level_pct') as service_level_pct_floor,
        anyIf(toNullable(target), component = 'service_level_pct') as service_level_pct_target,
        anyIf(toNullable(weight), component = 'service_level_pct') as service_level_pct_weight,
        anyIf(toNullable(floor), component = 'csat_avg') as csat_avg_floor,
        anyIf(toNullable(target), component = 'csat_avg') as csat_avg_target,
        anyIf(toNullable(weight), component = 'csat_avg') as csat_avg_weight
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
        coalesce(own.handled_floor, fallback.handled_floor) as handled_floor,
        coalesce(own.handled_target, fallback.handled_target) as handled_target,
        coalesce(own.handled_weight, fallback.handled_weight) as handled_weight,
        coalesce(own.aht_sec_floor, fallback.aht_sec_floor) as aht_sec_floor,
        coalesce(own.aht_sec_target, fallback.aht_sec_target) as aht_sec_target,
        coalesce(own.aht_sec_weight, fallback.aht_sec_weight) as aht_sec_weight,
        coalesce(own.fcr_pct_floor, fallback.fcr_pct_floor) as fcr_pct_floor,
        coalesce(own.fcr_pct_target, fallback.fcr_pct_target) as fcr_pct_target,
        coalesce(own.fcr_pct_weight, fallback.fcr_pct_weight) as fcr_pct_weight,
        coalesce(own.occupancy_pct_floor, fallback.occupancy_pct_floor) as occupancy_pct_floor,
        coalesce(own.occupancy_pct_target, fallback.occupancy_pct_target) as occupancy_pct_target,
        coalesce(own.occupancy_pct_weight, fallback.occupancy_pct_weight) as occupancy_pct_weight,
        coalesce(own.service_level_pct_floor, fallback.service_level_pct_floor) as service_level_pct_floor,
        coalesce(own.service_level_pct_target, fallback.service_level_pct_target) as service_level_pct_target,
        coalesce(own.service_level_pct_weight, fallback.service_level_pct_weight) as service_level_pct_weight,
        coalesce(own.csat_avg_floor, fallback.csat_avg_floor) as csat_avg_floor,
        coalesce(own.csat_avg_target, fallback.csat_avg_target) as csat_avg_target,
        coalesce(own.csat_avg_weight, fallback.csat_avg_weight) as csat_avg_weight
    from valued as v
    left join service_targets as own on v.target_service_code = own.target_key
    left join service_targets as fallback on v.default_service_code = fallback.target_key
),

scored as (
    select
        *,
        {{ scorecard_score('handled_per_hour', 'handled_floor', 'handled_target') }} as handled_score,
        {{ scorecard_score('aht_sec', 'aht_sec_floor', 'aht_sec_target') }} as aht_score,
        {{ scorecard_score('fcr_pct', 'fcr_pct_floor', 'fcr_pct_target') }} as fcr_score,
        {{ scorecard_score('occupancy_pct', 'occupancy_pct_floor', 'occupancy_pct_target') }} as occupancy_score,
        {{ scorecard_score('service_level_pct', 'service_level_pct_floor', 'service_level_pct_target') }}
            as service_level_score,
        {{ scorecard_score('csat_avg', 'csat_avg_floor', 'csat_avg_target') }} as csat_score
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
        handled,
        handle_time_sec,
        busy_sec,
        scheduled_sec,
        resolved,
        resolved_first_contact,
        csat_sum,
        csat_count,
        offered,
        short_abandoned,
        handled_within_sl,
        handled_per_hour,
        aht_sec,
        fcr_pct,
        occupancy_pct,
        service_level_pct,
        csat_avg,
        handled_score,
        aht_score,
        fcr_score,
        occupancy_score,
        service_level_score,
        csat_score,
        {{ scorecard_integral_score(scorecard_components()) }} as integral_score
    from scored
)

select * from final
