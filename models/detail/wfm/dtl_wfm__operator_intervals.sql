{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['operator_login', 'interval_start'],
    delete_bound={'column': 'report_date', 'from_key': 'toDate(interval_start)'},
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, service_code, territory_code, interval_start, operator_login)',
    ttl='report_date + toIntervalYear(3)',
) }}

with schedules as (
    select * from {{ ref('stg_wfm__schedules') }}
),

operator_days as (
    select * from {{ ref('dtl_wfm__operator_days') }}
),

-- Scheduled `work`, cut on the 30-minute local grid: an activity that starts or ends inside an interval
-- counts the seconds it overlaps, and one that runs past midnight lands on the next date's intervals.
work_activities as (
    select
        operator_login,
        shift_date,
        toUnixTimestamp(activity_start_local) as start_ts,
        toUnixTimestamp(activity_end_local) as end_ts
    from schedules
    where
        activity = 'work'
        and activity_end_local > activity_start_local
        and {{ rebuild_window('shift_date') }}
),

cut as (
    select
        operator_login,
        shift_date,
        start_ts,
        end_ts,
        arrayJoin(
            range(intDiv(start_ts, {{ interval_sec() }}) * {{ interval_sec() }}, end_ts, {{ interval_sec() }})
        ) as interval_ts
    from work_activities
),

operator_intervals as (
    select
        operator_login,
        toDateTime(interval_ts, 'UTC') as interval_start,
        any(shift_date) as shift_date,
        sum(least(end_ts, interval_ts + {{ interval_sec() }}) - greatest(start_ts, interval_ts)) as work_sec
    from cut
    group by operator_login, interval_ts
),

-- The operator's assignment on the shift's date (dtl_wfm__operator_days: the roster version valid then).
final as (
    select
        operator_intervals.interval_start as interval_start,
        operator_intervals.operator_login as operator_login,
        operator_intervals.shift_date as shift_date,
        operator_days.team as team,
        cast(coalesce(operator_days.service_code, 'unmapped') as LowCardinality(String)) as service_code,
        cast(coalesce(operator_days.territory_code, 'unmapped') as LowCardinality(String)) as territory_code,
        cast(operator_intervals.work_sec as UInt32) as work_sec,
        toDate(operator_intervals.interval_start) as report_date
    from operator_intervals
    left join operator_days
        on
            operator_intervals.operator_login = operator_days.operator_login
            and operator_intervals.shift_date = operator_days.report_date
)

select
    *,
    {{ build_id() }} as build_id
from final
