{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(cabinet, client, opened_at, rule)',
) }}

{%- set down_polls = var('smart_down_polls') %}
{%- set grace_hours = var('smart_report_grace_hours') %}
{%- set min_searches = var('smart_min_searches') %}
{%- set empty_pct = var('smart_empty_search_pct') %}
{%- set drop_pct = var('smart_activity_drop_pct') %}
{%- set min_median = var('smart_activity_min_median') %}

with installations as (
    select * from {{ ref('dtl_smart__installations') }}
),

reports as (
    select * from {{ ref('dtl_smart__reports') }}
),

polls as (
    select * from {{ ref('dtl_smart__polls') }}
),

installation_days as (
    select * from {{ ref('dtl_smart__installation_days') }}
),

cabinets as (
    select * from {{ ref('dim_smart_cabinets') }}
),

as_of as (
    {{ smart_as_of('reports', 'polls') }}
),

-- installation_down: consecutive failed polls share the count of successful polls before them (a run);
-- a run of at least smart_down_polls opens at its first poll and resolves at the next successful poll.
poll_runs as (
    select
        cabinet,
        client,
        polled_at,
        is_failed,
        sum(toUInt32(not is_failed)) over installation_polls as run_no,
        min(if(is_failed, null, polled_at)) over following_polls as next_success_at
    from polls
    window
        installation_polls as (
            partition by cabinet, client order by polled_at rows between unbounded preceding and current row
        ),
        following_polls as (
            partition by cabinet, client order by polled_at rows between 1 following and unbounded following
        )
),

down_alerts as (
    select
        cabinet,
        client,
        'installation_down' as rule,
        min(polled_at) as opened_at,
        any(next_success_at) as resolves_at,
        cast(null, 'Nullable(Date)') as period
    from poll_runs
    where is_failed
    group by cabinet, client, run_no
    having count() >= {{ down_polls }}
),

-- report_missing: the start of monitoring (the installation's first version) and its reports, in time order;
-- a gap of more than the grace opens at the earlier + grace and resolves at the later. After the last one,
-- the alert opens at it + grace and stays open (until the installation leaves monitoring: bounded below).
report_events as (
    select
        cabinet,
        client,
        min(valid_from) as event_at
    from installations
    group by cabinet, client
    union all
    select
        cabinet,
        client,
        reported_at_utc as event_at
    from reports
),

report_gaps as (
    select
        cabinet,
        client,
        event_at,
        event_at + toIntervalHour({{ grace_hours }}) as due_at,
        nullIf(leadInFrame(event_at) over following_event, toDateTime64(0, 3, 'UTC')) as next_event_at
    from report_events
    window following_event as (
        partition by cabinet, client order by event_at rows between current row and 1 following
    )
),

missing_alerts as (
    select
        cabinet,
        client,
        'report_missing' as rule,
        due_at as opened_at,
        next_event_at as resolves_at,
        cast(null, 'Nullable(Date)') as period
    from report_gaps
    where next_event_at is null or next_event_at > due_at
),

-- update_broken: consecutive reports with a broken update are one alert, from the first of them to the
-- first later report without it.
report_runs as (
    select
        cabinet,
        client,
        reported_at_utc,
        is_update_broken,
        sum(toUInt32(not is_update_broken)) over installation_reports as run_no,
        min(if(is_update_broken, null, reported_at_utc)) over following_reports as next_sound_at
    from reports
    window
        installation_reports as (
            partition by cabinet, client order by reported_at_utc
            rows between unbounded preceding and current row
        ),
        following_reports as (
            partition by cabinet, client order by reported_at_utc
            rows between 1 following and unbounded following
        )
),

update_alerts as (
    select
        cabinet,
        client,
        'update_broken' as rule,
        min(reported_at_utc) as opened_at,
        any(next_sound_at) as resolves_at,
        cast(null, 'Nullable(Date)') as period
    from report_runs
    where is_update_broken
    group by cabinet, client, run_no
),

-- empty_searches: a local day judged at its end, resolved when the next day is judged.
empty_alerts as (
    select
        cabinet,
        client,
        'empty_searches' as rule,
        day_ends_at_utc as opened_at,
        day_ends_at_utc + toIntervalDay(1) as resolves_at,
        cast(report_date, 'Nullable(Date)') as period
    from installation_days
    where searches >= {{ min_searches }} and 100 * empty_searches > {{ empty_pct }} * searches
),

-- activity_drop: a local week's highest active users against the median of the four weeks before it.
weeks as (
    select
        cabinet,
        client,
        report_week,
        max(users_active_max) as users_active_max,
        argMax(utc_offset_hours, report_date) as utc_offset_hours
    from installation_days
    group by cabinet, client, report_week
),

weeks_before as (
    select
        cabinet,
        client,
        report_week,
        users_active_max,
        utc_offset_hours,
        groupArray(users_active_max) over four_weeks_before as previous_tops,
        min(report_week) over four_weeks_before as earliest_previous_week
    from weeks
    window four_weeks_before as (
        partition by cabinet, client order by report_week rows between 4 preceding and 1 preceding
    )
),

week_medians as (
    select
        cabinet,
        client,
        report_week,
        users_active_max,
        utc_offset_hours,
        (arraySort(previous_tops)[2] + arraySort(previous_tops)[3]) / 2 as median_before
    from weeks_before
    where length(previous_tops) = 4 and earliest_previous_week = report_week - 28
),

activity_alerts as (
    select
        cabinet,
        client,
        'activity_drop' as rule,
        {{ smart_local_to_utc('report_week + 7', 'utc_offset_hours') }} as opened_at,
        {{ smart_local_to_utc('report_week + 14', 'utc_offset_hours') }} as resolves_at,
        cast(report_week, 'Nullable(Date)') as period
    from week_medians
    where median_before >= {{ min_median }} and users_active_max * 100 < {{ drop_pct }} * median_before
),

all_alerts as (
    select * from down_alerts
    union all
    select * from missing_alerts
    union all
    select * from update_alerts
    union all
    select * from empty_alerts
    union all
    select * from activity_alerts
),

-- Monitoring spans: an installation listed by consecutive versions of its cabinet's registry (each in force
-- until the next) is monitored without a break; a version that does not list it ends its span. The first
-- version has no previous valid_to (NULL: the column is Nullable) and starts the first span.
version_breaks as (
    select
        cabinet,
        client,
        valid_from,
        valid_to,
        lagInFrame(valid_to) over previous_version as previous_valid_to
    from installations
    window previous_version as (
        partition by cabinet, client order by valid_from rows between 1 preceding and current row
    )
),

version_spans as (
    select
        cabinet,
        client,
        valid_from,
        valid_to,
        sum(toUInt32(previous_valid_to is null or previous_valid_to != valid_from))
            over earlier_versions as span_no
    from version_breaks
    window earlier_versions as (
        partition by cabinet, client order by valid_from rows between unbounded preceding and current row
    )
),

monitoring_spans as (
    select
        cabinet,
        client,
        min(valid_from) as monitored_from,
        tupleElement(argMax(tuple(valid_to), valid_from), 1) as monitored_until
    from version_spans
    group by cabinet, client, span_no
),

-- An alert resolves at the latest when its installation leaves monitoring: the end of the span that started
-- last at or before it opened. One that would open at or after that moment never opens.
alert_versions as (
    select
        all_alerts.cabinet as cabinet,
        all_alerts.client as client,
        all_alerts.rule as rule,
        all_alerts.opened_at as opened_at,
        all_alerts.period as period,
        all_alerts.resolves_at as resolves_at,
        tupleElement(argMax(tuple(monitoring_spans.monitored_until), monitoring_spans.monitored_from), 1)
            as monitored_until
    from all_alerts
    inner join monitoring_spans
        on
            all_alerts.cabinet = monitoring_spans.cabinet
            and all_alerts.client = monitoring_spans.client
    where monitoring_spans.monitored_from <= all_alerts.opened_at
    group by
        all_alerts.cabinet, all_alerts.client, all_alerts.rule, all_alerts.opened_at, all_alerts.period,
        all_alerts.resolves_at
),

monitored_alerts as (
    select
        cabinet,
        client,
        rule,
        opened_at,
        period,
        if(
            monitored_until is not null and (resolves_at is null or resolves_at > monitored_until),
            monitored_until,
            resolves_at
        ) as resolves_at
    from alert_versions
    where monitored_until is null or monitored_until > opened_at
),

-- As of the latest report or poll: an alert opening later is not open yet; one resolving later is open.
judged as (
    select
        monitored_alerts.cabinet as cabinet,
        monitored_alerts.client as client,
        monitored_alerts.rule as rule,
        monitored_alerts.opened_at as opened_at,
        monitored_alerts.period as period,
        if(monitored_alerts.rule in ('empty_searches', 'activity_drop'), 'usage', 'high') as priority,
        if(monitored_alerts.resolves_at > as_of.as_of, null, monitored_alerts.resolves_at) as resolved_at
    from monitored_alerts
    cross join as_of
    where monitored_alerts.opened_at <= as_of.as_of
),

-- The manager of the installation's version that started last at or before the alert opened.
alert_managers as (
    select
        judged.cabinet as cabinet,
        judged.client as client,
        judged.rule as rule,
        judged.opened_at as opened_at,
        argMax(installations.manager_email, installations.valid_from) as manager_email
    from judged
    inner join installations
        on
            judged.cabinet = installations.cabinet
            and judged.client = installations.client
    where installations.valid_from <= judged.opened_at
    group by judged.cabinet, judged.client, judged.rule, judged.opened_at
),

branch_emails as (
    select
        installations.cabinet as cabinet,
        cabinets.distributor as distributor,
        installations.manager_email as manager_email,
        installations.valid_from as valid_from,
        installations.valid_to as valid_to
    from installations
    inner join cabinets on installations.cabinet = cabinets.cabinet
    where cabinets.is_branch
),

-- A branch's manager e-mail that another branch cabinet of the distributor lists in a version in force when
-- the alert opened: withheld.
conflicts as (
    select
        alert_managers.cabinet as cabinet,
        alert_managers.client as client,
        alert_managers.rule as rule,
        alert_managers.opened_at as opened_at
    from alert_managers
    inner join cabinets on alert_managers.cabinet = cabinets.cabinet
    inner join branch_emails
        on
            cabinets.distributor = branch_emails.distributor
            and alert_managers.manager_email = branch_emails.manager_email
    where
        cabinets.is_branch
        and branch_emails.cabinet != alert_managers.cabinet
        and branch_emails.valid_from <= alert_managers.opened_at
        and (branch_emails.valid_to is null or branch_emails.valid_to > alert_managers.opened_at)
    group by alert_managers.cabinet, alert_managers.client, alert_managers.rule, alert_managers.opened_at
),

high_alerts as (
    select
        cabinet,
        client,
        opened_at,
        resolved_at
    from judged
    where priority = 'high'
),

-- Overlapping or touching high-priority alerts of an installation as one covered stretch.
high_starts as (
    select
        cabinet,
        client,
        opened_at,
        ifNull(resolved_at, toDateTime64('2262-01-01 00:00:00', 3, 'UTC')) as ends_at,
        max(ifNull(resolved_at, toDateTime64('2262-01-01 00:00:00', 3, 'UTC'))) over earlier_alerts as earlier_end
    from high_alerts
    window earlier_alerts as (
        partition by cabinet, client order by opened_at rows between unbounded preceding and 1 preceding
    )
),

high_islands as (
    select
        cabinet,
        client,
        opened_at,
        ends_at,
        sum(toUInt32(earlier_end = toDateTime64(0, 3, 'UTC') or opened_at > earlier_end)) over island_order
            as island_no
    from high_starts
    window island_order as (
        partition by cabinet, client order by opened_at rows between unbounded preceding and current row
    )
),

high_stretches as (
    select
        cabinet,
        client,
        min(opened_at) as covered_from,
        max(ends_at) as covered_to
    from high_islands
    group by cabinet, client, island_no
),

usage_alerts as (
    select
        cabinet,
        client,
        rule,
        opened_at,
        resolved_at
    from judged
    where priority = 'usage'
),

usage_against_high as (
    select
        usage_alerts.cabinet as cabinet,
        usage_alerts.client as client,
        usage_alerts.rule as rule,
        usage_alerts.opened_at as opened_at,
        max(ifNull(
            high_alerts.opened_at <= usage_alerts.opened_at
            and (high_alerts.resolved_at is null or high_alerts.resolved_at > usage_alerts.opened_at),
            false
        )) as opened_inhibited,
        max(ifNull(usage_alerts.resolved_at is null and high_alerts.resolved_at is null, false)) as open_inhibited
    from usage_alerts
    left join high_alerts
        on
            usage_alerts.cabinet = high_alerts.cabinet
            and usage_alerts.client = high_alerts.client
    group by usage_alerts.cabinet, usage_alerts.client, usage_alerts.rule, usage_alerts.opened_at
),

usage_covered as (
    select
        usage_alerts.cabinet as cabinet,
        usage_alerts.client as client,
        usage_alerts.rule as rule,
        usage_alerts.opened_at as opened_at
    from usage_alerts
    inner join high_stretches
        on
            usage_alerts.cabinet = high_stretches.cabinet
            and usage_alerts.client = high_stretches.client
    where
        usage_alerts.resolved_at is not null
        and high_stretches.covered_from <= usage_alerts.opened_at
        and high_stretches.covered_to >= usage_alerts.resolved_at
    group by usage_alerts.cabinet, usage_alerts.client, usage_alerts.rule, usage_alerts.opened_at
),

final as (
    select
        judged.cabinet as cabinet,
        judged.client as client,
        judged.rule as rule,
        judged.priority as priority,
        judged.opened_at as opened_at,
        judged.resolved_at as resolved_at,
        judged.period as period,
        alert_managers.manager_email as manager_email,
        lower(hex(cityHash64(judged.cabinet, judged.client, judged.rule, judged.opened_at))) as alert_id,
        if(judged.priority = 'high', cabinets.high_priority_mailbox, cabinets.usage_mailbox) as mailbox,
        toBool(conflicts.cabinet is not null) as is_manager_withheld,
        arraySort(arrayDistinct(
            if(
                conflicts.cabinet is not null or alert_managers.manager_email is null,
                [if(judged.priority = 'high', cabinets.high_priority_mailbox, cabinets.usage_mailbox)],
                [
                    if(judged.priority = 'high', cabinets.high_priority_mailbox, cabinets.usage_mailbox),
                    assumeNotNull(alert_managers.manager_email)
                ]
            )
        )) as recipients,
        toBool(ifNull(usage_against_high.opened_inhibited, false)) as is_opened_inhibited,
        toBool(ifNull(usage_against_high.open_inhibited, false) or usage_covered.cabinet is not null) as is_inhibited
    from judged
    left join cabinets on judged.cabinet = cabinets.cabinet
    left join alert_managers
        on
            judged.cabinet = alert_managers.cabinet
            and judged.client = alert_managers.client
            and judged.rule = alert_managers.rule
            and judged.opened_at = alert_managers.opened_at
    left join conflicts
        on
            judged.cabinet = conflicts.cabinet
            and judged.client = conflicts.client
            and judged.rule = conflicts.rule
            and judged.opened_at = conflicts.opened_at
    left join usage_against_high
        on
            judged.cabinet = usage_against_high.cabinet
            and judged.client = usage_against_high.client
            and judged.rule = usage_against_high.rule
            and judged.opened_at = usage_against_high.opened_at
    left join usage_covered
        on
            judged.cabinet = usage_covered.cabinet
            and judged.client = usage_covered.client
            and judged.rule = usage_covered.rule
            and judged.opened_at = usage_covered.opened_at
)

select * from final
