-- The monthly counts are additive: each equals the sum of the daily aggregate over the local month.
-- Returns the (month, service, territory) rows where any count differs, from either side.
with daily as (
    select
        service_code,
        territory_code,
        toStartOfMonth(report_date) as report_month,
        sum(offered) as offered,
        sum(handled) as handled,
        sum(abandoned) as abandoned,
        sum(short_abandoned) as short_abandoned,
        sum(handled_within_sl) as handled_within_sl
    from {{ ref('agg_cc__service_daily') }}
    group by report_month, service_code, territory_code
),

monthly as (
    select
        report_month,
        service_code,
        territory_code,
        offered,
        handled,
        abandoned,
        short_abandoned,
        handled_within_sl
    from {{ ref('agg_cc__service_monthly') }}
)

select
    daily.report_month as daily_month,
    monthly.report_month as monthly_month,
    daily.service_code as daily_service_code,
    daily.territory_code as daily_territory_code
from daily
full outer join monthly
    on
        daily.report_month = monthly.report_month
        and daily.service_code = monthly.service_code
        and daily.territory_code = monthly.territory_code
where
    daily.report_month is null
    or monthly.report_month is null
    or daily.offered != monthly.offered
    or daily.handled != monthly.handled
    or daily.abandoned != monthly.abandoned
    or daily.short_abandoned != monthly.short_abandoned
    or daily.handled_within_sl != monthly.handled_within_sl
