{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(company_id, pay_date, billing_id)',
) }}

with billing as (
    select * from {{ ref('stg_saas__billing') }}
),

prices as (
    select * from {{ ref('dim_saas_prices') }}
),

-- Paid rows (docs metric_saas_coverage): the one place the rule is written; the other saas models read it.
paid as (
    select
        billing_id,
        company_id,
        billing_tariff_id,
        billing_tariff_price_id,
        assumeNotNull(pay_date) as paid_at,
        assumeNotNull(payed_until) as paid_until
    from billing
    -- filtered on the columns as delivered (an alias named like its column would be what WHERE reads)
    where is_payed and pay_date is not null and payed_until is not null and payed_until > pay_date
),

final as (
    select
        paid.billing_id as billing_id,
        paid.company_id as company_id,
        paid.billing_tariff_id as billing_tariff_id,
        paid.billing_tariff_price_id as billing_tariff_price_id,
        paid.paid_at as pay_date,
        paid.paid_until as payed_until,
        toDate(paid.paid_at) as covered_from,
        toDate(paid.paid_until) as covered_until,
        prices.price_rub / prices.months as monthly_price,
        prices.price_rub = 0 as is_bonus,
        -- the order of the company's paid rows: by pay_date, then the id as a number
        row_number() over (
            partition by paid.company_id order by paid.paid_at, toUInt64OrZero(paid.billing_id), paid.billing_id
        ) as paid_row_no
    from paid
    left join prices on paid.billing_tariff_price_id = prices.billing_tariff_price_id
)

select * from final
