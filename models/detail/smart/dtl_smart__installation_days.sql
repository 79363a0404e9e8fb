{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(cabinet, client, report_date)',
) }}

with reports as (
    select * from {{ ref('dtl_smart__reports') }}
),

days as (
    select
        cabinet,
        client,
        report_date,
        toUInt32(count()) as reports,
        toUInt64(ifNull(sum(sessions), 0)) as sessions,
        toUInt64(ifNull(sum(searches), 0)) as searches,
        toUInt64(ifNull(sum(empty_searches), 0)) as empty_searches,
        max(users_active) as users_active_max,
        toUInt64(ifNull(sum(documents_opened), 0)) as documents_opened,
        argMax(utc_offset_hours, reported_at_utc) as utc_offset_hours
    from reports
    group by cabinet, client, report_date
),

final as (
    select
        cabinet,
        client,
        report_date,
        reports,
        sessions,
        searches,
        empty_searches,
        users_active_max,
        documents_opened,
        utc_offset_hours,
        {{ pct('empty_searches', 'searches') }} as empty_search_pct,
        toStartOfWeek(report_date, 1) as report_week,
        {{ smart_local_to_utc('report_date + 1', 'utc_offset_hours') }} as day_ends_at_utc
    from days
)

select * from final
