with events as (
    select
        run_id,
        status as event_status,
        target as event_target,
        steps as event_steps,
        failed_step as event_failed_step,
        exit_code as event_exit_code,
        oncall_notified as event_oncall_notified,
        host as event_host,
        pid as event_pid,
        started_at as event_started_at,
        finished_at as event_finished_at,
        event_at
    from {{ source('audit', 'daily_runs') }}
),

final as (
    select
        run_id,
        argMax(event_status, event_at) as status,
        argMax(event_target, event_at) as target,
        argMax(event_steps, event_at) as steps,
        argMax(event_failed_step, event_at) as failed_step,
        argMax(event_exit_code, event_at) as exit_code,
        argMax(event_oncall_notified, event_at) as oncall_notified,
        argMax(event_host, event_at) as host,
        argMax(event_pid, event_at) as pid,
        min(event_started_at) as started_at,
        argMax(event_finished_at, event_at) as finished_at,
        max(event_at) as recorded_at
    from events
    group by run_id
)

select * from final
