with companies as (
    select * from {{ ref('dtl_saas__companies') }}
),

final as (
    select
        company_id,
        industry,
        size_bucket,
        created_at,
        first_paid_on,
        churned_on,
        lifetime_days,
        is_censored,
        reactivations,
        users_active,
        tariff_group,
        had_price_increase,
        on_time_renewal_pct,
        months_active,
        price_increase_on
    from companies
)

select * from final
