with source as (
    {{ latest_committed_rows(source('wfm', 'schedules'), ['operator_login', 'shift_date', 'activity_start']) }}
),

renamed as (
    select
        operator_login,
        shift_date,
        activity,
        activity_start as activity_start_local,
        activity_end as activity_end_local,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        if(
            activity_end is null, null, dateDiff('second', activity_start, activity_end)
        ) as duration_sec
    from source
)

select * from renamed
