with source as (
    {{ latest_committed_rows(source('saas', 'companies'), ['id'], version_column='updated_at') }}
),

renamed as (
    select
        id as company_id,
        working_direction,
        {{ saas_spelling('working_direction') }} as industry_spelling,
        employer_count_interval,
        created_at,
        updated_at,
        billing_tariff_id,
        billing_is_over,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
