with source as (
    {{ latest_committed_rows(source('saas', 'billing'), ['id'], version_column='updated_at') }}
),

renamed as (
    select
        id as billing_id,
        company_id,
        user_id,
        billing_tariff_id,
        billing_tariff_price_id,
        created_at,
        updated_at,
        is_payed,
        pay_date,
        payed_until,
        comment,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
