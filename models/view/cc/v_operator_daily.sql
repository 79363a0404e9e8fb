with operator_days as (
    select * from {{ ref('dtl_wfm__operator_days') }}
),

final as (
    select
        report_date,
        operator_login,
        team,
        service_code,
        territory_code,
        handled,
        {{ safe_mean('handle_time_sec', 'handled') }} as aht_sec,
        talk_sec,
        hold_sec,
        work_sec,
        scheduled_sec,
        {{ pct('talk_sec + hold_sec + work_sec', 'scheduled_sec') }} as occupancy_pct
    from operator_days
)

select * from final
