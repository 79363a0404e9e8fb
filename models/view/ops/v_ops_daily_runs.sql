with runs as (
    select * from {{ ref('dtl_ops__daily_runs') }}
),

final as (
    select
        run_id,
        status,
        target,
        steps,
        failed_step,
        failed_reason,
        exit_code,
        oncall_notified,
        host,
        started_at,
        finished_at,
        seconds,
        steps_passed,
        steps_failed,
        steps_skipped,
        nodes,
        nodes_failed,
        sources_stale,
        sources_warned
    from runs
)

select * from final
