with steps as (
    select * from {{ ref('dtl_ops__daily_steps') }}
),

final as (
    select
        run_id,
        run_started_at,
        target,
        position,
        step,
        status,
        reason,
        command,
        exit_code,
        output_tail,
        started_at,
        finished_at,
        seconds
    from steps
)

select * from final
