with source as (
    select * from {{ source('audit', 'daily_steps') }}
),

renamed as (
    select
        run_id,
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
    from source
)

select * from renamed
