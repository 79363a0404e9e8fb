{{ config(
    materialized='table',
    engine='MergeTree()',
    order_by='(company_id)',
) }}

{%- set on_time_days = var('saas_on_time_days') %}

with companies as (
    select * from {{ ref('stg_saas__companies') }}
),

people as (
    select * from {{ ref('stg_saas__people') }}
),

industries as (
    select * from {{ ref('dim_saas_industries') }}
),

size_buckets as (
    select * from {{ ref('dim_saas_size_buckets') }}
),

paid_rows as (
    select * from {{ ref('dtl_saas__paid_rows') }}
),

subscriptions as (
    select * from {{ ref('dtl_saas__subscriptions') }}
),

company_months as (
    select * from {{ ref('dtl_saas__company_months') }}
),

as_of as (
    select any(as_of_date) as as_of_date from subscriptions
),

subscription_summary as (
    select
        company_id,
        min(started_on) as first_paid_on,
        max(ended_on) as last_ended_on,
        max(is_running) as has_running,
        count() - 1 as reactivations
    from subscriptions
    group by company_id
),

month_summary as (
    select
        company_id,
        countIf(is_active) as months_active,
        argMaxIf(tariff_group, report_month, is_active) as last_tariff_group
    from company_months
    group by company_id
),

-- Each paid row beside the company's previous paid row (for on-time renewals) and its previous non-bonus
-- row of the same tariff (for price increases).
paid_sequence as (
    select
        company_id,
        paid_row_no,
        covered_from,
        lagInFrame(covered_until) over company_rows as previous_covered_until
    from paid_rows
    window company_rows as (
        partition by company_id order by paid_row_no rows between 1 preceding and current row
    )
),

priced_sequence as (
    select
        company_id,
        covered_from,
        monthly_price,
        row_number() over tariff_rows as tariff_row_no,
        lagInFrame(monthly_price) over tariff_rows_pair as previous_monthly_price
    from paid_rows
    where not is_bonus
    window
        tariff_rows as (partition by company_id, billing_tariff_id order by paid_row_no),
        tariff_rows_pair as (
            partition by company_id, billing_tariff_id order by paid_row_no
            rows between 1 preceding and current row
        )
),

renewals as (
    select
        company_id,
        countIf(paid_row_no > 1) as renewals,
        countIf(
            paid_row_no > 1 and dateDiff('day', previous_covered_until, covered_from) <= {{ on_time_days }}
        ) as on_time_renewals
    from paid_sequence
    group by company_id
),

price_increases as (
    select
        company_id,
        min(covered_from) as price_increase_on
    from priced_sequence
    where tariff_row_no > 1 and monthly_price > previous_monthly_price
    group by company_id
),

users as (
    select
        company_id,
        count() as users_active
    from people
    where {{ saas_user_is_active() }}
    group by company_id
),

final as (
    select
        companies.company_id as company_id,
        industries.industry as industry,
        size_buckets.size_bucket as size_bucket,
        companies.created_at as created_at,
        subscription_summary.first_paid_on as first_paid_on,
        month_summary.last_tariff_group as tariff_group,
        price_increases.price_increase_on as price_increase_on,
        if(subscription_summary.has_running, null, subscription_summary.last_ended_on) as churned_on,
        toInt32(dateDiff(
            'day',
            subscription_summary.first_paid_on,
            if(subscription_summary.has_running, as_of.as_of_date, subscription_summary.last_ended_on)
        )) as lifetime_days,
        if(subscription_summary.company_id is null, null, toBool(subscription_summary.has_running)) as is_censored,
        toUInt32(coalesce(subscription_summary.reactivations, 0)) as reactivations,
        toUInt32(coalesce(users.users_active, 0)) as users_active,
        toBool(subscription_summary.company_id is not null and price_increases.company_id is not null)
            as had_price_increase,
        if(
            subscription_summary.company_id is null, null,
            {{ pct('renewals.on_time_renewals', 'renewals.renewals') }}
        ) as on_time_renewal_pct,
        toUInt32(coalesce(month_summary.months_active, 0)) as months_active
    from companies
    cross join as_of
    left join industries on companies.industry_spelling = industries.working_direction
    left join size_buckets on companies.employer_count_interval = size_buckets.employer_count_interval
    left join subscription_summary on companies.company_id = subscription_summary.company_id
    left join month_summary on companies.company_id = month_summary.company_id
    left join renewals on companies.company_id = renewals.company_id
    left join price_increases on companies.company_id = price_increases.company_id
    left join users on companies.company_id = users.company_id
)

select * from final
