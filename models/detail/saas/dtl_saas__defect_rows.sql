{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(extract, defect, row_key)',
) }}

with billing as (
    select * from {{ ref('stg_saas__billing') }}
),

companies as (
    select * from {{ ref('stg_saas__companies') }}
),

people as (
    select * from {{ ref('stg_saas__people') }}
),

activities as (
    select * from {{ ref('stg_saas__activities') }}
),

superseded as (
    select * from {{ ref('stg_saas__superseded_versions') }}
),

rejected as (
    select * from {{ ref('stg_saas__rejected_rows') }}
),

industries as (
    select * from {{ ref('dim_saas_industries') }}
),

-- The rules of the known defects (SOURCES.md "saas"), each written here once; the codes are those of
-- dim_saas_defects, where each is explained.
billing_defects as (
    select
        billing_id as row_key,
        'payed_until_before_created_at' as defect
    from billing
    where payed_until < created_at
    union all
    select
        billing_id as row_key,
        'paid_without_pay_date' as defect
    from billing
    where is_payed and pay_date is null
    union all
    select
        billing_id as row_key,
        'terms_in_comment' as defect
    from billing
    where notEmpty(ifNull(comment, ''))
    union all
    select
        billing_id as row_key,
        'unpaid_invoice' as defect
    from billing
    where not ifNull(is_payed, false)
),

companies_with_billing as (
    select distinct company_id from billing
),

company_defects as (
    select
        companies.company_id as row_key,
        'no_billing' as defect
    from companies
    where companies.company_id not in (select companies_with_billing.company_id from companies_with_billing)
    union all
    select
        companies.company_id as row_key,
        if(industries.working_direction is null, 'industry_unmapped', 'industry_respelled') as defect
    from companies
    left join industries on companies.industry_spelling = industries.working_direction
    where industries.working_direction is null or companies.working_direction != industries.industry
),

people_defects as (
    select
        people.user_id as row_key,
        'company_missing' as defect
    from people
    where people.company_id is null or people.company_id not in (select companies.company_id from companies)
),

activity_defects as (
    select
        'negative_count' as defect,
        concat(company_id, ' ', toString(activity_month)) as row_key
    from activities
    where negative_counts > 0
),

load_defects as (
    select
        extract,
        'superseded_version' as defect,
        concat(row_key, ' @ ', source, ':', toString(source_row)) as row_key
    from superseded
    union all
    select
        extract,
        'rejected_by_loader' as defect,
        concat(source, ':', toString(source_row)) as row_key
    from rejected
),

-- One union, column for column: the row, its defect, its extract.
defect_rows as (
    select
        row_key,
        defect,
        'billing' as extract
    from billing_defects
    union all
    select
        row_key,
        defect,
        'companies' as extract
    from company_defects
    union all
    select
        row_key,
        defect,
        'people' as extract
    from people_defects
    union all
    select
        row_key,
        defect,
        'activities' as extract
    from activity_defects
    union all
    select
        row_key,
        defect,
        extract
    from load_defects
),

final as (
    select
        extract,
        defect,
        row_key
    from defect_rows
)

select * from final
