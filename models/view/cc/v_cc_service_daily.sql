with service_daily as (
    select * from {{ ref('agg_cc__service_daily') }}
),

services as (
    select * from {{ ref('dim_services') }}
),

territories as (
    select * from {{ ref('dim_territories') }}
),

final as (
    select
        d.report_date as report_date,
        d.service_code as service_code,
        s.service_name as service_name,
        d.territory_code as territory_code,
        t.territory_name as territory_name,
        d.offered as offered,
        d.handled as handled,
        d.abandoned as abandoned,
        d.short_abandoned as short_abandoned,
        d.handled_within_sl as handled_within_sl,
        d.service_level_pct as service_level_pct,
        d.abandon_rate_pct as abandon_rate_pct,
        d.asa_sec as asa_sec,
        d.aht_sec as aht_sec,
        d.other_outcomes as other_outcomes,
        d.abandoned_within_sl as abandoned_within_sl,
        d.sl_only_handled_pct as sl_only_handled_pct,
        d.sl_positive_abandon_pct as sl_positive_abandon_pct,
        d.sl_negative_abandon_pct as sl_negative_abandon_pct
    from service_daily as d
    left join services as s on d.service_code = s.service_code
    left join territories as t on d.territory_code = t.territory_code
)

select * from final
