with nodes as (
    select * from {{ ref('dtl_ops__node_runs') }}
),

final as (
    select
        run_id,
        run_started_at,
        target,
        unique_id,
        resource_type,
        node_name,
        status,
        seconds,
        rank_in_run,
        previous_seconds,
        {{ pct('seconds - previous_seconds', 'previous_seconds') }} as change_pct
    from nodes
    -- the build's hooks are the project's, not a node's: their time is in the build step's
    where resource_type != 'operation'
)

select * from final
