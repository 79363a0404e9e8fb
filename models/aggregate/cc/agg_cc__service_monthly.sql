{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    engine='MergeTree()',
    partition_by='toYYYYMM(report_month)',
    order_by='(report_month, service_code, territory_code)',
    ttl='report_month + toIntervalYear(3)',
) }}

{%- set written = [[ref('dtl_cms__contacts'), 'report_date']] %}

with contacts as (
    select * from {{ ref('dtl_cms__contacts') }}
    where {{ rebuilt_months('report_date', written) }}
),

-- Counted from the contacts, not summed from the daily aggregate, so that the monthly numbers never
-- depend on another aggregate; the counts are the same macro, so both always agree.
counts as (
    select
        toStartOfMonth(report_date) as report_month,
        service_code,
        territory_code,
        {{ cc_contact_counts() }}
    from contacts
    group by report_month, service_code, territory_code
),

final as (
    select
        *,
        {{ cc_contact_rates() }}
    from counts
)

select * from final
