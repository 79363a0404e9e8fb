-- A view, not a table: each run writes its audit rows after its own build, so only a view shows that run too.
{{ config(materialized='view') }}

with steps as (
    select * from {{ ref('stg_ops__daily_steps') }}
),

runs as (
    select * from {{ ref('stg_ops__daily_runs') }}
),

final as (
    select
        steps.run_id as run_id,
        runs.started_at as run_started_at,
        runs.target as target,
        steps.position as position,
        steps.step as step,
        steps.status as status,
        steps.reason as reason,
        steps.command as command,
        steps.exit_code as exit_code,
        steps.output_tail as output_tail,
        steps.started_at as started_at,
        steps.finished_at as finished_at,
        steps.seconds as seconds
    from steps
    inner join runs on steps.run_id = runs.run_id
)

select * from final
