{#- Every version billing delivered, not only the latest: the same rule as stg_brm__accounts, per version. -#}
with source as (
    {{ latest_committed_rows(source('brm', 'accounts'), ['account_id', 'updated_at']) }}
),

renamed as (
    select
        account_id,
        customer_id,
        territory_code,
        product_code,
        activated_at,
        deactivated_at,
        status,
        updated_at,
        _batch_id as batch_id,
        _loaded_at as loaded_at,
        nullIf(tariff_code, '') as tariff_code
    from source
)

select * from renamed
