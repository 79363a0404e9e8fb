with source as (
    {{ latest_committed_rows(source('brm', 'charges'), ['account_id', 'period_month', 'charge_type']) }}
),

-- the billing month arrives as 'YYYY-MM' text; staging keeps it as the Date of the month's first day
typed as (
    select
        account_id,
        charge_type,
        amount_rub,
        _batch_id,
        _loaded_at,
        toDate(concat(period_month, '-01')) as month_start
    from source
),

renamed as (
    select
        account_id,
        month_start as period_month,
        charge_type,
        amount_rub,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from typed
)

select * from renamed
