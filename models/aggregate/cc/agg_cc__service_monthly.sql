{{ config(
    materialized='table',
    engine='MergeTree()',
    partition_by='toYear(report_month)',
    order_by='(report_month, service_code, territory_code)',
) }}

with contacts as (
    select * from {{ ref('dtl_cms__contacts') }}
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
