with source as (
    {{ latest_committed_rows(source('crm', 'script_runs'), ['run_id', 'step_no']) }}
),

renamed as (
    select
        run_id,
        step_no,
        appeal_id,
        script_code,
        started_at,
        finished_at,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        nullIf(step_code, '') as step_code,
        nullIf(result, '') as result
    from source
)

select * from renamed
