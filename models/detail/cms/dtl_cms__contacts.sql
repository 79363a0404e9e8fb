{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['node_id', 'profile_id', 'session_id'],
    delete_bound={'column': 'report_date'},
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, service_code, territory_code, session_id)',
    indexes=[minmax_index('session_id')],
    ttl='report_date + toIntervalYear(3)',
) }}

with call_legs as (
    select * from {{ ref('stg_cms__contact_call_detail') }}
),

-- read only by an incremental run, to find the sessions of its window
call_leg_deliveries as (  -- noqa: ST03
    select * from {{ ref('stg_cms__contact_call_detail_deliveries') }}
),

queue_rows as (
    select * from {{ ref('stg_cms__contact_queue_detail') }}
),

agent_connections as (
    select * from {{ ref('stg_cms__agent_connection_detail') }}
),

queue_versions as (
    select * from {{ ref('stg_cms__contact_service_queue') }}
),

queue_map as (
    select * from {{ ref('dim_cms_queue_map') }}
),

territories as (
    select * from {{ ref('dim_territories') }}
),

queue_dispositions as (
    select * from {{ ref('dim_cms_queue_dispositions') }}
),

-- An incremental run rebuilds the contacts whose first leg started in its window. Their sessions are found
-- among the deliveries (a filter there reaches the raw partitions): every contact of the window is among
-- them, and the inner joins below keep only the contacts themselves. A filter on the key columns reaches
-- into the staging views' deduplication, so only those sessions' rows are read. (The linter cannot see
-- that the CTE and its uses are rendered together.)
{%- set first_leg_in_window -%}
    session_seq_num = 0 and contact_type = 1
    and {{ rebuild_window('started_at', built_column='contact_started_at') }}
{%- endset %}
{% if is_incremental() %}
    rebuilt_sessions as (  -- noqa: ST03
        select distinct
            node_id,
            profile_id,
            session_id
        from call_leg_deliveries
        where {{ first_leg_in_window }}
    ),
{% endif %}

-- A contact is an inbound session: its first leg is an incoming call. Later legs (transfers,
-- redirects) belong to the same contact.
first_legs as (
    {{ where_through_keys(
        'call_legs', ['node_id', 'profile_id', 'session_id'], first_leg_in_window,
        deliveries='call_leg_deliveries',
    ) }}
),

inbound_contacts as (
    select
        node_id,
        profile_id,
        session_id,
        started_at as contact_started_at,
        contact_disposition
    from first_legs
),

leg_counts as (
    select
        node_id,
        profile_id,
        session_id,
        count() as legs,
        countIf(is_transfer) as transfers,
        countIf(is_redirect) as redirects
    from call_legs
    {% if is_incremental() %}
        where (node_id, profile_id, session_id) in rebuilt_sessions
    {% endif %}
    group by node_id, profile_id, session_id
),

csq_rows as (
    select
        node_id,
        profile_id,
        session_id,
        target_id,
        queue_disposition,
        queue_time_sec,
        session_seq_num,
        q_index,
        queue_order,
        ifNull(queue_disposition = 2, false) as is_handled_row
    from queue_rows
    where
        target_type = 0
        {% if is_incremental() %}
            and (node_id, profile_id, session_id) in rebuilt_sessions
        {% endif %}
),

queue_visits as (
    select
        node_id,
        profile_id,
        session_id,
        count() as queue_rows,
        uniqExact(target_id) as queues_visited
    from csq_rows
    group by node_id, profile_id, session_id
),

-- The queue row a contact is counted on (docs/metrics.md, metric_offered): the earliest handled row by
-- (session_seq_num, q_index, queue_order) if there is one, otherwise the last row; a missing
-- queue_order sorts first. Rows sort handled first, then earliest first among handled rows and latest
-- first among the others, so each contact's first row is the counted one. (A sort with LIMIT BY:
-- argMin over whole rows is several times slower at 100,000 calls a day.)
counted_queue_rows as (
    select
        node_id,
        profile_id,
        session_id,
        target_id as csq_record_id,
        queue_disposition,
        queue_time_sec,
        session_seq_num as counted_session_seq_num,
        q_index as counted_q_index
    from csq_rows
    order by
        node_id asc,
        profile_id asc,
        session_id asc,
        is_handled_row desc,
        if(is_handled_row, 1, -1) * toInt32(session_seq_num) asc,
        if(is_handled_row, 1, -1) * toInt32(q_index) asc,
        if(is_handled_row, 1, -1) * toInt32(coalesce(queue_order, -32768)) asc,
        target_id asc
    limit 1 by node_id, profile_id, session_id
),

handle_times as (
    select
        node_id,
        profile_id,
        session_id,
        count() as agent_connections,
        sum(coalesce(talk_time_sec, 0)) as talk_sec,
        sum(coalesce(hold_time_sec, 0)) as hold_sec,
        sum(coalesce(work_time_sec, 0)) as work_sec
    from agent_connections
    {% if is_incremental() %}
        where (node_id, profile_id, session_id) in rebuilt_sessions
    {% endif %}
    group by node_id, profile_id, session_id
),

contacts as (
    select
        node_id,
        profile_id,
        session_id,
        inbound_contacts.contact_started_at as contact_started_at,
        inbound_contacts.contact_disposition as contact_disposition,
        queue_visits.queue_rows as queue_rows,
        queue_visits.queues_visited as queues_visited,
        counted_queue_rows.csq_record_id as csq_record_id,
        counted_queue_rows.queue_disposition as queue_disposition,
        counted_queue_rows.queue_time_sec as queue_time_sec,
        counted_queue_rows.counted_session_seq_num as counted_session_seq_num,
        counted_queue_rows.counted_q_index as counted_q_index,
        leg_counts.legs as legs,
        leg_counts.transfers as transfers,
        leg_counts.redirects as redirects,
        handle_times.agent_connections as agent_connections,
        handle_times.talk_sec as talk_sec,
        handle_times.hold_sec as hold_sec,
        handle_times.work_sec as work_sec
    from inbound_contacts
    -- only queued contacts are offered: a contact without a CSQ row is not a contact-center contact
    inner join counted_queue_rows using (node_id, profile_id, session_id)
    inner join queue_visits using (node_id, profile_id, session_id)
    left join leg_counts using (node_id, profile_id, session_id)
    left join handle_times using (node_id, profile_id, session_id)
),

enriched as (
    select
        contacts.node_id as node_id,
        contacts.profile_id as profile_id,
        contacts.session_id as session_id,
        contacts.contact_started_at as contact_started_at,
        contacts.contact_disposition as contact_disposition,
        contacts.queue_rows as queue_rows,
        contacts.queues_visited as queues_visited,
        contacts.csq_record_id as csq_record_id,
        contacts.queue_disposition as queue_disposition,
        contacts.queue_time_sec as queue_time_sec,
        contacts.counted_session_seq_num as counted_session_seq_num,
        contacts.counted_q_index as counted_q_index,
        contacts.legs as legs,
        contacts.transfers as transfers,
        contacts.redirects as redirects,
        contacts.agent_connections as agent_connections,
        contacts.talk_sec as talk_sec,
        contacts.hold_sec as hold_sec,
        contacts.work_sec as work_sec,
        queue_versions.csq_id as csq_id,
        coalesce(queue_map.service_code, 'unmapped') as service_code,
        coalesce(queue_map.territory_code, 'unmapped') as territory_code,
        coalesce(queue_map.service_level_sec, {{ var('service_level_sec') }}) as service_level_sec,
        -- an unmapped queue is reported in Moscow time, where the contact center's head office sits
        coalesce(territories.utc_offset_hours, 3) as utc_offset_hours,
        queue_dispositions.outcome as outcome
    from contacts
    left join queue_versions
        on contacts.csq_record_id = queue_versions.record_id and contacts.profile_id = queue_versions.profile_id
    left join queue_map on queue_versions.csq_id = queue_map.csq_id
    left join territories on queue_map.territory_code = territories.territory_code
    left join queue_dispositions on contacts.queue_disposition = queue_dispositions.queue_disposition
),

final as (
    select
        node_id,
        profile_id,
        session_id,
        contact_started_at,
        contact_started_at + toIntervalHour(utc_offset_hours) as contact_started_at_local,
        toDate(contact_started_at_local) as report_date,
        toStartOfInterval(contact_started_at_local, interval 30 minute) as interval_start,
        utc_offset_hours,
        csq_record_id,
        csq_id,
        service_code,
        territory_code,
        service_level_sec,
        queue_disposition,
        outcome,
        queue_time_sec,
        -- A missing queue time (UCCX -1) never counts as within a threshold.
        ifNull(outcome = 'handled' and queue_time_sec <= service_level_sec, false) as is_handled_within_sl,
        ifNull(outcome = 'abandoned' and queue_time_sec <= service_level_sec, false) as is_abandoned_within_sl,
        ifNull(outcome = 'abandoned' and queue_time_sec < {{ var('short_abandon_sec') }}, false) as is_short_abandon,
        talk_sec,
        hold_sec,
        work_sec,
        coalesce(talk_sec + hold_sec + work_sec, 0) as handle_time_sec,
        coalesce(agent_connections, 0) as agent_connections,
        legs,
        transfers,
        redirects,
        queue_rows,
        queues_visited,
        counted_session_seq_num,
        counted_q_index,
        contact_disposition
    from enriched
)

select
    *,
    {{ build_id() }} as build_id
from final
