with source as (
    select * from {{ source('audit', 'dbt_node_results') }}
),

renamed as (
    select
        run_id,
        invocation_id,
        unique_id,
        resource_type,
        node_name,
        status,
        message,
        failures,
        seconds,
        started_at,
        completed_at,
        generated_at
    from source
)

select * from renamed
