{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['report_date', 'operator_login'],
    delete_bound={'column': 'report_date', 'from_key': 'report_date'},
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, operator_login)',
    ttl='report_date + toIntervalYear(3)',
) }}

with agent_connections as (
    select * from {{ ref('stg_cms__agent_connection_detail') }}
),

resources as (
    select * from {{ ref('stg_cms__resource') }}
),

staff as (
    select * from {{ ref('stg_wfm__staff') }}
),

schedules as (
    select * from {{ ref('stg_wfm__schedules') }}
),

territories as (
    select * from {{ ref('dim_territories') }}
),

-- An agent's Cisco login is stable across Resource versions; the WFM roster names it per operator.
logins as (
    select
        resource_id,
        profile_id,
        any(resource_login_id) as resource_login_id
    from resources
    group by resource_id, profile_id
),

-- One row per operator and version; the operator's territory gives the local clock of their work.
-- A version is in effect from `effective_from`: its `valid_from`, except that the first version also
-- covers the days before it, so work done before the roster first listed an operator still counts,
-- under the operator's first known assignment.
staff_versions as (
    select
        staff.operator_login as operator_login,
        staff.resource_login_id as resource_login_id,
        staff.team as team,
        staff.service_code as service_code,
        staff.territory_code as territory_code,
        staff.valid_from as valid_from,
        staff.valid_to as valid_to,
        if(
            staff.valid_from = min(staff.valid_from) over (partition by staff.operator_login),
            toDate('1970-01-01'),
            staff.valid_from
        ) as effective_from,
        coalesce(territories.utc_offset_hours, 3) as utc_offset_hours
    from staff
    left join territories on staff.territory_code = territories.territory_code
),

-- Answered agent connections (talk time recorded) in the operator's local day.
connections as (
    select
        staff_versions.operator_login as operator_login,
        toDate(agent_connections.started_at + toIntervalHour(staff_versions.utc_offset_hours)) as report_date,
        coalesce(agent_connections.talk_time_sec, 0) as talk_sec,
        coalesce(agent_connections.hold_time_sec, 0) as hold_sec,
        coalesce(agent_connections.work_time_sec, 0) as work_sec,
        ifNull(agent_connections.talk_time_sec > 0, false) as is_answered
    from agent_connections
    inner join logins
        on
            agent_connections.resource_id = logins.resource_id
            and agent_connections.profile_id = logins.profile_id
    inner join staff_versions on logins.resource_login_id = staff_versions.resource_login_id
    where
        -- the roster's versions start on the operator's local dates
        staff_versions.effective_from
        <= toDate(agent_connections.started_at + toIntervalHour(staff_versions.utc_offset_hours))
        and (
            staff_versions.valid_to is null
            or toDate(agent_connections.started_at + toIntervalHour(staff_versions.utc_offset_hours))
            < staff_versions.valid_to
        )
        -- a day earlier than the first rebuilt local date: local days start before UTC ones
        and {{ rebuild_window(
            'agent_connections.started_at', built_column='toDateTime(existing.report_date)', margin_days=1
        ) }}
),

handled_work as (
    select
        operator_login,
        report_date,
        countIf(is_answered) as handled,
        sum(talk_sec) as talk_sec,
        sum(hold_sec) as hold_sec,
        sum(work_sec) as work_sec
    from connections
    group by operator_login, report_date
),

scheduled_work as (
    select
        operator_login,
        shift_date as report_date,
        sumIf(coalesce(duration_sec, 0), activity = 'work') as scheduled_sec
    from schedules
    where {{ rebuild_window('shift_date', built_column='report_date') }}
    group by operator_login, report_date
),

operator_days as (
    select
        cast(coalesce(handled_work.operator_login, scheduled_work.operator_login) as String) as operator_login,
        cast(coalesce(handled_work.report_date, scheduled_work.report_date) as Date) as report_date,
        cast(coalesce(handled_work.handled, 0) as UInt64) as handled,
        cast(coalesce(handled_work.talk_sec, 0) as Int64) as talk_sec,
        cast(coalesce(handled_work.hold_sec, 0) as Int64) as hold_sec,
        cast(coalesce(handled_work.work_sec, 0) as Int64) as work_sec,
        cast(coalesce(scheduled_work.scheduled_sec, 0) as Int64) as scheduled_sec
    from handled_work
    full outer join scheduled_work
        on
            handled_work.operator_login = scheduled_work.operator_login
            and handled_work.report_date = scheduled_work.report_date
),

-- The operator's assignment on that day (team, service, territory).
final as (
    select
        operator_days.report_date as report_date,
        operator_days.operator_login as operator_login,
        staff_versions.team as team,
        staff_versions.service_code as service_code,
        staff_versions.territory_code as territory_code,
        operator_days.handled as handled,
        operator_days.talk_sec as talk_sec,
        operator_days.hold_sec as hold_sec,
        operator_days.work_sec as work_sec,
        operator_days.scheduled_sec as scheduled_sec,
        operator_days.talk_sec + operator_days.hold_sec + operator_days.work_sec as handle_time_sec
    from operator_days
    left join staff_versions
        on operator_days.operator_login = staff_versions.operator_login
    where
        (
            staff_versions.operator_login is null
            or (
                staff_versions.effective_from <= operator_days.report_date
                and (staff_versions.valid_to is null or operator_days.report_date < staff_versions.valid_to)
            )
        )
        -- every local date of the window is rebuilt whole
        and {{ rebuild_window('operator_days.report_date') }}
)

select
    *,
    {{ build_id() }} as build_id
from final
