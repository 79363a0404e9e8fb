with service_daily as (
    select * from {{ ref('agg_cc__service_daily') }}
),

-- Every service and territory of a local date: the counts add up, and the rates are computed again from
-- the sums by the metric macros (a rate of rates would weigh a small territory like a large one).
counts as (
    select
        report_date,
        {{ cc_contact_count_sums() }}
    from service_daily
    group by report_date
),

-- docs metric_is_whole_day: the whole days run from the first to the last date with at least
-- var('partial_day_share') of the median day's offered; a low day between them is data and stays whole.
with_floor as (
    select
        *,
        -- the median as numpy and the docs compute it (the mean of the two middle days of an even count);
        -- a parametric aggregate's (level)(column) is ClickHouse syntax the linter does not know (LT01)
        offered
        >= {{ var('partial_day_share') }} * quantileExactInclusive(0.5)(offered) over () as reaches_floor  -- noqa: LT01
    from counts
),

final as (
    select
        report_date,
        cast(
            report_date between minIf(report_date, reaches_floor) over () and maxIf(report_date, reaches_floor) over ()
            as Bool
        ) as is_whole_day,
        offered,
        handled,
        abandoned,
        short_abandoned,
        handled_within_sl,
        other_outcomes,
        abandoned_within_sl,
        {{ cc_contact_rates() }}
    from with_floor
)

select * from final
