with chats_daily as (
    select * from {{ ref('agg_cms__chats_daily') }}
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
        d.channel as channel,
        d.chats as chats,
        d.served as served,
        d.lost as lost,
        d.bot_only as bot_only,
        d.lost_rate_pct as lost_rate_pct,
        d.mean_first_response_sec as mean_first_response_sec,
        d.csat_mean as csat_mean,
        d.csat_count as csat_count
    from chats_daily as d
    left join services as s on d.service_code = s.service_code
    left join territories as t on d.territory_code = t.territory_code
)

select * from final
