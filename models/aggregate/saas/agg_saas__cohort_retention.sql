{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(cohort_month, months_since_start)',
) }}

with company_months as (
    select * from {{ ref('dtl_saas__company_months') }}
),

subscriptions as (
    select * from {{ ref('dtl_saas__subscriptions') }}
),

as_of as (
    select toStartOfMonth(any(as_of_date)) as as_of_month from subscriptions
),

-- A company's cohort: the month of its first subscription (its `new` month).
cohort_members as (
    select
        company_id,
        report_month as cohort_month
    from company_months
    where movement = 'new'
),

cohort_sizes as (
    select
        cohort_month,
        count() as cohort_size
    from cohort_members
    group by cohort_month
),

-- Every month of every cohort from its first to the as-of month, active members or not.
cohort_spine as (
    select
        cohort_sizes.cohort_month as cohort_month,
        cohort_sizes.cohort_size as cohort_size,
        toUInt32(dateDiff('month', cohort_sizes.cohort_month, as_of.as_of_month) + 1) as months
    from cohort_sizes
    cross join as_of
),

cohort_months as (
    select
        cohort_month,
        cohort_size,
        month_offset as months_since_start
    from cohort_spine
    array join range(months) as month_offset
),

active_members as (
    select
        cohort_members.cohort_month as cohort_month,
        toUInt32(dateDiff('month', cohort_members.cohort_month, company_months.report_month))
            as months_since_start,
        count() as active
    from company_months
    inner join cohort_members on company_months.company_id = cohort_members.company_id
    where company_months.is_active
    group by cohort_month, months_since_start
),

final as (
    select
        cohort_months.cohort_month as cohort_month,
        cohort_months.months_since_start as months_since_start,
        cohort_months.cohort_size as cohort_size,
        coalesce(active_members.active, 0) as active,
        {{ pct('coalesce(active_members.active, 0)', 'cohort_months.cohort_size') }} as retention_pct
    from cohort_months
    left join active_members
        on
            cohort_months.cohort_month = active_members.cohort_month
            and cohort_months.months_since_start = active_members.months_since_start
)

select * from final
