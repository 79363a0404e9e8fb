{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['node_id', 'profile_id', 'session_id', 'session_seq_num', 'resource_id', 'started_at', 'q_index'],
    delete_bound={'column': 'report_date', 'from_key': 'toDate(started_at)', 'days': 1},
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, service_code, territory_code, resource_id, session_id)',
    ttl='report_date + toIntervalYear(3)',
) }}

with agent_connections as (
    select * from {{ ref('stg_cms__agent_connection_detail') }}
    where {{ rebuild_window('started_at') }}
),

contacts as (
    select * from {{ ref('dtl_cms__contacts') }}
    -- a connection belongs to a contact that started before it: one more day of margin
    where {{ rebuild_window('contact_started_at', built_column='started_at', margin_days=1) }}
),

resources as (
    select * from {{ ref('stg_cms__resource') }}
),

staff as (
    select * from {{ ref('stg_wfm__staff') }}
),

-- An agent's Cisco login is stable across Resource versions (as in dtl_wfm__operator_days).
logins as (
    select
        resource_id,
        profile_id,
        any(resource_login_id) as resource_login_id,
        any(resource_name) as resource_name
    from resources
    group by resource_id, profile_id
),

-- The WFM roster names each Cisco login's operator; the login does not change between roster versions.
operators as (
    select
        resource_login_id,
        any(operator_login) as operator_login
    from staff
    where resource_login_id is not null
    group by resource_login_id
),

legs as (
    select
        agent_connections.node_id as node_id,
        agent_connections.profile_id as profile_id,
        agent_connections.session_id as session_id,
        agent_connections.session_seq_num as session_seq_num,
        agent_connections.resource_id as resource_id,
        agent_connections.q_index as q_index,
        agent_connections.started_at as started_at,
        agent_connections.ended_at as ended_at,
        agent_connections.ring_time_sec as ring_time_sec,
        agent_connections.talk_time_sec as talk_time_sec,
        agent_connections.hold_time_sec as hold_time_sec,
        agent_connections.work_time_sec as work_time_sec,
        agent_connections.call_wrapup_data as call_wrapup_data,
        logins.resource_login_id as resource_login_id,
        logins.resource_name as resource_name,
        operators.operator_login as operator_login,
        contacts.report_date as contact_report_date,
        contacts.outcome as contact_outcome,
        cast(contacts.session_id is not null as Bool) as is_inbound_contact,
        -- a connection outside an inbound contact (an outgoing or internal call) has no service or
        -- territory; it is reported like an unmapped queue, in Moscow time
        cast(coalesce(contacts.service_code, 'unmapped') as LowCardinality(String)) as service_code,
        cast(coalesce(contacts.territory_code, 'unmapped') as LowCardinality(String)) as territory_code,
        coalesce(contacts.utc_offset_hours, 3) as utc_offset_hours
    from agent_connections
    left join contacts
        on
            agent_connections.node_id = contacts.node_id
            and agent_connections.profile_id = contacts.profile_id
            and agent_connections.session_id = contacts.session_id
    left join logins
        on
            agent_connections.resource_id = logins.resource_id
            and agent_connections.profile_id = logins.profile_id
    left join operators on logins.resource_login_id = operators.resource_login_id
),

final as (
    select
        node_id,
        profile_id,
        session_id,
        session_seq_num,
        resource_id,
        q_index,
        started_at,
        ended_at,
        utc_offset_hours,
        resource_login_id,
        resource_name,
        operator_login,
        service_code,
        territory_code,
        is_inbound_contact,
        contact_report_date,
        contact_outcome,
        ring_time_sec,
        talk_time_sec,
        hold_time_sec,
        work_time_sec,
        call_wrapup_data,
        cast(ifNull(talk_time_sec > 0, false) as Bool) as is_answered,
        started_at + toIntervalHour(utc_offset_hours) as started_at_local,
        toDate(started_at_local) as report_date,
        coalesce(talk_time_sec, 0) + coalesce(hold_time_sec, 0) + coalesce(work_time_sec, 0) as handle_time_sec
    from legs
)

select
    *,
    {{ build_id() }} as build_id
from final
