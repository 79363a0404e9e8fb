{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, service_code, territory_code, interval_start)',
    ttl='report_date + toIntervalYear(3)',
) }}

{%- set written = [[ref('dtl_wfm__operator_intervals'), 'report_date']] %}

with operator_intervals as (
    select * from {{ ref('dtl_wfm__operator_intervals') }}
    where {{ rebuilt_months('report_date', written) }}
),

staffing as (
    select
        interval_start,
        report_date,
        service_code,
        territory_code,
        sum(work_sec) as scheduled_work_sec,
        {{ scheduled_agents("sum(work_sec)") }} as scheduled_agents
    from operator_intervals
    group by interval_start, report_date, service_code, territory_code
)

select * from staffing
