{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, service_code, territory_code, interval_start)',
    ttl='report_date + toIntervalYear(3)',
) }}

{%- set written = [[ref('dtl_cms__contacts'), 'report_date']] %}

with contacts as (
    select * from {{ ref('dtl_cms__contacts') }}
    where {{ rebuilt_months('report_date', written) }}
),

counts as (
    select
        interval_start,
        report_date,
        service_code,
        territory_code,
        {{ cc_contact_counts() }}
    from contacts
    group by interval_start, report_date, service_code, territory_code
),

final as (
    select
        *,
        {{ cc_contact_rates() }}
    from counts
)

select * from final
