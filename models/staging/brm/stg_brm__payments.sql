with source as (
    {{ latest_committed_rows(source('brm', 'payments'), ['payment_id']) }}
),

renamed as (
    select
        payment_id,
        account_id,
        paid_at,
        amount_rub,
        method,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
