{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, service_code)',
    ttl='report_date + toIntervalYear(3)',
) }}

{#- A call appeal lands on its reconciliation date, a day of the contact it matched: both dates move months. -#}
{%- set written = [
    [ref('dtl_cms__contacts'), 'report_date'],
    [ref('dtl_crm__appeals'), 'report_date'],
    [ref('dtl_crm__appeals'), 'reconciliation_date'],
] %}

with contacts as (
    select * from {{ ref('dtl_cms__contacts') }}
    where {{ rebuilt_months('report_date', written) }}
),

appeals as (
    select * from {{ ref('dtl_crm__appeals') }}
),

call_appeals as (
    select * from appeals
    where channel = 'call' and {{ rebuilt_months('reconciliation_date', written) }}
),

-- handled contacts, each with whether some call appeal references it
handled_contacts as (
    select
        c.report_date as report_date,
        c.service_code as service_code,
        toString(c.session_id) in (
            select matched_appeals.contact_ref from call_appeals as matched_appeals
            where matched_appeals.is_matched_to_handled_contact
        ) as is_matched
    from contacts as c
    where c.outcome = 'handled'
),

cms_side as (
    select
        report_date,
        service_code,
        count() as cms_handled,
        countIf(is_matched) as matched
    from handled_contacts
    group by report_date, service_code
),

crm_side as (
    select
        reconciliation_date as report_date,
        reconciliation_service_code as service_code,
        count() as crm_call_appeals,
        countIf(not is_matched_to_handled_contact) as crm_only
    from call_appeals
    group by report_date, service_code
),

final as (
    select
        -- one side always exists in a full join: the grain columns are never NULL
        cast(coalesce(cms_side.report_date, crm_side.report_date) as Date) as report_date,
        cast(coalesce(cms_side.service_code, crm_side.service_code) as LowCardinality(String)) as service_code,
        cast(coalesce(cms_side.cms_handled, 0) as UInt64) as cms_handled,
        cast(coalesce(crm_side.crm_call_appeals, 0) as UInt64) as crm_call_appeals,
        cast(coalesce(cms_side.matched, 0) as UInt64) as matched,
        cast(coalesce(crm_side.crm_only, 0) as UInt64) as crm_only,
        cms_handled - matched as cms_only,
        {{ pct('matched', 'cms_handled') }} as match_rate_pct
    from cms_side
    full outer join crm_side
        on cms_side.report_date = crm_side.report_date and cms_side.service_code = crm_side.service_code
)

select * from final
