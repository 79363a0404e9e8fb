with source as (
    {{ latest_committed_rows(source('wfm', 'staff'), ['operator_login', 'valid_from']) }}
),

renamed as (
    select
        operator_login,
        full_name,
        team,
        service_code,
        territory_code,
        rate as rate_fte,
        hired_at,
        fired_at,
        valid_from,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        nullIf(resource_login_id, '') as resource_login_id,
        -- the next version's first day, or NULL for the current version
        any(toNullable(valid_from)) over (
            partition by operator_login order by valid_from
            rows between 1 following and 1 following
        ) as valid_to
    from source
)

select * from renamed
