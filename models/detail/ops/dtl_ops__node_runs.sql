-- A view, not a table: each run writes its audit rows after its own build, so only a view shows that run too.
{{ config(materialized='view') }}

with nodes as (
    select * from {{ ref('stg_ops__dbt_node_results') }}
),

runs as (
    select * from {{ ref('stg_ops__daily_runs') }}
),

joined as (
    select
        nodes.run_id as run_id,
        runs.started_at as run_started_at,
        runs.target as target,
        nodes.unique_id as unique_id,
        nodes.resource_type as resource_type,
        nodes.node_name as node_name,
        nodes.status as status,
        nodes.message as message,
        nodes.failures as failures,
        nodes.seconds as seconds
    from nodes
    inner join runs on nodes.run_id = runs.run_id
),

final as (
    select
        *,
        -- the node's previous run on the same target: how its time grows from run to run
        lagInFrame(toNullable(seconds)) over (
            partition by target, unique_id order by run_started_at, run_id
            rows between unbounded preceding and current row
        ) as previous_seconds,
        row_number() over (
            partition by run_id, resource_type order by seconds desc, unique_id asc
        ) as rank_in_run
    from joined
)

select * from final
