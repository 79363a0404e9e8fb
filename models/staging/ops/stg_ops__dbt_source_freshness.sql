with source as (
    select * from {{ source('audit', 'dbt_source_freshness') }}
),

renamed as (
    select
        run_id,
        invocation_id,
        unique_id,
        source_name,
        table_name,
        status,
        max_loaded_at,
        snapshotted_at,
        age_seconds,
        warn_after_seconds,
        error_after_seconds,
        message,
        generated_at
    from source
)

select * from renamed
