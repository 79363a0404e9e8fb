{%- set counts = ['company_month_billing', 'company_month_stocks', 'company_month_backups',
                  'company_month_projects', 'company_month_contractors', 'company_month_resource_orders'] -%}
with source as (
    {{ latest_committed_rows(source('saas', 'activities'), ['company_id', 'month']) }}
),

renamed as (
    select
        company_id,
        month as activity_month,
        {{ saas_count('company_month_billing') }} as invoices,
        {{ saas_count('company_month_stocks') }} as stocks,
        {{ saas_count('company_month_backups') }} as backups,
        {{ saas_count('company_month_projects') }} as projects,
        {{ saas_count('company_month_contractors') }} as contractors,
        {{ saas_count('company_month_resource_orders') }} as resource_orders,
        {{ saas_negative_counts(counts) }} as negative_counts,
        _batch_id as batch_id,
        _loaded_at as loaded_at
    from source
)

select * from renamed
