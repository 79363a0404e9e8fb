with source as (
    {{ latest_committed_rows(source('smart', 'online'), ['cabinet', 'version_date', 'client', 'login']) }}
),

renamed as (
    select
        cabinet,
        version_date,
        client,
        url,
        login,
        has_password,
        catalog,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
