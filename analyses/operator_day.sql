{#-
    One operator's local day, leg by leg: every agent connection in time order, the scheduled activities of the
    day beside them, and a day_total row whose counts are the sums of the rows listed (they equal
    v_operator_daily). A connection belongs to the operator's day as in dtl_wfm__operator_days: its start on the
    clock of the operator's territory that day. Vars (both optional): report_date (default: the latest full
    date), operator_login (default: that day's operator with the most handled). analyses/operator_day.yml has an
    example.
-#}
{%- set report_date = var('report_date', none) -%}
{%- set operator_login = var('operator_login', none) -%}

-- The default day's source; a var given in its place leaves it unread (hence noqa).
with national_daily as (  -- noqa: ST03
    select * from {{ ref('v_cc_national_daily') }}
),

operator_days as (
    select * from {{ ref('dtl_wfm__operator_days') }}
),

operator_daily as (
    select * from {{ ref('v_operator_daily') }}
),

agent_legs as (
    select * from {{ ref('dtl_cms__agent_legs') }}
),

contacts as (
    select * from {{ ref('dtl_cms__contacts') }}
),

schedules as (
    select * from {{ ref('stg_wfm__schedules') }}
),

territories as (
    select * from {{ ref('dim_territories') }}
),

queue_map as (
    select * from {{ ref('dim_cms_queue_map') }}
),

-- The operator and day: their row of dtl_wfm__operator_days, with the UTC offset of their territory that day
-- (Moscow when the territory is unknown, as in that model).
the_day as (
    select
        d.report_date as report_date,
        d.operator_login as operator_login,
        coalesce(t.utc_offset_hours, 3) as utc_offset_hours
    from operator_days as d
    left join territories as t on d.territory_code = t.territory_code
    where
        d.report_date = {% if report_date is none -%}
            {{ latest_whole_date('national_daily') }}
        {%- else -%}
            toDate({{ sql_string(report_date) }})
        {%- endif %}
        {% if operator_login is not none -%}
            and d.operator_login = {{ sql_string(operator_login) }}
        {%- endif %}
    order by d.handled desc, d.operator_login asc
    limit 1
),

-- The operator's connections that start on that day on the operator's clock. A leg's own report_date is on
-- the clock of the contact's territory, at most a day away: the range only prunes partitions.
day_legs as (
    select
        l.node_id as node_id,
        l.profile_id as profile_id,
        l.session_id as session_id,
        l.session_seq_num as session_seq_num,
        l.service_code as service_code,
        l.contact_outcome as contact_outcome,
        l.ring_time_sec as ring_time_sec,
        l.talk_time_sec as talk_time_sec,
        l.hold_time_sec as hold_time_sec,
        l.work_time_sec as work_time_sec,
        l.handle_time_sec as handle_time_sec,
        l.is_answered as is_answered,
        the_day.report_date as report_date,
        the_day.operator_login as operator_login,
        l.started_at + toIntervalHour(the_day.utc_offset_hours) as started_at_local,
        l.ended_at + toIntervalHour(the_day.utc_offset_hours) as ended_at_local
    from agent_legs as l
    inner join the_day on l.operator_login = the_day.operator_login
    where
        l.report_date >= (select d.report_date - 1 from the_day as d)
        and l.report_date <= (select d.report_date + 1 from the_day as d)
        and l.operator_login in (select d.operator_login from the_day as d)
        and toDate(l.started_at + toIntervalHour(the_day.utc_offset_hours)) = the_day.report_date
),

-- The queue each leg's contact is counted on (dtl_cms__contacts); none for a call outside a queued contact.
leg_queues as (
    select
        c.node_id as node_id,
        c.profile_id as profile_id,
        c.session_id as session_id,
        c.csq_id as csq_id,
        q.csq_name as csq_name
    from contacts as c
    left join queue_map as q on c.csq_id = q.csq_id
    where
        -- a contact starts at most a day before its connection's date on either clock
        c.report_date >= (select d.report_date - 2 from the_day as d)
        and c.report_date <= (select d.report_date + 1 from the_day as d)
        and (c.node_id, c.profile_id, c.session_id) in (
            select
                day_legs.node_id,
                day_legs.profile_id,
                day_legs.session_id
            from day_legs
        )
),

day_activities as (
    select
        s.activity as activity,
        s.activity_start_local as activity_start_local,
        s.activity_end_local as activity_end_local,
        s.duration_sec as duration_sec,
        the_day.report_date as report_date,
        the_day.operator_login as operator_login
    from schedules as s
    inner join the_day on s.operator_login = the_day.operator_login and s.shift_date = the_day.report_date
),

-- The day's totals from the rows listed, summed as dtl_wfm__operator_days sums them (a missing second as 0).
leg_totals as (
    select
        countIf(is_answered) as handled,
        sum(coalesce(talk_time_sec, 0)) as talk_sec,
        sum(coalesce(hold_time_sec, 0)) as hold_sec,
        sum(coalesce(work_time_sec, 0)) as work_sec,
        sum(handle_time_sec) as handle_time_sec
    from day_legs
),

activity_totals as (
    select sumIf(coalesce(duration_sec, 0), activity = 'work') as scheduled_sec
    from day_activities
),

leg_rows as (
    select
        'leg' as row_kind,
        l.report_date as report_date,
        l.operator_login as operator_login,
        cast(l.started_at_local as Nullable(DateTime64(3, 'UTC'))) as started_at_local,
        cast(l.ended_at_local as Nullable(DateTime64(3, 'UTC'))) as ended_at_local,
        cast(null as Nullable(String)) as activity,
        cast(null as Nullable(Int64)) as activity_duration_sec,
        cast(l.node_id as Nullable(Int16)) as node_id,
        cast(l.profile_id as Nullable(Int32)) as profile_id,
        cast(l.session_id as Nullable(Int64)) as session_id,
        cast(l.session_seq_num as Nullable(Int16)) as session_seq_num,
        cast(l.service_code as Nullable(String)) as service_code,
        q.csq_id as csq_id,
        cast(q.csq_name as Nullable(String)) as csq_name,
        cast(l.contact_outcome as Nullable(String)) as contact_outcome,
        cast(l.ring_time_sec as Nullable(Int64)) as ring_time_sec,
        cast(l.talk_time_sec as Nullable(Int64)) as talk_sec,
        cast(l.hold_time_sec as Nullable(Int64)) as hold_sec,
        cast(l.work_time_sec as Nullable(Int64)) as work_sec,
        cast(l.handle_time_sec as Nullable(Int64)) as handle_time_sec,
        cast(l.is_answered as Nullable(Bool)) as is_answered,
        cast(null as Nullable(UInt64)) as handled,
        cast(null as Nullable(Int64)) as scheduled_sec,
        cast(null as Nullable(Float64)) as aht_sec,
        cast(null as Nullable(Float64)) as occupancy_pct
    from day_legs as l
    left join leg_queues as q
        on l.node_id = q.node_id and l.profile_id = q.profile_id and l.session_id = q.session_id
),

activity_rows as (
    select
        'activity' as row_kind,
        a.report_date as report_date,
        a.operator_login as operator_login,
        cast(a.activity_start_local as Nullable(DateTime64(3, 'UTC'))) as started_at_local,
        cast(a.activity_end_local as Nullable(DateTime64(3, 'UTC'))) as ended_at_local,
        cast(a.activity as Nullable(String)) as activity,
        cast(a.duration_sec as Nullable(Int64)) as activity_duration_sec,
        cast(null as Nullable(Int16)) as node_id,
        cast(null as Nullable(Int32)) as profile_id,
        cast(null as Nullable(Int64)) as session_id,
        cast(null as Nullable(Int16)) as session_seq_num,
        cast(null as Nullable(String)) as service_code,
        cast(null as Nullable(Int32)) as csq_id,
        cast(null as Nullable(String)) as csq_name,
        cast(null as Nullable(String)) as contact_outcome,
        cast(null as Nullable(Int64)) as ring_time_sec,
        cast(null as Nullable(Int64)) as talk_sec,
        cast(null as Nullable(Int64)) as hold_sec,
        cast(null as Nullable(Int64)) as work_sec,
        cast(null as Nullable(Int64)) as handle_time_sec,
        cast(null as Nullable(Bool)) as is_answered,
        cast(null as Nullable(UInt64)) as handled,
        cast(null as Nullable(Int64)) as scheduled_sec,
        cast(null as Nullable(Float64)) as aht_sec,
        cast(null as Nullable(Float64)) as occupancy_pct
    from day_activities as a
),

-- The day's row: the sums of the rows above, and the day's rates as v_operator_daily publishes them.
total_rows as (
    select
        'day_total' as row_kind,
        the_day.report_date as report_date,
        the_day.operator_login as operator_login,
        cast(null as Nullable(DateTime64(3, 'UTC'))) as started_at_local,
        cast(null as Nullable(DateTime64(3, 'UTC'))) as ended_at_local,
        cast(null as Nullable(String)) as activity,
        cast(null as Nullable(Int64)) as activity_duration_sec,
        cast(null as Nullable(Int16)) as node_id,
        cast(null as Nullable(Int32)) as profile_id,
        cast(null as Nullable(Int64)) as session_id,
        cast(null as Nullable(Int16)) as session_seq_num,
        cast(null as Nullable(String)) as service_code,
        cast(null as Nullable(Int32)) as csq_id,
        cast(null as Nullable(String)) as csq_name,
        cast(null as Nullable(String)) as contact_outcome,
        cast(null as Nullable(Int64)) as ring_time_sec,
        cast(leg_totals.talk_sec as Nullable(Int64)) as talk_sec,
        cast(leg_totals.hold_sec as Nullable(Int64)) as hold_sec,
        cast(leg_totals.work_sec as Nullable(Int64)) as work_sec,
        cast(leg_totals.handle_time_sec as Nullable(Int64)) as handle_time_sec,
        cast(null as Nullable(Bool)) as is_answered,
        cast(leg_totals.handled as Nullable(UInt64)) as handled,
        cast(activity_totals.scheduled_sec as Nullable(Int64)) as scheduled_sec,
        cast(published.aht_sec as Nullable(Float64)) as aht_sec,
        cast(published.occupancy_pct as Nullable(Float64)) as occupancy_pct
    from the_day
    cross join leg_totals
    cross join activity_totals
    left join operator_daily as published
        on the_day.report_date = published.report_date and the_day.operator_login = published.operator_login
),

final as (
    select * from leg_rows
    union all
    select * from activity_rows
    union all
    select * from total_rows
)

select * from final
order by row_kind = 'day_total' asc, started_at_local asc, row_kind asc, session_id asc, session_seq_num asc
-- the SQL-standard outer joins of the models (dbt_project.yml): an unmatched side is NULL, also when run by hand
settings join_use_nulls = 1
