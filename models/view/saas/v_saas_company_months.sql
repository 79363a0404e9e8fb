with company_months as (
    select * from {{ ref('dtl_saas__company_months') }}
),

final as (
    select
        company_id,
        report_month,
        movement,
        mrr,
        previous_mrr,
        billing_tariff_id,
        tariff_group,
        users_active,
        invoices,
        stocks,
        backups,
        projects,
        contractors,
        resource_orders,
        is_active
    from company_months
)

select * from final
