-- A view, not a table: each run writes its audit rows after its own build, so only a view shows that run too.
{{ config(materialized='view') }}

with runs as (
    select * from {{ ref('stg_ops__daily_runs') }}
),

steps as (
    select
        run_id,
        countIf(status = 'passed') as steps_passed,
        countIf(status in ('failed', 'stale')) as steps_failed,
        countIf(status = 'skipped') as steps_skipped,
        argMaxIf(reason, position, status in ('failed', 'stale')) as failed_reason
    from {{ ref('stg_ops__daily_steps') }}
    group by run_id
),

nodes as (
    select
        run_id,
        count() as nodes,
        countIf(status not in ('success', 'pass', 'warn', 'no-op')) as nodes_failed
    from {{ ref('stg_ops__dbt_node_results') }}
    group by run_id
),

sources as (
    select
        run_id,
        countIf(status = 'error') as sources_stale,
        countIf(status = 'warn') as sources_warned
    from {{ ref('stg_ops__dbt_source_freshness') }}
    group by run_id
),

final as (
    select
        runs.run_id as run_id,
        runs.status as status,
        runs.target as target,
        runs.steps as steps,
        runs.failed_step as failed_step,
        runs.exit_code as exit_code,
        runs.oncall_notified as oncall_notified,
        runs.host as host,
        runs.pid as pid,
        runs.started_at as started_at,
        runs.finished_at as finished_at,
        nodes.nodes as nodes,
        nodes.nodes_failed as nodes_failed,
        sources.sources_stale as sources_stale,
        sources.sources_warned as sources_warned,
        ifNull(steps.failed_reason, '') as failed_reason,
        dateDiff('millisecond', runs.started_at, runs.finished_at) / 1000.0 as seconds,
        ifNull(steps.steps_passed, 0) as steps_passed,
        ifNull(steps.steps_failed, 0) as steps_failed,
        ifNull(steps.steps_skipped, 0) as steps_skipped
    from runs
    left join steps on runs.run_id = steps.run_id
    left join nodes on runs.run_id = nodes.run_id
    left join sources on runs.run_id = sources.run_id
)

select * from final
