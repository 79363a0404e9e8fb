{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(company_id, pay_date, billing_id)',
) }}

{%- set as_of_literal = "toDate('" ~ var('saas_as_of') ~ "')" if var('saas_as_of') else 'null' %}

with billing as (
    select * from {{ ref('stg_saas__billing') }}
),

prices as (
    select * from {{ ref('dim_saas_prices') }}
),

-- The as-of date (docs metric_saas_as_of): declared here once, with the billing it lets count; the other saas
-- models read it from this one (through dtl_saas__subscriptions).
as_of as (
    select assumeNotNull(coalesce({{ as_of_literal }}, max(toDate(created_at)))) as as_of_date
    from billing
),

-- Paid rows (docs metric_saas_coverage) as the billing stood at the end of the as-of day: created and paid by
-- then. The one place the rule is written; the other saas models read it.
paid as (
    select
        billing.billing_id as billing_id,
        billing.company_id as company_id,
        billing.billing_tariff_id as billing_tariff_id,
        billing.billing_tariff_price_id as billing_tariff_price_id,
        as_of.as_of_date as as_of_date,
        assumeNotNull(billing.pay_date) as paid_at,
        assumeNotNull(billing.payed_until) as paid_until
    from billing
    cross join as_of
    -- filtered on the columns as delivered (an alias named like its column would be what WHERE reads)
    where
        billing.is_payed
        and billing.pay_date is not null
        and billing.payed_until is not null
        and billing.payed_until > billing.pay_date
        and toDate(billing.created_at) <= as_of.as_of_date
        and toDate(billing.pay_date) <= as_of.as_of_date
),

final as (
    select
        paid.billing_id as billing_id,
        paid.company_id as company_id,
        paid.billing_tariff_id as billing_tariff_id,
        paid.billing_tariff_price_id as billing_tariff_price_id,
        paid.paid_at as pay_date,
        paid.paid_until as payed_until,
        paid.as_of_date as as_of_date,
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
