with service_interval as (
    select * from {{ ref('agg_cc__service_interval') }}
),

forecast_intervals as (
    select * from {{ ref('dtl_wfm__forecast_intervals') }}
),

staffing_intervals as (
    select * from {{ ref('agg_wfm__staffing_interval') }}
),

-- Every interval × service × territory with contacts, a forecast or agents scheduled: an interval with a
-- forecast or staff but no contact shows 0 offered.
interval_keys as (
    select
        toDateTime(interval_start, 'UTC') as interval_start,
        report_date,
        service_code,
        territory_code
    from service_interval
    union distinct
    select
        interval_start,
        report_date,
        service_code,
        territory_code
    from forecast_intervals
    union distinct
    select
        interval_start,
        report_date,
        service_code,
        territory_code
    from staffing_intervals
),

final as (
    select
        cast(k.interval_start as DateTime('UTC')) as interval_start,
        cast(k.report_date as Date) as report_date,
        cast(k.service_code as LowCardinality(String)) as service_code,
        cast(k.territory_code as LowCardinality(String)) as territory_code,
        cast(coalesce(a.offered, 0) as UInt64) as offered,
        cast(coalesce(a.handled, 0) as UInt64) as handled,
        cast(coalesce(a.abandoned, 0) as UInt64) as abandoned,
        a.service_level_pct as service_level_pct,
        a.aht_sec as aht_sec,
        f.forecast_offered as forecast_offered,
        {{ forecast_error_pct('coalesce(a.offered, 0)', 'f.forecast_offered') }} as forecast_error_pct,
        f.forecast_aht_sec as forecast_aht_sec,
        f.required_agents as required_agents,
        cast(coalesce(w.scheduled_agents, 0) as Float64) as scheduled_agents
    from interval_keys as k
    left join service_interval as a
        on
            k.interval_start = toDateTime(a.interval_start, 'UTC')
            and k.service_code = a.service_code
            and k.territory_code = a.territory_code
    left join forecast_intervals as f
        on
            k.interval_start = f.interval_start
            and k.service_code = f.service_code
            and k.territory_code = f.territory_code
    left join staffing_intervals as w
        on
            k.interval_start = w.interval_start
            and k.service_code = w.service_code
            and k.territory_code = w.territory_code
)

select * from final
