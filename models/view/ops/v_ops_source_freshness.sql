with checks as (
    select * from {{ ref('dtl_ops__source_checks') }}
),

final as (
    select
        run_id,
        run_started_at,
        target,
        source_name,
        table_name,
        status,
        max_loaded_at,
        snapshotted_at,
        age_hours,
        warn_after_hours,
        error_after_hours,
        message,
        is_latest
    from checks
)

select * from final
