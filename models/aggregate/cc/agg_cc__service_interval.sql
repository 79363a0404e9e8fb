{{ config(
    materialized='table',
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, service_code, territory_code, interval_start)',
) }}

with contacts as (
    select * from {{ ref('dtl_cms__contacts') }}
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
