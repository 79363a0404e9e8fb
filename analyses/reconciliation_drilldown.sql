{#-
    The items behind one day and service of the CRM ↔ CMS reconciliation (v_crm_cms_reconciliation_daily):
    every cms_only handled contact and every crm_only call appeal, one row each, so the operators can be
    asked. The match and the placement are those of the models: dtl_crm__appeals' is_matched_to_handled_contact,
    reconciliation_date and reconciliation_service_code, and agg_cc__reconciliation_daily's rule for a
    matched contact. Vars (both optional): drilldown_date (default: the latest full date), drilldown_service
    (default: that day's service with the most cms_only). analyses/reconciliation_drilldown.yml has an example.
-#}
{%- set drilldown_date = var('drilldown_date', none) -%}
{%- set drilldown_service = var('drilldown_service', none) -%}

-- The default day's source; a var given in its place leaves it unread (hence noqa).
with national_daily as (  -- noqa: ST03
    select * from {{ ref('v_cc_national_daily') }}
),

reconciliation as (
    select * from {{ ref('agg_cc__reconciliation_daily') }}
),

contacts as (
    select * from {{ ref('dtl_cms__contacts') }}
),

agent_legs as (
    select * from {{ ref('dtl_cms__agent_legs') }}
),

appeals as (
    select * from {{ ref('dtl_crm__appeals') }}
),

queue_map as (
    select * from {{ ref('dim_cms_queue_map') }}
),

drilldown_day as (
    select
        {% if drilldown_date is none -%}
            {{ latest_whole_date('national_daily') }}
        {%- else -%}
            toDate({{ sql_string(drilldown_date) }})
        {%- endif %} as report_date
),

-- The day and service drilled into: the one reconciliation row they name (no row: nothing to list).
drilldown as (
    select
        report_date,
        service_code
    from reconciliation
    where
        report_date in (select drilldown_day.report_date from drilldown_day)
        {% if drilldown_service is not none -%}
            and service_code = {{ sql_string(drilldown_service) }}
        {%- endif %}
    order by cms_only desc, service_code asc
    limit 1
),

call_appeals as (
    select * from appeals
    where channel = 'call'
),

-- CMS side: the day's handled contacts of the service that no call appeal matched (cms_only), by the rule of
-- agg_cc__reconciliation_daily.
cms_only_contacts as (
    select
        c.node_id as node_id,
        c.profile_id as profile_id,
        c.session_id as session_id,
        c.report_date as report_date,
        c.service_code as service_code,
        c.contact_started_at_local as contact_started_at_local,
        c.csq_id as csq_id,
        c.handle_time_sec as handle_time_sec,
        c.counted_session_seq_num as counted_session_seq_num,
        c.counted_q_index as counted_q_index
    from contacts as c
    where
        c.outcome = 'handled'
        and c.report_date in (select drilldown.report_date from drilldown)
        and c.service_code in (select drilldown.service_code from drilldown)
        and toString(c.session_id) not in (
            select matched_appeals.contact_ref from call_appeals as matched_appeals
            where matched_appeals.is_matched_to_handled_contact
        )
),

-- The leg that handled each of them: the agent connection on the counted (handled) queue row's leg and queue
-- visit, the answered one first, then the earliest; any connection of the contact if none is on that row.
handling_legs as (
    select
        l.node_id as node_id,
        l.profile_id as profile_id,
        l.session_id as session_id,
        l.resource_login_id as resource_login_id,
        l.operator_login as operator_login
    from agent_legs as l
    inner join cms_only_contacts as c
        on l.node_id = c.node_id and l.profile_id = c.profile_id and l.session_id = c.session_id
    where
        -- a connection starts no earlier than its contact: prunes the older partitions
        l.report_date >= (select drilldown.report_date from drilldown)
    order by
        node_id asc,
        profile_id asc,
        session_id asc,
        (l.session_seq_num = c.counted_session_seq_num and l.q_index = c.counted_q_index) desc,
        l.is_answered desc,
        l.started_at asc
    limit 1 by node_id, profile_id, session_id
),

-- CRM side: the call appeals placed on that day and service that match no handled contact (crm_only).
crm_only_appeals as (
    select * from call_appeals
    where
        not is_matched_to_handled_contact
        and reconciliation_date in (select drilldown.report_date from drilldown)
        and reconciliation_service_code in (select drilldown.service_code from drilldown)
),

-- The contacts an unmatched contact_ref names, if any (none is handled, or the appeal would match).
referenced_contacts as (
    select
        toString(session_id) as contact_ref,
        countIf(outcome = 'abandoned') > 0 as has_abandoned
    from contacts
    where session_id in (select toInt64OrNull(crm_only_appeals.contact_ref) from crm_only_appeals)
    group by contact_ref
),

cms_only_rows as (
    select
        'cms_only' as side,
        c.report_date as report_date,
        c.service_code as service_code,
        c.node_id as node_id,
        c.profile_id as profile_id,
        c.session_id as session_id,
        c.contact_started_at_local as contact_started_at_local,
        c.csq_id as csq_id,
        q.csq_name as csq_name,
        h.resource_login_id as resource_login_id,
        h.operator_login as operator_login,
        c.handle_time_sec as handle_time_sec,
        cast(null as Nullable(String)) as appeal_id,
        cast(null as Nullable(DateTime('UTC'))) as appeal_created_at_local,
        cast(null as Nullable(String)) as contact_ref,
        cast(null as Nullable(String)) as unmatched_reason
    from cms_only_contacts as c
    left join handling_legs as h
        on c.node_id = h.node_id and c.profile_id = h.profile_id and c.session_id = h.session_id
    left join queue_map as q on c.csq_id = q.csq_id
),

crm_only_rows as (
    select
        'crm_only' as side,
        a.reconciliation_date as report_date,
        a.reconciliation_service_code as service_code,
        cast(null as Nullable(Int16)) as node_id,
        cast(null as Nullable(Int32)) as profile_id,
        cast(null as Nullable(Int64)) as session_id,
        cast(null as Nullable(DateTime64(3, 'UTC'))) as contact_started_at_local,
        cast(null as Nullable(Int32)) as csq_id,
        cast(null as Nullable(String)) as csq_name,
        cast(null as Nullable(String)) as resource_login_id,
        a.operator_login as operator_login,
        cast(null as Nullable(Int64)) as handle_time_sec,
        a.appeal_id as appeal_id,
        a.created_at_local as appeal_created_at_local,
        a.contact_ref as contact_ref,
        multiIf(
            ifNull(trim(a.contact_ref), '') = '', 'empty_ref',
            r.contact_ref is null, 'unknown_session',
            r.has_abandoned, 'abandoned_contact_session',
            'other_outcome_contact_session'
        ) as unmatched_reason
    from crm_only_appeals as a
    left join referenced_contacts as r on a.contact_ref = r.contact_ref
),

final as (
    select * from cms_only_rows
    union all
    select * from crm_only_rows
)

select * from final
order by side asc, ifNull(contact_started_at_local, appeal_created_at_local) asc, session_id asc, appeal_id asc
-- the SQL-standard outer joins of the models (dbt_project.yml): an unmatched side is NULL, also when run by hand
settings join_use_nulls = 1
