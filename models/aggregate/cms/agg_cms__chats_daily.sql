{{ config(
    materialized='incremental',
    incremental_strategy='insert_overwrite',
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, service_code, territory_code, channel)',
    ttl='report_date + toIntervalYear(3)',
) }}

{%- set written = [[ref('dtl_cms__chats'), 'report_date']] %}

with chats as (
    select * from {{ ref('dtl_cms__chats') }}
    where {{ rebuilt_months('report_date', written) }}
),

counts as (
    select
        report_date,
        service_code,
        territory_code,
        channel,
        count() as chats,
        countIf(is_served) as served,
        countIf(is_lost) as lost,
        countIf(is_bot_only) as bot_only,
        countIf(is_served and first_response_sec is not null) as served_first_responses,
        sumIf(coalesce(first_response_sec, 0), is_served) as served_first_response_sec,
        countIf(csat is not null) as csat_count,
        sum(coalesce(csat, 0)) as csat_sum
    from chats
    group by report_date, service_code, territory_code, channel
),

final as (
    select
        *,
        {{ pct('lost', 'served + lost') }} as lost_rate_pct,
        {{ safe_mean('served_first_response_sec', 'served_first_responses') }} as mean_first_response_sec,
        {{ safe_mean('csat_sum', 'csat_count') }} as csat_mean
    from counts
)

select * from final
