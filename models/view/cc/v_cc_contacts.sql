with contacts as (
    select * from {{ ref('dtl_cms__contacts') }}
),

final as (
    select
        node_id,
        profile_id,
        session_id,
        contact_started_at_local,
        report_date,
        interval_start,
        service_code,
        territory_code,
        outcome,
        queue_time_sec,
        service_level_sec,
        handle_time_sec,
        is_handled_within_sl,
        is_short_abandon
    from contacts
)

select * from final
