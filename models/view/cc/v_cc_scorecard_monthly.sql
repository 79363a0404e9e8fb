with scorecard as (
    select * from {{ ref('agg_cc__scorecard_monthly') }}
),

final as (
    select
        report_month,
        level,
        member,
        parent,
        handled,
        aht_sec,
        fcr_pct,
        occupancy_pct,
        service_level_pct,
        csat_avg,
        handled_score,
        aht_score,
        fcr_score,
        occupancy_score,
        service_level_score,
        csat_score,
        integral_score,
        level_order,
        service_code,
        territory_code,
        macro_region_code,
        handled_per_hour,
        handle_time_sec,
        busy_sec,
        scheduled_sec,
        resolved,
        resolved_first_contact,
        csat_sum,
        csat_count,
        offered,
        short_abandoned,
        handled_within_sl
    from scorecard
)

select * from final
