with service_interval as (
    select * from {{ ref('agg_cc__service_interval') }}
),

forecast_intervals as (
    select * from {{ ref('dtl_wfm__forecast_intervals') }}
),

staffing_intervals as (
    select * from {{ ref('agg_wfm__staffing_interval') }}
),

-- Intervals with contacts, with a forecast, or both: a forecast interval with no contact shows 0 offered.
joined as (
    select
        cast(coalesce(toDateTime(a.interval_start, 'UTC'), f.interval_start) as DateTime('UTC')) as interval_start,
        cast(coalesce(a.report_date, f.report_date) as Date) as report_date,
        cast(coalesce(a.service_code, f.service_code) as LowCardinality(String)) as service_code,
        cast(coalesce(a.territory_code, f.territory_code) as LowCardinality(String)) as territory_code,
        cast(coalesce(a.offered, 0) as UInt64) as offered,
        cast(coalesce(a.handled, 0) as UInt64) as handled,
        cast(coalesce(a.abandoned, 0) as UInt64) as abandoned,
        a.service_level_pct as service_level_pct,
        a.aht_sec as aht_sec,
        f.forecast_offered as forecast_offered,
        f.forecast_aht_sec as forecast_aht_sec,
        f.required_agents as required_agents
    from service_interval as a
    full outer join forecast_intervals as f
        on
            toDateTime(a.interval_start, 'UTC') = f.interval_start
            and a.service_code = f.service_code
            and a.territory_code = f.territory_code
),

-- Scheduled staffing joins the same way: an interval with agents at work and no contact or forecast shows too.
staffed as (
    select
        cast(coalesce(j.interval_start, w.interval_start) as DateTime('UTC')) as interval_start,
        cast(coalesce(j.report_date, w.report_date) as Date) as report_date,
        cast(coalesce(j.service_code, w.service_code) as LowCardinality(String)) as service_code,
        cast(coalesce(j.territory_code, w.territory_code) as LowCardinality(String)) as territory_code,
        cast(coalesce(j.offered, 0) as UInt64) as offered,
        cast(coalesce(j.handled, 0) as UInt64) as handled,
        cast(coalesce(j.abandoned, 0) as UInt64) as abandoned,
        j.service_level_pct as service_level_pct,
        j.aht_sec as aht_sec,
        j.forecast_offered as forecast_offered,
        j.forecast_aht_sec as forecast_aht_sec,
        j.required_agents as required_agents,
        cast(coalesce(w.scheduled_agents, 0) as Float64) as scheduled_agents
    from joined as j
    full outer join staffing_intervals as w
        on
            j.interval_start = w.interval_start
            and j.service_code = w.service_code
            and j.territory_code = w.territory_code
),

final as (
    select
        interval_start,
        report_date,
        service_code,
        territory_code,
        offered,
        handled,
        abandoned,
        service_level_pct,
        aht_sec,
        forecast_offered,
        {{ forecast_error_pct('offered', 'forecast_offered') }} as forecast_error_pct,
        forecast_aht_sec,
        required_agents,
        scheduled_agents
    from staffed
)

select * from final
