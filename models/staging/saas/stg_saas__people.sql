with source as (
    {{ latest_committed_rows(source('saas', 'people'), ['user_id'], version_column='updated_at') }}
),

renamed as (
    select
        user_id,
        company_id,
        role_id,
        created_at,
        updated_at,
        is_deleted,
        deleted_at,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
