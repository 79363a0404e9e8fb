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

final as (
    select
        report_date,
        offered,
        handled,
        abandoned,
        short_abandoned,
        handled_within_sl,
        other_outcomes,
        abandoned_within_sl,
        {{ cc_contact_rates() }}
    from counts
)

select * from final
