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

-- From here on each step reads the one before it once: ClickHouse inlines a CTE wherever it is named, so a
-- second reader of judged would compute every rule again.

-- The manager of the installation's version that started last at or before the alert opened.
managed as (
    select
        judged.cabinet as cabinet,
        judged.client as client,
        judged.rule as rule,
        judged.opened_at as opened_at,
        judged.period as period,
        judged.priority as priority,
        judged.resolved_at as resolved_at,
        installations.manager_email as manager_email
    from judged
    asof left join installations
        on
            judged.cabinet = installations.cabinet
            and judged.client = installations.client
            and judged.opened_at >= installations.valid_from
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
routed as (
    select
        managed.cabinet as cabinet,
        managed.client as client,
        managed.rule as rule,
        managed.opened_at as opened_at,
        any(managed.period) as period,
        any(managed.priority) as priority,
        any(managed.resolved_at) as resolved_at,
        any(managed.manager_email) as manager_email,
        any(cabinets.high_priority_mailbox) as high_priority_mailbox,
        any(cabinets.usage_mailbox) as usage_mailbox,
        max(ifNull(
            cabinets.is_branch
            and branch_emails.cabinet != managed.cabinet
            and branch_emails.valid_from <= managed.opened_at
            and (branch_emails.valid_to is null or branch_emails.valid_to > managed.opened_at),
            false
        )) as is_manager_withheld
    from managed
    left join cabinets on managed.cabinet = cabinets.cabinet
    left join branch_emails
        on
            cabinets.distributor = branch_emails.distributor
            and managed.manager_email = branch_emails.manager_email
    group by managed.cabinet, managed.client, managed.rule, managed.opened_at
),

-- An installation's alerts in the order they opened, high-priority ones first among those opened at the same
-- moment; a high-priority alert covers until it resolves (an open one for ever).
high_covers as (
    select
        *,
        priority = 'high' as is_high,
        if(is_high, ifNull(resolved_at, toDateTime64('2262-01-01 00:00:00', 3, 'UTC')), null) as high_ends_at
    from routed
),

-- Per alert: the latest end of the high-priority alerts opened before it (earlier_high_end) and up to it
-- (high_end_so_far), and whether any high-priority alert of the installation is still open.
high_context as (
    select
        *,
        max(high_ends_at) over earlier_alerts as earlier_high_end,
        max(high_ends_at) over alerts_so_far as high_end_so_far,
        max(is_high and resolved_at is null) over installation_alerts as is_high_open
    from high_covers
    window
        earlier_alerts as (
            partition by cabinet, client order by opened_at asc, is_high desc
            rows between unbounded preceding and 1 preceding
        ),
        alerts_so_far as (
            partition by cabinet, client order by opened_at asc, is_high desc
            rows between unbounded preceding and current row
        ),
        installation_alerts as (partition by cabinet, client)
),

-- Overlapping or touching high-priority alerts of an installation as one covered stretch: a high-priority
-- alert opened after every earlier one ended starts the next; an alert belongs to the latest started.
high_islands as (
    select
        *,
        sum(toUInt32(is_high and (earlier_high_end is null or opened_at > earlier_high_end))) over alerts_so_far
            as island_no
    from high_context
    window alerts_so_far as (
        partition by cabinet, client order by opened_at asc, is_high desc
        rows between unbounded preceding and current row
    )
),

-- A usage alert is inhibited from being sent when it opens while a high-priority alert is open, when it is
-- open while one is, or when the stretch it opened in lasts until it resolved.
inhibited as (
    select
        *,
        not is_high and ifNull(high_end_so_far > opened_at, false) as opened_inhibited,
        not is_high and resolved_at is null and is_high_open as open_inhibited,
        not is_high
        and resolved_at is not null
        and ifNull(max(high_ends_at) over stretch >= resolved_at, false) as stretch_covered
    from high_islands
    window stretch as (partition by cabinet, client, island_no)
),

final as (
    select
        cabinet,
        client,
        rule,
        priority,
        opened_at,
        resolved_at,
        period,
        manager_email,
        lower(hex(cityHash64(cabinet, client, rule, opened_at))) as alert_id,
        if(priority = 'high', high_priority_mailbox, usage_mailbox) as mailbox,
        toBool(is_manager_withheld) as is_manager_withheld,
        arraySort(arrayDistinct(
            if(
                is_manager_withheld or manager_email is null,
                [mailbox],
                [mailbox, assumeNotNull(manager_email)]
            )
        )) as recipients,
        toBool(opened_inhibited) as is_opened_inhibited,
        toBool(open_inhibited or stretch_covered) as is_inhibited
    from inhibited
)

select * from final
