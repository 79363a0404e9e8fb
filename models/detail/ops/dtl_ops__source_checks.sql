-- A view, not a table: each run writes its audit rows after its own build, so only a view shows that run too.
{{ config(materialized='view') }}

with checks as (
    select * from {{ ref('stg_ops__dbt_source_freshness') }}
),

runs as (
    select * from {{ ref('stg_ops__daily_runs') }}
),

final as (
    select
        checks.run_id as run_id,
        runs.started_at as run_started_at,
        runs.target as target,
        checks.unique_id as unique_id,
        checks.source_name as source_name,
        checks.table_name as table_name,
        checks.status as status,
        checks.max_loaded_at as max_loaded_at,
        checks.snapshotted_at as snapshotted_at,
        checks.message as message,
        checks.age_seconds / 3600.0 as age_hours,
        checks.warn_after_seconds / 3600.0 as warn_after_hours,
        checks.error_after_seconds / 3600.0 as error_after_hours,
        toBool(row_number() over (
            partition by runs.target, checks.unique_id order by runs.started_at desc, checks.run_id desc
        ) = 1) as is_latest
    from checks
    inner join runs on checks.run_id = runs.run_id
)

select * from final
