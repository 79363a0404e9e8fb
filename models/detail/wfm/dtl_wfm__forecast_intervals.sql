{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['service_code', 'territory_code', 'interval_start'],
    delete_bound={'column': 'report_date', 'from_key': 'toDate(interval_start)'},
    engine='MergeTree()',
    partition_by='toYYYYMM(report_date)',
    order_by='(report_date, service_code, territory_code, interval_start)',
    ttl='report_date + toIntervalYear(3)',
) }}

with forecasts as (
    select * from {{ ref('stg_wfm__forecasts') }}
),

-- The forecast that counts for accuracy is the latest publication before the interval starts: a revision
-- published once the interval has begun is hindsight. Both times are the territory's local time.
counted as (
    select
        service_code,
        territory_code,
        interval_start_local as interval_start,
        report_date,
        argMax(forecast_offered, published_at_local) as forecast_offered,
        argMax(forecast_aht_sec, published_at_local) as forecast_aht_sec,
        argMax(required_agents, published_at_local) as required_agents,
        max(published_at_local) as counted_published_at_local,
        count() as publications
    from forecasts
    where
        published_at_local < interval_start_local
        and {{ rebuild_window('interval_start_local', built_column='interval_start') }}
    group by service_code, territory_code, interval_start, report_date
)

select
    *,
    {{ build_id() }} as build_id
from counted
