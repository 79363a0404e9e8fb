with installations as (
    select * from {{ ref('dtl_smart__installations') }}
),

reports as (
    select * from {{ ref('dtl_smart__reports') }}
),

polls as (
    select * from {{ ref('dtl_smart__polls') }}
),

alerts as (
    select * from {{ ref('dtl_smart__alerts') }}
),

as_of as (
    {{ smart_as_of('reports', 'polls') }}
),

current_versions as (
    select installations.*
    from installations
    cross join as_of
    where
        installations.valid_from <= as_of.as_of
        and (installations.valid_to is null or installations.valid_to > as_of.as_of)
),

last_reports as (
    select
        cabinet,
        client,
        max(reported_at_utc) as last_report_at
    from reports
    group by cabinet, client
),

last_polls_ok as (
    select
        cabinet,
        client,
        max(polled_at) as last_poll_ok_at
    from polls
    where not is_failed
    group by cabinet, client
),

open_alerts as (
    select
        cabinet,
        client,
        count() as open_alerts
    from alerts
    where resolved_at is null
    group by cabinet, client
),

final as (
    select
        current_versions.cabinet as cabinet,
        current_versions.client as client,
        current_versions.kind as kind,
        current_versions.manager as manager,
        current_versions.manager_email as manager_email,
        current_versions.utc_offset_hours as utc_offset_hours,
        current_versions.polled as polled,
        last_reports.last_report_at as last_report_at,
        last_polls_ok.last_poll_ok_at as last_poll_ok_at,
        toUInt32(ifNull(open_alerts.open_alerts, 0)) as open_alerts
    from current_versions
    left join last_reports
        on current_versions.cabinet = last_reports.cabinet and current_versions.client = last_reports.client
    left join last_polls_ok
        on current_versions.cabinet = last_polls_ok.cabinet and current_versions.client = last_polls_ok.client
    left join open_alerts
        on current_versions.cabinet = open_alerts.cabinet and current_versions.client = open_alerts.client
)

select * from final
